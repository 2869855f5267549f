"""`Recommender`: the one object that the bot and the CLI hold for their lifetime.

It reads an open index (`movierec.index.LoadedIndex`: the vector store, the memory-mapped user
vectors, the per-movie arrays), keeps the catalogue and the title index, and turns preferences
(movie id -> +1 like / -1 dislike) into picks. Opening and building indexes is `movierec.index`'s
job; `Recommender.open()` and `Recommender.build()` are shortcuts to it.

One `Recommender` serves concurrent calls from several threads (the bot runs each chat's request in
a worker thread). Everything it holds is read-only after `__init__`, except three caches that each
have their own lock: the title index (built on first use), the popularity damping per power, and
the catalogue masks of filters. The vector store guards whatever it needs itself (Qdrant Edge's
shard takes one thread at a time; a Qdrant server needs nothing).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic

import numpy as np
import pandas as pd

from movierec.config import COLLECTION_NAME, Settings, StoreKind
from movierec.index import LoadedIndex, build_index, open_index
from movierec.scoring import (
    Member,
    MovieScores,
    Scoring,
    aggregate,
    blend,
    cite_apart,
    combine_group,
    get_scoring,
    idf,
    member_fit,
    people_credit,
    rank,
    without,
)

if TYPE_CHECKING:  # titles pulls in rapidfuzz, filters builds its word tables: evaluation needs
    # neither, so both are imported where they are used
    from movierec.filters import Filter
    from movierec.titles import Doubt, MatchResult, TitleIndex

MAX_PREFERENCES = 5_000
MAX_GRAPH_REASONS = 200  # likes read for a graph reason: a few ms even at 800 edges a film
MAX_MASKS = 256  # filters whose catalogue mask is kept: a few are common, each is a catalogue pass


def _shares(credit: np.ndarray) -> np.ndarray:
    """Each row divided by its sum (rows without credit stay zero)."""
    totals = credit.sum(axis=1, keepdims=True)
    shares: np.ndarray = np.divide(credit, totals, out=np.zeros_like(credit), where=totals > 0)
    return shares


def _likes(preferences: Mapping[int, float]) -> list[int]:
    """The liked films (weight > 0) in the person's own order: reasons cite these, ties going to
    the earlier one."""
    return [movie_id for movie_id, weight in preferences.items() if weight > 0]


class PreferencesError(ValueError):
    """Preferences that cannot be scored; the message is a sentence a person can act on."""


@dataclass(frozen=True)
class Movie:
    movie_id: int
    title: str
    year: int | None
    genres: tuple[str, ...]
    ratings_count: int


@dataclass(frozen=True)
class MovieLinks:
    """Where to read about a film: full IMDb and TMDB URLs, each None when the data set has no
    such id for it (a link is only ever made from a real id)."""

    imdb: str | None
    tmdb: str | None

    @classmethod
    def of(cls, imdb_id: int | None, tmdb_id: int | None) -> MovieLinks | None:
        """Links from MovieLens' numeric ids (imdbId without "tt": padded to 7 digits, as IMDb
        writes them); None when neither id is known."""
        if imdb_id is None and tmdb_id is None:
            return None
        return cls(
            imdb=f"https://www.imdb.com/title/tt{imdb_id:07d}/" if imdb_id is not None else None,
            tmdb=f"https://www.themoviedb.org/movie/{tmdb_id}" if tmdb_id is not None else None,
        )


@dataclass(frozen=True)
class Pick:
    """One recommended film. `support` of the `neighbors` similar users rated it above average.

    `because`: the one like of the person's (a movie id) that contributed most to this pick, the
    five picks' reasons spread over the likes, so a person can judge each pick ("because you liked
    Alien"); empty when the person liked nothing (only dislikes) or none of their likes explains
    the pick. See `Recommender._explained`.
    """

    movie_id: int
    title: str
    year: int | None
    genres: tuple[str, ...]
    score: float
    support: int
    neighbors: int
    because: tuple[int, ...] = ()


@dataclass(frozen=True)
class GroupPick(Pick, Generic[Member]):
    """A movie-night pick; `matches` are the members (keyed as the caller keyed them) whose taste
    it fits.

    `because_by` follows `matches`, one entry per matching member in the same order: (member,
    one of that member's own likes that explains the fit, or `()` when none does), so a message
    can say "fits Ann (Alien) and Ben (Heat)". `because` stays empty: a group has no single
    person's likes to cite.
    """

    matches: tuple[Member, ...] = ()
    because_by: tuple[tuple[Member, tuple[int, ...]], ...] = ()


class Catalogue:
    """Movie lookup by id, with how often and how well each film was rated."""

    def __init__(
        self, movies: pd.DataFrame, popularity: np.ndarray, mean_rating: np.ndarray
    ) -> None:
        self._movies = movies
        self._popularity = popularity
        self._mean = mean_rating
        years = [None if pd.isna(y) else int(y) for y in movies["year"]]
        # Plain dict rows: a DataFrame .loc per pick would cost more than the whole search.
        self._rows: dict[int, tuple[str, int | None, tuple[str, ...]]] = dict(
            zip(
                movies.index.astype(int).tolist(),
                zip(
                    movies["title"].astype(str).tolist(),
                    years,
                    movies["genres"].tolist(),
                    strict=True,
                ),
                strict=True,
            )
        )
        self._links = _link_ids(movies)
        known = [y for y in years if y is not None]
        self._latest = max(known) if known else None

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, movie_id: object) -> bool:
        return isinstance(movie_id, int | np.integer) and int(movie_id) in self._rows

    def get(self, movie_id: int) -> Movie | None:
        row = self._rows.get(int(movie_id)) if movie_id in self else None
        if row is None:
            return None
        title, year, genres = row
        count = int(self._popularity[movie_id]) if movie_id < len(self._popularity) else 0
        return Movie(int(movie_id), title, year, tuple(genres), count)

    def links(self, movie_id: int) -> MovieLinks | None:
        """IMDb / TMDB links of a catalogue film, when the data set has `links.csv`; None for
        unknown films and data sets without links (ml-1m), so nobody shows a broken link."""
        ids = self._links.get(int(movie_id)) if movie_id in self else None
        return MovieLinks.of(*ids) if ids is not None else None

    def popular(
        self, limit: int, exclude: Iterable[int] = (), min_mean: float = 3.5
    ) -> list[Movie]:
        """Widely seen, well-liked films: good cold-start questions that most people can answer."""
        skip = set(exclude)
        liked = np.flatnonzero(self._mean >= min_mean)
        order = liked[np.argsort(-self._popularity[liked], kind="stable")]
        movies = []
        for movie_id in order:
            if int(movie_id) in skip or int(movie_id) not in self._rows:
                continue
            movies.append(self.get(int(movie_id)))
            if len(movies) >= limit:
                break
        return [m for m in movies if m is not None]

    @property
    def frame(self) -> pd.DataFrame:
        """The catalogue as `movierec.data.load_movies` reads it (for the title index, filters'
        masks and the benchmarks; callers outside the core use the methods above and below)."""
        return self._movies

    def titles(self) -> dict[int, str]:
        """movie id -> title as MovieLens writes it ("Matrix, The (1999)"), in id order."""
        return {movie_id: row[0] for movie_id, row in self._rows.items()}

    @property
    def most_rated(self) -> int:
        """How many ratings the most-rated film has (the scale of "rarely rated")."""
        return int(self._popularity.max()) if len(self._popularity) else 0

    @property
    def latest_year(self) -> int:
        """The newest release year in the catalogue: what "recent" and the decade chips are
        anchored to (`movierec.filters.LATEST_YEAR` for a catalogue without any year)."""
        if self._latest is None:
            from movierec.filters import LATEST_YEAR

            return LATEST_YEAR
        return self._latest

    def filter_like_titles(self) -> frozenset[str]:
        """`movierec.filters.filter_like_titles` of this catalogue's titles: the titles made of
        filter words ("Scary Movie"), which typed alone are a title search. A pass over every
        title (seconds on ml-32m): compute it once, off any event loop."""
        from movierec.filters import filter_like_titles

        return filter_like_titles((row[0] for row in self._rows.values()), self.latest_year)


def _link_ids(movies: pd.DataFrame) -> dict[int, tuple[int | None, int | None]]:
    """movie id -> (IMDb id, TMDB id) for the films with at least one; empty when the frame has no
    link columns (a table built by hand, an older caller)."""
    if not {"imdb_id", "tmdb_id"} <= set(movies.columns):
        return {}
    imdb = [None if pd.isna(i) else int(i) for i in movies["imdb_id"]]
    tmdb = [None if pd.isna(t) else int(t) for t in movies["tmdb_id"]]
    return {
        int(movie_id): (i, t)
        for movie_id, i, t in zip(movies.index, imdb, tmdb, strict=True)
        if i is not None or t is not None
    }


class Recommender:
    """Picks for a person or a group, from an open index (see `movierec.index.open_index`)."""

    def __init__(self, index: LoadedIndex) -> None:
        self.index = index
        # Shortcuts read on every request (and by evaluation and the benchmarks).
        self.store = index.store
        self.vectors = index.vectors
        self.manifest = index.manifest
        self.popularity = index.popularity
        self.graph = index.graph
        self.catalogue = Catalogue(index.movies, index.popularity, index.mean_rating)
        self._idf = idf(self.popularity, len(self.vectors))
        self._catalogue_ids = _catalogue_mask(self.catalogue, self.manifest.columns)
        self._dampers: dict[float, np.ndarray] = {}
        self._dampers_lock = threading.Lock()
        self._masks: dict[Filter, np.ndarray] = {}
        self._masks_lock = threading.Lock()
        self._titles: TitleIndex | None = None
        self._titles_lock = threading.Lock()

    @classmethod
    def open(
        cls,
        settings: Settings | None = None,
        *,
        store: StoreKind | str | None = None,
        progress: bool = False,
        rebuild: bool = False,
        data_dir: Path | None = None,
    ) -> Recommender:
        """`Recommender(open_index(...))`: the configured data set's index, built on first use."""
        return cls(
            open_index(settings, store=store, progress=progress, rebuild=rebuild, data_dir=data_dir)
        )

    @classmethod
    def build(
        cls,
        ratings: pd.DataFrame,
        movies: pd.DataFrame,
        location: Path,
        *,
        store: StoreKind | str = StoreKind.EDGE,
        users: pd.DataFrame | None = None,
        qdrant_url: str = ":memory:",
        collection: str = COLLECTION_NAME,
        progress: bool = False,
    ) -> Recommender:
        """`Recommender(build_index(...))`: an index from any ratings table, at `location`."""
        return cls(
            build_index(
                ratings,
                movies,
                location,
                store=store,
                users=users,
                qdrant_url=qdrant_url,
                collection=collection,
                progress=progress,
            )
        )

    def close(self) -> None:
        self.index.close()

    def __enter__(self) -> Recommender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- titles
    @property
    def titles(self) -> TitleIndex:
        """Built on first use (evaluation and the benchmarks never match titles), once even when
        several threads ask for it together."""
        with self._titles_lock:
            if self._titles is None:
                from movierec.titles import TitleIndex

                counts = {
                    int(m): int(self.popularity[m])
                    for m in self.catalogue.frame.index
                    if m < len(self.popularity)
                }
                self._titles = TitleIndex(self.catalogue.frame, popularity=counts)
            return self._titles

    def match(self, text: str, limit: int = 5) -> MatchResult:
        """Fuzzy-match what a person typed to catalogue titles (see movierec.titles)."""
        return self.titles.match(text, limit=limit)

    def doubt(self, result: MatchResult) -> Doubt | None:
        """Whether a confident match should be asked about rather than recorded (another year
        typed, a film hardly anyone rated: `movierec.titles.doubt`)."""
        from movierec.titles import doubt

        best = result.best
        if best is None:
            return None
        movie = self.catalogue.get(best.movie_id)
        count = movie.ratings_count if movie is not None else 0
        return doubt(result, count, self.catalogue.most_rated)

    # ---------------------------------------------------------------- preferences
    def _validated(
        self, preferences: Mapping[int, float], strict: bool, bounded: bool = True
    ) -> dict[int, float]:
        """Well-formed preferences with non-zero weights; possibly empty.

        Malformed input (not a mapping, ids that are not whole numbers, weights outside -1..1) is
        always refused: it is a caller's mistake. Ids missing from the catalogue are refused when
        `strict`, dropped otherwise: stored ratings outlive catalogue changes, typed ids do not.
        More than `MAX_PREFERENCES` is refused unless not `bounded` (`known` trims instead).
        """
        if not isinstance(preferences, Mapping):
            raise PreferencesError("preferences must map movie ids to +1 (like) or -1 (dislike)")
        if bounded and len(preferences) > MAX_PREFERENCES:
            raise PreferencesError(f"too many preferences: at most {MAX_PREFERENCES} films")
        cleaned: dict[int, float] = {}
        unknown = []
        for key, value in preferences.items():
            if isinstance(key, bool) or not isinstance(key, int | np.integer):
                raise PreferencesError(f"movie ids are whole numbers, not {key!r}")
            try:
                weight = float(value)
            except (TypeError, ValueError):
                raise PreferencesError(f"the weight of movie {key} is not a number") from None
            if not math.isfinite(weight) or not -1.0 <= weight <= 1.0:
                raise PreferencesError(
                    f"the weight of movie {key} must be between -1 (dislike) and 1 (like)"
                )
            if int(key) not in self.catalogue:
                unknown.append(int(key))
            elif weight != 0.0:
                cleaned[int(key)] = weight
        if unknown and strict:
            shown = ", ".join(map(str, unknown[:5])) + (" …" if len(unknown) > 5 else "")
            raise PreferencesError(f"unknown movie id(s): {shown}")
        return cleaned

    def clean_preferences(
        self, preferences: Mapping[int, float], *, strict: bool = True
    ) -> dict[int, float]:
        """Validate preferences: known movie ids (unless not `strict`), finite weights between -1
        and 1, not empty."""
        cleaned = self._validated(preferences, strict)
        if not cleaned:
            raise PreferencesError("tell me at least one film you like or dislike")
        return cleaned

    def known(self, preferences: Mapping[int, float]) -> dict[int, float]:
        """The part of stored preferences that can still be scored: catalogue films, non-zero
        weights, and of those the last `MAX_PREFERENCES` in the mapping's order (stored ratings
        come oldest first: a person who rated more keeps getting picks from their newest tastes).
        Films that left the catalogue are dropped silently; the result may be empty. Callers
        still exclude every film the person rated from the picks."""
        usable = self._validated(preferences, strict=False, bounded=False)
        return dict(list(usable.items())[-MAX_PREFERENCES:])

    # ---------------------------------------------------------------- recommending
    def _scores(self, preferences: dict[int, float], scoring: Scoring) -> MovieScores:
        """The neighbors' scores (the query IDF-weighted if the scoring says so), blended with
        the item graph's when the scoring has a graph weight; see `movierec.scoring`."""
        query = preferences
        if scoring.idf_power:
            query = {m: w * float(self._idf[m]) ** scoring.idf_power for m, w in query.items()}
        neighbors = self.store.neighbors(query, scoring.neighbors, scoring.vector)
        columns = self.manifest.columns
        damping = self._damping(scoring.popularity_damping)
        scores = aggregate(neighbors, self.vectors, scoring, columns, self.popularity, damping)
        if not scoring.graph_weight:
            # (dislikes count as "seen" in the graph even for a person with no like: leaving the
            # graph out then was measured, and cost 0.013 Precision@5 after six /start questions)
            return scores
        allowed = self._catalogue_ids.copy()
        allowed[[m for m in preferences if m < columns]] = False
        return blend(scores, self.graph.scores(preferences, columns), scoring.graph_weight, allowed)

    def _damping(self, power: float) -> np.ndarray | None:
        """`max(popularity, 1) ** power`, computed once per power (milliseconds on ml-32m)."""
        if not power:
            return None
        with self._dampers_lock:
            damper = self._dampers.get(power)
            if damper is None:
                damper = self._dampers[power] = np.maximum(self.popularity, 1.0) ** power
            return damper

    def recommend(
        self,
        preferences: Mapping[int, float],
        limit: int = 5,
        *,
        offset: int = 0,
        exclude: Iterable[int] = (),
        scoring: str | Scoring = "default",
        neighbors: int | None = None,
        filter: Filter | None = None,
        strict: bool = True,
        explain: bool = True,
    ) -> list[Pick]:
        """The best `limit` films the person has not rated (skipping `offset`, e.g. for "More").

        `filter` (genres, years: `movierec.filters.Filter`) restricts the candidates before
        ranking, so a filter still yields `limit` picks when the neighbors rated that many.
        `strict=False` ignores ids that are not in the catalogue instead of refusing them.
        `explain=False` leaves `Pick.because` empty (it only saves the reasons' small cost, for
        callers that never show them, such as benchmarks of the scoring alone).
        """
        chosen = get_scoring(scoring, neighbors)
        prefs = self.clean_preferences(preferences, strict=strict)
        scores = self._scores(prefs, chosen)
        skip = set(prefs) | {int(m) for m in exclude}
        mask = without(scores.candidates(chosen.min_support), skip)
        mask &= self._pickable(filter)  # both are manifest.columns long
        ranked = [int(m) for m in rank(scores.scores, mask, max(limit, 0), max(offset, 0))]
        reasons, support = self._explained(scores, _likes(prefs) if explain else [], ranked)
        return [
            self._pick(movie_id, scores, count, because)
            for movie_id, count, because in zip(ranked, support, reasons, strict=True)
        ]

    def recommend_group(
        self,
        members: Mapping[Member, Mapping[int, float]],
        limit: int = 5,
        *,
        offset: int = 0,
        exclude: Iterable[int] = (),
        scoring: str | Scoring = "default",
        filter: Filter | None = None,
        strict: bool = True,
        explain: bool = True,
        weights: Mapping[Member, float] | None = None,
    ) -> list[GroupPick[Member]]:
        """Picks for a movie night; see the group rule in `movierec.scoring` (`weights`: the
        fairness rule's per-member weights, `scoring.fairness_weights`; None: all 1).

        Members with nothing to score (no ratings, only zero weights, or with `strict=False` only
        films that left the catalogue) are left out rather than failing the whole group; the
        films they rated are still never picked. `filter`, `strict` and `explain` as in
        `recommend`; the reasons are per matching member (`GroupPick.because_by`), each read from
        that member's own neighbors.
        """
        chosen = get_scoring(scoring)
        usable = {key: self._validated(prefs, strict) for key, prefs in members.items() if prefs}
        active = {key: prefs for key, prefs in usable.items() if prefs}
        if not active:
            raise PreferencesError("nobody here has rated a film yet")
        per_member = {key: self._scores(prefs, chosen) for key, prefs in active.items()}
        rated = {int(m) for prefs in members.values() for m in prefs}
        skip = rated | {int(m) for m in exclude}
        ranked = combine_group(
            per_member, skip, limit, offset, allowed=self._pickable(filter), weights=weights
        )
        consulted = sum(s.neighbors for s in per_member.values())
        reasons = self._member_reasons(per_member, active, ranked) if explain else {}
        picks: list[GroupPick[Member]] = []
        for movie_id, score, matches in ranked:
            support = sum(int(s.support[movie_id]) for s in per_member.values())
            movie = self._movie(movie_id)
            picks.append(
                GroupPick(
                    movie_id,
                    movie.title,
                    movie.year,
                    movie.genres,
                    score,
                    support,
                    consulted,
                    matches=matches,
                    because_by=tuple((k, reasons.get((k, movie_id), ())) for k in matches)
                    if explain
                    else (),
                )
            )
        return picks

    def fits(
        self,
        members: Mapping[Member, Mapping[int, float]],
        movie_id: int,
        scoring: str | Scoring = "default",
    ) -> dict[Member, float]:
        """How well a film (a night's winner) fitted each member's taste: their share of it
        (`scoring.member_fit`); members with nothing to score are left out."""
        chosen = get_scoring(scoring)
        found: dict[Member, float] = {}
        for key, prefs in members.items():
            known = self._validated(prefs, strict=False, bounded=False) if prefs else {}
            if known:
                found[key] = member_fit(self._scores(known, chosen), movie_id, known)
        return found

    def member_scores(
        self, preferences: Mapping[int, float], scoring: str | Scoring = "default"
    ) -> MovieScores:
        """One person's scores (`scoring.MovieScores`), for measuring the group rule."""
        return self._scores(self._validated(preferences, strict=True), get_scoring(scoring))

    def _member_reasons(
        self,
        per_member: Mapping[Member, MovieScores],
        preferences: Mapping[Member, dict[int, float]],
        ranked: list[tuple[int, float, tuple[Member, ...]]],
    ) -> dict[tuple[Member, int], tuple[int, ...]]:
        """(member, movie id) -> the one like of that member that explains the pick, for every
        pick the member matches; one `_explained` call per member, over that member's picks."""
        reasons: dict[tuple[Member, int], tuple[int, ...]] = {}
        for key, scores in per_member.items():
            theirs = [movie_id for movie_id, _, matches in ranked if key in matches]
            if not theirs:
                continue
            found, _ = self._explained(scores, _likes(preferences[key]), theirs)
            reasons.update({(key, m): because for m, because in zip(theirs, found, strict=True)})
        return reasons

    def _explained(
        self, scores: MovieScores, likes: list[int], picks: list[int]
    ) -> tuple[list[tuple[int, ...]], list[int]]:
        """(reasons, support) of a person's picks: for each pick the one like that contributed
        most to it, spread over the likes (`movierec.scoring.cite_apart`); no likes, no reasons.

        A like's contribution to a pick is its share of each signal, weighed by what that signal
        gave the pick: of the people part, the share of the pick's supporters who liked it too
        (`people_credit`); of the graph part, the share of the pick's graph score that came
        through the like's own edge (`ItemGraph.edge_weights`). So a pick the graph brought in
        cites the like that leads to it, one the neighbors brought in the like they share."""
        if scores.rows is None or not likes:  # no reasons: a bincount counts support for less
            return [() for _ in picks], [int(scores.support[m]) for m in picks]
        credit, support = people_credit(scores.rows, likes, picks)
        return cite_apart(self._contributions(scores, likes, picks, credit), likes), support

    def _contributions(
        self, scores: MovieScores, likes: list[int], picks: list[int], credit: np.ndarray
    ) -> np.ndarray:
        """picks x likes: each like's part of each pick's score (see `_explained`); the people
        credit alone when the scores are not a blend."""
        if scores.people is None or scores.graph is None:
            return credit
        sources = likes[:MAX_GRAPH_REASONS]
        edges = np.zeros_like(credit)
        edges[:, : len(sources)] = self.graph.edge_weights(sources, picks)
        ids = np.asarray(picks, np.int64)
        people_scale, graph_scale = scores.scales
        people = np.maximum(scores.people[ids] * people_scale, 0.0)[:, None]
        graph = np.maximum(scores.graph[ids] * graph_scale, 0.0)[:, None]
        contributions: np.ndarray = people * _shares(credit) + graph * _shares(edges)
        return contributions

    def _pick(
        self, movie_id: int, scores: MovieScores, support: int, because: tuple[int, ...] = ()
    ) -> Pick:
        movie = self._movie(movie_id)
        return Pick(
            movie_id,
            movie.title,
            movie.year,
            movie.genres,
            float(scores.scores[movie_id]),
            support,
            scores.neighbors,
            because,
        )

    def _movie(self, movie_id: int) -> Movie:
        movie = self.catalogue.get(movie_id)
        if movie is None:  # ranking is restricted to catalogue films by `_pickable`
            raise AssertionError(f"movie {movie_id} was ranked but is not in the catalogue")
        return movie

    def _pickable(self, wanted: Filter | None) -> np.ndarray:
        """Which movie ids (of `manifest.columns`) may be picked: the catalogue, narrowed by the
        filter. Read-only; a filter's mask is computed once (a pass over the catalogue) and kept,
        up to `MAX_MASKS` of them, since a few filters ("90s", "comedy") are asked again and
        again."""
        if wanted is None or wanted.is_empty():
            return self._catalogue_ids
        with self._masks_lock:
            mask = self._masks.get(wanted)
        if mask is None:  # two threads may both compute a new filter's mask: the same array
            mask = wanted.mask(self.catalogue.frame, self.manifest.columns)
            mask.flags.writeable = False
            with self._masks_lock:
                if len(self._masks) >= MAX_MASKS:
                    self._masks.clear()
                self._masks[wanted] = mask
        return mask


def _catalogue_mask(catalogue: Catalogue, columns: int) -> np.ndarray:
    """Which movie ids (of `columns`) are in the catalogue and may be picked (read-only)."""
    ids = catalogue.frame.index.to_numpy(np.int64)
    mask = np.zeros(columns, bool)
    mask[ids[ids < len(mask)]] = True
    mask.flags.writeable = False
    return mask
