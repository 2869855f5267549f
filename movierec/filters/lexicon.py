"""The words the filter parser understands, read from one data file per language
(`lexicon/<code>.toml`, for each code in `movierec.languages.LANGUAGES`).

Why data rather than code: the parser's rules (a decade, a range, a bound, a genre phrase) are the
same in every language and only the words differ, so a language is added or corrected by someone
who speaks it, in one file, without reading the parser. The files are read and checked once, at
import: a misspelt genre or key fails at start, not on a person's request.

A file holds word lists (every word is compared folded: see `fold`):

    endings           endings a "stem*" takes: every language's endings apply to every stem, so
                      stems are kept long enough that no ending reaches another word
    decade_suffix     a regular expression for what follows a decade's digits ("s" in "80s")
    decade_endings    endings every decade word of this language takes ("восьмидесят" + "ых")
    fillers           understood but neither genre nor year ("something", "please")
    articles          skipped before a year ("the 90s") but not after a negation
    negations         "no", "без": what follows is not understood rather than inverted
    recent, old       bounds relative to the catalogue's newest year, and up to 1970
    separators        between the two ends of a range ("2000 to 2005"); "-" always is one
    onward            phrases after a year that make it a lower bound ("2010 and later")
    preposition_skip  skipped between a preposition and its year ("antes de 1980")
    decade_intro      before a decade ("años 80"); a round year after one is its decade
    decade_links      between a modifier or an intro and the decade ("principios de los 80")
    [prepositions]    before, after, since, until, between: words or phrases ("up to")
    [modifiers]       early, mid, late: narrow a decade to its years 0-4, 3-6, 5-9
    [decades]         a decade's first year = words for it ("eighties")
    [genres]          a canonical MovieLens genre = entries: a word, "stem*" or a phrase of them
    [genre_pairs]     a phrase = the genres it means at once ("romantic comedy")
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from movierec.filters.model import GENRES
from movierec.languages import LANGUAGES

PREPOSITIONS = ("between", "before", "after", "since", "until")  # the order they are tried in
MODIFIER_SPANS = {"early": (0, 4), "mid": (3, 6), "late": (5, 9)}
_LISTS = (
    "endings",
    "decade_endings",
    "fillers",
    "articles",
    "negations",
    "recent",
    "old",
    "separators",
    "onward",
    "preposition_skip",
    "decade_intro",
    "decade_links",
)
_TABLES = ("prepositions", "modifiers", "decades", "genres", "genre_pairs")
_KEYS = {*_LISTS, *_TABLES, "decade_suffix"}


def fold(word: str) -> str:
    """Case-folded, accent-free, apostrophe-free form under which words are compared."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped).replace("'", "")


Phrase = tuple[str, ...]  # folded words


@dataclass(frozen=True)
class Lexicon:
    """Every language's words, folded and merged: the parser does not know which language a word
    came from (people mix them: "комедии 90s")."""

    genres: Mapping[Phrase, frozenset[str]]  # genre phrases -> the genres they mean (any of)
    genre_max_len: int  # the longest genre phrase, in words
    fillers: frozenset[str]
    articles: frozenset[str]
    negations: frozenset[str]
    recent: frozenset[str]
    old: frozenset[str]
    separators: frozenset[str]
    onward: frozenset[Phrase]
    preposition_skip: frozenset[str]
    decade_intro: frozenset[str]
    decade_links: frozenset[str]
    prepositions: Mapping[str, frozenset[Phrase]]  # each of PREPOSITIONS -> its phrases
    modifiers: Mapping[str, tuple[int, int]]  # word -> the years of the decade it keeps
    decades: Mapping[str, int]  # word -> the decade's first year
    decade_suffix: str  # an alternation, for the tokenizer


