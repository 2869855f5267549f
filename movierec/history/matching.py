"""Matching an export's rows to catalogue films, each with a confidence.

In order, first found wins:

1. the file's own MovieLens id (this project's JSON export);
2. the IMDb id (IMDb's `Const`, an `imdbID` column) through the catalogue's links (ml-1m's are
   ml-latest-small's, see `movierec.links`);
3. the title and year: every catalogue film is known by its names as `movierec.titles` folds
   them (the main title with its article in front, each alternate title in parentheses: the
   original and the English one), without a leading article, folded to plain lowercase ASCII
   without punctuation. The same name and year is certain (100), a year off by one (releases
   differ by country) 97; otherwise rapidfuzz scores the names of the films of the year ±1
   (WRatio, 3 points off for the other year).

A match at `SURE` or above is imported; between `UNSURE` and `SURE`, or when two films score
within `GAP` of each other, it is asked about; below `UNSURE` the film is not in the catalogue.
benchmarks/history.py measures the precision and recall of these rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz, process

from movierec.history.read import Export, Row, opinion_of
from movierec.titles import normalise_title, title_names

SURE = 90.0
UNSURE = 78.0
GAP = 3.0
OTHER_YEAR = 3.0  # points off a fuzzy match for a year off by one
SHORTER = 92.0  # the same name once a possessive or a subtitle is left out
PREFIX = 92.0  # the file's title is the start of the catalogue's (a subtitle left out)
NO_YEAR = 8.0  # points off when the file gives no year

_YEAR = re.compile(r"\s*\((\d{4})(?:[-–]\d{0,4})?\)\s*$")
_PARENS = re.compile(r"\s*\([^()]*\)")
_ARTICLE_WORDS = "the a an la le les l il lo der die das el los las un une det den het gli i"
_ARTICLES = frozenset(_ARTICLE_WORDS.split())


_ROMAN = {"ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8"}
_POSSESSIVE = re.compile(r"^(?:[\w.\-]+\s+){0,3}[\w.\-]+['’]s\s+(.+)$")  # "Bram Stoker's Dracula"


def _key(normalised: str) -> str:
    """The form names are compared in: no leading article, sequel numbers as digits ("Part
    III" and "III" are "3")."""
    first, _, rest = normalised.partition(" ")
    words = (rest if first in _ARTICLES and rest else normalised).split(" ")
    words = [_ROMAN.get(w, w) for w in words if w != "part"] or words
    return " ".join(words)


def _shorter(name: str) -> list[str]:
    """Other ways a title is written: without a possessive in front ("National Lampoon's
    Vacation" is "Vacation"), without its subtitle ("Interview with the Vampire: The Vampire
    Chronicles")."""
    found = []
    possessive = _POSSESSIVE.match(name.strip())
    if possessive:
        found.append(possessive.group(1))
    if ":" in name:
        found.append(name.split(":", 1)[0])
    return [f for f in found if len(f.strip()) >= 2]


@dataclass(frozen=True)
class Matched:
    movie_id: int
    row: Row
    score: float

    @property
    def opinion(self) -> float | None:
        return opinion_of(self.row.rating10)


@dataclass(frozen=True)
class Unsure:
    """A row whose best candidate is only a question."""

    movie_id: int
    row: Row
    score: float


@dataclass(frozen=True)
class Matching:
    total: int
    matched: list[Matched] = field(default_factory=list)
    unsure: list[Unsure] = field(default_factory=list)
    missing: int = 0
    newer: int = 0  # of the missing: released after the catalogue's newest film
    not_films: int = 0
    formulas: int = 0
    unreadable: int = 0


class Matcher:
    """The catalogue's names, years and IMDb ids, indexed once (about 50 ms for ml-1m)."""

    def __init__(self, movies: pd.DataFrame, popularity: Mapping[int, int] | None = None) -> None:
        self._popularity = dict(popularity or {})
        self._exact: dict[str, list[tuple[int, int | None, float]]] = {}
        by_year: dict[int, tuple[list[str], list[int]]] = {}
        self._years: dict[int, int | None] = {}
        for movie_id, title, year in zip(
            movies.index.astype(int), movies["title"].astype(str), movies["year"], strict=True
        ):
            known = None if pd.isna(year) else int(year)
            self._years[int(movie_id)] = known
            body = _YEAR.sub("", title)
            extra = [normalise_title(short) for short in _shorter(_PARENS.sub("", body))]
            names = {name: 100.0 for name in title_names(title)}
            names |= {name: SHORTER for name in extra if name not in names}
            for name, cap in names.items():
                key = _key(name)
                if not key:
                    continue
                self._exact.setdefault(key, []).append((int(movie_id), known, cap))
                if known is not None:
                    keys, ids = by_year.setdefault(known, ([], []))
                    keys.append(key)
                    ids.append(int(movie_id))
        self._by_year = by_year
        self._imdb: dict[int, int] = {}
        if "imdb_id" in movies:
            for movie_id, imdb in zip(movies.index.astype(int), movies["imdb_id"], strict=True):
                if not pd.isna(imdb):
                    self._imdb.setdefault(int(imdb), int(movie_id))
        known_years = [y for y in self._years.values() if y is not None]
        self.latest_year = max(known_years) if known_years else None

    def match(self, export: Export) -> Matching:
        matched: list[Matched] = []
        unsure: list[Unsure] = []
        missing = newer = 0
        taken: dict[int, int] = {}  # movie id -> index in matched: one row per film
        for row in export.rows:
            best = self.best(row)
            if best is None:
                missing += 1
                if row.year is not None and self.latest_year and row.year > self.latest_year:
                    newer += 1
                continue
            movie_id, score, sure = best
            if not sure:
                unsure.append(Unsure(movie_id, row, score))
            elif movie_id in taken:
                kept = matched[taken[movie_id]]
                if row.kind > kept.row.kind:
                    matched[taken[movie_id]] = Matched(movie_id, row, score)
            else:
                taken[movie_id] = len(matched)
                matched.append(Matched(movie_id, row, score))
        unsure = [u for u in unsure if u.movie_id not in taken]
        return Matching(
            len(export.rows),
            matched,
            unsure,
            missing,
            newer,
            export.not_films,
            export.formulas,
            export.unreadable,
        )

    def best(self, row: Row) -> tuple[int, float, bool] | None:
        """(movie id, score, sure) of a row's best film, or None when nothing is close."""
        if row.movie_id is not None and row.movie_id in self._years:
            return row.movie_id, 100.0, True
        if row.imdb is not None and row.imdb in self._imdb:
            return self._imdb[row.imdb], 100.0, True
        names = [n for n in (row.title, row.original) if n]
        keys = list(dict.fromkeys(_key(normalise_title(n)) for n in names))
        keys = [k for k in keys if k]
        if not keys:
            return None
        shorter = [_key(normalise_title(s)) for n in names for s in _shorter(n)]
        capped = [(k, 100.0) for k in keys] + [(k, SHORTER) for k in shorter if k not in keys]
        scored: dict[int, float] = {}
        for key, cap in capped:
            for movie_id, year, theirs in self._exact.get(key, ()):
                score = self._year_score(min(cap, theirs), row.year, year, exact=True)
                if score is not None:
                    scored[movie_id] = max(scored.get(movie_id, 0.0), score)
        if not scored or max(scored.values()) < SURE:
            for key in keys:
                for movie_id, score in self._fuzzy(key, row.year):
                    scored[movie_id] = max(scored.get(movie_id, 0.0), score)
        if not scored:
            return None
        ranked = sorted(scored.items(), key=lambda item: (-item[1], -self._popular(item[0])))
        movie_id, score = ranked[0]
        if score < UNSURE:
            return None
        close = len(ranked) > 1 and ranked[1][1] >= score - GAP
        if close and score >= 100.0 and ranked[1][1] >= 100.0:
            # the same name and year twice (a remake the same year): the better known, if far so
            first, second = self._popular(movie_id), self._popular(ranked[1][0])
            close = not (first >= 5 * max(second, 1))
        return movie_id, score, score >= SURE and not close

    def _popular(self, movie_id: int) -> int:
        return self._popularity.get(movie_id, 0)

    @staticmethod
    def _year_score(
        score: float, wanted: int | None, year: int | None, *, exact: bool
    ) -> float | None:
        if wanted is None or year is None:
            return score - NO_YEAR
        apart = abs(wanted - year)
        if apart == 0:
            return score
        if apart == 1:
            return score - OTHER_YEAR
        return None

    def _fuzzy(self, key: str, year: int | None) -> list[tuple[int, float]]:
        if year is None:
            return []  # without a year, only the exact name (above) is worth asking about
        found: list[tuple[int, float]] = []
        for candidate_year in (year, year - 1, year + 1):
            keys, ids = self._by_year.get(candidate_year, ([], []))
            if not keys:
                continue
            penalty = 0.0 if candidate_year == year else OTHER_YEAR
            for _, score, index in process.extract(
                key, keys, scorer=fuzz.token_sort_ratio, limit=3, score_cutoff=UNSURE
            ):
                found.append((ids[index], float(score) - penalty))
            head = key + " "
            for index, name in enumerate(keys):  # "star wars" for "star wars episode iv a new hope"
                if name.startswith(head):
                    found.append((ids[index], PREFIX - penalty))
        return found
