"""The bot's first start as the README tells it: no MOVIELENS_DIR, no MOVIELENS_DATASET, so the
default catalogue, ml-32m, is downloaded (a log line every 10% when the output is not a
terminal), checked against the `.md5` GroupLens publishes, indexed, and served. A local server
plays GroupLens (`MOVIELENS_BASE_URL`) with a small generated ml-32m-shaped archive
(`benchmarks/core.py`'s `synthetic_32m`): never the network, never a MovieLens file."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.core import synthetic_32m
from bot.config import BOT_DATASET, BotSettings
from movierec.config import DEFAULT_DATASET, Settings
from tests.support.botprocess import BotProcess
from tests.support.fakegram import FakeTelegram, FakeTelegramServer
from tests.support.grouplens import GroupLens, grouplens_server, zip_folder

# A real bot process and a local GroupLens: a download, a build and a start, twice.
pytestmark = [pytest.mark.process, pytest.mark.slow]

CHAT = 3101


@pytest.fixture
def telegram() -> Iterator[tuple[FakeTelegram, str]]:
    fake = FakeTelegram()
    server = FakeTelegramServer(fake)
    base_url = server.start()
    yield fake, base_url
    server.stop()


@pytest.fixture
def grouplens(tmp_path: Path) -> Iterator[GroupLens]:
    folder = synthetic_32m(
        tmp_path / "generated" / "ml-32m", users=300, ratings=30_000, movies=3000
    )
    with grouplens_server() as served:
        served.publish("ml-32m", zip_folder(folder, "ml-32m"))
        yield served


def test_the_bot_defaults_to_todays_catalogue_and_the_cli_to_ml1m(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    for name in ("MOVIELENS_DIR", "MOVIELENS_DATASET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    assert BOT_DATASET == "ml-32m" and DEFAULT_DATASET == "ml-1m"
    assert BotSettings.from_env().core.dataset == "ml-32m"
    assert Settings.from_env().dataset == "ml-1m"  # the CLI, the library, scripts/demo
    monkeypatch.setenv("MOVIELENS_DATASET", "ml-latest-small")
    assert BotSettings.from_env().core.dataset == "ml-latest-small"  # the variable still wins


def test_first_start_downloads_verifies_indexes_and_serves(
    telegram: tuple[FakeTelegram, str], grouplens: GroupLens, tmp_path: Path
) -> None:
    fake, base_url = telegram
    home = tmp_path / "home"
    home.mkdir()
    bot = BotProcess(
        fake,
        base_url,
        home,
        Path(),
        Path(sys.executable).parent,
        MOVIELENS_DIR="",  # blank is unset: the defaults apply
        MOVIELENS_DATASET="",
        MOVIELENS_BASE_URL=grouplens.base_url,
    ).start()
    try:
        before = len(fake.messages(CHAT))
        fake.send(CHAT, CHAT, "/help")
        bot.wait_reply(CHAT, before)
        assert "/rec recent" in fake.last(CHAT).text
    finally:
        assert bot.stop() == 0
    lines = [json.loads(line)["message"] for line in bot.log().splitlines() if line.startswith("{")]
    assert "opening the recommender on ml-32m" in lines
    assert any(line.startswith("downloading ml-32m from http://127.0.0.1") for line in lines)
    progress = [line for line in lines if line.startswith("downloading ml-32m.zip: ")]
    assert [line.split()[2] for line in progress] == [f"{p}%" for p in range(10, 101, 10)]
    assert any(line.startswith("index of ml-32m built in") for line in lines)
    assert [p.rsplit("/", 1)[-1] for p in grouplens.requested] == ["ml-32m.zip.md5", "ml-32m.zip"]
    assert (home / "downloads" / "ml-32m" / "ratings.csv").is_file()
    assert not list((home / "downloads").glob("*.zip"))
    assert [p.name.split("-")[:2] for p in (home / "index").iterdir()] == [["ml", "32m"]]

    # the second start reuses the download and the index: no request, no build
    count = len(grouplens.requested)
    bot.start()
    assert bot.stop() == 0
    assert len(grouplens.requested) == count
    assert bot.log().count("index of ml-32m built in") == 1


def test_an_archive_that_fails_its_published_checksum_stops_the_start_in_one_line(
    telegram: tuple[FakeTelegram, str], grouplens: GroupLens, tmp_path: Path
) -> None:
    fake, base_url = telegram
    home = tmp_path / "home"
    home.mkdir()
    grouplens.files["ml-32m.zip"] += b"tampered"
    bot = BotProcess(
        fake,
        base_url,
        home,
        Path(),
        Path(sys.executable).parent,
        MOVIELENS_DIR="",
        MOVIELENS_DATASET="",
        MOVIELENS_BASE_URL=grouplens.base_url,
    ).start(wait_for_polling=False)
    assert bot.process is not None and bot.process.wait(60) == 1
    refusals = [line for line in bot.log().splitlines() if "the bot cannot start" in line]
    assert len(refusals) == 1 and "failed its checksum" in refusals[0], bot.log()
    assert not (home / "downloads" / "ml-32m").exists()
    assert "Traceback" not in bot.log()
