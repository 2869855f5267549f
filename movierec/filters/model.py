"""What a filter is, apart from how it was said: any of some genres and an inclusive year range,
the catalogue mask it allows, and language-neutral labels for the bot to put into words.

Why labels rather than a description: the core speaks no language. A label says *what* the filter
is (these genres; the 1990s; since 2011; a contradiction) with canonical MovieLens genre names and
numbers, and the bot renders it in the person's language with its own catalogs, so that a filter
that matches nothing is explained to a Russian speaker in Russian.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

# Canonical MovieLens genre names, in the order labels list them.
GENRES = (
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "IMAX",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
)
# How each data set may spell a canonical genre (ml-latest dropped the apostrophe).
_SPELLINGS = {"Children's": ("Children's", "Children")}


@dataclass(frozen=True)
class GenreLabel:
    """Any of these genres: canonical MovieLens names, in `GENRES` order."""

    genres: tuple[str, ...]


class YearKind(StrEnum):
    """The shape of a year constraint, which decides how it is said."""

    YEAR = "year"  # one year: year_from == year_to
    DECADE = "decade"  # a whole decade: 1990-1999
    BETWEEN = "between"  # an inclusive range of years
    FROM = "from"  # year_from and later
    TO = "to"  # up to year_to
    NONE = "none"  # contradictory: from year_from and up to year_to, which is earlier
    RECENT = "recent"  # "recent": the catalogue's last years, year_from to its newest, year_to


@dataclass(frozen=True)
class YearLabel:
    """A year constraint: its shape and its (inclusive) ends, None where open."""

    kind: YearKind
    year_from: int | None
    year_to: int | None


Label = GenreLabel | YearLabel


@dataclass(frozen=True)
class Filter:
    """Which films a request allows: any of `genres` (none: any), years in [year_from, year_to]."""

    genres: frozenset[str] = frozenset()
    year_from: int | None = None  # inclusive
    year_to: int | None = None  # inclusive
    # the years are what "recent" meant in this catalogue (its last ten: `parse_filter`), so
    # labels say "recent" with them; a filter whose years change is no longer `recent`
    recent: bool = False

    def is_empty(self) -> bool:
        """No constraint at all: every film passes (the request was unfiltered)."""
        return not self.genres and self.year_from is None and self.year_to is None

    @property
    def impossible(self) -> bool:
        """Contradictory years ("before 1980 after 2010"): no film can pass."""
        return (
            self.year_from is not None
            and self.year_to is not None
            and self.year_from > self.year_to
        )

    def mask(self, movies: pd.DataFrame, size: int) -> np.ndarray:
        """Boolean mask over movie ids [0, size): True for films in `movies` that pass.

        `movies` is the catalogue frame of `movierec.data.load_movies` (indexed by movie id, with
        "year" and "genres"). Ids outside [0, size) are ignored and ids absent from the frame are
        False, so the mask can be ANDed with the recommender's candidate mask directly. A film with
        no year fails any year constraint; a film with no genres fails any genre constraint.
        """
        out = np.zeros(max(int(size), 0), dtype=bool)
        if self.impossible or len(out) == 0 or len(movies) == 0:
            return out
        ids = np.asarray(movies.index, dtype=np.int64)
        keep = (ids >= 0) & (ids < len(out))
        if self.year_from is not None or self.year_to is not None:
            numeric = pd.to_numeric(pd.Series(movies["year"], copy=False), errors="coerce")
            years = numeric.to_numpy(dtype=float, na_value=np.nan)
            with np.errstate(invalid="ignore"):
                if self.year_from is not None:
                    keep &= years >= self.year_from
                if self.year_to is not None:
                    keep &= years <= self.year_to
        if self.genres:
            wanted = {s for g in self.genres for s in _SPELLINGS.get(g, (g,))}
            keep &= np.fromiter(
                (_has_genre(value, wanted) for value in movies["genres"]), bool, len(ids)
            )
        out[ids[keep]] = True
        return out

    def labels(self) -> tuple[Label, ...]:
        """What the filter is, for the bot to say: the genres (if any), then the years (if any).

        No labels: any film.
        """
        found: list[Label] = []
        if self.genres:
            order = {g: i for i, g in enumerate(GENRES)}
            genres = sorted(self.genres, key=lambda g: (order.get(g, len(order)), g))
            found.append(GenreLabel(tuple(genres)))
        if (years := self._years()) is not None:
            found.append(YearLabel(years, self.year_from, self.year_to))
        return tuple(found)

    def _years(self) -> YearKind | None:
        lo, hi = self.year_from, self.year_to
        if lo is None and hi is None:
            return None
        if lo is None:
            return YearKind.TO
        if hi is None:
            return YearKind.FROM
        if lo > hi:
            return YearKind.NONE
        if self.recent:
            return YearKind.RECENT
        if lo == hi:
            return YearKind.YEAR
        if lo % 10 == 0 and hi == lo + 9:
            return YearKind.DECADE
        return YearKind.BETWEEN


def _has_genre(value: object, wanted: set[str]) -> bool:
    if isinstance(value, str):
        return any(g in wanted for g in value.split("|"))
    if isinstance(value, Iterable):
        return any(g in wanted for g in value)
    return False  # NaN or None: no genres


@dataclass(frozen=True)
class Parsed:
    """What `parse_filter` understood (`filter`) and the words it did not (`rest`, as typed)."""

    filter: Filter
    rest: str  # words that are neither filter words nor fillers, as typed, space-separated
    understood: bool = False  # at least one word was a filter word or a filler
    title_like: bool = False  # the whole text is also a film title made of filter words

    @property
    def complete(self) -> bool:
        """Every word was a filter word or a filler, and the text is not a known title."""
        return self.understood and not self.rest and not self.title_like
