"""A damaged index is never served: each damage below is found when the index opens, logged with
the file and what is wrong, and the index rebuilt from the data (the same picks as before), or,
when the data cannot be read, refused in one sentence (the CLI's exit 3, no traceback). A build
interrupted anywhere leaves the old index, which still opens with the same picks.

    damage                                   data there                  data unreadable
    garbage in 25% of graph/weights.npy      rebuilt, same picks, logged  one sentence, exit 3
    garbage in 25% of vectors/values.npy     rebuilt, same picks, logged  one sentence, exit 3
    garbage in 25% of popularity.npy         rebuilt, same picks, logged  one sentence, exit 3
    vectors/indices.npy deleted              rebuilt, same picks, logged  one sentence, exit 3
    graph/indptr.npy truncated               rebuilt, same picks, logged  one sentence, exit 3
    the largest Edge segment dir deleted     rebuilt, same picks, logged  one sentence, exit 3
    garbage in an id_tracker file            rebuilt, same picks, logged  one sentence, exit 3
    manifest.json not JSON                   rebuilt, same picks, logged  one sentence, exit 3
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from movierec import cli
from movierec.config import Settings
from movierec.data import MissingDataError, fingerprint
from movierec.index import (
    ABANDONED_AFTER,
    SCHEMA_VERSION,
    check_index,
    open_index,
    remove_abandoned,
)
from movierec.integrity import DAMAGED, IndexDamagedError, read_record, record_files, write_record
from movierec.recommender import Recommender
from tests.support.catalogue import write_catalogue

PREFERENCES = [{2571: 1, 1214: 1}, {1: 1, 3114: 1, 1721: -1}, {318: 1, 858: 1, 1258: -1}]


@dataclass(frozen=True)
class Pristine:
    data: Path
    home: Path
    picks: list[list[int]]
    built_at: float


def picks_of(rec: Recommender) -> list[list[int]]:
    return [[p.movie_id for p in rec.recommend(prefs, limit=10)] for prefs in PREFERENCES]


def settings_for(home: Path, data: Path) -> Settings:
    return Settings(home=home, movielens_dir=data)


def open_rec(home: Path, data: Path, **kwargs: object) -> Recommender:
    return Recommender.open(settings_for(home, data), data_dir=data, **kwargs)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Pristine:
    """One generated catalogue and its index, built once; each test damages a copy."""
    base = tmp_path_factory.mktemp("integrity")
    data = write_catalogue(base / "catalogue")
    home = base / "home"
    with open_rec(home, data) as rec:
        return Pristine(data, home, picks_of(rec), rec.manifest.built_at)


@pytest.fixture
def home(pristine: Pristine, tmp_path: Path) -> Path:
    copy = tmp_path / "home"
    shutil.copytree(pristine.home, copy)
    return copy


def index_root(home: Path, data: Path) -> Path:
    return home / "index" / f"{data.name}-{fingerprint(data)}"


# ------------------------------------------------------------------------------------ damages
def garbage(relative: str, share: float = 0.25) -> Callable[[Path], str]:
    """Random bytes over `share` of the file, from its middle (the .npy header stays valid, so
    nothing but a checksum tells)."""

    def damage(root: Path) -> str:
        path = root / relative
        raw = bytearray(path.read_bytes())
        count = max(1, int(len(raw) * share))
        start = len(raw) // 2 - count // 2
        raw[start : start + count] = np.random.default_rng(1).bytes(count)
        path.write_bytes(bytes(raw))
        return relative

    return damage


def deleted(relative: str) -> Callable[[Path], str]:
    def damage(root: Path) -> str:
        (root / relative).unlink()
        return relative

    return damage


def truncated(relative: str) -> Callable[[Path], str]:
    def damage(root: Path) -> str:
        path = root / relative
        os.truncate(path, path.stat().st_size // 2)
        return relative

    return damage


def _segments(root: Path) -> list[Path]:
    return [p for p in (root / "shard" / "segments").iterdir() if p.is_dir()]


def _size(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())


def largest_segment_deleted(root: Path) -> str:
    largest = max(_segments(root), key=_size)
    shutil.rmtree(largest)
    return f"shard/segments/{largest.name}/"


def id_tracker_garbage(root: Path) -> str:
    (tracker,) = [p for s in _segments(root) for p in s.glob("*id_tracker.mappings")]
    tracker.write_bytes(np.random.default_rng(2).bytes(tracker.stat().st_size))
    return tracker.relative_to(root).as_posix()


def manifest_damaged(root: Path) -> str:
    (root / "manifest.json").write_text('{"schema": 4, "fingerprint": ')
    return "manifest.json"


DAMAGES = {
    "garbage in 25% of graph/weights.npy": garbage("graph/weights.npy"),
    "garbage in 25% of vectors/values.npy": garbage("vectors/values.npy"),
    "garbage in 25% of popularity.npy": garbage("popularity.npy"),
    "vectors/indices.npy deleted": deleted("vectors/indices.npy"),
    "graph/indptr.npy truncated": truncated("graph/indptr.npy"),
    "the largest Edge segment deleted": largest_segment_deleted,
    "garbage in an id_tracker file": id_tracker_garbage,
    "manifest.json damaged": manifest_damaged,
}


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_a_damaged_index_is_rebuilt_with_the_same_picks(
    pristine: Pristine, home: Path, damage: Callable[[Path], str], caplog: pytest.LogCaptureFixture
) -> None:
    root = index_root(home, pristine.data)
    named = damage(root)
    with caplog.at_level(logging.INFO, logger="movierec"), open_rec(home, pristine.data) as rec:
        assert rec.manifest.built_at > pristine.built_at  # rebuilt, not served
        assert picks_of(rec) == pristine.picks
    (line,) = [m for m in warnings_of(caplog) if "damaged" in m]
    assert named in line and str(root) in line
    assert check_index(root, with_shard=True, sums=True).problem is None
    with open_rec(home, pristine.data) as rec:  # the rebuilt index is whole: reopened as it is
        assert rec.manifest.built_at > pristine.built_at
        assert picks_of(rec) == pristine.picks
    assert [p.name for p in (home / "index").iterdir()] == [root.name]  # nothing left aside


def no_data(*args: object, **kwargs: object) -> None:
    raise MissingDataError("No MovieLens data in /gone: expected ratings.dat + movies.dat.")


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_a_damaged_index_without_readable_data_is_refused_in_one_sentence(
    pristine: Pristine,
    home: Path,
    damage: Callable[[Path], str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The data set's files went away (or cannot be read) after the index was built."""
    root = index_root(home, pristine.data)
    named = damage(root)
    monkeypatch.setattr("movierec.index.load_dataset", no_data)
    with pytest.raises(IndexDamagedError) as refused:
        open_index(settings_for(home, pristine.data), data_dir=pristine.data)
    message = str(refused.value)
    assert named in message and "could not be read" in message and "/gone" in message
    assert "\n" not in message and message.endswith(".") and message.count(". ") == 0
    monkeypatch.chdir(home)  # no .env here
    monkeypatch.setenv("MOVIEREC_HOME", str(home))
    monkeypatch.setenv("MOVIELENS_DIR", str(pristine.data))
    capsys.readouterr()
    code = cli.main(["recommend", "--like", "Alien"])
    err = capsys.readouterr().err
    assert code == cli.EXIT_DATA and "Traceback" not in err
    assert err.splitlines()[-1] == f"movierec: {message}"


