"""The embedded default: Qdrant Edge (`qdrant-edge-py`), the Qdrant engine in this process.

One shard directory holds the `movielens` collection's points: one per user, with the `ratings` and
`unit` named sparse vectors and the user's attributes as payload. Opening an existing shard takes
milliseconds, so the bot and the CLI reopen it on every start instead of rebuilding.

An `EdgeShard` must not be used by two threads at once, and the bot calls the recommender from
several worker threads: every use of the shard goes through the store's own lock. A query takes a
fraction of a millisecond, so they queue for it briefly; the rest of a recommendation (NumPy over
the neighbors' rows) runs outside it. The server store needs no such lock: its client is safe to
share and its calls wait on the network.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
from qdrant_edge import (
    EdgeConfig,
    EdgeShard,
    EdgeSparseVectorParams,
    Memory,
    Point,
    Query,
    QueryRequest,
    SparseVector,
    UpdateOperation,
)
from tqdm.auto import tqdm

from movierec.vectors import VECTOR_NAMES, VECTOR_RATINGS, VECTOR_UNIT, UserVectors
from movierec.vectorstore.base import Neighbors, cut_neighbors, points_arrays, query_arrays

UPLOAD_BATCH = 2_000


def _config() -> EdgeConfig:
    """Both named sparse vectors, their index memory-mapped; no write-ahead log; one search thread.

    The sparse index is `Memory.Cold`: memory-mapped and read through the page cache as queries
    touch it, rather than loaded into the process (`Pinned`, the engine's default). At ml-32m's
    shape that is 370 MB less of the bot's own memory and a 0.03 s open instead of 0.6 s, for the
    same neighbors and the same query time once the pages are cached (1.1-1.3 ms either way).
    A shard keeps the placement it was built with, so older indexes (`Pinned`) are rebuilt: the
    index schema's version 5 (`movierec.index.SCHEMA_VERSION`).

    The shard is written once by the index build (which flushes before the build is renamed into
    place) and only read afterwards. Without a WAL there is no WAL lock either, so the bot, the CLI
    and the tests can all open the same index at the same time.

    A search is one small query over one optimized segment (plus the empty appendable one), too
    short to gain from the default pool of one thread per CPU: dispatching it to several threads
    cost more than it saved (ml-1m, 150 neighbors: 109 µs a query with one thread, 136-151 µs
    with two; 20 neighbors of the seed: 51 against 50-72 µs).
    """
    return EdgeConfig(
        sparse_vectors={name: EdgeSparseVectorParams(memory=Memory.Cold) for name in VECTOR_NAMES},
        wal_enabled=False,
        max_search_threads=1,
    )


class EdgeStore:
    """A Qdrant Edge shard at `path` (created on `create`, reopened on `open`)."""

    def __init__(self, shard: EdgeShard, path: Path) -> None:
        self._shard = shard
        self._lock = threading.Lock()  # the shard is used by one thread at a time
        self.path = path
        self.upload_seconds: dict[str, float] = {}  # the last upload, phase by phase

    @classmethod
    def create(cls, path: Path) -> EdgeStore:
        path.mkdir(parents=True, exist_ok=True)
        return cls(EdgeShard.create(str(path), _config()), path)

    @classmethod
    def open(cls, path: Path) -> EdgeStore:
        return cls(EdgeShard.load(str(path), _config()), path)

    @classmethod
    def settle(cls, path: Path) -> None:
        """Open a just-built shard once and close it: the first open rewrites some of its files
        (defaults added to `edge_config.json`, the `tracker_journal.dat` files deleted), so files
        recorded after this are the ones every later open finds (`movierec.integrity`)."""
        cls.open(path).close()

    def upload(
        self,
        vectors: UserVectors,
        payloads: Mapping[int, dict] | None = None,
        *,
        progress: bool = False,
    ) -> None:
        """Upsert every user, then optimize (immutable indexes: a fast, sub-second reopen).

        Measured at ml-32m scale (32 M ratings; `benchmarks/core.py --edge-only` reports these
        phases, kept in `upload_seconds`): building the `Point`s costs ~0.13 µs of CPU a rating,
        the shard's upsert ~0.45 µs and its optimize ~0.45 µs, so the engine, not Python, is
        ~85 % of the build. Both engine calls hold the GIL, so a thread building the next batch
        would not overlap them; batch size (500 to 10,000 users) and `UpdateMode.InsertOnly` change
        nothing measurable; and one `tolist()` per batch, sliced per user, is slower than a
        `tolist()` of each user's slice (the long lists cost more in allocation than the calls).
        Skipping `optimize` halves the build but leaves mutable segments that every open rebuilds.
        """
        seconds = {"points": 0.0, "upsert": 0.0}
        # each row's unit vector is made with its batch (the same division as `unit_values`,
        # so the same floats): a whole second copy of the values (ml-32m: 256 MB) never exists
        norms = vectors.norms()
        batches = range(0, len(vectors), UPLOAD_BATCH)
        with tqdm(
            total=len(vectors),
            desc="Indexing users (Qdrant Edge)",
            unit="user",
            disable=not progress,
            leave=False,
        ) as bar:
            for start in batches:
                stop = min(start + UPLOAD_BATCH, len(vectors))
                clock = time.perf_counter()
                points = list(_points(vectors, norms, payloads, start, stop))
                seconds["points"] += time.perf_counter() - clock
                clock = time.perf_counter()
                with self._lock:
                    self._shard.update(UpdateOperation.upsert_points(points))
                seconds["upsert"] += time.perf_counter() - clock
                bar.update(stop - start)
        clock = time.perf_counter()
        with self._lock:
            self._shard.optimize()
        seconds["optimize"] = time.perf_counter() - clock
        clock = time.perf_counter()
        with self._lock:
            self._shard.flush()
        seconds["flush"] = time.perf_counter() - clock
        self.upload_seconds = seconds

    def neighbors(self, preferences: Mapping[int, float], k: int, using: str) -> Neighbors:
        indices, values = query_arrays(preferences)
        query = Query.Nearest(SparseVector(indices, values), using=using)

        def fetch(limit: int) -> tuple[np.ndarray, np.ndarray]:
            request = QueryRequest(limit=limit, query=query, with_vector=False, with_payload=False)
            with self._lock:
                found = self._shard.query(request)
            return points_arrays(found)

        return cut_neighbors(fetch, k)

    def count(self) -> int:
        with self._lock:
            return self._shard.info().points_count

    def close(self) -> None:
        with self._lock:
            self._shard.close()


def _points(
    vectors: UserVectors,
    norms: np.ndarray,
    payloads: Mapping[int, dict] | None,
    start: int,
    stop: int,
) -> Iterator[Point]:
    for i in range(start, stop):
        lo, hi = int(vectors.indptr[i]), int(vectors.indptr[i + 1])
        movie_ids = vectors.indices[lo:hi].tolist()
        user_id = int(vectors.user_ids[i])
        values = vectors.values[lo:hi]
        yield Point(
            user_id,
            {
                VECTOR_RATINGS: SparseVector(movie_ids, values.tolist()),
                VECTOR_UNIT: SparseVector(
                    movie_ids, np.divide(values, norms[i], dtype=np.float64).tolist()
                ),
            },
            (payloads or {}).get(user_id, {}),
        )
