"""The bot's chat state: one store (`ChatStore`, on SQLAlchemy Core), two engines.

Every method is async for the event loop and runs its whole transaction in one of the store's
own threads: SQLAlchemy's synchronous Core on the standard library's sqlite3 or on psycopg. (The
async engine on aiosqlite was measured at 7-10 times the cost per call: a thread hop for every
statement.)

* SQLite, the embedded default: one file next to the index, nothing to install or run. Right
  for one bot process.
* PostgreSQL, chosen by `DATABASE_URL=postgresql://...`: several bot processes (webhook
  replicas) share one database, and so share ratings, messages with buttons, claimed updates
  and the flood limit.

`open_storage` picks the engine; the tables are declared in `bot.storage.schema`, and
`bot.storage.migrations` upgrades older databases in place.
"""

from __future__ import annotations

from pathlib import Path

from bot.storage.base import (
    LIST_DAYS,
    ChatStatus,
    Claim,
    Imported,
    ImportInfo,
    ImportItem,
    ImportStatus,
    Job,
    ListRow,
    Opinion,
    Plan,
    PollInfo,
    SwipeDeck,
    Taste,
)
from bot.storage.engine import StoreUnavailable
from bot.storage.migrations import SCHEMA_VERSION
from bot.storage.store import ChatStore

__all__ = [
    "LIST_DAYS",
    "SCHEMA_VERSION",
    "ChatStatus",
    "ChatStore",
    "Claim",
    "ImportInfo",
    "ImportItem",
    "ImportStatus",
    "Imported",
    "Job",
    "ListRow",
    "Opinion",
    "Plan",
    "PollInfo",
    "StoreUnavailable",
    "SwipeDeck",
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

    Async like every store call (opening migrates, in one of the store's threads): call it from
    the loop that serves the bot, and `await store.close()` when it stops.
    """
    if database_url and is_postgres_url(database_url):
        return await ChatStore.open_postgres(database_url)
    return await ChatStore.open_sqlite(sqlite_path)


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
