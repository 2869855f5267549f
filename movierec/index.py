"""Build an index once, reopen it instantly, rebuild it when the data set changes.

A local index directory (`$MOVIEREC_HOME/index/<dataset>-<fingerprint>/`) holds:

* `manifest.json`: schema version, data set fingerprint, normalisation statistics, sizes;
* `vectors/`: the user vectors as memory-mapped CSR arrays (the aggregation step reads these);
* `popularity.npy`, `mean_rating.npy`: per-movie counts and means (cold start, damping, titles);
* `graph/`: the pruned item graph that the default scoring blends in (`movierec.graph`). A large
  one (a sampled build: ml-25m, ml-32m) is built in a child process while the Edge shard is
  written, so the two use both cores (a thread would not: the shard's engine holds the GIL);
* `shard/`: the Qdrant Edge shard, when the embedded store is used.

* `files.json`: every file above with its size and CRC-32 (`movierec.integrity`), written last.

Builds happen in a temporary sibling directory that is renamed into place only when complete (the
old build is renamed aside first and removed after), so a crash mid-build leaves the old index or
none, never a half one; the next start simply builds again. A Qdrant server collection records the
fingerprint in its metadata, with a `complete` flag set after the upload.

A damaged index is never served: opening one checks its files against `files.json` (sizes always,
checksums before serving up to `integrity.SYNC_CHECK_BYTES`, else in a background thread), and a
mismatch, an unreadable file or a panic of the Edge engine while opening is logged with the file
and what is wrong, and the index is rebuilt from the data (the same build: the same picks). When
the data cannot be read, `IndexDamagedError` says so in one sentence.

Start-up lives here, not in `Recommender`: `open_index(settings)` builds or reopens the configured
data set's index (and syncs a server collection), `build_index(ratings, movies, location)` indexes
any ratings table (evaluation's training split), and both return a `LoadedIndex` that
`Recommender(index)` only reads from.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from movierec.config import COLLECTION_NAME, Settings, StoreKind
from movierec.data import fingerprint as data_fingerprint
from movierec.data import load_dataset, load_movies, load_users
from movierec.graph import PRODUCT_BUDGET, GraphParams, ItemGraph, build_graph, products
from movierec.integrity import (
    SHARD,
    SYNC_CHECK_BYTES,
    FileRecord,
    IndexDamagedError,
    check_later,
    check_sizes,
    check_sums,
    is_panic,
    marked_damaged,
    read_record,
    record_files,
    sync_directory,
    total_bytes,
    write_record,
)
from movierec.links import with_links
from movierec.vectors import RatingStats, UserVectors, build_user_vectors
from movierec.vectorstore.base import VectorStore
from movierec.vectorstore.edge import EdgeStore

if TYPE_CHECKING:  # qdrant-client costs ~60 MB of memory: imported only for the server store
    from movierec.vectorstore.server import CollectionOptions, ServerStore

log = logging.getLogger("movierec")
# 2: Edge shards without a WAL (shareable between processes); 3: item graph; 4: files.json;
# 5: the Edge sparse index memory-mapped (`Memory.Cold`: an older shard would be opened with a
# config that differs from its own, and rewriting it would read as damage)
SCHEMA_VERSION = 5


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


@dataclass(frozen=True)
class Prepared:
    """What a build needs from the ratings table, computed first so that the table (ml-32m:
    0.4 GB, and its copies) can be let go before the Edge upload, the build's largest part."""

    stats: RatingStats
    vectors: UserVectors
    columns: int
    counts: np.ndarray  # ratings per movie id
    sums: np.ndarray  # their sum per movie id


def prepare_build(ratings: pd.DataFrame, movies: pd.DataFrame) -> Prepared:
    if ratings.empty:
        raise ValueError("cannot build an index from an empty ratings table")
    stats = RatingStats.of(ratings)
    vectors = build_user_vectors(ratings, stats)
    columns = _columns(ratings, movies)
    movie_ids = ratings["movie_id"].to_numpy(np.int64)
    counts = np.bincount(movie_ids, minlength=columns)
    sums = np.bincount(movie_ids, weights=ratings["rating"].to_numpy(np.float64), minlength=columns)
    return Prepared(stats, vectors, columns, counts, sums)


