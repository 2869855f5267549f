"""Free words to a `Filter`: the tokenizer, the rules (decades, ranges, bounds, genre phrases,
fillers) and the check for titles made of filter words. The rules are described in
`movierec.filters`; the words come from `movierec.filters.lexicon`, so nothing here is specific to
one language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from movierec.filters.lexicon import PREPOSITIONS, Phrase, fold, load
from movierec.filters.model import Filter, Parsed

LATEST_YEAR = 2018  # newest year in ml-latest-small; the bot passes its catalogue's own
RECENT_YEARS = 10  # "recent" = the last ten years of the catalogue
OLD_UNTIL = 1970  # "old", "classic": up to and including this year
MIN_YEAR, MAX_YEAR = 1880, 2099  # four-digit numbers outside this are not years

LEXICON = load()

# --- folding and words -------------------------------------------------------------------------

_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−﹣－"), "-")
_APOSTROPHES = dict.fromkeys(map(ord, "’‘ʼ`´′"), "'")


def _clean(text: str) -> str:
    """NFC, one kind of dash and apostrophe, no invisible format characters (RTL marks, ZWJ)."""
    text = unicodedata.normalize("NFC", text).translate(_DASHES).translate(_APOSTROPHES)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


# Decade shapes first ("80s", "'80s", "1980s", "80-х", "80-е", "80er", "80er-Jahre", "80ies": the
# lexicon's decade suffixes), then plain ASCII numbers (a year followed by "+" means "and later"),
# then words (letters, with inner hyphens and apostrophes: "sci-fi", "что-нибудь", "children's"),
# then a lone dash (ranges), then anything else word-like (digits of other scripts), which is never
# understood.
_SUFFIX = f"(?:{LEXICON.decade_suffix})"
_TOKEN = re.compile(
    rf"'?[0-9]{{2}}(?:[0-9]{{2}})?'?{_SUFFIX}(?![^\W_])"
    r"|[0-9]+\+?(?![^\W_])"
    r"|[^\W\d_]+(?:['-][^\W\d_]+)*"
    r"|-"
    r"|[^\W_]+"
)
_DECADE_TOKEN = re.compile(rf"([0-9]{{2}}|[0-9]{{4}}){_SUFFIX}$")
_PREPOSITION_STARTS = {phrase[0] for kind in LEXICON.prepositions.values() for phrase in kind}


@dataclass(frozen=True)
class _Word:
    text: str  # as typed
    key: str  # folded


def _words(text: str) -> list[_Word]:
    return [_Word(m.group(), fold(m.group())) for m in _TOKEN.finditer(_clean(text))]


# --- parsing -----------------------------------------------------------------------------------

_Time = tuple[int | None, int | None, str, int]  # lo, hi, kind, index after it


def _decade_start(digits: str) -> int:
    n = int(digits)
    if len(digits) == 4:
        return n - n % 10
    return (2000 if n < 30 else 1900) + n - n % 10


def _year(key: str) -> int | None:
    if len(key) == 4 and key.isascii() and key.isdigit() and MIN_YEAR <= int(key) <= MAX_YEAR:
        return int(key)
    return None


def _two_digits(key: str) -> bool:
    return len(key) == 2 and key.isascii() and key.isdigit()


class _Parser:
    """Left to right over the folded words: time expressions, genre phrases, fillers, the rest.

    Years and decades the person names are a union (`spans`); bounds ("before", "since",
    "recent", ...) intersect (`bounds`). A plain year is held back in `lone_years` until the end,
    when it is known whether it had company (see the module docstring).
    """

    def __init__(self, keys: list[str], latest_year: int):
        self.keys = keys
        self.latest = latest_year
        self.genres: set[str] = set()
        self.spans: list[tuple[int | None, int | None]] = []
        self.bounds: list[tuple[int | None, int | None]] = []
        self.lone_years: list[tuple[int, int]] = []  # (position, year)
        self.rest: list[int] = []
        self.recent = False  # a "recent" word was read
        self.fillers = 0
        self.filters = 0

    def key(self, i: int) -> str:
        return self.keys[i] if 0 <= i < len(self.keys) else ""

    def says(self, i: int, phrase: Phrase) -> bool:
        """The words from `i` on begin with `phrase`."""
        return tuple(self.keys[i : i + len(phrase)]) == phrase

    def atom(self, i: int) -> _Time | None:
        """One year or decade at `i`, with its lead-ins ("the", "los", "anos", "early", "mid-").

        Kinds: "year", "decade", and "bare" for a two-digit number without a lead-in ("80"), which
        only counts inside a range ("80-90-х").
        """
        j = i
        modifier = LEXICON.modifiers.get(self.key(j))
        if modifier is not None:
            j += 1
        intro = False
        while True:
            key = self.key(j)
            if key in LEXICON.decade_intro:
                intro = True
            elif not (
                key in LEXICON.articles
                or key == "-"
                or (key in LEXICON.decade_links and (intro or modifier is not None))
            ):
                break
            j += 1
        key = self.key(j)
        if match := _DECADE_TOKEN.match(key):
            start = _decade_start(match.group(1))
            lo, hi, kind = start, start + 9, "decade"
        elif key in LEXICON.decades:
            start = LEXICON.decades[key]
            lo, hi, kind = start, start + 9, "decade"
        elif (year := _year(key.removesuffix("+"))) is not None:
            if intro and year % 10 == 0 and not key.endswith("+"):  # "anos 2000": the 2000s
                lo, hi, kind = year, year + 9, "decade"
            else:
                lo, hi, kind = year, year, "year"
        elif _two_digits(key):
            start = _decade_start(key)
            lo, hi, kind = start, start + 9, "decade" if intro else "bare"
        else:
            return None
        if modifier is not None:
            if kind != "decade":
                return None
            lo, hi = start + modifier[0], start + modifier[1]
        return lo, hi, kind, j + 1

    def time(self, i: int) -> _Time | None:
        """A time atom, a range ("2000-2005", "2000 to 2005", "1995-99", "80-90-х") or "2010+"."""
        first = self.atom(i)
        if first is None:
            return None
        lo, hi, kind, j = first
        if self.key(j) in LEXICON.separators and (second := self.atom(j + 1)) is not None:
            lo2, hi2, kind2, k = second
            if kind2 == "bare" and kind == "year":  # "1995-99": same century
                assert lo is not None
                lo2 = hi2 = lo - lo % 100 + int(self.key(k - 1))
                kind2 = "year"
            if "decade" in (kind, kind2) and "year" not in (kind, kind2):
                kind = kind2 = "decade"  # "80-90-х", "anos 80 e 90": both are decades
                lo, hi = _decade_start(self.key(j - 1)[:2]) if kind == "bare" else lo, hi
            if "bare" not in (kind, kind2) and None not in (lo, hi, lo2, hi2):
                return min(lo, lo2), max(hi, hi2), "range", k  # type: ignore[type-var]
        if kind == "bare":
            return None
        if self.key(j - 1).endswith("+"):
            return lo, None, "since", j
        for phrase in LEXICON.onward:
            if self.says(j, phrase):
                return lo, None, "since", j + len(phrase)
        return lo, hi, kind, j

    def run(self) -> None:
        i = 0
        while i < len(self.keys):
            i = self.step(i)
        # A plain year counts with another filter word, or with fillers when nothing is unknown.
        keep_years = self.filters > 0 or (self.fillers > 0 and not self.rest)
        for position, year in self.lone_years:
            if keep_years:
                self.spans.append((year, year))
            else:
                self.rest.append(position)

    def step(self, i: int) -> int:
        key = self.keys[i]
        if key == "-":
            return i + 1  # punctuation outside a range
        if key in LEXICON.negations:
            return self.negation(i)
        if (found := self.preposition(i)) is not None:
            return found
        if (found_time := self.time(i)) is not None:
            lo, hi, kind, j = found_time
            if kind == "year":
                assert lo is not None
                self.lone_years.append((j - 1, lo))
                self.fillers += j - 1 - i  # its lead-ins ("the")
            elif kind == "since":
                self.bounds.append((lo, None))
                self.filters += 1
            else:
                self.spans.append((lo, hi))
                self.filters += 1
            return j
        for length in range(min(LEXICON.genre_max_len, len(self.keys) - i), 0, -1):
            genres = LEXICON.genres.get(tuple(self.keys[i : i + length]))
            if genres is not None:
                self.genres |= genres
                self.filters += 1
                return i + length
        if key in LEXICON.recent:
            self.bounds.append(recent_years(self.latest))
            self.recent = True
            self.filters += 1
        elif key in LEXICON.old:
            self.bounds.append((None, OLD_UNTIL))
            self.filters += 1
        elif key in LEXICON.fillers or key.replace("-", "") in LEXICON.fillers:
            self.fillers += 1
        else:
            self.rest.append(i)
        return i + 1

    def negation(self, i: int) -> int:
        """ "no horror", "без ужасов", "sin terror", "kein Horror": a filter cannot exclude, so the
        negation and what it negates go to `rest` rather than becoming their opposite."""
        j = i + 1
        while self.key(j) in LEXICON.fillers and self.key(j) not in LEXICON.articles:
            j += 1
        probe = _Parser(self.keys, self.latest)
        end = probe.step(j) if j < len(self.keys) else j
        if probe.filters == 0:
            self.rest.append(i)  # "no" alone, or "no country for old men": an unknown word
            return i + 1
        self.rest.extend(range(i, end))
        return end

    def preposition(self, i: int) -> int | None:
        """ "before 1980", "antes de los 80", "up to 2000", "с 2010 по 2015": the index after it."""
        if self.keys[i] not in _PREPOSITION_STARTS:
            return None
        for kind in PREPOSITIONS:
            said = [len(p) for p in LEXICON.prepositions[kind] if self.says(i, p)]
            if not said:
                continue
            j = i + max(said)
            while self.key(j) in LEXICON.preposition_skip and self.atom(j) is None:
                j += 1
            # "after 2000 until 2005" is two bounds, not "after (2000 until 2005)".
            found = self.atom(j)
            if kind not in ("before", "after") or (found and self.key(found[3]) == "-"):
                found = self.time(j)  # "с 2000 по 2005", "after 2000-2005"
            if found is None or found[2] == "bare":
                return None
            lo, hi, found_kind, end = found
            self.filters += 1
            if found_kind == "range" and kind in ("since", "between", "until"):
                self.spans.append((lo, hi))  # "с 2000 по 2005", "desde 2000 hasta 2005"
            elif kind == "before":
                self.bounds.append((None, lo - 1 if lo is not None else None))
            elif kind == "after":
                last = hi if hi is not None else lo
                self.bounds.append((last + 1 if last is not None else None, None))
            elif kind == "since":
                self.bounds.append((lo, None))
            elif kind == "until":
                self.bounds.append((None, hi))
            else:  # between: the range itself
                self.spans.append((lo, hi))
            return end
        return None

    def result(self) -> Filter:
        lo: int | None = None
        hi: int | None = None
        if self.spans:
            los = [s[0] for s in self.spans]
            his = [s[1] for s in self.spans]
            lo = None if None in los else min(x for x in los if x is not None)
            hi = None if None in his else max(x for x in his if x is not None)
        for b_lo, b_hi in self.bounds:
            if b_lo is not None:
                lo = b_lo if lo is None else max(lo, b_lo)
            if b_hi is not None:
                hi = b_hi if hi is None else min(hi, b_hi)
        # "recent" labels the years only when nothing else narrowed them ("recent 90s" is not)
        recent = self.recent and (lo, hi) == recent_years(self.latest)
        return Filter(frozenset(self.genres), lo, hi, recent=recent)


def recent_years(latest_year: int) -> tuple[int, int]:
    """What "recent" means in a catalogue whose newest film is from `latest_year`: from ten years
    before it, to it (2013–2023 on ml-32m, 1990–2000 on ml-1m)."""
    return latest_year - RECENT_YEARS, latest_year


# `title_key`s of titles made only of filter words and fillers, as `filter_like_titles` finds them
# in ml-1m and ml-latest-small. Only texts of two words or more are checked against them ("The
# Kid" is the film, "kid" the genre).
KNOWN_TITLES = frozenset(
    {
        "scary movie",  # Scary Movie (2000)
        "love story",  # Love Story (1970)
        "the kid",  # The Kid (1921, 2000)
        "the war",  # The War (1994)
        "the family",  # The Family (2013)
        "the child",  # The Child (2005)
        "the children",  # The Children (2008)
        "my family",  # My Family (1995)
        "in love and war",  # In Love and War (1996)
        "true crime",  # True Crime (1999)
        "fantasia 2000",  # Fantasia 2000 (1999)
        "something new",  # Something New (2006)
        "shoot em up",  # Shoot 'Em Up (2007)
    }
)


def _title_key(words: list[_Word]) -> tuple[str, int]:
    """The folded words, and how many there are."""
    keys = [w.key for w in words if w.key != "-"]
    return " ".join(keys), len(keys)


def title_key(text: str) -> str:
    """The form in which texts are compared with titles: folded words, punctuation dropped.

    "The Matrix!" → "the matrix"; "Shoot 'Em Up" → "shoot em up".
    """
    try:
        return _title_key(_words(text))[0]
    except Exception:  # defensive: user text never raises
        return ""


def parse_filter(
    text: str,
    latest_year: int = LATEST_YEAR,
    titles: Collection[str] = KNOWN_TITLES,
) -> Parsed:
    """Parse free words into a `Filter`; never raises.

    `latest_year` anchors "recent" (pass the catalogue's newest year). `titles` are `title_key`s
    of film titles made of filter words; a text of two words or more equal to one of them is
    `title_like`. The default covers ml-1m and ml-latest-small; the bot can pass
    `filter_like_titles(catalogue)` for bigger catalogues.
    """
    try:
        words = _words(text if isinstance(text, str) else "")
        parser = _Parser([w.key for w in words], int(latest_year))
        parser.run()
        rest = sorted(set(parser.rest))
        key, count = _title_key(words)
        return Parsed(
            filter=parser.result(),
            rest=" ".join(words[i].text for i in rest),
            understood=len(rest) < count,
            title_like=count >= 2 and key in titles,
        )
    except Exception:  # defensive: a handler must never fail on what a person typed
        return Parsed(filter=Filter(), rest=text if isinstance(text, str) else "")


_YEAR_SUFFIX = re.compile(r"\s*\([0-9]{4}(?:[-–][0-9]{0,4})?\)\s*$")
_ALTERNATE = re.compile(r"\s*\([^()]*\)\s*$")
_MOVED_ARTICLE = re.compile(r"^(.*), (the|a|an|la|le|les|el|los|las|die|der|das|o|os|as)$", re.I)


def typed_title(title: str) -> str:
    """A MovieLens title as people type it: "Kid, The (1921)" → "The Kid"."""
    main = _ALTERNATE.sub("", _YEAR_SUFFIX.sub("", title)).strip()
    moved = _MOVED_ARTICLE.match(main)
    return f"{moved.group(2)} {moved.group(1)}" if moved else main


def filter_like_titles(titles: Iterable[str], latest_year: int = LATEST_YEAR) -> frozenset[str]:
    """`title_key`s of catalogue titles (as MovieLens writes them) that would otherwise parse as
    complete filters.

    Computed once per catalogue (`Catalogue.filter_like_titles`) and passed as `titles=`, so that
    a film whose whole title is filter words ("Scary Movie", "Love Story", "The War") is looked
    up, not filtered.
    """
    found: set[str] = set()
    for title in titles:
        name = typed_title(str(title))
        parsed = parse_filter(name, latest_year, titles=())
        if parsed.complete and not parsed.filter.is_empty():
            found.add(title_key(name))
    return frozenset(found)
