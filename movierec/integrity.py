"""What every file of a local index must be, recorded when it is built and checked when it opens.

The build walks its finished directory (the Qdrant Edge shard flushed and closed) and writes
`files.json` last, atomically: each file's path relative to the index, its size and a CRC-32 of
its bytes. Opening an index checks presence and sizes always (a `stat` per file, well under a
millisecond) and the checksums too: ml-1m's index is 255 MB (most of it the shard's sparse,
preallocated pages) and CRC-32 reads it in ~0.1 s with a warm page cache (BLAKE2b: ~0.36 s), so
up to `SYNC_CHECK_BYTES` the checksums are verified before anything is served. A larger index
(ml-25m, ml-32m) has its checksums verified in a background thread after it opened; a mismatch
there is logged and written to `damaged.txt`, which makes the next open rebuild.

Qdrant Edge rewrites some of its files when a shard is opened, measured on ml-1m and on small
shards: the first open after the build adds defaults to `edge_config.json` and deletes the
`tracker_journal.dat` files, so the build opens the shard once before recording it; every open
rewrites `edge_config.json` and each `segment.json` (through a rename) with their keys in the
random order of a Rust hash map, so a JSON file's checksum is that of its parsed content, not of
its bytes (and its size is not compared); the `deleted/flags_a.dat` and `tracker.dat` files are
rewritten in place with the same bytes. Without a write-ahead log Edge creates no lock or WAL
files. Files that are not recorded (anything an engine may add later) are ignored.

CLI and bot start-up import this module only for `IndexDamagedError`: it stays free of NumPy.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("movierec")

FILES = "files.json"  # the record, written last
DAMAGED = "damaged.txt"  # written when a background check finds a mismatch
SHARD = "shard"
CHUNK = 1 << 20
SYNC_CHECK_BYTES = 768 << 20  # checksums verified before serving up to this size (~0.3 s)
_NOT_RECORDED = {FILES, DAMAGED, "graph-errors.txt"}


class IndexDamagedError(RuntimeError):
    """A local index is damaged and the data to rebuild it could not be read; one sentence."""


@dataclass(frozen=True)
class FileRecord:
    size: int
    crc32: int


def checksum(path: Path) -> int:
    """CRC-32 of the file's bytes, read in 1 MiB chunks into one buffer; of a JSON file, of its
    parsed content (-1 when it does not parse)."""
    if path.suffix == ".json":
        try:
            content = json.loads(path.read_bytes())
        except ValueError:
            return -1
        return zlib.crc32(json.dumps(content, sort_keys=True).encode())
    crc = 0
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as handle:
        while read := handle.readinto(buffer):
            crc = zlib.crc32(view[:read], crc)
    return crc


def _files(root: Path) -> Iterable[Path]:
    for directory, _, names in os.walk(root):
        for name in names:
            yield Path(directory) / name


def record_files(root: Path, prefix: str = "") -> dict[str, FileRecord]:
    """Every file under `root` (but the record's own files), keyed by `prefix` + its relative
    path; each is flushed to disk, so a renamed build survives a power cut whole."""
    records: dict[str, FileRecord] = {}
    for path in sorted(_files(root)):
        relative = path.relative_to(root).as_posix()
        if not prefix and relative in _NOT_RECORDED:
            continue
        with path.open("rb") as handle:
            os.fsync(handle.fileno())
        records[prefix + relative] = FileRecord(path.stat().st_size, checksum(path))
    return records


def write_record(root: Path, records: dict[str, FileRecord]) -> None:
    """`root/files.json`, atomically: a temporary file, flushed, renamed over, the folder synced."""
    payload = {path: [entry.size, entry.crc32] for path, entry in sorted(records.items())}
    temporary = root / f"{FILES}.tmp-{os.getpid()}"
    with temporary.open("w") as handle:
        json.dump({"files": payload}, handle, indent=0)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, root / FILES)
    sync_directory(root)


def sync_directory(path: Path) -> None:
    """Flush a directory's entries (a rename in it) to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_record(root: Path) -> dict[str, FileRecord] | None:
    """The recorded files, or None when `files.json` is missing or unreadable."""
    try:
        files = json.loads((root / FILES).read_text())["files"]
        return {path: FileRecord(int(size), int(crc)) for path, (size, crc) in files.items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _wanted(records: dict[str, FileRecord], with_shard: bool) -> dict[str, FileRecord]:
    if with_shard:
        return records
    return {path: entry for path, entry in records.items() if not path.startswith(SHARD + "/")}


def check_sizes(root: Path, records: dict[str, FileRecord], with_shard: bool) -> str | None:
    """What is wrong with the presence or size of a recorded file, or None."""
    for path, entry in _wanted(records, with_shard).items():
        try:
            size = (root / path).stat().st_size
        except FileNotFoundError:
            return f"{path} is missing"
        except OSError as error:
            return f"{path} cannot be read ({error.strerror})"
        if size != entry.size and not path.endswith(".json"):
            return f"{path} has {size} bytes instead of {entry.size}"
    return None


def check_sums(root: Path, records: dict[str, FileRecord], with_shard: bool) -> str | None:
    """Which recorded file's bytes differ from the build's, or None."""
    for path, entry in _wanted(records, with_shard).items():
        try:
            crc = checksum(root / path)
        except OSError as error:
            return f"{path} cannot be read ({error.strerror})"
        if crc != entry.crc32:
            return f"{path} does not match its checksum (its bytes changed since the build)"
    return None


def total_bytes(records: dict[str, FileRecord], with_shard: bool) -> int:
    return sum(entry.size for entry in _wanted(records, with_shard).values())


def check_later(root: Path, records: dict[str, FileRecord], with_shard: bool) -> threading.Thread:
    """Verify the checksums in a daemon thread; a mismatch is logged and written to
    `damaged.txt`, so the next open rebuilds (this one keeps serving what it opened)."""

    def run() -> None:
        problem = check_sums(root, records, with_shard)
        if problem is None or not root.is_dir():  # fine, or replaced by a rebuild meanwhile
            return
        log.error("the index in %s is damaged: %s; it is rebuilt on the next start", root, problem)
        try:
            (root / DAMAGED).write_text(problem + "\n")
        except OSError as error:
            log.error("could not mark the index damaged: %s", error)

    thread = threading.Thread(target=run, name="index-checksums", daemon=True)
    thread.start()
    return thread


def marked_damaged(root: Path) -> str | None:
    """The problem a background check wrote down, if any."""
    try:
        return (root / DAMAGED).read_text().strip() or "marked damaged"
    except FileNotFoundError:
        return None
    except OSError as error:
        return f"{DAMAGED} cannot be read ({error.strerror})"


def is_panic(error: BaseException) -> bool:
    """A Rust panic surfaced by PyO3 (`pyo3_runtime.PanicException`, a BaseException): what
    qdrant-edge raises on a shard whose files it cannot make sense of."""
    return type(error).__name__ == "PanicException"