def release_memory() -> None:
    """Give the heap's freed memory back to the system (glibc's `malloc_trim`): a build frees
    gigabytes in many small blocks (pandas, the Edge engine's segments) that glibc otherwise
    keeps, so the bot that built its index on first start went on holding 2.0 GB where a bot
    that reopened it held 0.25 GB before its first query (ml-32m-shaped set). Elsewhere (no
    glibc: macOS, musl) nothing happens."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass


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
    return write_build(
        prepare_build(ratings, movies),
        root,
        dataset=dataset,
        fingerprint=fingerprint,
        users=users,
        with_edge=with_edge,
        progress=progress,
    )


def write_build(
    prepared: Prepared,
    root: Path,
    *,
    dataset: str,
    fingerprint: str,
    users: pd.DataFrame | None = None,
    with_edge: bool = True,
    progress: bool = False,
) -> Manifest:
    """`build_local` from ratings already prepared (see `Prepared`)."""
    stats, vectors, columns = prepared.stats, prepared.vectors, prepared.columns
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
    remove_abandoned(root.parent, name=root.name)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        vectors.save(staging / "vectors")
        counts = prepared.counts
        np.save(staging / "popularity.npy", counts)
        np.save(staging / "mean_rating.npy", np.divide(prepared.sums, np.maximum(counts, 1)))
        with graph_builder(vectors, columns, staging) as graph_built:
            if with_edge:
                store = EdgeStore.create(staging / "shard")
                try:
                    store.upload(vectors, user_payloads(users), progress=progress)
                finally:
                    store.close()
                EdgeStore.settle(staging / "shard")
            graph_built()
        (staging / "manifest.json").write_text(json.dumps(asdict(manifest), indent=2))
        write_record(staging, record_files(staging))
        _swap(staging, root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        release_memory()
    return manifest


def _swap(staging: Path, root: Path) -> None:
    """Put the complete build at `staging` in place of `root`: the old build is renamed aside,
    the new one renamed in (each a directory rename, atomic), then the old one removed. Whatever
    stops this leaves the old build or the new one at `root`, or (between the two renames only)
    none; never a mix."""
    old = root.with_name(f"{root.name}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    if root.exists():
        os.replace(root, old)
    try:
        os.replace(staging, root)
    except BaseException:
        if old.exists() and not root.exists():
            os.replace(old, root)
        raise
    sync_directory(root.parent)
    shutil.rmtree(old, ignore_errors=True)


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
    EdgeStore.settle(staging)
    shard = record_files(staging, prefix=f"{SHARD}/")
    others = {k: v for k, v in (read_record(root) or {}).items() if not k.startswith(f"{SHARD}/")}
    os.replace(staging, root / SHARD)
    # a crash right here leaves a shard that files.json does not list: `check_index` calls that
    # damage, and the index is rebuilt
    write_record(root, {**others, **shard})


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


# what a build leaves beside the index (`<name>.building-<pid>`, `<name>.old-<pid>`) and in it
# (`shard.building-<pid>`) while it runs
_WORK_DIR = re.compile(r".+\.(?:building|old)-(\d+)")
ABANDONED_AFTER = 3600.0  # seconds without a write before a dead build's folder is removed


def remove_abandoned(
    index_dir: Path, *, name: str | None = None, quiet_for: float = ABANDONED_AFTER
) -> list[Path]:
    """Remove the work folders of builds that were killed (their pid is not alive): without this
    they stay until a process with the same pid builds again. A folder written to within
    `quiet_for` seconds is kept even so: a build in another container (Compose's indexer beside
    the bot, on one volume) has a pid this process cannot see. `name`: only that index's (a
    caller-owned location's siblings are not ours to judge). Returns what was removed."""
    removed: list[Path] = []
    if not index_dir.is_dir():
        return removed
    pattern = "*" if name is None else name
    candidates = [
        *(p for p in index_dir.iterdir() if name is None or p.name.startswith(f"{name}.")),
        *index_dir.glob(f"{pattern}/{SHARD}.building-*"),
    ]
    for path in candidates:
        found = _WORK_DIR.fullmatch(path.name)
        if found is None or not path.is_dir() or _alive(int(found.group(1))):
            continue
        if time.time() - _last_write(path) < quiet_for:
            continue
        log.info("removing %s, left by a build that was stopped", path)
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # this process's own (its caller removes it)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process, or not a pid: not ours to judge
    return True