# --------------------------------------------------------------- past the checks: open errors
def vector_tracker_garbage(root: Path) -> str:
    (tracker,) = [
        p for s in _segments(root) for p in s.glob("vector_storage-ratings/store/tracker.dat")
    ]
    tracker.write_bytes(np.random.default_rng(3).bytes(tracker.stat().st_size))
    return tracker.relative_to(root).as_posix()


PAST_THE_CHECKS = {
    # qdrant-edge panics: `pyo3_runtime.PanicException`, a BaseException, not an Exception
    "garbage in a vector tracker: an Edge panic": (vector_tracker_garbage, "PanicException"),
    "garbage in an id_tracker file: an Edge error": (id_tracker_garbage, "Exception"),
    "popularity.npy truncated: a NumPy error": (truncated("popularity.npy"), "ValueError"),
}


@pytest.mark.parametrize(("damage", "error"), PAST_THE_CHECKS.values(), ids=PAST_THE_CHECKS.keys())
def test_an_error_while_opening_is_damage_too(
    pristine: Pristine,
    home: Path,
    damage: Callable[[Path], str],
    error: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """files.json rewritten to describe the damaged files (as an index built before a disk
    error would be): only opening them can tell, and that is caught, logged and rebuilt."""
    root = index_root(home, pristine.data)
    damage(root)
    write_record(root, record_files(root))
    assert check_index(root, with_shard=True, sums=True).problem is None
    with caplog.at_level(logging.INFO, logger="movierec"), open_rec(home, pristine.data) as rec:
        assert rec.manifest.built_at > pristine.built_at
        assert picks_of(rec) == pristine.picks
    (line,) = [m for m in warnings_of(caplog) if "damaged" in m]
    assert f"opening it failed ({error}:" in line


def test_a_large_index_is_checked_in_the_background_and_rebuilt_at_the_next_open(
    pristine: Pristine,
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Over `SYNC_CHECK_BYTES` only sizes are checked before serving; the checksums are
    verified in a thread, which marks the index damaged for the next open."""
    root = index_root(home, pristine.data)
    garbage("graph/weights.npy")(root)
    monkeypatch.setattr("movierec.index.SYNC_CHECK_BYTES", 0)
    with caplog.at_level(logging.INFO, logger="movierec"), open_rec(home, pristine.data) as rec:
        assert rec.manifest.built_at == pristine.built_at  # opened as it was
        for thread in threading.enumerate():
            if thread.name == "index-checksums":
                thread.join(timeout=30)
    assert "graph/weights.npy" in (root / DAMAGED).read_text()
    assert any("graph/weights.npy" in m for m in warnings_of(caplog))
    with open_rec(home, pristine.data) as rec:
        assert rec.manifest.built_at > pristine.built_at
        assert picks_of(rec) == pristine.picks
    assert not (root / DAMAGED).exists()


def test_reopening_and_searching_leaves_the_recorded_files_as_they_were(
    pristine: Pristine, home: Path
) -> None:
    """Qdrant Edge rewrites files on open (JSON in hash-map order, trackers in place): none of
    that reads as damage, and nothing recorded is left out."""
    root = index_root(home, pristine.data)
    recorded = read_record(root)
    assert recorded is not None
    assert any(p.endswith("id_tracker.mappings") for p in recorded)
    assert {p for p in recorded if p.startswith("shard/")} == {
        f"shard/{p}" for p in record_files(root / "shard")
    }
    for _ in range(3):
        with open_rec(home, pristine.data) as rec:
            assert picks_of(rec) == pristine.picks
            assert rec.manifest.built_at == pristine.built_at
    assert check_index(root, with_shard=True, sums=True).problem is None


# ---------------------------------------------------------------------------- interrupted builds
def _raise(*args: object, **kwargs: object) -> None:
    raise KeyboardInterrupt  # like Ctrl-C or a kill in the middle of the build


INTERRUPTIONS = {
    "the Edge upload": "movierec.vectorstore.edge.EdgeStore.upload",
    "the item graph": "movierec.index.build_graph",
    "the shard's settling open": "movierec.vectorstore.edge.EdgeStore.settle",
    "recording the files": "movierec.index.record_files",
    "writing files.json": "movierec.index.write_record",
}


@pytest.mark.parametrize("target", INTERRUPTIONS.values(), ids=INTERRUPTIONS.keys())
def test_an_interrupted_rebuild_leaves_the_old_index(
    pristine: Pristine, home: Path, target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(target, _raise)
        with pytest.raises(KeyboardInterrupt):
            open_rec(home, pristine.data, rebuild=True)
    assert [p.name for p in (home / "index").iterdir()] == [index_root(home, pristine.data).name]
    with open_rec(home, pristine.data) as rec:
        assert rec.manifest.built_at == pristine.built_at  # the old index, opened as it was
        assert picks_of(rec) == pristine.picks


def test_a_failed_swap_puts_the_old_index_back(
    pristine: Pristine, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between the two renames of the swap: the new build's rename fails, the old one returns."""
    real = os.replace

    def failing(source: object, target: object) -> None:
        name = Path(str(source)).name
        if name.endswith(f".building-{os.getpid()}") and not name.startswith("shard"):
            raise OSError(28, "No space left on device")
        real(source, target)  # type: ignore[arg-type]

    with monkeypatch.context() as patched:
        patched.setattr(os, "replace", failing)
        with pytest.raises(OSError, match="No space"):
            open_rec(home, pristine.data, rebuild=True)
    assert [p.name for p in (home / "index").iterdir()] == [index_root(home, pristine.data).name]
    with open_rec(home, pristine.data) as rec:
        assert rec.manifest.built_at == pristine.built_at
        assert picks_of(rec) == pristine.picks


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def left_by_a_killed_build(folder: Path, age: float) -> Path:
    """A build's work folder with a file in it, last written `age` seconds ago."""
    folder.mkdir(parents=True)
    (folder / "indices.npy").write_bytes(b"half written")
    then = time.time() - age
    for path in (folder / "indices.npy", folder):
        os.utime(path, (then, then))
    return folder


def test_work_folders_of_killed_builds_are_removed_when_the_index_opens(
    pristine: Pristine, home: Path
) -> None:
    """A killed build's `.building-<pid>` (and `.old-<pid>`, and a shard's) stayed until a
    process with the same pid built again; they go once their pid is dead, unless written to in
    the last hour (a build in another container, whose pid this process cannot see)."""
    root = index_root(home, pristine.data)
    gone = dead_pid()
    hour = ABANDONED_AFTER
    stale = [
        left_by_a_killed_build(root.with_name(f"{root.name}.building-{gone}"), hour + 60),
        left_by_a_killed_build(root.with_name(f"other-0123.old-{gone}"), hour + 60),
        left_by_a_killed_build(root / f"shard.building-{gone}", hour + 60),
    ]
    kept = [
        left_by_a_killed_build(root.with_name(f"{root.name}.building-{os.getppid()}"), hour * 2),
        left_by_a_killed_build(root.with_name(f"{root.name}.building-{gone + 1}x"), hour * 2),
        left_by_a_killed_build(root.with_name(f"elsewhere.building-{gone}"), 60),
    ]
    with open_rec(home, pristine.data) as rec:
        assert picks_of(rec) == pristine.picks
    assert not any(path.exists() for path in stale)
    assert all(path.exists() for path in kept)  # a live pid, not a pid, written a minute ago
    assert remove_abandoned(home / "index", quiet_for=0) == [kept[2]]


# ------------------------------------------------------------------------- other index states
def test_an_edge_shard_added_later_is_recorded_and_a_shard_not_recorded_is_damage(
    pristine: Pristine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An index built for the server store gets its Edge shard on the first Edge open, and
    files.json then lists it; a shard files.json does not list (a crash between its rename and
    the record) is rebuilt."""
    home = tmp_path / "home"
    server = Settings(home=home, movielens_dir=pristine.data, store="qdrant", qdrant_url=":memory:")
    Recommender.open(server, data_dir=pristine.data).close()
    root = index_root(home, pristine.data)
    recorded = read_record(root)
    assert recorded is not None and not any(p.startswith("shard/") for p in recorded)
    with open_rec(home, pristine.data) as rec:
        built_at = rec.manifest.built_at
        assert picks_of(rec) == pristine.picks
    recorded = read_record(root)
    assert recorded is not None and any(p.startswith("shard/") for p in recorded)
    assert check_index(root, with_shard=True, sums=True).problem is None
    write_record(root, {k: v for k, v in recorded.items() if not k.startswith("shard/")})
    with caplog.at_level(logging.INFO, logger="movierec"), open_rec(home, pristine.data) as rec:
        assert rec.manifest.built_at > built_at
        assert picks_of(rec) == pristine.picks
    (line,) = [m for m in warnings_of(caplog) if "damaged" in m]
    assert "shard/ is not listed in files.json" in line


def test_an_index_of_an_older_schema_is_rebuilt_without_calling_it_damaged(
    pristine: Pristine, home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = index_root(home, pristine.data)
    manifest = root / "manifest.json"
    text = manifest.read_text()
    older = text.replace(f'"schema": {SCHEMA_VERSION}', f'"schema": {SCHEMA_VERSION - 1}')
    assert older != text
    manifest.write_text(older)
    (root / "files.json").unlink()  # the schema before files.json
    with caplog.at_level(logging.INFO, logger="movierec"), open_rec(home, pristine.data) as rec:
        assert rec.manifest.built_at > pristine.built_at and rec.manifest.schema == SCHEMA_VERSION
        assert picks_of(rec) == pristine.picks
    assert not [m for m in warnings_of(caplog) if "damaged" in m]
