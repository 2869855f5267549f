"""Chat state in SQLite: who rated what, what they hid, who is in which chat, and which bot
message belongs to whom.

Every person's ratings are keyed by (chat, user), so in a group each member's taste stays their
own. The database runs in WAL mode with `synchronous=FULL` and every write commits before the bot
confirms anything: a rating the bot confirmed survives `kill -9` and power loss.

Deleting a person's data must leave nothing behind in any file: `secure_delete` overwrites freed
pages with zeros, and a deletion checkpoints and truncates the write-ahead log, which would
otherwise keep the old pages (names, ids) until some later checkpoint.

The schema is versioned with `PRAGMA user_version`; `bot.storage.migrations` upgrades an older
file in place (the same steps PostgreSQL runs).

`Storage` is the synchronous class the bot has always had (tests and one-off tools use it
directly); `SQLiteStore` is the async `ChatStore` the bot uses, which runs it in worker threads.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tenacity import retry, retry_if_exception, stop_after_delay, wait_random

from bot.storage.base import LIST_DAYS, BatchedReads, ListInfo, PollInfo, take_from_bucket
from bot.storage.migrations import STEPS, person_deletes


class Storage:
    """One SQLite connection, serialised by a lock: callers run it from worker threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # The timeout first: switching a new file to WAL takes a lock that another process
        # opening the same file at the same moment may hold.
        self._db = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=5.0
        )
        self._lock = threading.Lock()
        self._db.execute("PRAGMA busy_timeout=5000")
        self._wal()
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA secure_delete=ON")
        self._migrate()

    @retry(
        retry=retry_if_exception(lambda e: "locked" in str(e)),
        stop=stop_after_delay(10),
        wait=wait_random(0.02, 0.2),
        reraise=True,
    )
    def _wal(self) -> None:
        """Switch to WAL. The switch needs the file to itself for a moment and SQLite does not
        wait for it (no busy handler there), so processes opening one file together retry."""
        self._db.execute("PRAGMA journal_mode=WAL")

    def _migrate(self) -> None:
        """Bring an older file up to SCHEMA_VERSION, one step per transaction.

        The version is read inside each step's write transaction, so two processes opening the
        same old file at once take turns and neither runs a step twice.
        """
        while True:
            with self._write() as db:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                first_release = self._has_table("ratings") and not self._has_column(
                    "ratings", "title"
                )
                if version == 0 and first_release:
                    version = 1  # the first release's file: tables exist, no version set
                if version >= len(STEPS):
                    return
                for statement in STEPS[version].statements("sqlite"):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version={version + 1}")

    def _has_table(self, name: str) -> bool:
        query = "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?"
        return self._db.execute(query, (name,)).fetchone() is not None

    def _has_column(self, table: str, column: str) -> bool:
        return any(row[1] == column for row in self._db.execute(f"PRAGMA table_info({table})"))

    @property
    def version(self) -> int:
        return int(self._read("PRAGMA user_version")[0][0])

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _read(self, sql: str, *args: object) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    # --------------------------------------------------------------- ratings
    def rate(
        self, chat_id: int, user_id: int, movie_id: int, value: float, title: str | None = None
    ) -> float | None:
        """Record a rating (committed on return); returns the previous value, if any."""
        with self._write() as db:
            row = db.execute(
                "SELECT value FROM ratings WHERE chat_id=? AND user_id=? AND movie_id=?",
                (chat_id, user_id, movie_id),
            ).fetchone()
            db.execute(
                "INSERT INTO ratings (chat_id, user_id, movie_id, value, rated_at, title) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id, user_id, movie_id) DO UPDATE "
                "SET value=excluded.value, rated_at=excluded.rated_at, "
                "title=coalesce(excluded.title, ratings.title)",
                (chat_id, user_id, movie_id, value, time.time(), title),
            )
            db.execute(
                "DELETE FROM hidden WHERE chat_id=? AND user_id=? AND movie_id=?",
                (chat_id, user_id, movie_id),
            )
        return row[0] if row else None

    def unrate(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        with self._write() as db:
            cursor = db.execute(
                "DELETE FROM ratings WHERE chat_id=? AND user_id=? AND movie_id=?",
                (chat_id, user_id, movie_id),
            )
        return cursor.rowcount > 0

    def ratings(self, chat_id: int, user_id: int) -> dict[int, float]:
        """Movie id -> +1/-1, oldest first."""
        rows = self._read(
            "SELECT movie_id, value FROM ratings WHERE chat_id=? AND user_id=? ORDER BY rated_at",
            chat_id,
            user_id,
        )
        return {movie: value for movie, value in rows}

    def rated_titles(self, chat_id: int, user_id: int) -> dict[int, str | None]:
        """Movie id -> the title stored with the rating (None for ratings from before v2)."""
        rows = self._read(
            "SELECT movie_id, title FROM ratings WHERE chat_id=? AND user_id=?", chat_id, user_id
        )
        return dict(rows)

    def chat_ratings(self, chat_id: int) -> dict[int, dict[int, float]]:
        """Every member's ratings in a chat: user id -> movie id -> value."""
        members: dict[int, dict[int, float]] = {}
        for user, movie, value in self._read(
            "SELECT user_id, movie_id, value FROM ratings WHERE chat_id=? ORDER BY rated_at",
            chat_id,
        ):
            members.setdefault(user, {})[movie] = value
        return members

    def stored_titles(self, outside: Iterable[int]) -> dict[int, str | None]:
        """Every rated movie id that is not in `outside` (e.g. the catalogue), with a title."""
        known = set(outside)
        rows = self._read("SELECT movie_id, max(title) FROM ratings GROUP BY movie_id")
        return {movie: title for movie, title in rows if movie not in known}

    def remap_movies(self, mapping: dict[int, int]) -> int:
        """Move ratings and hidden films from old movie ids to new ones (a new catalogue).

        Where a person already rated the new id, their newer rating stays and the old one goes.
        """
        moved = 0
        with self._write() as db:
            for old, new in mapping.items():
                moved += db.execute(
                    "UPDATE OR IGNORE ratings SET movie_id=? WHERE movie_id=?", (new, old)
                ).rowcount
                db.execute("DELETE FROM ratings WHERE movie_id=?", (old,))
                db.execute("UPDATE OR IGNORE hidden SET movie_id=? WHERE movie_id=?", (new, old))
                db.execute("DELETE FROM hidden WHERE movie_id=?", (old,))
        return moved

    def reset(self, chat_id: int, user_id: int) -> int:
        """Forget a person's ratings and hidden films in one chat; returns how many ratings."""
        with self._write() as db:
            count = db.execute(
                "DELETE FROM ratings WHERE chat_id=? AND user_id=?", (chat_id, user_id)
            ).rowcount
            db.execute("DELETE FROM hidden WHERE chat_id=? AND user_id=?", (chat_id, user_id))
        return count

    # --------------------------------------------------------------- hidden films
    def hide(self, chat_id: int, user_id: int, movie_id: int) -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR IGNORE INTO hidden VALUES (?, ?, ?)", (chat_id, user_id, movie_id)
            )

    def unhide(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        with self._write() as db:
            cursor = db.execute(
                "DELETE FROM hidden WHERE chat_id=? AND user_id=? AND movie_id=?",
                (chat_id, user_id, movie_id),
            )
        return cursor.rowcount > 0

    def hidden(self, chat_id: int, user_id: int | None = None) -> set[int]:
        """Films hidden by one person in a chat, or by anyone in it (user_id None)."""
        if user_id is None:
            rows = self._read("SELECT movie_id FROM hidden WHERE chat_id=?", chat_id)
        else:
            rows = self._read(
                "SELECT movie_id FROM hidden WHERE chat_id=? AND user_id=?", chat_id, user_id
            )
        return {row[0] for row in rows}

    # --------------------------------------------------------------- messages with buttons
    def save_list(self, chat_id: int, message_id: int, info: ListInfo) -> None:
        """Remember whose a message with buttons is and what it lists (see `ListInfo`)."""
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO lists VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    chat_id,
                    message_id,
                    info.owner_id,
                    info.kind,
                    info.start,
                    json.dumps(list(info.movie_ids)),
                    info.value,
                    info.shown,
                    time.time(),
                    info.extra,
                ),
            )

    def get_list(self, chat_id: int, message_id: int) -> ListInfo | None:
        rows = self._read(
            "SELECT owner_id, kind, start, movie_ids, value, shown, created_at, extra FROM lists "
            "WHERE chat_id=? AND message_id=?",
            chat_id,
            message_id,
        )
        if not rows or rows[0][6] < time.time() - LIST_DAYS * 86400:
            return None
        owner, kind, start, ids, value, shown, _, extra = rows[0]
        return ListInfo(owner, kind, start, tuple(json.loads(ids)), value, shown, extra)

    def set_shown(self, chat_id: int, message_id: int, shown: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE lists SET shown=? WHERE chat_id=? AND message_id=?",
                (shown, chat_id, message_id),
            )

    def prune_lists(self, days: float = LIST_DAYS) -> int:
        """Forget messages older than `days` (their buttons then answer as stale)."""
        with self._write() as db:
            return db.execute(
                "DELETE FROM lists WHERE created_at < ?", (time.time() - days * 86400,)
            ).rowcount

    # --------------------------------------------------------------- what a message recorded
    def save_source(
        self, chat_id: int, message_id: int, user_id: int, entries: dict[int, float]
    ) -> None:
        with self._write() as db:
            db.executemany(
                "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?)",
                [(chat_id, message_id, user_id, m, v) for m, v in entries.items()],
            )

    def take_source(self, chat_id: int, message_id: int, user_id: int) -> dict[int, float]:
        """What a person's message recorded, forgotten as it is returned (it was edited)."""
        with self._write() as db:
            rows = db.execute(
                "SELECT movie_id, value FROM sources WHERE chat_id=? AND message_id=? "
                "AND user_id=?",
                (chat_id, message_id, user_id),
            ).fetchall()
            db.execute(
                "DELETE FROM sources WHERE chat_id=? AND message_id=? AND user_id=?",
                (chat_id, message_id, user_id),
            )
        return dict(rows)

    # --------------------------------------------------------------- people and chats
    def remember_member(self, chat_id: int, user_id: int, name: str) -> None:
        """A display name for group picks ("matches Ann and Bob"); kept only for groups."""
        with self._write() as db:
            db.execute(
                "INSERT INTO members VALUES (?, ?, ?) ON CONFLICT (chat_id, user_id) "
                "DO UPDATE SET name=excluded.name",
                (chat_id, user_id, name[:64]),
            )

    def member_names(self, chat_id: int) -> dict[int, str]:
        return dict(self._read("SELECT user_id, name FROM members WHERE chat_id=?", chat_id))

    def set_chat_status(self, chat_id: int, status: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO chats VALUES (?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET "
                "status=excluded.status, changed_at=excluded.changed_at",
                (chat_id, status, time.time()),
            )

    def chat_status(self, chat_id: int) -> str | None:
        rows = self._read("SELECT status FROM chats WHERE chat_id=?", chat_id)
        return rows[0][0] if rows else None

    # --------------------------------------------------------------- watchlist
    def save_for_later(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        """Add a film to a person's watchlist; False when it was there already."""
        with self._write() as db:
            return (
                db.execute(
                    "INSERT OR IGNORE INTO watchlist VALUES (?, ?, ?, ?)",
                    (chat_id, user_id, movie_id, time.time()),
                ).rowcount
                > 0
            )

    def unsave(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        with self._write() as db:
            return (
                db.execute(
                    "DELETE FROM watchlist WHERE chat_id=? AND user_id=? AND movie_id=?",
                    (chat_id, user_id, movie_id),
                ).rowcount
                > 0
            )

    def watchlist(self, chat_id: int, user_id: int) -> list[int]:
        """Saved films, newest first."""
        rows = self._read(
            "SELECT movie_id FROM watchlist WHERE chat_id=? AND user_id=? "
            "ORDER BY added_at DESC, movie_id",
            chat_id,
            user_id,
        )
        return [row[0] for row in rows]

    # --------------------------------------------------------------- per-person settings
    def set_language(self, user_id: int, language: str | None) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO people VALUES (?, ?) ON CONFLICT (user_id) "
                "DO UPDATE SET language=excluded.language",
                (user_id, language),
            )

    def language(self, user_id: int) -> str | None:
        rows = self._read("SELECT language FROM people WHERE user_id=?", user_id)
        return rows[0][0] if rows else None

    # --------------------------------------------------------------- movie nights
    def start_night(self, chat_id: int, message_id: int, query: str = "") -> None:
        """A roster message: who is in tonight (and the filter words it was asked with)."""
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO nights VALUES (?, ?, ?, ?)",
                (chat_id, message_id, query, time.time()),
            )

    def night_query(self, chat_id: int, message_id: int) -> str | None:
        """The filter words of a roster, or None when there is no such roster."""
        rows = self._read(
            "SELECT query FROM nights WHERE chat_id=? AND message_id=?", chat_id, message_id
        )
        return rows[0][0] if rows else None

    def join_night(self, chat_id: int, message_id: int, user_id: int, joined: bool) -> bool:
        """Join (or leave) tonight's roster; True when that changed anything."""
        with self._write() as db:
            if joined:
                sql = "INSERT OR IGNORE INTO night_members VALUES (?, ?, ?, ?)"
                args: tuple = (chat_id, message_id, user_id, time.time())
            else:
                sql = "DELETE FROM night_members WHERE chat_id=? AND message_id=? AND user_id=?"
                args = (chat_id, message_id, user_id)
            return db.execute(sql, args).rowcount > 0

    def night_members(self, chat_id: int, message_id: int) -> list[int]:
        """Who is in, in the order they joined."""
        rows = self._read(
            "SELECT user_id FROM night_members WHERE chat_id=? AND message_id=? "
            "ORDER BY joined_at, user_id",
            chat_id,
            message_id,
        )
        return [row[0] for row in rows]

    def save_poll(self, poll: PollInfo) -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO polls VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    poll.poll_id,
                    poll.chat_id,
                    poll.message_id,
                    poll.night_id,
                    json.dumps(list(poll.movie_ids)),
                    json.dumps(list(poll.scores)),
                    int(poll.closed),
                    time.time(),
                ),
            )

    def poll(self, poll_id: str) -> PollInfo | None:
        rows = self._read(
            "SELECT poll_id, chat_id, message_id, night_id, movie_ids, scores, closed FROM polls "
            "WHERE poll_id=?",
            poll_id,
        )
        if not rows:
            return None
        pid, chat, message, night, ids, scores, closed = rows[0]
        return PollInfo(
            pid,
            chat,
            message,
            night,
            tuple(json.loads(ids)),
            tuple(json.loads(scores)),
            bool(closed),
        )

    def poll_of_message(self, chat_id: int, message_id: int) -> PollInfo | None:
        rows = self._read(
            "SELECT poll_id FROM polls WHERE chat_id=? AND message_id=? "
            "ORDER BY created_at DESC LIMIT 1",
            chat_id,
            message_id,
        )
        return self.poll(rows[0][0]) if rows else None

    def open_poll_of_night(self, chat_id: int, night_id: int) -> PollInfo | None:
        """The vote still open for a roster, if any (one at a time per movie night)."""
        rows = self._read(
            "SELECT poll_id FROM polls WHERE chat_id=? AND night_id=? AND closed=0",
            chat_id,
            night_id,
        )
        return self.poll(rows[0][0]) if rows else None

    def vote(self, poll_id: str, user_id: int, option: int | None) -> None:
        """A person's vote (None: they retracted it)."""
        with self._write() as db:
            if option is None:
                db.execute("DELETE FROM votes WHERE poll_id=? AND user_id=?", (poll_id, user_id))
            else:
                db.execute(
                    "INSERT INTO votes VALUES (?, ?, ?) ON CONFLICT (poll_id, user_id) "
                    "DO UPDATE SET option=excluded.option",
                    (poll_id, user_id, option),
                )

    def votes(self, poll_id: str) -> dict[int, int]:
        return dict(self._read("SELECT user_id, option FROM votes WHERE poll_id=?", poll_id))

    def close_poll(self, poll_id: str) -> bool:
        """Mark a vote closed; True only for the one caller that closed it (announce once)."""
        with self._write() as db:
            return (
                db.execute(
                    "UPDATE polls SET closed=1 WHERE poll_id=? AND closed=0", (poll_id,)
                ).rowcount
                > 0
            )

    def add_history(self, chat_id: int, movie_id: int) -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR IGNORE INTO history VALUES (?, ?, ?)", (chat_id, movie_id, time.time())
            )

    def history(self, chat_id: int) -> list[tuple[int, float]]:
        """What a group chose, newest first: (movie id, when)."""
        return [
            (movie, when)
            for movie, when in self._read(
                "SELECT movie_id, watched_at FROM history WHERE chat_id=? ORDER BY watched_at DESC",
                chat_id,
            )
        ]

    # --------------------------------------------------------------- the flood limit
    def take_token(self, user_id: int, now: float, burst: float, rate: float) -> tuple[bool, bool]:
        """The shared token bucket (see `bot.throttle`): (allowed, warn), in one transaction so
        that every process serving the bot sees the same bucket."""
        with self._write() as db:
            row = db.execute(
                "SELECT tokens, updated, warned FROM buckets WHERE user_id=?", (user_id,)
            ).fetchone()
            tokens, warned, allowed, warn = take_from_bucket(
                *(row if row else (burst, now, 0)), now=now, burst=burst, rate=rate
            )
            db.execute(
                "INSERT INTO buckets VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
                "tokens=excluded.tokens, updated=excluded.updated, warned=excluded.warned",
                (user_id, tokens, now, warned),
            )
        return allowed, warn

    def forget_idle_buckets(self, before: float) -> int:
        with self._write() as db:
            return db.execute("DELETE FROM buckets WHERE updated < ?", (before,)).rowcount

    def delete_user(self, user_id: int) -> int:
        """Everything held about a person, in every chat and every file; returns how many rows
        (see `migrations.PERSON_COLUMNS` for what counts as theirs).

        The write-ahead log is checkpointed and truncated afterwards, so the deleted rows do not
        survive in it (with `secure_delete` the freed pages of the main file are zeroed too).
        """
        with self._write() as db:
            total = 0
            for statement in person_deletes("?"):
                total += db.execute(statement, (user_id,) * statement.count("?")).rowcount
        self.checkpoint()
        return total

    def checkpoint(self) -> None:
        """Copy the WAL into the main file and truncate it to zero bytes."""
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._lock:
            self._db.close()


