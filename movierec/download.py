"""Fetch the official MovieLens archives from GroupLens, verified, with a progress bar.

The licence forbids redistributing MovieLens, so the product downloads it for each user. `pooch`
does the fetching (streamed, progress bar, hash check, no half-written files); we add the catalogue
of archives, atomic extraction, and messages that say what to do when the network is not there.

Checksums: the MD5 of ml-1m, ml-100k and ml-25m are pinned (published by GroupLens as
`<name>.zip.md5` and hard-coded alike by many public loaders). ml-latest-small changes with every
release and ml-32m's value could not be confirmed here, so for those the `.md5` file GroupLens
publishes next to the archive is fetched first and the archive is checked against it.
"""

from __future__ import annotations

import logging
import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pooch
import requests
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

from movierec.config import Settings
from movierec.data import MissingDataError, detect_layout

BASE_URL = "https://files.grouplens.org/datasets/movielens/"

log = logging.getLogger("movierec")


@dataclass(frozen=True)
class Archive:
    """One GroupLens archive: its file name, checksum (None: use the published .md5) and folder."""

    filename: str
    md5: str | None
    folder: str


# MD5 sources (public loaders that pin GroupLens' published `<name>.zip.md5`):
# ml-1m  c4d9eecf...: the Keras collaborative-filtering example's DATASETS table, PaddlePaddle's
#        dataset cache script, recbole-style loaders (two+ independent sources agree).
# ml-100k 0e33842e...: the same Keras table and several recommender tutorials' loaders (agree).
# ml-25m 6b51fb27...: a PyTorch Lightning MovieLens25M data module, PaddlePaddle's dataset list
#        and a loader's MD5_HASH table (agree).
# ml-32m, ml-latest-small: no pinned value; checked against GroupLens' own `.zip.md5` at fetch time.
DATASETS: dict[str, Archive] = {
    "ml-1m": Archive("ml-1m.zip", "c4d9eecfca2ab87c1945afe126590906", "ml-1m"),
    "ml-100k": Archive("ml-100k.zip", "0e33842e24a9c977be4e0107933c0723", "ml-100k"),
    "ml-25m": Archive("ml-25m.zip", "6b51fb2759a8657d3bfcbfc42b592ada", "ml-25m"),
    "ml-32m": Archive("ml-32m.zip", None, "ml-32m"),
    "ml-latest-small": Archive("ml-latest-small.zip", None, "ml-latest-small"),
}


