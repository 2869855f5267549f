"""Settings read from the environment (and `.env`), in one place.

Every knob the core needs comes through `Settings.from_env()` so that the CLI, the bot and the tests
agree on where data and indexes live. Secrets are held in `repr=False` fields so that logging a
`Settings` object never prints them.

This module is imported by `--healthcheck` and by `import movierec`, so it must stay light: no
pandas, NumPy or Qdrant here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from dotenv import find_dotenv, load_dotenv
from platformdirs import user_data_dir

APP_NAME = "movierec"
COLLECTION_NAME = "movielens"
# The CLI's, the library's and `scripts/demo`'s catalogue: small and quick (a 6 MB download, a
# 3 s build), films up to 2000. The bot passes its own, today's films (`bot.config.BOT_DATASET`).
DEFAULT_DATASET = "ml-1m"


class StoreKind(StrEnum):
    """Where the user vectors are searched.

    `edge` is Qdrant Edge inside this process (the default, nothing to run); `server` is a Qdrant
    server, Qdrant Cloud or a cluster reached with qdrant-client. Both are Qdrant, so the second is
    named for how it is reached, not for the engine.
    """

    EDGE = "edge"
    SERVER = "server"

    @classmethod
    def parse(cls, value: str | StoreKind) -> StoreKind:
        """The kind named by `value`; `qdrant` (the name before `server`) is still accepted so that
        existing `.env` files, compose files and `--store qdrant` scripts keep working."""
        if isinstance(value, StoreKind):
            return value
        name = str(value).strip().lower()
        name = _STORE_ALIASES.get(name, name)
        try:
            return cls(name)
        except ValueError:
            raise ValueError(
                f"unknown store {value!r}; choose edge or server (qdrant is a name for server)"
            ) from None


_STORE_ALIASES = {"qdrant": StoreKind.SERVER.value}
STORE_NAMES = (*(kind.value for kind in StoreKind), *_STORE_ALIASES)


def _load_dotenv() -> None:
    """Read `.env` from the working directory (or the nearest parent that has one).

    `find_dotenv()` without `usecwd` starts from the calling module's file, i.e. from inside the
    installed package, so a `.env` next to where the person runs `movierec-bot` would be ignored.
    Real environment variables win over `.env` (`override=False`): a deployment sets them on
    purpose.
    """
    path = find_dotenv(usecwd=True)
    if path:
        load_dotenv(path, override=False)


def env_value(name: str, default: str | None = None) -> str | None:
    """An environment variable with surrounding blanks stripped; unset or blank is `default`
    (the core's settings and the bot's read every variable this way)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


@dataclass(frozen=True)
class Settings:
    """Where things live and which store to use.

    `home` holds downloads, indexes and the bot's database. `movielens_dir`, when set, is an
    existing MovieLens directory used as-is (tests and CI point it at `../shared/data/ml-1m`).
    `store` may be given as a string (`"edge"`, `"server"` or its alias `"qdrant"`); it is
    validated and stored as a `StoreKind` when the object is made, so a typo fails at start-up.
    """

    home: Path
    movielens_dir: Path | None = None
    dataset: str = DEFAULT_DATASET
    store: StoreKind = StoreKind.EDGE
    qdrant_url: str | None = None
    qdrant_api_key: str | None = field(default=None, repr=False)
    qdrant_shards: int = 1
    qdrant_replicas: int = 1
    qdrant_on_disk: bool = False
    collection: str = COLLECTION_NAME
    links_dir: Path | None = None  # MOVIELENS_LINKS: ml-latest-small's links for ml-1m

    def __post_init__(self) -> None:
        object.__setattr__(self, "store", StoreKind.parse(self.store))

    @classmethod
    def from_env(cls, *, default_dataset: str = DEFAULT_DATASET, **overrides: Any) -> Settings:
        """Build settings from `MOVIEREC_*`, `MOVIELENS_*` and `QDRANT_*` variables.

        `default_dataset` is the data set used when `MOVIELENS_DATASET` is not set (the bot's is
        ml-32m, the CLI's ml-1m); `MOVIELENS_DIR`, when set, is used whatever the data set.
        `overrides` are field values (from command-line flags) that win over the environment;
        None means "not given". They are typed `Any` because they come from argparse unchecked;
        `__post_init__` validates the store, the only one with a closed set of values.
        """
        _load_dotenv()
        home = Path(env_value("MOVIEREC_HOME") or user_data_dir(APP_NAME, appauthor=False))
        movielens_dir = env_value("MOVIELENS_DIR")
        qdrant_url = env_value("QDRANT_URL") or env_value("QDRANT_HOST")
        store = env_value("MOVIEREC_STORE") or (StoreKind.SERVER if qdrant_url else StoreKind.EDGE)
        values: dict[str, Any] = {
            "home": home.expanduser(),
            "movielens_dir": Path(movielens_dir).expanduser() if movielens_dir else None,
            "dataset": env_value("MOVIELENS_DATASET", default_dataset),
            "store": StoreKind.parse(store),
            "qdrant_url": qdrant_url,
            "qdrant_api_key": env_value("QDRANT_API_KEY"),
            "qdrant_shards": int(env_value("QDRANT_SHARDS", "1") or 1),
            "qdrant_replicas": int(env_value("QDRANT_REPLICAS", "1") or 1),
            "qdrant_on_disk": (env_value("QDRANT_ON_DISK", "0") or "0").lower()
            in {"1", "true", "yes"},
            "collection": env_value("QDRANT_COLLECTION", COLLECTION_NAME),
            "links_dir": (
                Path(links).expanduser() if (links := env_value("MOVIELENS_LINKS")) else None
            ),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def index_dir(self) -> Path:
        """Where indexes live: one sub-directory per data set and fingerprint."""
        return self.home / "index"

    @property
    def downloads_dir(self) -> Path:
        return self.home / "downloads"

    @property
    def database_path(self) -> Path:
        """SQLite file for the bot's chat state, next to the index."""
        return self.home / "bot.sqlite3"
