"""Build an index once, reopen it instantly, rebuild it when the data set changes.

A local index directory (`$MOVIEREC_HOME/index/<dataset>-<fingerprint>/`) holds:

* `manifest.json`: schema version, data set fingerprint, normalisation statistics, sizes;
* `vectors/`: the user vectors as memory-mapped CSR arrays (the aggregation step reads these);
* `popularity.npy`, `mean_rating.npy`: per-movie counts and means (cold start, damping, titles);
* `shard/`: the Qdrant Edge shard, when the embedded store is used.

Builds happen in a temporary sibling directory that is renamed into place only when complete, so a
crash mid-build leaves no half index behind; the next start simply builds again. A Qdrant server
collection records the fingerprint in its metadata, with a `complete` flag set after the upload.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from movierec.store.edge import EdgeStore
from movierec.store.server import CollectionOptions, ServerStore
from movierec.vectors import RatingStats, UserVectors, build_user_vectors

SCHEMA_VERSION = 2  # 2: Edge shards without a WAL (shareable between processes)


@dataclass(frozen=True)
class Manifest:
    """What an index was built from; compared on reopen to decide whether to rebuild."""

    schema: int
    dataset: str
    fingerprint: str
    mean: float
    std: float
    users: int
    ratings: int
    columns: int  # one past the largest movie id: the length of per-movie arrays
    built_at: float

    @property
    def stats(self) -> RatingStats:
        return RatingStats(self.mean, self.std)

    def to_metadata(self, complete: bool) -> dict:
        return {**asdict(self), "complete": complete}

    def matches(self, metadata: dict | None) -> bool:
        """True when a server collection's metadata describes this very build, completed."""
        return bool(
            metadata
            and metadata.get("complete")
            and metadata.get("schema") == self.schema
            and metadata.get("fingerprint") == self.fingerprint
        )


def read_manifest(root: Path) -> Manifest | None:
    """The manifest of a complete index at `root`, or None (absent, partial, or old schema)."""
    try:
        data = json.loads((root / "manifest.json").read_text())
        manifest = Manifest(**data)
    except (OSError, ValueError, TypeError):
        return None
    return manifest if manifest.schema == SCHEMA_VERSION else None


def _columns(ratings: pd.DataFrame, movies: pd.DataFrame) -> int:
    largest = max(
        int(ratings["movie_id"].max()) if len(ratings) else 0,
        int(movies.index.max()) if len(movies) else 0,
    )
    return largest + 1


def user_payloads(users: pd.DataFrame | None) -> dict[int, dict]:
    """User attributes as Qdrant payloads (plain JSON types only)."""
    if users is None or users.empty:
        return {}
    records = users.reset_index().to_dict("records")
    return {
        int(r["user_id"]): {k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()}
        for r in records
    }


def build_local(
    ratings: pd.DataFrame,
    movies: pd.DataFrame,
    root: Path,
    *,
    dataset: str,
    fingerprint: str,
    users: pd.DataFrame | None = None,
    with_edge: bool = True,
    progress: bool = False,
) -> Manifest:
    """Build vectors, per-movie stats and (optionally) the Edge shard into `root`, atomically."""
    if ratings.empty:
        raise ValueError("cannot build an index from an empty ratings table")
    stats = RatingStats.of(ratings)
    vectors = build_user_vectors(ratings, stats)
    columns = _columns(ratings, movies)
    manifest = Manifest(
        schema=SCHEMA_VERSION,
        dataset=dataset,
        fingerprint=fingerprint,
        mean=stats.mean,
        std=stats.std,
        users=len(vectors),
        ratings=vectors.nnz,
        columns=columns,
        built_at=time.time(),
    )
    staging = root.with_name(f"{root.name}.building-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        vectors.save(staging / "vectors")
        movie_ids = ratings["movie_id"].to_numpy(np.int64)
        counts = np.bincount(movie_ids, minlength=columns)
        sums = np.bincount(
            movie_ids, weights=ratings["rating"].to_numpy(np.float64), minlength=columns
        )
        np.save(staging / "popularity.npy", counts)
        np.save(staging / "mean_rating.npy", np.divide(sums, np.maximum(counts, 1)))
        if with_edge:
            store = EdgeStore.create(staging / "shard")
            try:
                store.upload(vectors, user_payloads(users), progress=progress)
            finally:
                store.close()
        (staging / "manifest.json").write_text(json.dumps(asdict(manifest), indent=2))
        shutil.rmtree(root, ignore_errors=True)
        os.replace(staging, root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def add_edge_shard(root: Path, users: pd.DataFrame | None, progress: bool = False) -> None:
    """Add the Edge shard to a local index built without one (atomically, via a staging dir)."""
    staging = root / f"shard.building-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    store = EdgeStore.create(staging)
    try:
        store.upload(
            UserVectors.load(root / "vectors", mmap=False), user_payloads(users), progress=progress
        )
    finally:
        store.close()
    os.replace(staging, root / "shard")


def sync_server(
    store: ServerStore,
    manifest: Manifest,
    vectors: UserVectors,
    users: pd.DataFrame | None,
    options: CollectionOptions,
    *,
    force: bool = False,
    progress: bool = False,
) -> bool:
    """Make the server collection hold this build; returns True when it had to upload."""
    if not force and manifest.matches(store.metadata()):
        return False
    store.recreate(manifest.to_metadata(complete=False), options)
    store.upload(vectors, user_payloads(users), progress=progress)
    store.mark_complete(manifest.to_metadata(complete=True))
    return True


def remove_stale(index_dir: Path, dataset: str, keep: Path) -> None:
    """Delete older builds of the same data set (different fingerprint) once a new one is ready."""
    if not index_dir.is_dir():
        return
    for path in index_dir.glob(f"{dataset}-*"):
        if path != keep and path.is_dir() and ".building-" not in path.name:
            shutil.rmtree(path, ignore_errors=True)