def _last_write(folder: Path) -> float:
    """The newest modification time in `folder`'s tree (the folder's own included)."""
    newest = 0.0
    for path in (folder, *folder.rglob("*")):
        try:
            newest = max(newest, path.lstat().st_mtime)
        except OSError:
            continue
    return newest


def remove_stale(index_dir: Path, dataset: str, keep: Path) -> None:
    """Delete older builds of the same data set (different fingerprint) once a new one is ready."""
    if not index_dir.is_dir():
        return
    for path in index_dir.glob(f"{dataset}-*"):  # older fingerprints, and `.old-` builds
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
    """An index opened by `build_index`: its vectors and per-movie arrays, read for serving."""
    return LoadedIndex(store, vectors, movies, manifest, *_serving_arrays(root))


def _serving_arrays(root: Path) -> tuple[np.ndarray, np.ndarray, ItemGraph]:
    """The per-movie arrays and the item graph (memory-mapped), whichever way the index was
    opened."""
    return (
        np.load(root / "popularity.npy"),
        np.load(root / "mean_rating.npy"),
        ItemGraph.load(root / "graph"),
    )


@dataclass(frozen=True)
class Checked:
    """What `check_index` found: a problem (the file and what is wrong with it) or None, and
    the recorded files whose checksums are still to be verified in the background."""

    problem: str | None
    later: dict[str, FileRecord] | None = None
    outdated: bool = False  # a complete index of an older schema: rebuilt, not damaged


def check_index(root: Path, *, with_shard: bool, sums: bool | None = None) -> Checked:
    """Check a local index against its `files.json`: presence and sizes, then the checksums
    (`sums=None`: now up to `SYNC_CHECK_BYTES`, else left to the caller's background check).

    `with_shard`: the Edge shard's files count too (a server-store index has none, or they are
    not used); a shard that is there but not recorded is a damage (see `add_edge_shard`).
    """
    marked = marked_damaged(root)
    if marked is not None:
        return Checked(f"a checksum check found: {marked}")
    if read_manifest(root) is None:
        if _schema(root) not in (None, SCHEMA_VERSION):
            return Checked(None, outdated=True)
        return Checked("manifest.json is missing or unreadable")
    records = read_record(root)
    if records is None:
        return Checked("files.json is missing or unreadable")
    recorded_shard = any(path.startswith(f"{SHARD}/") for path in records)
    if with_shard and not recorded_shard and (root / SHARD).exists():
        return Checked(f"{SHARD}/ is not listed in files.json")
    problem = check_sizes(root, records, with_shard)
    if problem is not None:
        return Checked(problem)
    if sums is None:
        sums = total_bytes(records, with_shard) <= SYNC_CHECK_BYTES
        if not sums:
            return Checked(None, later=records)
    return Checked(check_sums(root, records, with_shard) if sums else None)


def _schema(root: Path) -> object:
    try:
        return json.loads((root / "manifest.json").read_text()).get("schema")
    except (OSError, ValueError, AttributeError):
        return None


