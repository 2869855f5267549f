"""Build an index once, reopen it instantly, rebuild it when the data set changes.

A local index directory (`$MOVIEREC_HOME/index/<dataset>-<fingerprint>/`) holds:

* `manifest.json`: schema version, data set fingerprint, normalisation statistics, sizes;
* `vectors/`: the user vectors as memory-mapped CSR arrays (the aggregation step reads these);
* `popularity.npy`, `mean_rating.npy`: per-movie counts and means (cold start, damping, titles);
* `graph/`: the pruned item graph that the default scoring blends in (`movierec.graph`). A large
  one (a sampled build: ml-25m, ml-32m) is built in a child process while the Edge shard is
  written, so the two use both cores (a thread would not: the shard's engine holds the GIL);
* `shard/`: the Qdrant Edge shard, when the embedded store is used.

Builds happen in a temporary sibling directory that is renamed into place only when complete, so a
crash mid-build leaves no half index behind; the next start simply builds again. A Qdrant server
collection records the fingerprint in its metadata, with a `complete` flag set after the upload.

Start-up lives here, not in `Recommender`: `open_index(settings)` builds or reopens the configured
data set's index (and syncs a server collection), `build_index(ratings, movies, location)` indexes
any ratings table (evaluation's training split), and both return a `LoadedIndex` that
`Recommender(index)` only reads from.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from movierec.config import COLLECTION_NAME, Settings, StoreKind
from movierec.data import fingerprint as data_fingerprint
from movierec.data import load_dataset, load_movies, load_users
from movierec.graph import PRODUCT_BUDGET, GraphParams, ItemGraph, build_graph, products
from movierec.links import with_links
from movierec.vectors import RatingStats, UserVectors, build_user_vectors
from movierec.vectorstore.base import VectorStore
from movierec.vectorstore.edge import EdgeStore
from movierec.vectorstore.server import CollectionOptions, ServerStore, connect

log = logging.getLogger("movierec")
SCHEMA_VERSION = 3  # 2: Edge shards without a WAL (shareable between processes); 3: item graph


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

    def to_metadata(self, complete: bool) -> dict[str, Any]:
        return {**asdict(self), "complete": complete}

    def matches(self, metadata: Mapping[str, Any] | None) -> bool:
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


def user_payloads(users: pd.DataFrame | None) -> dict[int, dict[str, Any]]:
    """User attributes as Qdrant payloads (plain JSON types only)."""
    if users is None or users.empty:
        return {}
    records = users.reset_index().to_dict("records")
    return {
        int(r["user_id"]): {str(k): (v.item() if hasattr(v, "item") else v) for k, v in r.items()}
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
        with graph_builder(vectors, columns, staging) as graph_built:
            if with_edge:
                store = EdgeStore.create(staging / "shard")
                try:
                    store.upload(vectors, user_payloads(users), progress=progress)
                finally:
                    store.close()
            graph_built()
        (staging / "manifest.json").write_text(json.dumps(asdict(manifest), indent=2))
        shutil.rmtree(root, ignore_errors=True)
        os.replace(staging, root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


@contextmanager
def graph_builder(
    vectors: UserVectors, columns: int, staging: Path, budget: float = PRODUCT_BUDGET
) -> Iterator[Callable[[], GraphParams]]:
    """The item graph of `staging`'s saved vectors, being built while the caller goes on; the
    yielded function waits for it and returns what was built.

    A graph within the exact budget (ml-1m and smaller, every test) takes a second or two and is
    built right here; a sampled one (ml-25m, ml-32m) in a child process, `python -m
    movierec.graph`, that reads the saved, memory-mapped vectors, so the Edge upload in this
    process and the graph each get a core. A plain child process, not multiprocessing: a
    caller's script without a `__main__` guard must not be re-run by it.
    """
    started = time.monotonic()
    if products(vectors) <= budget:
        build_graph(vectors, columns, budget=budget).save(staging / "graph")
        yield lambda: _built(staging, started)
        return
    command = [sys.executable, "-m", "movierec.graph", str(staging), str(columns), repr(budget)]
    # its errors go to a file, not a pipe: nobody reads a pipe while the Edge upload runs, and a
    # full one would stall the child
    errors = staging / "graph-errors.txt"
    with errors.open("wb") as sink:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=sink)

    def wait() -> GraphParams:
        if child.wait():
            tail = errors.read_text(errors="replace").strip().splitlines()[-3:]
            raise RuntimeError(f"building the item graph failed: {' / '.join(tail)}")
        errors.unlink(missing_ok=True)
        return _built(staging, started)

    try:
        yield wait
    finally:
        if child.poll() is None:  # the caller failed first: do not leave the child running
            child.kill()
            child.wait()


def _built(staging: Path, started: float) -> GraphParams:
    graph = ItemGraph.load(staging / "graph")
    sample = " (from a sample of the ratings)" if graph.params.sampled else ""
    log.info(
        "item graph: %d edges, %d films%s, %.1f s",
        graph.edges,
        graph.params.films,
        sample,
        time.monotonic() - started,
    )
    return graph.params


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


# ------------------------------------------------------------------------------------ start-up
@dataclass(frozen=True)
class LoadedIndex:
    """An open index: everything `Recommender` reads, loaded once at start-up.

    `vectors` and the per-movie arrays are memory-mapped or small; `store` holds files (Edge) or a
    connection (server), hence `close()`.
    """

    store: VectorStore
    vectors: UserVectors
    movies: pd.DataFrame
    manifest: Manifest
    popularity: np.ndarray  # ratings per movie id, `manifest.columns` long
    mean_rating: np.ndarray  # mean rating per movie id, `manifest.columns` long
    graph: ItemGraph  # films like yours (memory-mapped)

    def close(self) -> None:
        self.store.close()


def _loaded(
    root: Path, store: VectorStore, vectors: UserVectors, movies: pd.DataFrame, manifest: Manifest
) -> LoadedIndex:
    """The one place that reads the per-movie arrays, whichever way the index was opened."""
    return LoadedIndex(
        store,
        vectors,
        movies,
        manifest,
        np.load(root / "popularity.npy"),
        np.load(root / "mean_rating.npy"),
        ItemGraph.load(root / "graph"),
    )


def open_index(
    settings: Settings | None = None,
    *,
    store: StoreKind | str | None = None,
    progress: bool = False,
    rebuild: bool = False,
    data_dir: Path | None = None,
) -> LoadedIndex:
    """Open the configured data set's index, building it on first use or after the data changed.

    The local index is keyed by the data set's fingerprint, so an edited or replaced data set gets a
    new build (older builds are removed once it is ready). The Edge shard is added when the Edge
    store is wanted and the build was made for the server; a server collection is re-uploaded when
    its metadata does not describe this build, completed.
    """
    settings = settings or Settings.from_env()
    kind = StoreKind.parse(store) if store is not None else settings.store
    downloaded = data_dir is None and settings.movielens_dir is None
    if data_dir is None:
        from movierec.download import resolve_data_dir  # network code only when it may be needed

        data_dir = resolve_data_dir(settings, progress=progress)
    data_dir = Path(data_dir)
    fingerprint = data_fingerprint(data_dir)
    root = settings.index_dir / f"{data_dir.name}-{fingerprint}"
    manifest = None if rebuild else read_manifest(root)
    users: pd.DataFrame | None = None
    movies: pd.DataFrame | None = None
    if manifest is None:
        started = time.monotonic()
        log.info("building the index of %s (first start or new data)", data_dir.name)
        dataset = load_dataset(data_dir)
        log.info(
            "loaded %s: %d ratings of %d films by %d people",
            data_dir.name,
            len(dataset.ratings),
            len(dataset.movies),
            dataset.ratings["user_id"].nunique(),
        )
        users, movies = dataset.users, dataset.movies
        manifest = build_local(
            dataset.ratings,
            dataset.movies,
            root,
            dataset=data_dir.name,
            fingerprint=fingerprint,
            users=dataset.users,
            with_edge=kind is StoreKind.EDGE,
            progress=progress,
        )
        remove_stale(settings.index_dir, data_dir.name, keep=root)
        log.info("index of %s built in %.1f s", data_dir.name, time.monotonic() - started)
    if movies is None:
        movies = load_movies(data_dir)
    movies = with_links(movies, settings, data_dir, allow_download=downloaded)
    vectors = UserVectors.load(root / "vectors")
    vector_store: VectorStore
    if kind is StoreKind.EDGE:
        if not (root / "shard").is_dir():  # built for the server store earlier
            add_edge_shard(root, users if users is not None else load_users(data_dir), progress)
        vector_store = EdgeStore.open(root / "shard")
    else:
        vector_store = _open_server(settings, manifest, vectors, data_dir, rebuild, progress)
    return _loaded(root, vector_store, vectors, movies, manifest)


def _open_server(
    settings: Settings,
    manifest: Manifest,
    vectors: UserVectors,
    data_dir: Path,
    rebuild: bool,
    progress: bool,
) -> ServerStore:
    """Connect to the configured collection, uploading this build when it does not hold it."""
    if not settings.qdrant_url:
        raise ValueError("the server store needs QDRANT_URL (or QDRANT_HOST)")
    server = ServerStore(connect(settings.qdrant_url, settings.qdrant_api_key), settings.collection)
    options = CollectionOptions(
        settings.qdrant_shards, settings.qdrant_replicas, settings.qdrant_on_disk
    )
    if rebuild or not manifest.matches(server.metadata()):
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


def build_index(
    ratings: pd.DataFrame,
    movies: pd.DataFrame,
    location: Path,
    *,
    store: StoreKind | str = StoreKind.EDGE,
    users: pd.DataFrame | None = None,
    qdrant_url: str = ":memory:",
    collection: str = COLLECTION_NAME,
    progress: bool = False,
) -> LoadedIndex:
    """Index any ratings table (a training split, generated data) at `location`, and open it.

    Always a fresh build: nothing here is keyed by a fingerprint, the caller owns `location`. The
    server store defaults to qdrant-client's in-memory local mode, which is what evaluation wants.
    """
    kind = StoreKind.parse(store)
    location = Path(location)
    manifest = build_local(
        ratings,
        movies,
        location,
        dataset=location.name,
        fingerprint="table",
        users=users,
        with_edge=kind is StoreKind.EDGE,
        progress=progress,
    )
    vectors = UserVectors.load(location / "vectors")
    vector_store: VectorStore
    if kind is StoreKind.EDGE:
        vector_store = EdgeStore.open(location / "shard")
    else:
        server = ServerStore(connect(qdrant_url), collection)
        sync_server(
            server, manifest, vectors, users, CollectionOptions(), force=True, progress=progress
        )
        vector_store = server
    return _loaded(location, vector_store, vectors, movies, manifest)
