"""Callback data: short, self-describing strings that stay valid across restarts.

Telegram gives a button 64 bytes of data and sends them back verbatim when it is pressed, from any
client, so the data must say everything needed (no server-side cache that a restart would lose) and
must be checked like any other input. Formats:

    r:+:2571   like movie 2571          r:-:2571   dislike movie 2571
    u:2571     undo my rating of 2571   h:2571     hide 2571 ("not interested")
    m:5        my picks from offset 5   g:5        the group's picks from offset 5
    x:2571:0   remove 2571 from /ratings (then show page 0)      p:1   /ratings page 1
    z:y / z:n  confirm / cancel /reset  d:y / d:n  confirm / cancel /deletemydata
    m:5:<f>    more picks with a filter  f:<f>  my picks with a filter (<f>: see `filter_code`)
    k:g:<f>    genre chips ("k:d:" decades), keeping the other half of the filter <f>
    s:2571     save 2571 for later      w:2571   "watched it" (asks 👍 / 👎)
    v:2571:0   remove 2571 from the watchlist (then page 0)     l:1   watchlist page 1
    n:i / n:o  I'm in / not tonight     n:p      pick for us (the roster is the pressed message)
    q:v        put the picks to a vote  q:c      close the vote
    o:+:2571   first questions: liked it (o:-: didn't, o:0: haven't seen)   o:p   show my picks
    o:n        first questions: the next question (the films left unanswered: haven't seen)
    y:ru       speak Russian (y:en, y:es, y:pt-BR, y:de)       y:auto   follow Telegram's language
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from movierec.filters import GENRES, Filter

MAX_MOVIE_ID = 10_000_000
MAX_OFFSET = 200
MAX_PAGE = 1_000


class Kind(StrEnum):
    """What a button does: the one source of truth for the prefixes of callback data."""

    RATE = "r"
    UNDO = "u"
    HIDE = "h"
    MORE = "m"
    GROUP_MORE = "g"
    REMOVE = "x"
    PAGE = "p"
    RESET = "z"
    DELETE = "d"
    FILTER = "f"
    CHIPS = "k"
    SAVE = "s"
    WATCHED = "w"
    UNSAVE = "v"
    WATCH_PAGE = "l"
    NIGHT = "n"
    VOTE = "q"
    LANGUAGE = "y"
    ONBOARD = "o"


# A filter in a button: genre bitmask (hex, over movierec.filters.GENRES), first year, last year.
_CODE = r"([0-9a-f]{0,5}\.(?:[0-9]{4})?\.(?:[0-9]{4})?)"


# [0-9], not \d: \d also matches other scripts' digits ("٣"), which no button of ours carries.
_PATTERNS = {
    Kind.RATE: re.compile(r"r:([+-]):([0-9]{1,8})"),
    Kind.UNDO: re.compile(r"u:([0-9]{1,8})"),
    Kind.HIDE: re.compile(r"h:([0-9]{1,8})"),
    Kind.MORE: re.compile(r"m:([0-9]{1,3})(?::" + _CODE + ")?"),
    Kind.GROUP_MORE: re.compile(r"g:([0-9]{1,3})(?::" + _CODE + ")?"),
    Kind.REMOVE: re.compile(r"x:([0-9]{1,8}):([0-9]{1,4})"),
    Kind.PAGE: re.compile(r"p:([0-9]{1,4})"),
    Kind.RESET: re.compile(r"z:([yn])"),
    Kind.DELETE: re.compile(r"d:([yn])"),
    Kind.FILTER: re.compile(r"f:" + _CODE + "?"),
    Kind.CHIPS: re.compile(r"k:([gd]):" + _CODE + "?"),
    Kind.SAVE: re.compile(r"s:([0-9]{1,8})"),
    Kind.WATCHED: re.compile(r"w:([0-9]{1,8})"),
    Kind.UNSAVE: re.compile(r"v:([0-9]{1,8}):([0-9]{1,4})"),
    Kind.WATCH_PAGE: re.compile(r"l:([0-9]{1,4})"),
    Kind.NIGHT: re.compile(r"n:([iop])"),
    Kind.VOTE: re.compile(r"q:([vc])"),
    Kind.LANGUAGE: re.compile(r"y:(auto|en|ru|es|pt-BR|de)"),
    Kind.ONBOARD: re.compile(r"o:(?:([+0-]):([0-9]{1,8})|([pn]))"),
}


@dataclass(frozen=True)
class Action:
    """A decoded button press."""

    kind: Kind
    movie_id: int = 0
    value: float = 0.0  # +1 / -1 for ratings
    number: int = 0  # offset or page
    confirm: bool = False
    code: str = ""  # a filter (see `filter_code`), "" for none
    flag: str = ""  # which of a few choices: chips g/d, roster i/o/p, vote v/c, a language


def decode(data: str | None) -> Action | None:
    """The action a button carries, or None for anything malformed, forged or out of range."""
    if not data or len(data.encode()) > 64:
        return None
    try:
        kind = Kind(data.split(":", 1)[0])
    except ValueError:
        return None
    match = _PATTERNS[kind].fullmatch(data)
    if not match:
        return None
    groups = match.groups()
    if kind is Kind.RATE:
        action = Action(kind, movie_id=int(groups[1]), value=1.0 if groups[0] == "+" else -1.0)
    elif kind in (Kind.UNDO, Kind.HIDE, Kind.SAVE, Kind.WATCHED):
        action = Action(kind, movie_id=int(groups[0]))
    elif kind in (Kind.MORE, Kind.GROUP_MORE):
        action = Action(kind, number=int(groups[0]), code=groups[1] or "")
    elif kind in (Kind.PAGE, Kind.WATCH_PAGE):
        action = Action(kind, number=int(groups[0]))
    elif kind in (Kind.REMOVE, Kind.UNSAVE):
        action = Action(kind, movie_id=int(groups[0]), number=int(groups[1]))
    elif kind is Kind.FILTER:
        action = Action(kind, code=groups[0] or "")
    elif kind is Kind.CHIPS:
        action = Action(kind, flag=groups[0], code=groups[1] or "")
    elif kind is Kind.ONBOARD:
        answer, movie, picks = groups
        value = {"+": 1.0, "-": -1.0}.get(answer or "", 0.0)
        action = Action(kind, movie_id=int(movie or 0), value=value, flag=picks or answer)
    elif kind in (Kind.NIGHT, Kind.VOTE, Kind.LANGUAGE):
        action = Action(kind, flag=groups[0])
    else:
        action = Action(kind, confirm=groups[0] == "y")
    if not 0 <= action.movie_id <= MAX_MOVIE_ID:
        return None
    if kind in (Kind.MORE, Kind.GROUP_MORE) and (action.number > MAX_OFFSET or action.number % 5):
        return None
    if kind in (Kind.REMOVE, Kind.PAGE, Kind.UNSAVE, Kind.WATCH_PAGE) and action.number > MAX_PAGE:
        return None
    if action.code and decode_filter(action.code) is None:
        return None
    return action


def rate(movie_id: int, value: float) -> str:
    return f"r:{'+' if value > 0 else '-'}:{movie_id}"


def undo(movie_id: int) -> str:
    return f"u:{movie_id}"


def hide(movie_id: int) -> str:
    return f"h:{movie_id}"


def more(offset: int, group: bool = False, code: str = "") -> str:
    kind = Kind.GROUP_MORE if group else Kind.MORE
    return f"{kind}:{offset}:{code}" if code else f"{kind}:{offset}"


def filtered(code: str) -> str:
    return f"{Kind.FILTER}:{code}"


def chips(which: str, code: str) -> str:
    return f"{Kind.CHIPS}:{which}:{code}"


def save(movie_id: int) -> str:
    return f"{Kind.SAVE}:{movie_id}"


def watched(movie_id: int) -> str:
    return f"{Kind.WATCHED}:{movie_id}"


def unsave(movie_id: int, page: int) -> str:
    return f"{Kind.UNSAVE}:{movie_id}:{page}"


def watch_page(number: int) -> str:
    return f"{Kind.WATCH_PAGE}:{number}"


def night(choice: str) -> str:
    return f"{Kind.NIGHT}:{choice}"


def vote(choice: str) -> str:
    return f"{Kind.VOTE}:{choice}"


def language(code: str | None) -> str:
    """A /language button: one of `bot.i18n.LOCALES`, or None for "follow Telegram"."""
    return f"{Kind.LANGUAGE}:{code or 'auto'}"


def filter_code(wanted: Filter | None) -> str:
    """A filter in a dozen bytes: genre bitmask (hex), first year, last year ("" for none)."""
    if wanted is None or wanted.is_empty():
        return ""
    bits = sum(1 << i for i, genre in enumerate(GENRES) if genre in wanted.genres)
    first = "" if wanted.year_from is None else f"{wanted.year_from:04d}"
    last = "" if wanted.year_to is None else f"{wanted.year_to:04d}"
    return f"{bits:x}.{first}.{last}" if bits else f".{first}.{last}"


def decode_filter(code: str) -> Filter | None:
    """The filter a code stands for; None for a malformed one (empty code: no filter)."""
    if not code:
        return Filter()
    match = re.fullmatch(_CODE, code)
    if match is None:
        return None
    bits, first, last = code.split(".")
    mask = int(bits, 16) if bits else 0
    if mask >> len(GENRES):
        return None
    genres = frozenset(g for i, g in enumerate(GENRES) if mask >> i & 1)
    return Filter(genres, int(first) if first else None, int(last) if last else None)


def remove(movie_id: int, page: int) -> str:
    return f"x:{movie_id}:{page}"


def page(number: int) -> str:
    return f"p:{number}"


def confirm(kind: Kind, yes: bool) -> str:
    return f"{kind}:{'y' if yes else 'n'}"


def answer(movie_id: int, value: float | None) -> str:
    """A first-question answer: liked (+1), disliked (-1), haven't seen (None)."""
    sign = "0" if value is None else ("+" if value > 0 else "-")
    return f"{Kind.ONBOARD}:{sign}:{movie_id}"


def show_picks() -> str:
    return f"{Kind.ONBOARD}:p"


def skip() -> str:
    """The next first question: whatever this one showed and got no answer was not seen."""
    return f"{Kind.ONBOARD}:n"