def _opening_damage(error: BaseException) -> bool:
    """An error of reading a checked index's files: what a damaged file causes. Only files are
    read there, so any exception counts, and a panic of the Edge engine
    (`pyo3_runtime.PanicException`, a BaseException) too; a second failure, on the rebuilt
    index, is raised as it is."""
    return is_panic(error) or isinstance(error, Exception)


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
    its metadata does not describe this build, completed. A damaged index is rebuilt (see the
    module docstring), or refused with `IndexDamagedError` when the data cannot be read.
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
    remove_abandoned(settings.index_dir)
    users: pd.DataFrame | None = None
    movies: pd.DataFrame | None = None

    def build(problem: str | None) -> Manifest:
        nonlocal users, movies
        started = time.monotonic()
        if problem is None:
            log.info("building the index of %s (first start or new data)", data_dir.name)
        else:
            log.warning("the index in %s is damaged: %s", root, problem)
        try:
            dataset = load_dataset(data_dir)
        except (OSError, ValueError) as error:
            if problem is None:
                raise
            reason = str(error).rstrip(".")
            raise IndexDamagedError(
                f"The index in {root} is damaged ({problem}) and the MovieLens data to rebuild it "
                f"could not be read ({reason})."
            ) from None
        log.info(
            "loaded %s: %d ratings of %d films by %d people",
            data_dir.name,
            len(dataset.ratings),
            len(dataset.movies),
            dataset.ratings["user_id"].nunique(),
        )
        if problem is not None:
            log.info("rebuilding the index of %s", data_dir.name)
        users, movies = dataset.users, dataset.movies
        prepared = prepare_build(dataset.ratings, dataset.movies)
        del dataset  # the ratings table: not needed by the rest of the build
        release_memory()
        built = write_build(
            prepared,
            root,
            dataset=data_dir.name,
            fingerprint=fingerprint,
            users=users,
            with_edge=kind is StoreKind.EDGE,
            progress=progress,
        )
        remove_stale(settings.index_dir, data_dir.name, keep=root)
        log.info("index of %s built in %.1f s", data_dir.name, time.monotonic() - started)
        return built

    checked = Checked(None)
    fresh = rebuild or not root.is_dir()
    if not fresh:
        checked = check_index(root, with_shard=kind is StoreKind.EDGE)
    if fresh or checked.problem is not None or checked.outdated:
        build(checked.problem)
        fresh = True
    if kind is StoreKind.EDGE and not (root / SHARD).is_dir():  # built for the server store
        add_edge_shard(root, users if users is not None else load_users(data_dir), progress)
    for attempt in range(2):
        try:
            manifest, vectors, arrays, edge = _open_files(root, kind)
            break
        except BaseException as error:
            if fresh or attempt or not _opening_damage(error):
                raise
            build(f"opening it failed ({type(error).__name__}: {error})")
            fresh = True
    if checked.later is not None and not fresh:
        check_later(root, checked.later, with_shard=kind is StoreKind.EDGE)
    if movies is None:
        movies = load_movies(data_dir)
    movies = with_links(movies, settings, data_dir, allow_download=downloaded)
    vector_store: VectorStore
    if edge is not None:
        vector_store = edge
    else:
        vector_store = _open_server(settings, manifest, vectors, data_dir, rebuild, progress)
    return LoadedIndex(vector_store, vectors, movies, manifest, *arrays)


def _open_files(
    root: Path, kind: StoreKind
) -> tuple[Manifest, UserVectors, tuple[np.ndarray, np.ndarray, ItemGraph], EdgeStore | None]:
    """Read a checked local index's files; the Edge shard last, so a failure leaves none open."""
    manifest = read_manifest(root)
    if manifest is None:
        raise ValueError("manifest.json is missing or unreadable")
    vectors = UserVectors.load(root / "vectors")
    arrays = _serving_arrays(root)
    edge = EdgeStore.open(root / SHARD) if kind is StoreKind.EDGE else None
    return manifest, vectors, arrays, edge


def _open_server(
    settings: Settings,
    manifest: Manifest,
    vectors: UserVectors,
    data_dir: Path,
    rebuild: bool,
    progress: bool,
) -> ServerStore:
    """Connect to the configured collection, uploading this build when it does not hold it."""
    from movierec.vectorstore.server import CollectionOptions, ServerStore, connect

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
        from movierec.vectorstore.server import CollectionOptions, ServerStore, connect

        server = ServerStore(connect(qdrant_url), collection)
        sync_server(
            server, manifest, vectors, users, CollectionOptions(), force=True, progress=progress
        )
        vector_store = server
    return _loaded(location, vector_store, vectors, movies, manifest)
