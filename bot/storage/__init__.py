"""The bot's chat state: one async interface (`ChatStore`), two engines behind it.

* SQLite (`SQLiteStore`), the embedded default: one file next to the index, nothing to install
  or run. Right for one bot process.
* PostgreSQL (`PostgresStore`), chosen by `DATABASE_URL=postgresql://...`: several bot processes
  (webhook replicas) share one database, and so share ratings, messages with buttons and the
  flood limit.

`open_storage` picks the engine. `Storage` (the synchronous SQLite class the bot has always had)
stays importable for tests and tools that drive SQLite directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.storage.base import LIST_DAYS, ChatStore, ListInfo, ListRow, PollInfo, Taste
from bot.storage.migrations import MIGRATIONS, SCHEMA_VERSION
from bot.storage.sqlite import SQLiteStore, Storage

if TYPE_CHECKING:
    from bot.storage.postgres import PostgresStore

__all__ = [
    "LIST_DAYS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "ChatStore",
    "ListInfo",
    "ListRow",
    "PollInfo",
    "PostgresStore",
    "SQLiteStore",
    "Storage",
    "Taste",
    "database_secrets",
    "is_postgres_url",
    "open_storage",
]

_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(url: str | None) -> bool:
    """True for a PostgreSQL URL (`postgresql://` or `postgres://`, as hosting providers write
    it); anything else, or nothing, means the embedded SQLite file."""
    return bool(url) and str(url).strip().lower().startswith(_POSTGRES_SCHEMES)


async def open_storage(database_url: str | None, sqlite_path: Path) -> ChatStore:
    """Open (and migrate) the chat state: PostgreSQL for a `postgresql://` URL, otherwise SQLite
    at `sqlite_path`.

    Async because PostgreSQL's pool belongs to the event loop that uses it: call it from inside
    the loop that serves the bot (e.g. Application.post_init), and `await store.close()` in
    post_shutdown.
    """
    if database_url and is_postgres_url(database_url):
        from bot.storage.postgres import PostgresStore  # psycopg only when it is used

        return await PostgresStore.open(database_url.strip())
    return await SQLiteStore.open(sqlite_path)


def database_secrets(database_url: str | None) -> list[str]:
    """The password in a database URL (as written and percent-decoded), for the log redaction:
    a connection error or a traceback must never print it. Handles `user:password@host`,
    `?password=...` and libpq's `key=value` form."""
    if not database_url:
        return []
    from urllib.parse import unquote, urlsplit

    found: set[str] = set()
    text = database_url.strip()
    try:
        from psycopg.conninfo import conninfo_to_dict

        password = conninfo_to_dict(text).get("password")
        if password:
            found.add(str(password))
    except Exception:  # malformed: fall back to the URL's own syntax below
        pass
    try:
        raw = urlsplit(text).password
    except ValueError:
        raw = None
    if raw:
        found |= {raw, unquote(raw)}
    return sorted(found)


def __getattr__(name: str) -> object:
    """`bot.storage.PostgresStore` without importing psycopg for SQLite-only use."""
    if name == "PostgresStore":
        from bot.storage.postgres import PostgresStore

        return PostgresStore
    raise AttributeError(name)
