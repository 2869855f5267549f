"""`movierec download` against a local HTTP server playing GroupLens (generated archives only)."""

from __future__ import annotations

import hashlib
import io
import socket
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from movierec import download as dl
from movierec.cli import main
from movierec.config import Settings
from movierec.data import MissingDataError, load_dataset
from tests.support.grouplens import grouplens_server


def fake_archive(folder: str = "ml-1m") -> bytes:
    """A tiny zip shaped like ml-1m: three synthetic ratings, two films, two users."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{folder}/ratings.dat", "1::1::5::0\n1::2::3::0\n2::1::4::0\n")
        archive.writestr(
            f"{folder}/movies.dat", "1::Film One (2001)::Drama\n2::Two (2002)::Comedy\n"
        )
        archive.writestr(f"{folder}/users.dat", "1::F::1::10::48067\n2::M::56::16::70072\n")
    return buffer.getvalue()


@pytest.fixture
def grouplens(tmp_path: Path) -> Iterator[tuple[str, dict[str, bytes], list[str]]]:
    """A local server for `files` (tests/support/grouplens.py); yields (base URL, files,
    requested paths)."""
    with grouplens_server() as served:
        yield served.base_url, served.files, served.requested


def pin(monkeypatch: pytest.MonkeyPatch, name: str, data: bytes | None) -> None:
    md5 = hashlib.md5(data).hexdigest() if data is not None else None
    archive = dl.DATASETS[name]
    monkeypatch.setitem(dl.DATASETS, name, dl.Archive(archive.filename, md5, archive.folder))


@pytest.mark.process
def test_download_verifies_extracts_and_loads(grouplens, tmp_path, monkeypatch) -> None:
    base, files, _ = grouplens
    files["ml-1m.zip"] = fake_archive()
    pin(monkeypatch, "ml-1m", files["ml-1m.zip"])
    path = dl.download("ml-1m", dest=tmp_path / "dl", base_url=base, progress=False)
    assert path == tmp_path / "dl" / "ml-1m"
    assert len(load_dataset(path).ratings) == 3
    assert not list((tmp_path / "dl").glob("*.zip")) and not list((tmp_path / "dl").glob(".*"))


@pytest.mark.process
def test_existing_download_is_reused_without_network(grouplens, tmp_path, monkeypatch) -> None:
    base, files, requested = grouplens
    files["ml-1m.zip"] = fake_archive()
    pin(monkeypatch, "ml-1m", files["ml-1m.zip"])
    dl.download("ml-1m", dest=tmp_path, base_url=base, progress=False)
    count = len(requested)
    dl.download("ml-1m", dest=tmp_path, base_url="http://127.0.0.1:9/", progress=False)
    assert len(requested) == count


@pytest.mark.process
def test_checksum_mismatch_keeps_nothing(grouplens, tmp_path, monkeypatch) -> None:
    base, files, _ = grouplens
    files["ml-1m.zip"] = fake_archive()
    pin(monkeypatch, "ml-1m", b"something else")
    with pytest.raises(dl.DownloadError, match="checksum"):
        dl.download("ml-1m", dest=tmp_path, base_url=base, progress=False)
    assert not (tmp_path / "ml-1m").exists() and not list(tmp_path.glob("*.zip"))


@pytest.mark.process
def test_unpinned_archive_is_checked_against_the_published_md5(
    grouplens, tmp_path, monkeypatch
) -> None:
    base, files, requested = grouplens
    files["ml-latest-small.zip"] = fake_archive("ml-latest-small")
    files["ml-latest-small.zip.md5"] = (
        hashlib.md5(files["ml-latest-small.zip"]).hexdigest() + "  ml-latest-small.zip\n"
    ).encode()
    pin(monkeypatch, "ml-latest-small", None)
    path = dl.download("ml-latest-small", dest=tmp_path, base_url=base, progress=False)
    assert path.name == "ml-latest-small" and any(p.endswith(".md5") for p in requested)
    files["ml-latest-small.zip.md5"] = b"0" * 32
    with pytest.raises(dl.DownloadError, match="checksum"):
        dl.download("ml-latest-small", dest=tmp_path / "again", base_url=base, progress=False)


@pytest.mark.process
def test_a_zip_without_the_expected_folder_is_refused(grouplens, tmp_path, monkeypatch) -> None:
    base, files, _ = grouplens
    files["ml-1m.zip"] = fake_archive("something-else")
    pin(monkeypatch, "ml-1m", files["ml-1m.zip"])
    with pytest.raises(dl.DownloadError, match="does not contain ml-1m"):
        dl.download("ml-1m", dest=tmp_path, base_url=base, progress=False)
    assert not (tmp_path / "ml-1m").exists()


def test_offline_says_where_to_put_the_files(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(dl.DownloadError) as error:
        dl.download("ml-1m", dest=tmp_path, base_url=f"http://127.0.0.1:{port}/", progress=False)
    message = str(error.value)
    assert str(tmp_path / "ml-1m") in message and "MOVIELENS_DIR" in message


def test_cli_download_reports_offline_with_exit_3(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("MOVIEREC_HOME", str(tmp_path))
    monkeypatch.setenv("MOVIELENS_BASE_URL", "http://127.0.0.1:9/")
    assert main(["download", "ml-1m"]) == 3
    assert "Could not download" in capsys.readouterr().err


def test_resolve_data_dir_prefers_movielens_dir_then_downloads(
    grouplens, tmp_path, monkeypatch
) -> None:
    base, files, _ = grouplens
    files["ml-1m.zip"] = fake_archive()
    pin(monkeypatch, "ml-1m", files["ml-1m.zip"])
    monkeypatch.setenv("MOVIELENS_BASE_URL", base)
    settings = Settings(home=tmp_path / "home")
    with pytest.raises(MissingDataError, match="not downloaded"):
        dl.resolve_data_dir(settings, allow_download=False)
    path = dl.resolve_data_dir(settings)
    assert path == settings.downloads_dir / "ml-1m"
    explicit = Settings(home=tmp_path / "home", movielens_dir=tmp_path / "nothing-here")
    with pytest.raises(MissingDataError, match="MOVIELENS_DIR"):
        dl.resolve_data_dir(explicit)


@pytest.mark.process
def test_a_dropped_connection_is_retried(grouplens, tmp_path, monkeypatch) -> None:
    import requests

    base, files, _ = grouplens
    files["ml-1m.zip"] = fake_archive()
    pin(monkeypatch, "ml-1m", files["ml-1m.zip"])
    real = dl.pooch.retrieve
    attempts: list[str] = []

    def flaky(url: str, **kwargs: object) -> str:
        attempts.append(url)
        if len(attempts) < 3:
            raise requests.ConnectionError("connection reset by peer")
        return real(url, **kwargs)

    monkeypatch.setattr(dl.pooch, "retrieve", flaky)
    path = dl.download("ml-1m", dest=tmp_path, base_url=base, progress=False)
    assert len(attempts) == 3 and (path / "ratings.dat").is_file()
