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
as 0: `current` recognises it by its tables). `bot.storage.schema` declares what the last step
leaves, and a test holds the two together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, text


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
    Migration(
        "5: one vote per movie night (a unique index, so replicas racing to start one get one; "
        "a night's older polls give way to its newest), and the Telegram updates claimed by a "
        "replica (so that an update delivered twice is handled once)",
        """
    CREATE TABLE IF NOT EXISTS updates (
        update_id INTEGER PRIMARY KEY,
        expires_at REAL NOT NULL,
        done INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS updates_by_expiry ON updates (expires_at);
    DELETE FROM votes WHERE poll_id IN (SELECT p.poll_id FROM polls AS p WHERE EXISTS (
        SELECT 1 FROM polls AS n WHERE n.chat_id = p.chat_id AND n.night_id = p.night_id
        AND (n.created_at > p.created_at OR (n.created_at = p.created_at AND n.poll_id > p.poll_id))
    ));
    DELETE FROM polls WHERE poll_id IN (SELECT p.poll_id FROM polls AS p WHERE EXISTS (
        SELECT 1 FROM polls AS n WHERE n.chat_id = p.chat_id AND n.night_id = p.night_id
        AND (n.created_at > p.created_at OR (n.created_at = p.created_at AND n.poll_id > p.poll_id))
    ));
    CREATE UNIQUE INDEX IF NOT EXISTS polls_by_night ON polls (chat_id, night_id);
    """,
    ),
    Migration(
        "6: what TMDB says of a film (runtime, director, cast, plot, poster, where to watch, "
        "titles in other languages), kept with the time it was fetched so that it expires; "
        "nothing about anyone",
        """
    CREATE TABLE IF NOT EXISTS film_facts (
        movie_id INTEGER PRIMARY KEY,
        facts TEXT NOT NULL,
        fetched_at REAL NOT NULL
    );
    """,
    ),
    Migration(
        "7: planned movie nights (when a roster's night starts, in which zone, who planned it, "
        "whether it was cancelled), each group's time zone, and the timed jobs (reminders, a "
        "vote that opens or closes by itself) that every replica claims from one table",
        """
    CREATE TABLE IF NOT EXISTS plans (
        chat_id INTEGER NOT NULL,
        night_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        starts_at REAL NOT NULL,
        zone TEXT NOT NULL,
        cancelled INTEGER NOT NULL DEFAULT 0,
        created_at REAL NOT NULL,
        PRIMARY KEY (chat_id, night_id)
    );
    CREATE TABLE IF NOT EXISTS zones (
        chat_id INTEGER PRIMARY KEY,
        zone TEXT NOT NULL,
        set_at REAL NOT NULL
    );
    CREATE TABLE IF NOT EXISTS jobs (
        job_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        chat_id INTEGER NOT NULL,
        night_id INTEGER NOT NULL,
        due_at REAL NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        lease_until REAL NOT NULL DEFAULT 0,
        done_at REAL,
        ran_at REAL
    );
    CREATE INDEX IF NOT EXISTS jobs_by_due ON jobs (done_at, due_at);
    """,
    ),
    Migration(
        "8: a group's language, for the messages everyone in it shares (rosters, picks, polls, "
        "winners): chosen by a group admin, or else the latest movie-night starter's",
        """
    CREATE TABLE IF NOT EXISTS chat_languages (
        chat_id INTEGER PRIMARY KEY,
        language TEXT NOT NULL,
        chosen INTEGER NOT NULL DEFAULT 0,
        changed_at REAL NOT NULL
    );
    """,
    ),
    Migration(
        "9: imports of a person's history (Letterboxd, IMDb): the pending summary until it is "
        "confirmed, then what each import changed and what it replaced, so Undo restores it",
        """
    CREATE TABLE IF NOT EXISTS imports (
        import_id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        digest TEXT NOT NULL,
        status TEXT NOT NULL,
        counts TEXT NOT NULL DEFAULT '',
        pending TEXT,
        created_at REAL NOT NULL,
        applied_at REAL
    );
    CREATE INDEX IF NOT EXISTS imports_by_user ON imports (user_id);
    CREATE TABLE IF NOT EXISTS import_items (
        import_id INTEGER NOT NULL,
        movie_id INTEGER NOT NULL,
        chat_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        kind TEXT NOT NULL,
        value REAL,
        rating10 INTEGER,
        watched TEXT,
        previous REAL,
        was_hidden INTEGER NOT NULL DEFAULT 0,
        was_saved INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (import_id, movie_id)
    );
    CREATE INDEX IF NOT EXISTS import_items_by_user ON import_items (user_id);
    """,
    ),
    Migration(
        "10: the country whose streaming services a person's film cards name (/country; none: "
        "from the person's language), and films' titles in other languages from their facts, "
        "so that a title search finds a film by its title in the person's language",
        """
    ALTER TABLE people ADD COLUMN country TEXT;
    CREATE TABLE IF NOT EXISTS film_titles (
        movie_id INTEGER NOT NULL,
        language TEXT NOT NULL,
        title TEXT NOT NULL,
        PRIMARY KEY (movie_id, language)
    );
    CREATE INDEX IF NOT EXISTS film_titles_by_language ON film_titles (language);
    """,
    ),
    Migration(
        "11: match mode: a night's deck of cards swiped in private chats, each person's swipes "
        "(like, dislike, seen) and the films everyone liked (a row once: announced once); how "
        "well each winner fitted each person in that night (fair across weeks)",
        """
    CREATE TABLE IF NOT EXISTS swipe_decks (
        chat_id INTEGER NOT NULL,
        night_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        movie_ids TEXT NOT NULL,
        reasons TEXT NOT NULL,
        wanted INTEGER NOT NULL DEFAULT 1,
        announced INTEGER NOT NULL DEFAULT 0,
        created_at REAL NOT NULL,
        PRIMARY KEY (chat_id, night_id)
    );
    CREATE TABLE IF NOT EXISTS swipes (
        chat_id INTEGER NOT NULL,
        night_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        movie_id INTEGER NOT NULL,
        verdict TEXT NOT NULL,
        swiped_at REAL NOT NULL,
        PRIMARY KEY (chat_id, night_id, user_id, movie_id)
    );
    CREATE INDEX IF NOT EXISTS swipes_by_user ON swipes (user_id);
    CREATE TABLE IF NOT EXISTS swipe_matches (
        chat_id INTEGER NOT NULL,
        night_id INTEGER NOT NULL,
        movie_id INTEGER NOT NULL,
        found_at REAL NOT NULL,
        PRIMARY KEY (chat_id, night_id, movie_id)
    );
    CREATE TABLE IF NOT EXISTS night_fits (
        chat_id INTEGER NOT NULL,
        movie_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        fit REAL NOT NULL,
        PRIMARY KEY (chat_id, movie_id, user_id)
    );
    CREATE INDEX IF NOT EXISTS night_fits_by_user ON night_fits (user_id);
    """,
    ),
]

