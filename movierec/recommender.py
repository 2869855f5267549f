"""`Recommender`: the one object that the bot and the CLI hold for their lifetime.

It owns an open vector store, the memory-mapped user vectors, the catalogue and the title index,
and turns preferences (movie id -> +1 like / -1 dislike) into picks.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from movierec.config import Settings
from movierec.data import fingerprint as data_fingerprint
from movierec.data import load_dataset, load_movies
from movierec.index import (
    Manifest,
    add_edge_shard,
    build_local,
    read_manifest,
    remove_stale,
    sync_server,
)
from movierec.scoring import (
    MovieScores,
    Scoring,
    aggregate,
    candidate_mask,
    combine_group,
    get_scoring,
    rank,
)
from movierec.store.base import VectorStore
from movierec.store.edge import EdgeStore
from movierec.store.server import CollectionOptions, ServerStore, connect
from movierec.vectors import UserVectors

MAX_PREFERENCES = 5_000


class PreferencesError(ValueError):
    """Preferences that cannot be scored; the message is a sentence a person can act on."""


@dataclass(frozen=True)
class Movie:
    movie_id: int
    title: str
    year: int | None
    genres: tuple[str, ...]
    ratings_count: int
    mean_rating: float


@dataclass(frozen=True)
class Pick:
    """One recommended film. `support` of the `neighbours` similar users rated it above average."""

    movie_id: int
    title: str
    year: int | None
    genres: tuple[str, ...]
    score: float
    support: int
    neighbours: int


@dataclass(frozen=True)
class GroupPick(Pick):
    """A movie-night pick; `matches` are the members whose taste it fits."""

    matches: tuple[Hashable, ...] = ()


class Catalogue:
    """Movie lookup by id, with how often and how well each film was rated."""

    def __init__(self, movies: pd.DataFrame, popularity: np.ndarray, mean_rating: np.ndarray):
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
        mean = float(self._mean[movie_id]) if movie_id < len(self._mean) else 0.0
        return Movie(int(movie_id), title, year, tuple(genres), count, mean)

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
        return self._movies


class Recommender:
    """Picks for a person or a group, from an open index."""

    def __init__(
        self,
        store: VectorStore,
        vectors: UserVectors,
        movies: pd.DataFrame,
        manifest: Manifest,
        popularity: np.ndarray,
        mean_rating: np.ndarray,
    ) -> None:
        self.store = store
        self.vectors = vectors
        self.manifest = manifest
        self.popularity = popularity
        self.catalogue = Catalogue(movies, popularity, mean_rating)

    # ---------------------------------------------------------------- opening and building
    @classmethod
    def open(
        cls,
        settings: Settings | None = None,
        *,
        store: str | None = None,
        progress: bool = False,
        rebuild: bool = False,
        data_dir: Path | None = None,
    ) -> Recommender:
        """Open the configured data set's index, building it on first use or after a change."""
        settings = settings or Settings.from_env()
        kind = store or settings.store
        if kind not in {"edge", "qdrant"}:
            raise ValueError(f"unknown store {kind!r}; choose edge or qdrant")
        if data_dir is None:
            from movierec.download import resolve_data_dir

            data_dir = resolve_data_dir(settings, progress=progress)
        data_dir = Path(data_dir)
        fingerprint = data_fingerprint(data_dir)
        root = settings.index_dir / f"{data_dir.name}-{fingerprint}"
        manifest = None if rebuild else read_manifest(root)
        dataset = None
        if manifest is None:
            dataset = load_dataset(data_dir)
            manifest = build_local(
                dataset.ratings,
                dataset.movies,
                root,
                dataset=data_dir.name,
                fingerprint=fingerprint,
                users=dataset.users,
                with_edge=kind == "edge",
                progress=progress,
            )
            remove_stale(settings.index_dir, data_dir.name, keep=root)
        movies = dataset.movies if dataset is not None else load_movies(data_dir)
        vectors = UserVectors.load(root / "vectors")
        if kind == "edge":
            if not (root / "shard").is_dir():
                users = dataset.users if dataset is not None else None
                add_edge_shard(root, users, progress=progress)
            vector_store: VectorStore = EdgeStore.open(root / "shard")
        else:
            vector_store = cls._open_server(
                settings, manifest, vectors, data_dir, rebuild, progress
            )
        return cls(
            vector_store,
            vectors,
            movies,
            manifest,
            np.load(root / "popularity.npy"),
            np.load(root / "mean_rating.npy"),
        )

    @staticmethod
    def _open_server(
        settings: Settings,
        manifest: Manifest,
        vectors: UserVectors,
        data_dir: Path,
        rebuild: bool,
        progress: bool,
    ) -> ServerStore:
        if not settings.qdrant_url:
            raise ValueError("the qdrant store needs QDRANT_URL (or QDRANT_HOST)")
        server = ServerStore(
            connect(settings.qdrant_url, settings.qdrant_api_key), settings.collection
        )
        options = CollectionOptions(
            settings.qdrant_shards, settings.qdrant_replicas, settings.qdrant_on_disk
        )
        if rebuild or not manifest.matches(server.metadata()):
            from movierec.data import load_users

            sync_server(
                server,
                manifest,
                vectors,
                load_users(data_dir),
                options,
                force=True,
                progress=progress,
            )
        return server

    @classmethod
    def build(
        cls,
        ratings: pd.DataFrame,
        movies: pd.DataFrame,
        location: Path,
        *,
        store: str = "edge",
        users: pd.DataFrame | None = None,
        qdrant_url: str = ":memory:",
        collection: str = "movielens",
        progress: bool = False,
    ) -> Recommender:
        """An index from any ratings table (a training split, generated data) at `location`."""
        location = Path(location)
        manifest = build_local(
            ratings,
            movies,
            location,
            dataset=location.name,
            fingerprint="table",
            users=users,
            with_edge=store == "edge",
            progress=progress,
        )
        vectors = UserVectors.load(location / "vectors")
        if store == "edge":
            vector_store: VectorStore = EdgeStore.open(location / "shard")
        else:
            server = ServerStore(connect(qdrant_url), collection)
            sync_server(
                server, manifest, vectors, users, CollectionOptions(), force=True, progress=progress
            )
            vector_store = server
        return cls(
            vector_store,
            vectors,
            movies,
            manifest,
            np.load(location / "popularity.npy"),
            np.load(location / "mean_rating.npy"),
        )

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Recommender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- titles
    @cached_property
    def titles(self):  # -> TitleIndex; imported lazily: evaluation never needs it
        from movierec.titles import TitleIndex

        counts = {
            int(m): int(self.popularity[m])
            for m in self.catalogue.frame.index
            if m < len(self.popularity)
        }
        return TitleIndex(self.catalogue.frame, popularity=counts)

    def match(self, text: str, limit: int = 5):  # -> MatchResult
        """Fuzzy-match what a person typed to catalogue titles (see movierec.titles)."""
        return self.titles.match(text, limit=limit)

    # ---------------------------------------------------------------- recommending
    def clean_preferences(self, preferences: Mapping[int, float]) -> dict[int, float]:
        """Validate preferences: known movie ids, finite weights between -1 and 1, not empty."""
        if not isinstance(preferences, Mapping):
            raise PreferencesError("preferences must map movie ids to +1 (like) or -1 (dislike)")
        if len(preferences) > MAX_PREFERENCES:
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
        if unknown:
            shown = ", ".join(map(str, unknown[:5])) + (" …" if len(unknown) > 5 else "")
            raise PreferencesError(f"unknown movie id(s): {shown}")
        if not cleaned:
            raise PreferencesError("tell me at least one film you like or dislike")
        return cleaned

    def movie_scores(
        self, preferences: Mapping[int, float], scoring: str | Scoring = "default"
    ) -> MovieScores:
        """Per-movie scores from the neighbours of `preferences` (validated here)."""
        return self._scores(self.clean_preferences(preferences), get_scoring(scoring))

    def _scores(self, preferences: dict[int, float], scoring: Scoring) -> MovieScores:
        neighbours = self.store.neighbours(preferences, scoring.neighbors, scoring.vector)
        return aggregate(neighbours, self.vectors, scoring, self.manifest.columns, self.popularity)

    def recommend(
        self,
        preferences: Mapping[int, float],
        limit: int = 5,
        *,
        offset: int = 0,
        exclude: Iterable[int] = (),
        scoring: str | Scoring = "default",
        neighbors: int | None = None,
    ) -> list[Pick]:
        """The best `limit` films the person has not rated (skipping `offset`, e.g. for "More")."""
        chosen = get_scoring(scoring, neighbors)
        prefs = self.clean_preferences(preferences)
        scores = self._scores(prefs, chosen)
        skip = set(prefs) | {int(m) for m in exclude}
        mask = candidate_mask(scores.raters, skip, chosen.min_support)
        mask &= self._catalogue_ids  # both are manifest.columns long
        return [
            self._pick(int(m), scores, Pick)
            for m in rank(scores.scores, mask, max(limit, 0), max(offset, 0))
        ]

    def recommend_group(
        self,
        members: Mapping[Hashable, Mapping[int, float]],
        limit: int = 5,
        *,
        offset: int = 0,
        exclude: Iterable[int] = (),
        scoring: str | Scoring = "default",
    ) -> list[GroupPick]:
        """Picks for a movie night; see the group rule in `movierec.scoring`."""
        active = {key: prefs for key, prefs in members.items() if prefs}
        if not active:
            raise PreferencesError("nobody here has rated a film yet")
        per_member = {key: self.movie_scores(prefs, scoring) for key, prefs in active.items()}
        rated = {int(m) for prefs in active.values() for m in prefs}
        skip = rated | {int(m) for m in exclude}
        picks = []
        ranked = combine_group(per_member, skip, limit, offset, allowed=self._catalogue_ids)
        for movie_id, score, matches in ranked:
            support = sum(int(s.support[movie_id]) for s in per_member.values())
            consulted = sum(s.neighbours for s in per_member.values())
            movie = self.catalogue.get(movie_id)
            assert movie is not None  # excluded above
            picks.append(
                GroupPick(
                    movie_id,
                    movie.title,
                    movie.year,
                    movie.genres,
                    score,
                    support,
                    consulted,
                    matches,
                )
            )
        return picks

    def _pick(self, movie_id: int, scores: MovieScores, kind: type[Pick]) -> Pick:
        movie = self.catalogue.get(movie_id)
        assert movie is not None  # ranking is restricted to catalogue films
        return kind(
            movie_id,
            movie.title,
            movie.year,
            movie.genres,
            float(scores.scores[movie_id]),
            int(scores.support[movie_id]),
            scores.neighbours,
        )

    @cached_property
    def _catalogue_ids(self) -> np.ndarray:
        """Which movie ids (of `manifest.columns`) are in the catalogue and may be picked."""
        ids = self.catalogue.frame.index.to_numpy(np.int64)
        mask = np.zeros(self.manifest.columns, bool)
        mask[ids[ids < len(mask)]] = True
        return mask
