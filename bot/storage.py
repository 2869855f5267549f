"""Chat state in SQLite: who rated what, what they hid, and who is in which chat.

Every person's ratings are keyed by (chat, user), so in a group each member's taste stays their
own. The database runs in WAL mode with `synchronous=FULL` and every write commits before the bot
confirms anything: a rating the bot confirmed survives `kill -9` and power loss.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
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
"""


class Storage:
    """One SQLite connection, serialised by a lock (handlers run on one event loop anyway)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(SCHEMA)

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
    def rate(self, chat_id: int, user_id: int, movie_id: int, value: float) -> float | None:
        """Record a rating (committed on return); returns the previous value, if any."""
        with self._write() as db:
            row = db.execute(
                "SELECT value FROM ratings WHERE chat_id=? AND user_id=? AND movie_id=?",
                (chat_id, user_id, movie_id),
            ).fetchone()
            db.execute(
                "INSERT INTO ratings VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (chat_id, user_id, movie_id) "
                "DO UPDATE SET value=excluded.value, rated_at=excluded.rated_at",
                (chat_id, user_id, movie_id, value, time.time()),
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

    def chat_ratings(self, chat_id: int) -> dict[int, dict[int, float]]:
        """Every member's ratings in a chat: user id -> movie id -> value."""
        members: dict[int, dict[int, float]] = {}
        for user, movie, value in self._read(
            "SELECT user_id, movie_id, value FROM ratings WHERE chat_id=? ORDER BY rated_at",
            chat_id,
        ):
            members.setdefault(user, {})[movie] = value
        return members

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

    def delete_user(self, user_id: int) -> int:
        """Everything held about a person, in every chat; returns how many rows went."""
        with self._write() as db:
            total = 0
            for table in ("ratings", "hidden", "members"):
                total += db.execute(f"DELETE FROM {table} WHERE user_id=?", (user_id,)).rowcount
            total += db.execute("DELETE FROM chats WHERE chat_id=?", (user_id,)).rowcount
        return total

    def counts(self) -> dict[str, int]:
        return {
            table: self._read(f"SELECT COUNT(*) FROM {table}")[0][0]
            for table in ("ratings", "hidden", "members", "chats")
        }

    def close(self) -> None:
        with self._lock:
            self._db.close()