class SQLiteStore(BatchedReads):
    """The async `ChatStore` over `Storage`: every call runs in a worker thread.

    Why a thread offload and not an async SQLite driver: sqlite3 is in the standard library (the
    embedded default must work with nothing else installed), the file is local, and `Storage`
    already holds one connection serialised by a lock, so a thread is all that is needed to keep
    a commit's fsync (`synchronous=FULL`) off the event loop. aiosqlite would add a dependency and
    do the same thing: it is itself a thread that runs sqlite3 calls one at a time.
    """

    def __init__(self, path: Path) -> None:
        self.sync = Storage(path)  # opened (and migrated) on the caller's thread: start-up only
        self.path = self.sync.path

    @classmethod
    async def open(cls, path: Path) -> SQLiteStore:
        """Open (and migrate) without blocking the event loop."""
        return await asyncio.to_thread(cls, path)

    @property
    def shared(self) -> bool:
        """One process owns an SQLite file: replicas cannot share it over a network volume."""
        return False

    async def version(self) -> int:
        return await asyncio.to_thread(lambda: self.sync.version)

    async def stored_titles(self, outside: Iterable[int]) -> dict[int, str | None]:
        known = frozenset(outside)  # a generator is consumed here, not in another thread
        return await asyncio.to_thread(self.sync.stored_titles, known)

    async def rate(
        self, chat_id: int, user_id: int, movie_id: int, value: float, title: str | None = None
    ) -> float | None:
        return await asyncio.to_thread(self.sync.rate, chat_id, user_id, movie_id, value, title)

    async def unrate(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        return await asyncio.to_thread(self.sync.unrate, chat_id, user_id, movie_id)

    async def ratings(self, chat_id: int, user_id: int) -> dict[int, float]:
        return await asyncio.to_thread(self.sync.ratings, chat_id, user_id)

    async def rated_titles(self, chat_id: int, user_id: int) -> dict[int, str | None]:
        return await asyncio.to_thread(self.sync.rated_titles, chat_id, user_id)

    async def chat_ratings(self, chat_id: int) -> dict[int, dict[int, float]]:
        return await asyncio.to_thread(self.sync.chat_ratings, chat_id)

    async def remap_movies(self, mapping: dict[int, int]) -> int:
        return await asyncio.to_thread(self.sync.remap_movies, mapping)

    async def reset(self, chat_id: int, user_id: int) -> int:
        return await asyncio.to_thread(self.sync.reset, chat_id, user_id)

    async def hide(self, chat_id: int, user_id: int, movie_id: int) -> None:
        return await asyncio.to_thread(self.sync.hide, chat_id, user_id, movie_id)

    async def unhide(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        return await asyncio.to_thread(self.sync.unhide, chat_id, user_id, movie_id)

    async def hidden(self, chat_id: int, user_id: int | None = None) -> set[int]:
        return await asyncio.to_thread(self.sync.hidden, chat_id, user_id)

    async def save_list(self, chat_id: int, message_id: int, info: ListInfo) -> None:
        return await asyncio.to_thread(self.sync.save_list, chat_id, message_id, info)

    async def get_list(self, chat_id: int, message_id: int) -> ListInfo | None:
        return await asyncio.to_thread(self.sync.get_list, chat_id, message_id)

    async def set_shown(self, chat_id: int, message_id: int, shown: str) -> None:
        return await asyncio.to_thread(self.sync.set_shown, chat_id, message_id, shown)

    async def prune_lists(self, days: float = LIST_DAYS) -> int:
        return await asyncio.to_thread(self.sync.prune_lists, days)

    async def save_source(
        self, chat_id: int, message_id: int, user_id: int, entries: dict[int, float]
    ) -> None:
        return await asyncio.to_thread(self.sync.save_source, chat_id, message_id, user_id, entries)

    async def take_source(self, chat_id: int, message_id: int, user_id: int) -> dict[int, float]:
        return await asyncio.to_thread(self.sync.take_source, chat_id, message_id, user_id)

    async def remember_member(self, chat_id: int, user_id: int, name: str) -> None:
        return await asyncio.to_thread(self.sync.remember_member, chat_id, user_id, name)

    async def member_names(self, chat_id: int) -> dict[int, str]:
        return await asyncio.to_thread(self.sync.member_names, chat_id)

    async def set_chat_status(self, chat_id: int, status: str) -> None:
        return await asyncio.to_thread(self.sync.set_chat_status, chat_id, status)

    async def chat_status(self, chat_id: int) -> str | None:
        return await asyncio.to_thread(self.sync.chat_status, chat_id)

    async def save_for_later(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        return await asyncio.to_thread(self.sync.save_for_later, chat_id, user_id, movie_id)

    async def unsave(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        return await asyncio.to_thread(self.sync.unsave, chat_id, user_id, movie_id)

    async def watchlist(self, chat_id: int, user_id: int) -> list[int]:
        return await asyncio.to_thread(self.sync.watchlist, chat_id, user_id)

    async def set_language(self, user_id: int, language: str | None) -> None:
        return await asyncio.to_thread(self.sync.set_language, user_id, language)

    async def language(self, user_id: int) -> str | None:
        return await asyncio.to_thread(self.sync.language, user_id)

    async def start_night(self, chat_id: int, message_id: int, query: str = "") -> None:
        return await asyncio.to_thread(self.sync.start_night, chat_id, message_id, query)

    async def night_query(self, chat_id: int, message_id: int) -> str | None:
        return await asyncio.to_thread(self.sync.night_query, chat_id, message_id)

    async def join_night(self, chat_id: int, message_id: int, user_id: int, joined: bool) -> bool:
        return await asyncio.to_thread(self.sync.join_night, chat_id, message_id, user_id, joined)

    async def night_members(self, chat_id: int, message_id: int) -> list[int]:
        return await asyncio.to_thread(self.sync.night_members, chat_id, message_id)

    async def save_poll(self, poll: PollInfo) -> None:
        return await asyncio.to_thread(self.sync.save_poll, poll)

    async def poll(self, poll_id: str) -> PollInfo | None:
        return await asyncio.to_thread(self.sync.poll, poll_id)

    async def poll_of_message(self, chat_id: int, message_id: int) -> PollInfo | None:
        return await asyncio.to_thread(self.sync.poll_of_message, chat_id, message_id)

    async def open_poll_of_night(self, chat_id: int, night_id: int) -> PollInfo | None:
        return await asyncio.to_thread(self.sync.open_poll_of_night, chat_id, night_id)

    async def vote(self, poll_id: str, user_id: int, option: int | None) -> None:
        return await asyncio.to_thread(self.sync.vote, poll_id, user_id, option)

    async def votes(self, poll_id: str) -> dict[int, int]:
        return await asyncio.to_thread(self.sync.votes, poll_id)

    async def close_poll(self, poll_id: str) -> bool:
        return await asyncio.to_thread(self.sync.close_poll, poll_id)

    async def add_history(self, chat_id: int, movie_id: int) -> None:
        return await asyncio.to_thread(self.sync.add_history, chat_id, movie_id)

    async def history(self, chat_id: int) -> list[tuple[int, float]]:
        return await asyncio.to_thread(self.sync.history, chat_id)

    async def take_token(
        self, user_id: int, now: float, burst: float, rate: float
    ) -> tuple[bool, bool]:
        return await asyncio.to_thread(self.sync.take_token, user_id, now, burst, rate)

    async def forget_idle_buckets(self, before: float) -> int:
        return await asyncio.to_thread(self.sync.forget_idle_buckets, before)

    async def delete_user(self, user_id: int) -> int:
        return await asyncio.to_thread(self.sync.delete_user, user_id)

    async def checkpoint(self) -> None:
        return await asyncio.to_thread(self.sync.checkpoint)

    async def close(self) -> None:
        await asyncio.to_thread(self.sync.close)
