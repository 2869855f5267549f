"""When a planned movie night starts, from a few typed words in five languages: "fri 20:00",
"tomorrow 21:30", "in 2h", "20:00", "пятница 20:00", "mañana 21:30", "sexta 20h", "Freitag 20 Uhr".

`parse_when(text, now)` finds a time phrase anywhere in `text` and returns `When(at, rest)`: the
start as an aware datetime in `now`'s time zone and the words it did not use (a movie night's
filter words, "/movienight fri 20:00 comedy"), or None when the text names no time.

Decisions, so that the bot and its users can rely on them:

* A day: today/tonight, tomorrow, the day after tomorrow, or a weekday (full or short), in
  English, Russian, Spanish, Portuguese and German ("fri", "friday", "пт", "пятницу", "viernes",
  "sexta-feira", "Fr", "Freitag"). A weekday is its next occurrence: today when the time is still
  ahead, otherwise a week later. Words are compared folded (case, accents: "sábado" = "sabado").
* A clock time: "20:00", "20.00", "8pm", "8:30pm", "20h", "20h30", "20 Uhr". Alone it is its next
  occurrence (today, or tomorrow once it has passed). A day without a time is at 20:00
  (`DEFAULT_HOUR`).
* A delay: "in 2h", "in 90m", "in 1h30", "in 2 hours", "через 2 часа", "en 2 horas", "em 2h",
  "daqui a 2h", "in 2 Stunden": that long from `now` in absolute time.
* Filler words next to a time are dropped ("at", "on", "в", "a las", "às", "um", "am").
* Times are wall-clock times in the zone: across a change of the clocks, "sun 20:00" is still
  20:00 on Sunday's clock. A time that does not exist that day (skipped by a spring change) is
  moved forward by the gap; an ambiguous one (an autumn change) is the first of the two.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

DEFAULT_HOUR = 20


def _words(text: str) -> list[str]:
    return text.split()


_WEEKDAYS: dict[str, int] = {}
for _day, _names in enumerate(
    (
        "mon monday пн понедельник lun lunes seg segunda segunda-feira mo montag",
        "tue tues tuesday вт вторник mar martes ter terca terca-feira di dienstag",
        "wed wednesday ср среда среду mie miercoles qua quarta quarta-feira mi mittwoch",
        "thu thur thurs thursday чт четверг jue jueves qui quinta quinta-feira do donnerstag",
        "fri friday пт пятница пятницу vie viernes sex sexta sexta-feira fr freitag",
        "sat saturday сб суббота субботу sab sabado sa samstag",
        "sun sunday вс воскресенье dom domingo so sonntag",
    )
):
    for _word in _names.split():
        _WEEKDAYS[_word] = _day

_RELATIVE_DAYS = {
    **dict.fromkeys(_words("today tonight сегодня hoy hoje heute"), 0),
    **dict.fromkeys(_words("tomorrow tmrw завтра manana amanha morgen"), 1),
    **dict.fromkeys(_words("послезавтра pasado-manana depois-de-amanha ubermorgen"), 2),
}
# Words that introduce a delay ("in 2h") and fillers dropped next to a day or a time.
_IN = frozenset(_words("in через en em dentro daqui"))
_FILLERS = frozenset(
    _words("at on the this next в во на a las la de às as a o um am nachste diesen kommenden")
)
_UNITS = {
    **dict.fromkeys(
        _words("h hr hrs hour hours ч час часа часов hora horas std stunde stunden"), 60
    ),
    **dict.fromkeys(_words("m min mins minute minutes мин минут минуты minuto minutos minuten"), 1),
}
_CLOCK = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")
_CLOCK_H = re.compile(r"^(\d{1,2})h(\d{2})?$")


@dataclass(frozen=True)
class When:
    """A planned start (aware, in the zone of `now`) and the words left over."""

    at: datetime
    rest: str


def fold(word: str) -> str:
    """Lower-cased without accents ("Sábado" → "sabado", "ё" → "е")."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) or c == "\u0306")
    return unicodedata.normalize("NFC", kept)


def wall_clock(day: date, at: time, zone: tzinfo) -> datetime:
    """`day` at `at` on the zone's clock: a skipped time moves forward by the gap, an ambiguous
    one is the first (fold 0)."""
    naive = datetime.combine(day, at)
    local = naive.replace(tzinfo=zone)
    back = local.astimezone(UTC).astimezone(zone)
    if back.replace(tzinfo=None) != naive:  # a time the clocks skipped: the same instant after
        return back
    return local


