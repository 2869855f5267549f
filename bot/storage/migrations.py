"""One ordered list of schema versions for both engines, so SQLite and PostgreSQL hold the same
logical schema and an old file or database is upgraded in place.

Each step is written once, in the SQLite dialect it first shipped in (SQLite files in the field were
made by exactly these scripts, so they must not change), and translated for PostgreSQL by
`postgres_sql`. The translation is deliberately small and mechanical: two type names differ in
meaning between the engines.

* `INTEGER` is 64-bit in SQLite but 32-bit in PostgreSQL, and Telegram ids do not fit in 32 bits
  (supergroups are -100xxxxxxxxxx): PostgreSQL gets `BIGINT`.
* `REAL` is a 64-bit float in SQLite but 32-bit in PostgreSQL, which would round a Unix time to
  about two minutes: PostgreSQL gets `DOUBLE PRECISION`.

Everything else (`CREATE TABLE/INDEX IF NOT EXISTS`, `ALTER TABLE ... ADD COLUMN`, `DEFAULT`,
composite primary keys) means the same on both. A later step that needs more than that can give
its own `postgres` text instead (see `Migration`).

SQLite records the version in `PRAGMA user_version`; PostgreSQL in a one-row `schema_version`
table. Version 1 is the first release's schema, which set no user_version (a file from it reads
as 0: `sqlite_version` recognises it by its tables).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    """One schema version: why it exists, its SQLite script and, where the mechanical
    translation is not enough, its own PostgreSQL script."""

    why: str
    sqlite: str
    postgres_override: str | None = None

    @property
    def postgres(self) -> str:
        return self.postgres_override or postgres_sql(self.sqlite)

    def statements(self, dialect: str) -> list[str]:
        """The script split into statements (no step contains a `;` inside a literal)."""
        script = self.sqlite if dialect == "sqlite" else self.postgres
        return [s.strip() for s in script.split(";") if s.strip()]


_TYPES = {"INTEGER": "BIGINT", "REAL": "DOUBLE PRECISION"}
_TYPE_WORDS = re.compile(r"\b(INTEGER|REAL)\b")


def postgres_sql(sqlite_script: str) -> str:
    """The same DDL with PostgreSQL's names for SQLite's 64-bit integer and float types."""
    return _TYPE_WORDS.sub(lambda m: _TYPES[m[1]], sqlite_script)


STEPS: list[Migration] = [
    Migration(
        "1: the first release: ratings and hidden films per (chat, person), member names, chats",
        """
    CREATE TABLE IF NOT EXISTS ratings (
        chat_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        movie_id INTEGER NOT NULL,
        value REAL NOT NULL,
        rated_at REAL NOT NULL,
        PRIMARY KEY (chat_id, user_id, movie_id)
    );
    CREATE TABLE IF NOT EXISTS hidden (
        chat_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        movie_id INTEGER NOT NULL,
        PRIMARY KEY (chat_id, user_id, movie_id)
    );
    CREATE TABLE IF NOT EXISTS members (
        chat_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (chat_id, user_id)
    );
    CREATE TABLE IF NOT EXISTS chats (
        chat_id INTEGER PRIMARY KEY,
        status TEXT NOT NULL,
        changed_at REAL NOT NULL
    );
    CREATE INDEX IF NOT EXISTS ratings_by_user ON ratings (user_id);
    """,
    ),
    Migration(
        "2: the title beside each rating (to recognise a film when the catalogue changes), the "
        "owner and content of every bot message with buttons, and what each /like message "
        "recorded (so that editing the message can replace it)",
        """
    ALTER TABLE ratings ADD COLUMN title TEXT;
    CREATE TABLE IF NOT EXISTS lists (
        chat_id INTEGER NOT NULL,
        message_id INTEGER NOT NULL,
        owner_id INTEGER,
        kind TEXT NOT NULL,
        start INTEGER NOT NULL,
        movie_ids TEXT NOT NULL,
        value REAL NOT NULL DEFAULT 0,
        shown TEXT,
        created_at REAL NOT NULL,
        PRIMARY KEY (chat_id, message_id)
    );
    CREATE INDEX IF NOT EXISTS lists_by_owner ON lists (owner_id);
    CREATE TABLE IF NOT EXISTS sources (
        chat_id INTEGER NOT NULL,
        message_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        movie_id INTEGER NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (chat_id, message_id, user_id, movie_id)
    );
    CREATE INDEX IF NOT EXISTS sources_by_user ON sources (user_id);
    """,
    ),
    Migration(
        "3: a watchlist, per-person settings (language), movie nights (who is in tonight), their "
        "polls and votes, what each group watched, and the flood limit's buckets (shared by every "
        "process that serves the bot)",
        """
    CREATE TABLE IF NOT EXISTS watchlist (
        chat_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        movie_id INTEGER NOT NULL,
        added_at REAL NOT NULL,
        PRIMARY KEY (chat_id, user_id, movie_id)
    );
    CREATE INDEX IF NOT EXISTS watchlist_by_user ON watchlist (user_id);
    CREATE TABLE IF NOT EXISTS people (
        user_id INTEGER PRIMARY KEY,
        language TEXT
    );
    CREATE TABLE IF NOT EXISTS nights (
        chat_id INTEGER NOT NULL,
        message_id INTEGER NOT NULL,
        query TEXT NOT NULL DEFAULT '',
        created_at REAL NOT NULL,
        PRIMARY KEY (chat_id, message_id)
    );
    CREATE TABLE IF NOT EXISTS night_members (
        chat_id INTEGER NOT NULL,
        message_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        joined_at REAL NOT NULL,
        PRIMARY KEY (chat_id, message_id, user_id)
    );
    CREATE INDEX IF NOT EXISTS night_members_by_user ON night_members (user_id);
    CREATE TABLE IF NOT EXISTS polls (
        poll_id TEXT PRIMARY KEY,
        chat_id INTEGER NOT NULL,
        message_id INTEGER NOT NULL,
        night_id INTEGER NOT NULL,
        movie_ids TEXT NOT NULL,
        scores TEXT NOT NULL,
        closed INTEGER NOT NULL DEFAULT 0,
        created_at REAL NOT NULL
    );
    CREATE TABLE IF NOT EXISTS votes (
        poll_id TEXT NOT NULL,
        user_id INTEGER NOT NULL,
        option INTEGER NOT NULL,
        PRIMARY KEY (poll_id, user_id)
    );
    CREATE INDEX IF NOT EXISTS votes_by_user ON votes (user_id);
    CREATE TABLE IF NOT EXISTS history (
        chat_id INTEGER NOT NULL,
        movie_id INTEGER NOT NULL,
        watched_at REAL NOT NULL,
        PRIMARY KEY (chat_id, movie_id)
    );
    CREATE TABLE IF NOT EXISTS buckets (
        user_id INTEGER PRIMARY KEY,
        tokens REAL NOT NULL,
        updated REAL NOT NULL,
        warned INTEGER NOT NULL DEFAULT 0
    );
    """,
    ),
    Migration(
        "4: what else a list needs to be rebuilt (the filter its picks were asked with)",
        """
    ALTER TABLE lists ADD COLUMN extra TEXT NOT NULL DEFAULT '';
    """,
    ),
]
SCHEMA_VERSION = len(STEPS)

# The SQLite scripts under their old name (`bot.storage.MIGRATIONS[0]` is the first release's DDL).
MIGRATIONS: list[str] = [step.sqlite for step in STEPS]

# Every table of the chat state, in an order that copies parents before children.
TABLES: tuple[str, ...] = (
    "chats",
    "members",
    "people",
    "ratings",
    "hidden",
    "lists",
    "sources",
    "watchlist",
    "nights",
    "night_members",
    "polls",
    "votes",
    "history",
    "buckets",
)

# The serialising key for schema changes on PostgreSQL: replicas that start together take
# turns (`pg_advisory_xact_lock`), so only one runs each step.
PG_MIGRATION_LOCK = 0x6D6F7669  # "movi"
PG_REMAP_LOCK = 0x6D6F7672  # "movr"

# Where a person appears in each table: `delete_user` removes every row whose column names them.
# A private chat's id is the person's own id (group ids are negative), so `chat_id` catches all of
# their private chat as well: messages, nights, polls and history there are theirs too.
PERSON_COLUMNS: dict[str, tuple[str, ...]] = {
    "chats": ("chat_id",),
    "members": ("chat_id", "user_id"),
    "people": ("user_id",),
    "ratings": ("chat_id", "user_id"),
    "hidden": ("chat_id", "user_id"),
    "lists": ("chat_id", "owner_id"),
    "sources": ("chat_id", "user_id"),
    "watchlist": ("chat_id", "user_id"),
    "nights": ("chat_id",),
    "night_members": ("chat_id", "user_id"),
    "polls": ("chat_id",),
    "votes": ("user_id",),
    "history": ("chat_id",),
    "buckets": ("user_id",),
}


def person_deletes(placeholder: str) -> list[str]:
    """One DELETE per table for everything about a person (`placeholder`: `?` or `%s`)."""
    return [
        f"DELETE FROM {table} WHERE "
        + " OR ".join(f"{column}={placeholder}" for column in PERSON_COLUMNS[table])
        for table in TABLES
    ]