def _read(code: str) -> dict[str, Any]:
    with (files(__package__) / "lexicon" / f"{code}.toml").open("rb") as source:
        data = tomllib.load(source)
    unknown = set(data) - _KEYS
    if unknown:
        raise ValueError(f"lexicon {code}: unknown keys {sorted(unknown)}")
    named = set(data.get("genres", {})).union(*data.get("genre_pairs", {}).values())
    if bad := named - set(GENRES):
        raise ValueError(f"lexicon {code}: unknown genres {sorted(bad)}")
    if bad := set(data.get("prepositions", {})) - set(PREPOSITIONS):
        raise ValueError(f"lexicon {code}: unknown prepositions {sorted(bad)}")
    if bad := set(data.get("modifiers", {})) - set(MODIFIER_SPANS):
        raise ValueError(f"lexicon {code}: unknown modifiers {sorted(bad)}")
    return data


def _phrase(entry: str) -> Phrase:
    return tuple(fold(word) for word in entry.split())


def _expand(entry: str, endings: Iterable[str]) -> list[Phrase]:
    """An entry -> its folded phrases: each "stem*" word takes every ending."""
    combos: list[Phrase] = [()]
    for word in entry.split():
        options = [fold(word[:-1]) + e for e in endings] if word.endswith("*") else [fold(word)]
        combos = [(*c, o) for c in combos for o in options]
    return combos


def _hyphen_variants(phrase: Phrase) -> list[Phrase]:
    """Hyphenated, spaced and glued spellings are the same phrase ("sci-fi", "sci fi", "scifi")."""
    joined = " ".join(phrase)
    if "-" not in joined and len(phrase) == 1:
        return []
    spaced = tuple(joined.replace("-", " ").split())
    glued = (joined.replace("-", "").replace(" ", ""),)
    hyphened = (joined.replace(" ", "-"),)
    return [spaced, glued, hyphened]


def load() -> Lexicon:
    """The merged lexicon of every language in `LANGUAGES` (each must have its file)."""
    files_ = [_read(code) for code in LANGUAGES]

    def words(key: str) -> frozenset[str]:
        return frozenset(fold(w) for data in files_ for w in data.get(key, ()))

    def phrases(entries: Iterable[str]) -> frozenset[Phrase]:
        return frozenset(_phrase(e) for e in entries)

    endings = {"", *words("endings")}
    table: dict[Phrase, set[str]] = {}
    for data in files_:
        for genre, entries in data.get("genres", {}).items():
            for entry in entries:
                for phrase in _expand(entry, endings):
                    table.setdefault(phrase, set()).add(genre)
        for entry, genres in data.get("genre_pairs", {}).items():
            for phrase in _expand(entry, endings):
                table.setdefault(phrase, set()).update(genres)
    for phrase, found in list(table.items()):
        for variant in _hyphen_variants(phrase):
            table.setdefault(variant, set()).update(found)

    decades: dict[str, int] = {}
    modifiers: dict[str, tuple[int, int]] = {}
    for data in files_:
        for start, entries in data.get("decades", {}).items():
            for word in entries:
                for ending in data.get("decade_endings", [""]):
                    decades[fold(word + ending)] = int(start)
        for name, entries in data.get("modifiers", {}).items():
            modifiers.update(dict.fromkeys(map(fold, entries), MODIFIER_SPANS[name]))

    return Lexicon(
        genres={phrase: frozenset(genres) for phrase, genres in table.items()},
        genre_max_len=max(map(len, table), default=1),
        fillers=words("fillers"),
        articles=words("articles"),
        negations=words("negations"),
        recent=words("recent"),
        old=words("old"),
        separators=words("separators") | {"-"},
        onward=phrases(e for data in files_ for e in data.get("onward", ())),
        preposition_skip=words("preposition_skip") | {"-"},
        decade_intro=words("decade_intro"),
        decade_links=words("decade_links"),
        prepositions={
            kind: phrases(e for data in files_ for e in data.get("prepositions", {}).get(kind, ()))
            for kind in PREPOSITIONS
        },
        modifiers=modifiers,
        decades=decades,
        decade_suffix="|".join(s for data in files_ if (s := data.get("decade_suffix"))),
    )