SCHEMA_VERSION = len(STEPS)

# The serialising keys on PostgreSQL: replicas that start together take turns
# (`pg_advisory_xact_lock`), so only one runs each schema step or each catalogue remap.
PG_MIGRATION_LOCK = 0x6D6F7669  # "movi"
PG_REMAP_LOCK = 0x6D6F7672  # "movr"

# Where a person appears in each table: `delete_user` removes every row whose column names them.
# A private chat's id is the person's own id (group ids are negative), so `chat_id` catches all of
# their private chat as well: messages, nights, polls and history there are theirs too. Claimed
# updates hold only Telegram's update ids, nothing about anyone.
PERSON_COLUMNS: dict[str, tuple[str, ...]] = {
    "chats": ("chat_id",),
    "chat_languages": ("chat_id",),
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
    "plans": ("chat_id", "user_id"),
    "zones": ("chat_id",),
    "jobs": ("chat_id",),
    "imports": ("chat_id", "user_id"),
    "import_items": ("chat_id", "user_id"),
    "swipe_decks": ("chat_id", "user_id"),
    "swipes": ("chat_id", "user_id"),
    "swipe_matches": ("chat_id",),
    "night_fits": ("chat_id", "user_id"),
}


def current(db: Connection) -> int:
    """The schema version of the database `db` is connected to (0: nothing there yet)."""
    if db.dialect.name == "postgresql":
        exists = db.scalar(text("SELECT to_regclass('schema_version') IS NOT NULL"))
        return int(db.scalar(text("SELECT max(version) FROM schema_version")) or 0) if exists else 0
    version = int(db.scalar(text("PRAGMA user_version")) or 0)
    if version == 0:  # the first release's file: its tables, no version set
        columns = db.execute(text("PRAGMA table_info(ratings)")).all()
        if columns and "title" not in {c[1] for c in columns}:
            return 1
    return version


def next_step(db: Connection) -> bool:
    """Run the next schema step inside the caller's write transaction; False when the database
    is at SCHEMA_VERSION already. On PostgreSQL replicas take turns on an advisory lock (SQLite's
    BEGIN IMMEDIATE serialises by itself), so none runs a step twice."""
    postgres = db.dialect.name == "postgresql"
    if postgres:
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
        db.execute(text("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"))
    version = current(db)
    if version >= SCHEMA_VERSION:
        return False
    for statement in STEPS[version].statements(db.dialect.name):
        db.exec_driver_sql(statement)
    if postgres:
        db.execute(text("DELETE FROM schema_version"))
        db.execute(text("INSERT INTO schema_version VALUES (:v)"), {"v": version + 1})
    else:
        db.exec_driver_sql(f"PRAGMA user_version={version + 1}")
    return True
