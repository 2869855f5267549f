"""Settings read from the environment (and `.env`), in one place.

Every knob the core needs comes through `Settings.from_env()` so that the CLI, the bot and the tests
agree on where data and indexes live. Secrets are held in `repr=False` fields so that logging a
`Settings` object never prints them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "movierec"
COLLECTION_NAME = "movielens"
DEFAULT_DATASET = "ml-1m"


def _load_dotenv() -> None:
    """Read `.env` from the working directory, without overriding real environment variables."""
    try:
        from dotenv import load_dotenv
    except ImportError:  # pragma: no cover - python-dotenv is a hard dependency
        return
    load_dotenv(override=False)


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


@dataclass(frozen=True)
class Settings:
    """Where things live and which store to use.

    `home` holds downloads, indexes and the bot's database. `movielens_dir`, when set, is an
    existing MovieLens directory used as-is (tests and CI point it at `../shared/data/ml-1m`).
    """

    home: Path
    movielens_dir: Path | None = None
    dataset: str = DEFAULT_DATASET
    store: str = "edge"
    qdrant_url: str | None = None
    qdrant_api_key: str | None = field(default=None, repr=False)
    qdrant_shards: int = 1
    qdrant_replicas: int = 1
    qdrant_on_disk: bool = False
    collection: str = COLLECTION_NAME

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Build settings from `MOVIEREC_*`, `MOVIELENS_DIR` and `QDRANT_*` variables."""
        _load_dotenv()
        home = Path(_env("MOVIEREC_HOME") or user_data_dir(APP_NAME, appauthor=False))
        movielens_dir = _env("MOVIELENS_DIR")
        qdrant_url = _env("QDRANT_URL") or _env("QDRANT_HOST")
        store = _env("MOVIEREC_STORE") or ("qdrant" if qdrant_url else "edge")
        values: dict[str, object] = {
            "home": home.expanduser(),
            "movielens_dir": Path(movielens_dir).expanduser() if movielens_dir else None,
            "dataset": _env("MOVIELENS_DATASET", DEFAULT_DATASET),
            "store": store,
            "qdrant_url": qdrant_url,
            "qdrant_api_key": _env("QDRANT_API_KEY"),
            "qdrant_shards": int(_env("QDRANT_SHARDS", "1") or 1),
            "qdrant_replicas": int(_env("QDRANT_REPLICAS", "1") or 1),
            "qdrant_on_disk": (_env("QDRANT_ON_DISK", "0") or "0").lower() in {"1", "true", "yes"},
            "collection": _env("QDRANT_COLLECTION", COLLECTION_NAME),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

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