class LoggedProgress:
    """pooch's progress-bar protocol (`total`, `update`, `reset`, `close`) as log lines: one at
    every `step` percent of the archive, for a first start whose output is a log, not a terminal
    (a service, a container), so that a 240 MB download is not ten silent minutes."""

    def __init__(self, name: str, step: int = 10) -> None:
        self.name = name
        self.step = step
        self.total = 0
        self.n = 0
        self._next = step  # the next percentage to log

    def update(self, count: int) -> None:
        self.n = min(self.n + count, self.total) if self.total else self.n + count
        if not self.total:
            return
        percent = 100 * self.n // self.total
        if percent < self._next:
            return
        self._next = (percent // self.step + 1) * self.step
        log.info("downloading %s: %d%% of %.0f MB", self.name, percent, self.total / 2**20)

    def reset(self) -> None:  # pooch fills the bar again at the end: nothing is logged twice
        self.n = 0

    def close(self) -> None:
        if not self.total:  # no Content-Length: no percentages, one line at the end
            log.info("downloaded %s: %.0f MB", self.name, self.n / 2**20)


Progress = bool | LoggedProgress


class DownloadError(RuntimeError):
    """The archive could not be fetched or verified; the message says what to do instead."""


def _manual_hint(name: str, dest: Path) -> str:
    return (
        f"Download {BASE_URL}{DATASETS[name].filename} on a machine with internet access, unzip "
        f"it so that {dest / DATASETS[name].folder} holds its files, or set MOVIELENS_DIR to "
        "any folder that holds an unzipped MovieLens data set."
    )


def _transient(error: BaseException) -> bool:
    """Worth another try: the connection failed or timed out (not a 404, not a bad checksum)."""
    return isinstance(error, requests.ConnectionError | requests.Timeout)


@retry(
    retry=retry_if_exception(_transient),
    stop=stop_after_attempt(3),
    wait=wait_exponential(multiplier=0.5, max=4),
    reraise=True,
)
def _fetch(url: str, known_hash: str | None, dest: Path, progress: Progress) -> Path:
    try:
        return Path(
            pooch.retrieve(
                url,
                known_hash=known_hash,
                path=dest,
                progressbar=progress,
                fname=url.rsplit("/", 1)[-1],
            )
        )
    except ValueError as error:  # pooch's hash mismatch
        raise DownloadError(f"{url} failed its checksum ({error}); nothing was kept.") from None


def download(
    name: str = "ml-1m",
    *,
    dest: Path,
    base_url: str | None = None,
    progress: bool = True,
) -> Path:
    """Fetch, verify and unzip `name` into `dest`; returns the data directory.

    `progress`: a progress bar (a terminal), else a log line at every 10%. `base_url` (or
    `MOVIELENS_BASE_URL`: a mirror) replaces GroupLens' address. An already-extracted copy is
    reused without touching the network.
    """
    if name not in DATASETS:
        raise DownloadError(f"unknown data set {name!r}; choose one of: {', '.join(DATASETS)}")
    archive = DATASETS[name]
    dest = Path(dest)
    target = dest / archive.folder
    if _has_data(target):
        return target
    base = base_url or os.environ.get("MOVIELENS_BASE_URL") or BASE_URL
    url = base.rstrip("/") + "/" + archive.filename
    dest.mkdir(parents=True, exist_ok=True)
    try:
        md5 = archive.md5 or _published_md5(url, dest)
        zipped = _fetch(url, f"md5:{md5}", dest, progress or LoggedProgress(archive.filename))
    except DownloadError:
        raise
    except Exception as error:  # requests' connection errors, HTTP errors, timeouts
        raise DownloadError(
            f"Could not download {url} ({type(error).__name__}). {_manual_hint(name, dest)}"
        ) from None
    _extract(zipped, archive.folder, dest)
    zipped.unlink(missing_ok=True)
    return target


def _published_md5(url: str, dest: Path) -> str:
    """The checksum GroupLens publishes beside the archive (`<archive>.md5`)."""
    checksum_file = _fetch(url + ".md5", None, dest, progress=False)
    text = checksum_file.read_text().split()
    checksum_file.unlink(missing_ok=True)
    digest = next((word for word in text if len(word) == 32), None)
    if digest is None:
        raise DownloadError(f"{url}.md5 does not hold an MD5 checksum.")
    return digest.lower()


def _has_data(folder: Path) -> bool:
    try:
        detect_layout(folder)
    except MissingDataError:
        return False
    return True


def _extract(zipped: Path, folder: str, dest: Path) -> None:
    """Unzip into a staging folder, then rename: no half-extracted data set is ever visible."""
    staging = dest / f".extract-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        with zipfile.ZipFile(zipped) as archive:
            for member in archive.namelist():
                if member.startswith("/") or ".." in Path(member).parts:
                    raise DownloadError(f"{zipped.name} holds an unsafe path: {member}")
            archive.extractall(staging)
        extracted = staging / folder
        if not _has_data(extracted):
            raise DownloadError(f"{zipped.name} does not contain {folder}/ with MovieLens files.")
        shutil.rmtree(dest / folder, ignore_errors=True)
        os.replace(extracted, dest / folder)
    except zipfile.BadZipFile:
        raise DownloadError(f"{zipped.name} is not a valid zip archive.") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def resolve_data_dir(
    settings: Settings, *, progress: bool = False, allow_download: bool = True
) -> Path:
    """Where the data set is: MOVIELENS_DIR, else a previous download, else download it now."""
    if settings.movielens_dir is not None:
        detect_layout(settings.movielens_dir)  # raises MissingDataError with the hint
        return settings.movielens_dir
    archive = DATASETS.get(settings.dataset)
    if archive is None:
        raise MissingDataError(
            f"MOVIELENS_DATASET={settings.dataset!r} is not one of {', '.join(DATASETS)}; "
            "set MOVIELENS_DIR to use any other MovieLens folder."
        )
    local = settings.downloads_dir / archive.folder
    if _has_data(local):
        return local
    if not allow_download:
        raise MissingDataError(
            f"MovieLens is not downloaded yet. {_manual_hint(settings.dataset, local.parent)}"
        )
    base = os.environ.get("MOVIELENS_BASE_URL") or BASE_URL
    log.info("downloading %s from %s (first start), then indexing it", settings.dataset, base)
    return download(settings.dataset, dest=settings.downloads_dir, progress=progress)