def _clock(tokens: list[str], i: int) -> tuple[time, int] | None:
    """A clock time at tokens[i] (one token, or two: "8 pm", "20 uhr"); (time, tokens used)."""
    word = tokens[i]
    after = tokens[i + 1] if i + 1 < len(tokens) else ""
    if after in ("am", "pm", "uhr") and word.isdigit():
        word, used = word + (after if after != "uhr" else ""), 2
    else:
        used = 1
    found = _CLOCK.match(word) or _CLOCK_H.match(word)
    if found is None:
        return None
    if found.re is _CLOCK and found.group(2) is None and found.group(3) is None and used == 1:
        return None  # a bare number is not a time ("top 5", "2010")
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    meridiem = found.group(3) if found.re is _CLOCK else None
    if meridiem is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute), used


def _delay(tokens: list[str], i: int) -> tuple[timedelta, int] | None:
    """ "in 2h", "in 2 hours", "in 1h30", "через 2 часа", "daqui a 2h" at tokens[i]."""
    j = i + 1
    if tokens[i] == "dentro" and j < len(tokens) and tokens[j] == "de":
        j += 1
    if tokens[i] == "daqui" and j < len(tokens) and tokens[j] == "a":
        j += 1
    minutes, used_any = 0, False
    while j < len(tokens):
        found = re.match(r"^(\d{1,3})([a-zа-я]*)(\d{0,2})([a-z]*)$", tokens[j])
        if found is None:
            break
        amount, unit, extra, extra_unit = found.groups()
        step = 1
        if not unit and j + 1 < len(tokens) and tokens[j + 1] in _UNITS:
            unit, step = tokens[j + 1], 2
        if unit not in _UNITS or (extra and extra_unit not in ("", "m", "min")):
            break
        minutes += int(amount) * _UNITS[unit] + (int(extra) if extra else 0)
        used_any = True
        j += step
    if not used_any or minutes <= 0 or minutes > 60 * 24 * 14:
        return None
    return timedelta(minutes=minutes), j - i


def parse_when(text: str, now: datetime) -> When | None:
    """The planned start named in `text` (see the module's rules), or None."""
    if now.tzinfo is None:
        raise ValueError("now must be aware (the group's time zone)")
    raw = text.split()
    tokens = [fold(w).strip(",;!?") for w in raw]
    used = [False] * len(tokens)
    day: int | None = None  # days from today
    weekday: int | None = None
    clock: time | None = None
    delay: timedelta | None = None
    i = 0
    while i < len(tokens):
        word = tokens[i]
        if word in _IN and delay is None and (found := _delay(tokens, i)) is not None:
            delay, n = found
        elif word in _RELATIVE_DAYS and day is None and weekday is None:
            day, n = _RELATIVE_DAYS[word], 1
        elif word in _WEEKDAYS and day is None and weekday is None and _weekday_ok(tokens, i):
            weekday, n = _WEEKDAYS[word], 1
        elif clock is None and (found_clock := _clock(tokens, i)) is not None:
            clock, n = found_clock
        else:
            i += 1
            continue
        for k in range(i, i + n):
            used[k] = True
        i += n
    if delay is None and day is None and weekday is None and clock is None:
        return None
    if delay is not None and (day is not None or weekday is not None or clock is not None):
        return None  # "in 2h" and "fri 20:00" at once: not one time
    # fillers just before what was used go with it ("at 20:00", "a las 21:30", "в пятницу")
    for k in range(len(tokens) - 2, -1, -1):
        if tokens[k] in _FILLERS and not used[k] and used[k + 1]:
            used[k] = True
    rest = " ".join(w for w, u in zip(raw, used, strict=True) if not u)
    if delay is not None:
        return When((now.astimezone(UTC) + delay).astimezone(now.tzinfo), rest)
    zone = now.tzinfo
    today = now.date()
    hour = clock or time(DEFAULT_HOUR, 0)
    if weekday is not None:
        ahead = (weekday - today.weekday()) % 7
        start = wall_clock(today + timedelta(days=ahead), hour, zone)
        if start <= now:
            start = wall_clock(today + timedelta(days=ahead + 7), hour, zone)
    elif day is not None:
        start = wall_clock(today + timedelta(days=day), hour, zone)
    else:
        start = wall_clock(today, hour, zone)
        if start <= now:
            start = wall_clock(today + timedelta(days=1), hour, zone)
    return When(start, rest)


def _weekday_ok(tokens: list[str], i: int) -> bool:
    """Short weekday words that are also common words ("do", "so", "mar", "sex", "mi", "di",
    "sa", "qua", "ter", "dom", "mo") count only next to a clock time."""
    if tokens[i] not in _AMBIGUOUS:
        return True
    near = [tokens[j] for j in (i - 1, i + 1, i + 2) if 0 <= j < len(tokens)]
    return any(_clock(near, k) is not None for k in range(len(near)))


_AMBIGUOUS = frozenset(_words("do so mar sex mi di sa qua ter dom mo sab seg qui"))
