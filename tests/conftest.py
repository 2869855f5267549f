"""Shared fixtures: where MovieLens is, and one ml-1m index built per test session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from movierec.config import Settings
from movierec.recommender import Recommender
from tests.support.harness import harness  # noqa: F401 - the fixture, for every test module
from tests.support.postgres import (  # noqa: F401 - fixtures
    database_url,
    postgres_server,
    stoppable_postgres,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ML1M = PROJECT_ROOT.parent / "shared" / "data" / "ml-1m"
ML1M = Path(os.environ.get("MOVIELENS_DIR") or DEFAULT_ML1M).resolve()
os.environ.setdefault("MOVIELENS_DIR", str(ML1M))

# The reference preferences and their seed picks (title, score): the seed table.
SEED_PREFERENCES = {
    2571: 1,
    329: 1,
    260: 1,
    2288: -1,
    1: 1,
    1721: -1,
    296: -1,
    356: 1,
    2116: 1,
    1291: -1,
    1036: -1,
}
SEED_TABLE = [
    ("Star Wars: Episode V - The Empire Strikes Back (1980)", 20.02387858),
    ("Star Wars: Episode VI - Return of the Jedi (1983)", 16.44318438),
    ("Princess Bride, The (1987)", 15.84006823),
    ("Raiders of the Lost Ark (1981)", 14.94489462),
    ("Sixth Sense, The (1999)", 14.57032215),
]


@pytest.fixture(scope="session")
def ml1m_dir() -> Path:
    """The shared ml-1m copy (never inside the project: the licence forbids redistribution)."""
    assert (ML1M / "ratings.dat").is_file(), f"MovieLens 1M not found at {ML1M}"
    return ML1M


@pytest.fixture(scope="session")
def shipped() -> Path:
    """`bin/` of the wheel installed with the bot's extras (`.[bot,postgres]`, as the Docker image
    installs it) in a venv of its own; built once, reused while the sources are unchanged."""
    from tests.support.shipped import shipped_bin

    return shipped_bin("bot")


@pytest.fixture(scope="session")
def shipped_core() -> Path:
    """`bin/` of the wheel installed without extras (`pip install movierec`, the library and its
    CLI) in a venv of its own; built once, reused while the sources are unchanged."""
    from tests.support.shipped import shipped_bin

    return shipped_bin("core")


@pytest.fixture(scope="session")
def session_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A MOVIEREC_HOME whose ml-1m edge index is built once for the whole session."""
    return tmp_path_factory.mktemp("movierec-home")


@pytest.fixture(scope="session")
def settings(session_home: Path, ml1m_dir: Path) -> Settings:
    return Settings(home=session_home, movielens_dir=ml1m_dir, store="edge")


@pytest.fixture(scope="session")
def recommender(settings: Settings) -> Iterator[Recommender]:
    """The embedded (Qdrant Edge) recommender over ml-1m, shared by every test that only reads."""
    rec = Recommender.open(settings, data_dir=settings.movielens_dir)
    yield rec
    rec.close()


@pytest.fixture(scope="session")
def tiny_recommender(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recommender]:
    """The embedded recommender over the generated catalogue (tests/support/catalogue.py): the
    mechanics that hold for any data set, without ml-1m's index."""
    from tests.support.catalogue import write_catalogue

    data = write_catalogue(tmp_path_factory.mktemp("tiny-data"))
    home = tmp_path_factory.mktemp("movierec-tiny")
    rec = Recommender.open(Settings(home=home, movielens_dir=data, store="edge"), data_dir=data)
    yield rec
    rec.close()


@pytest.fixture(scope="session")
def latest_recommender(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recommender]:
    """ml-latest-small (real titles up to 2018, with links): the modern-catalogue checks."""
    data = ML1M.parent / "ml-latest-small"
    assert (data / "ratings.csv").is_file(), f"ml-latest-small not found at {data}"
    home = tmp_path_factory.mktemp("movierec-latest")
    rec = Recommender.open(Settings(home=home, movielens_dir=data), data_dir=data)
    yield rec
    rec.close()


@pytest.fixture(scope="session")
def server_recommender(settings: Settings) -> Iterator[Recommender]:
    """The same index through qdrant-client's local mode (`QDRANT_URL=:memory:`)."""
    server_settings = Settings(
        home=settings.home,
        movielens_dir=settings.movielens_dir,
        store="qdrant",
        qdrant_url=":memory:",
    )
    rec = Recommender.open(server_settings, data_dir=settings.movielens_dir)
    yield rec
    rec.close()


# Fixtures that start something outside this process: a test using one must be marked `process`,
# so that `pytest -m "not process"` never starts a server or builds a venv.
PROCESS_FIXTURES = {"postgres_server", "database_url", "shipped", "shipped_core"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    unmarked = [
        item.nodeid
        for item in items
        if PROCESS_FIXTURES & set(getattr(item, "fixturenames", ()))
        and item.get_closest_marker("process") is None
    ]
    if unmarked:
        raise pytest.UsageError(
            "these tests start a server or a shipped venv but are not marked `process`: "
            + ", ".join(unmarked)
        )
