"""Chat state in PostgreSQL, for several bot processes (replicas) that serve one bot together.

Why psycopg 3 with psycopg-pool: psycopg is PostgreSQL's maintained Python driver with a native
async API (no thread hops: nothing here blocks the event loop), and psycopg-pool is its own async
pool, which checks connections before handing them out (a server restart or a fail-over costs
one reconnect, not an error in a chat) and bounds how many connections a replica holds. asyncpg
would do as well; psycopg keeps libpq's connection strings and URLs (`DATABASE_URL` as every
hosted PostgreSQL hands it out) and ships as a binary wheel.

Connections run in autocommit: a single statement is its own transaction, committed when
`execute` returns, which saves two round trips per call; several statements that must hold
together run in an explicit transaction (`_tx`). Either way every write is committed before the
method returns, so the bot confirms only what is stored.

Concurrency comes from the database, not from locks in a process: upserts (`ON CONFLICT`) make
two presses of the same button one rating; conditional updates (`closed=0`) give exactly one
winner; the flood-limit bucket and the movie remap lock their rows or an advisory lock inside the
transaction, which serialises replicas without any shared memory.

The schema is the one `bot.storage.migrations` defines for both engines, recorded in a
`schema_version` table; replicas that start together take turns through an advisory lock.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool

from bot.storage.base import LIST_DAYS, BatchedReads, ListInfo, PollInfo, take_from_bucket
from bot.storage.migrations import (
    PG_MIGRATION_LOCK,
    PG_REMAP_LOCK,
    STEPS,
    person_deletes,
)

Connection = AsyncConnection[TupleRow]


class PostgresStore(BatchedReads):
    """The `ChatStore` on PostgreSQL: an async pool of autocommit connections."""

    def __init__(self, pool: AsyncConnectionPool[Connection]) -> None:
        self._pool = pool

    @classmethod
    async def open(
        cls, url: str, *, min_size: int = 1, max_size: int = 10, timeout: float = 30.0
    ) -> PostgresStore:
        """Connect (waiting up to `timeout` seconds for the server) and migrate the schema."""
        pool: AsyncConnectionPool[Connection] = AsyncConnectionPool(
            url,
            min_size=min_size,
            max_size=max_size,
            open=False,
            kwargs={"autocommit": True},
            check=AsyncConnectionPool.check_connection,
            name="movierec",
            timeout=timeout,
        )
        await pool.open(wait=True, timeout=timeout)
        store = cls(pool)
        try:
            await store._migrate()
        except BaseException:
            await pool.close()
            raise
        return store

    @property
    def shared(self) -> bool:
        """Every replica connects to the same server."""
        return True

    async def _migrate(self) -> None:
        """Bring the database up to SCHEMA_VERSION in one transaction (PostgreSQL's DDL is
        transactional: a failed step leaves the old schema), one replica at a time."""
        async with self._tx() as db:
            await db.execute("SELECT pg_advisory_xact_lock(%s)", (PG_MIGRATION_LOCK,))
            await db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = await (await db.execute("SELECT max(version) FROM schema_version")).fetchone()
            version = row[0] if row and row[0] is not None else 0
            if version >= len(STEPS):
                return
            for step in STEPS[version:]:
                for statement in step.statements("postgres"):
                    await db.execute(statement)
            await db.execute("DELETE FROM schema_version")
            await db.execute("INSERT INTO schema_version VALUES (%s)", (len(STEPS),))

    async def version(self) -> int:
        rows = await self._read("SELECT max(version) FROM schema_version")
        return int(rows[0][0] or 0)

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[Connection]:
        """A connection inside a transaction, committed on leaving the block (rolled back on an
        error)."""
        async with self._pool.connection() as db, db.transaction():
            yield db

    async def _read(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        async with self._pool.connection() as db:
            return await (await db.execute(sql, args)).fetchall()

    async def _write(self, sql: str, *args: object) -> int:
        """One statement, committed when it returns (autocommit); how many rows it changed."""
        async with self._pool.connection() as db:
            return (await db.execute(sql, args)).rowcount

    # --------------------------------------------------------------- ratings
    async def rate(
        self, chat_id: int, user_id: int, movie_id: int, value: float, title: str | None = None
    ) -> float | None:
        """Record a rating (committed on return); returns the previous value, if any.

        One statement: the upsert makes concurrent presses one row (the later value wins), and
        it un-hides the film in the same transaction. The previous value is the one committed
        when the statement began (two presses racing may both see none).
        """
        rows = await self._read_named(
            "WITH old AS (SELECT value FROM ratings "
            "WHERE chat_id=%(c)s AND user_id=%(u)s AND movie_id=%(m)s), "
            "unhidden AS (DELETE FROM hidden "
            "WHERE chat_id=%(c)s AND user_id=%(u)s AND movie_id=%(m)s) "
            "INSERT INTO ratings AS r (chat_id, user_id, movie_id, value, rated_at, title) "
            "VALUES (%(c)s, %(u)s, %(m)s, %(v)s, %(t)s, %(title)s) "
            "ON CONFLICT (chat_id, user_id, movie_id) DO UPDATE "
            "SET value=excluded.value, rated_at=excluded.rated_at, "
            "title=coalesce(excluded.title, r.title) "
            "RETURNING (SELECT value FROM old)",
            {
                "c": chat_id,
                "u": user_id,
                "m": movie_id,
                "v": value,
                "t": time.time(),
                "title": title,
            },
        )
        return rows[0][0] if rows else None

    async def _read_named(self, sql: str, args: dict[str, Any]) -> list[tuple[Any, ...]]:
        async with self._pool.connection() as db:
            return await (await db.execute(sql, args)).fetchall()

    async def unrate(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        changed = await self._write(
            "DELETE FROM ratings WHERE chat_id=%s AND user_id=%s AND movie_id=%s",
            chat_id,
            user_id,
            movie_id,
        )
        return changed > 0

    async def ratings(self, chat_id: int, user_id: int) -> dict[int, float]:
        """Movie id -> +1/-1, oldest first."""
        rows = await self._read(
            "SELECT movie_id, value FROM ratings WHERE chat_id=%s AND user_id=%s ORDER BY rated_at",
            chat_id,
            user_id,
        )
        return {movie: value for movie, value in rows}

    async def rated_titles(self, chat_id: int, user_id: int) -> dict[int, str | None]:
        rows = await self._read(
            "SELECT movie_id, title FROM ratings WHERE chat_id=%s AND user_id=%s",
            chat_id,
            user_id,
        )
        return {movie: title for movie, title in rows}

    async def chat_ratings(self, chat_id: int) -> dict[int, dict[int, float]]:
        members: dict[int, dict[int, float]] = {}
        for user, movie, value in await self._read(
            "SELECT user_id, movie_id, value FROM ratings WHERE chat_id=%s ORDER BY rated_at",
            chat_id,
        ):
            members.setdefault(user, {})[movie] = value
        return members

    async def stored_titles(self, outside: Iterable[int]) -> dict[int, str | None]:
        known = set(outside)
        rows = await self._read("SELECT movie_id, max(title) FROM ratings GROUP BY movie_id")
        return {movie: title for movie, title in rows if movie not in known}

    async def remap_movies(self, mapping: dict[int, int]) -> int:
        """Move ratings and hidden films to new movie ids (see `Storage.remap_movies`); replicas
        that start together with the same new catalogue take turns (an advisory lock), and the
        second finds nothing left to move."""
        moved = 0
        async with self._tx() as db:
            await db.execute("SELECT pg_advisory_xact_lock(%s)", (PG_REMAP_LOCK,))
            for old, new in mapping.items():
                for table in ("ratings", "hidden"):
                    cursor = await db.execute(
                        f"UPDATE {table} AS t SET movie_id=%(new)s WHERE movie_id=%(old)s "
                        f"AND NOT EXISTS (SELECT 1 FROM {table} AS n WHERE n.chat_id=t.chat_id "
                        "AND n.user_id=t.user_id AND n.movie_id=%(new)s)",
                        {"old": old, "new": new},
                    )
                    if table == "ratings":
                        moved += cursor.rowcount
                    await db.execute(f"DELETE FROM {table} WHERE movie_id=%s", (old,))
        return moved

    async def reset(self, chat_id: int, user_id: int) -> int:
        async with self._tx() as db:
            cursor = await db.execute(
                "DELETE FROM ratings WHERE chat_id=%s AND user_id=%s", (chat_id, user_id)
            )
            await db.execute(
                "DELETE FROM hidden WHERE chat_id=%s AND user_id=%s", (chat_id, user_id)
            )
        return cursor.rowcount

    # --------------------------------------------------------------- hidden films
    async def hide(self, chat_id: int, user_id: int, movie_id: int) -> None:
        await self._write(
            "INSERT INTO hidden VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
            chat_id,
            user_id,
            movie_id,
        )

    async def unhide(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        changed = await self._write(
            "DELETE FROM hidden WHERE chat_id=%s AND user_id=%s AND movie_id=%s",
            chat_id,
            user_id,
            movie_id,
        )
        return changed > 0

    async def hidden(self, chat_id: int, user_id: int | None = None) -> set[int]:
        if user_id is None:
            rows = await self._read("SELECT movie_id FROM hidden WHERE chat_id=%s", chat_id)
        else:
            rows = await self._read(
                "SELECT movie_id FROM hidden WHERE chat_id=%s AND user_id=%s", chat_id, user_id
            )
        return {row[0] for row in rows}

    # --------------------------------------------------------------- messages with buttons
    async def save_list(self, chat_id: int, message_id: int, info: ListInfo) -> None:
        await self._write(
            "INSERT INTO lists (chat_id, message_id, owner_id, kind, start, movie_ids, value, "
            "shown, created_at, extra) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (chat_id, message_id) DO UPDATE SET owner_id=excluded.owner_id, "
            "kind=excluded.kind, start=excluded.start, movie_ids=excluded.movie_ids, "
            "value=excluded.value, shown=excluded.shown, created_at=excluded.created_at, "
            "extra=excluded.extra",
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
        )

    async def get_list(self, chat_id: int, message_id: int) -> ListInfo | None:
        rows = await self._read(
            "SELECT owner_id, kind, start, movie_ids, value, shown, created_at, extra FROM lists "
            "WHERE chat_id=%s AND message_id=%s",
            chat_id,
            message_id,
        )
        if not rows or rows[0][6] < time.time() - LIST_DAYS * 86400:
            return None
        owner, kind, start, ids, value, shown, _, extra = rows[0]
        return ListInfo(owner, kind, start, tuple(json.loads(ids)), value, shown, extra)

    async def set_shown(self, chat_id: int, message_id: int, shown: str) -> None:
        await self._write(
            "UPDATE lists SET shown=%s WHERE chat_id=%s AND message_id=%s",
            shown,
            chat_id,
            message_id,
        )

    async def prune_lists(self, days: float = LIST_DAYS) -> int:
        return await self._write(
            "DELETE FROM lists WHERE created_at < %s", time.time() - days * 86400
        )

    # --------------------------------------------------------------- what a message recorded
    async def save_source(
        self, chat_id: int, message_id: int, user_id: int, entries: dict[int, float]
    ) -> None:
        if not entries:
            return
        async with self._tx() as db, db.cursor() as cursor:
            await cursor.executemany(
                "INSERT INTO sources VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT (chat_id, message_id, user_id, movie_id) "
                "DO UPDATE SET value=excluded.value",
                [(chat_id, message_id, user_id, m, v) for m, v in entries.items()],
            )

    async def take_source(self, chat_id: int, message_id: int, user_id: int) -> dict[int, float]:
        """What a person's message recorded, forgotten as it is returned (one statement: two
        replicas handling the same edit cannot both take it)."""
        rows = await self._read(
            "DELETE FROM sources WHERE chat_id=%s AND message_id=%s AND user_id=%s "
            "RETURNING movie_id, value",
            chat_id,
            message_id,
            user_id,
        )
        return {movie: value for movie, value in rows}

    # --------------------------------------------------------------- people and chats
    async def remember_member(self, chat_id: int, user_id: int, name: str) -> None:
        await self._write(
            "INSERT INTO members VALUES (%s, %s, %s) ON CONFLICT (chat_id, user_id) "
            "DO UPDATE SET name=excluded.name",
            chat_id,
            user_id,
            name[:64],
        )

    async def member_names(self, chat_id: int) -> dict[int, str]:
        rows = await self._read("SELECT user_id, name FROM members WHERE chat_id=%s", chat_id)
        return {user: name for user, name in rows}

    async def set_chat_status(self, chat_id: int, status: str) -> None:
        await self._write(
            "INSERT INTO chats VALUES (%s, %s, %s) ON CONFLICT (chat_id) DO UPDATE SET "
            "status=excluded.status, changed_at=excluded.changed_at",
            chat_id,
            status,
            time.time(),
        )

    async def chat_status(self, chat_id: int) -> str | None:
        rows = await self._read("SELECT status FROM chats WHERE chat_id=%s", chat_id)
        return rows[0][0] if rows else None

    # --------------------------------------------------------------- watchlist
    async def save_for_later(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        changed = await self._write(
            "INSERT INTO watchlist VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            chat_id,
            user_id,
            movie_id,
            time.time(),
        )
        return changed > 0

    async def unsave(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        changed = await self._write(
            "DELETE FROM watchlist WHERE chat_id=%s AND user_id=%s AND movie_id=%s",
            chat_id,
            user_id,
            movie_id,
        )
        return changed > 0

    async def watchlist(self, chat_id: int, user_id: int) -> list[int]:
        rows = await self._read(
            "SELECT movie_id FROM watchlist WHERE chat_id=%s AND user_id=%s "
            "ORDER BY added_at DESC, movie_id",
            chat_id,
            user_id,
        )
        return [row[0] for row in rows]

    # --------------------------------------------------------------- per-person settings
    async def set_language(self, user_id: int, language: str | None) -> None:
        await self._write(
            "INSERT INTO people VALUES (%s, %s) ON CONFLICT (user_id) "
            "DO UPDATE SET language=excluded.language",
            user_id,
            language,
        )

    async def language(self, user_id: int) -> str | None:
        rows = await self._read("SELECT language FROM people WHERE user_id=%s", user_id)
        return rows[0][0] if rows else None

    # --------------------------------------------------------------- movie nights
    async def start_night(self, chat_id: int, message_id: int, query: str = "") -> None:
        await self._write(
            "INSERT INTO nights VALUES (%s, %s, %s, %s) ON CONFLICT (chat_id, message_id) "
            "DO UPDATE SET query=excluded.query, created_at=excluded.created_at",
            chat_id,
            message_id,
            query,
            time.time(),
        )

    async def night_query(self, chat_id: int, message_id: int) -> str | None:
        rows = await self._read(
            "SELECT query FROM nights WHERE chat_id=%s AND message_id=%s", chat_id, message_id
        )
        return rows[0][0] if rows else None

    async def join_night(self, chat_id: int, message_id: int, user_id: int, joined: bool) -> bool:
        if joined:
            changed = await self._write(
                "INSERT INTO night_members VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                chat_id,
                message_id,
                user_id,
                time.time(),
            )
        else:
            changed = await self._write(
                "DELETE FROM night_members WHERE chat_id=%s AND message_id=%s AND user_id=%s",
                chat_id,
                message_id,
                user_id,
            )
        return changed > 0

    async def night_members(self, chat_id: int, message_id: int) -> list[int]:
        rows = await self._read(
            "SELECT user_id FROM night_members WHERE chat_id=%s AND message_id=%s "
            "ORDER BY joined_at, user_id",
            chat_id,
            message_id,
        )
        return [row[0] for row in rows]

    async def save_poll(self, poll: PollInfo) -> None:
        await self._write(
            "INSERT INTO polls VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (poll_id) "
            "DO UPDATE SET chat_id=excluded.chat_id, message_id=excluded.message_id, "
            "night_id=excluded.night_id, movie_ids=excluded.movie_ids, scores=excluded.scores, "
            "closed=excluded.closed, created_at=excluded.created_at",
            poll.poll_id,
            poll.chat_id,
            poll.message_id,
            poll.night_id,
            json.dumps(list(poll.movie_ids)),
            json.dumps(list(poll.scores)),
            int(poll.closed),
            time.time(),
        )

    _POLL = "SELECT poll_id, chat_id, message_id, night_id, movie_ids, scores, closed FROM polls "

    @staticmethod
    def _poll(rows: list[tuple[Any, ...]]) -> PollInfo | None:
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

    async def poll(self, poll_id: str) -> PollInfo | None:
        return self._poll(await self._read(self._POLL + "WHERE poll_id=%s", poll_id))

    async def poll_of_message(self, chat_id: int, message_id: int) -> PollInfo | None:
        return self._poll(
            await self._read(
                self._POLL + "WHERE chat_id=%s AND message_id=%s ORDER BY created_at DESC LIMIT 1",
                chat_id,
                message_id,
            )
        )

    async def open_poll_of_night(self, chat_id: int, night_id: int) -> PollInfo | None:
        """The vote still open for a roster, if any (one at a time per movie night)."""
        return self._poll(
            await self._read(
                self._POLL + "WHERE chat_id=%s AND night_id=%s AND closed=0 LIMIT 1",
                chat_id,
                night_id,
            )
        )

    async def vote(self, poll_id: str, user_id: int, option: int | None) -> None:
        if option is None:
            await self._write("DELETE FROM votes WHERE poll_id=%s AND user_id=%s", poll_id, user_id)
        else:
            await self._write(
                "INSERT INTO votes VALUES (%s, %s, %s) ON CONFLICT (poll_id, user_id) "
                "DO UPDATE SET option=excluded.option",
                poll_id,
                user_id,
                option,
            )

    async def votes(self, poll_id: str) -> dict[int, int]:
        rows = await self._read("SELECT user_id, option FROM votes WHERE poll_id=%s", poll_id)
        return {user: option for user, option in rows}

    async def close_poll(self, poll_id: str) -> bool:
        """True only for the one caller that closed it: a concurrent second UPDATE waits for the
        first's row lock, re-checks `closed=0` and changes nothing."""
        changed = await self._write(
            "UPDATE polls SET closed=1 WHERE poll_id=%s AND closed=0", poll_id
        )
        return changed > 0

    async def add_history(self, chat_id: int, movie_id: int) -> None:
        await self._write(
            "INSERT INTO history VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
            chat_id,
            movie_id,
            time.time(),
        )

    async def history(self, chat_id: int) -> list[tuple[int, float]]:
        rows = await self._read(
            "SELECT movie_id, watched_at FROM history WHERE chat_id=%s ORDER BY watched_at DESC",
            chat_id,
        )
        return [(movie, when) for movie, when in rows]

    # --------------------------------------------------------------- the flood limit
    async def take_token(
        self, user_id: int, now: float, burst: float, rate: float
    ) -> tuple[bool, bool]:
        """The shared token bucket: the row is locked for the transaction (`FOR UPDATE`), so
        replicas taking from one person's bucket at once take turns and no token is spent
        twice. A new bucket is created full; if another replica creates it first, the insert
        waits for it and this call then locks that row instead."""
        async with self._tx() as db:
            select = "SELECT tokens, updated, warned FROM buckets WHERE user_id=%s FOR UPDATE"
            row = await (await db.execute(select, (user_id,))).fetchone()
            if row is None:
                created = await db.execute(
                    "INSERT INTO buckets VALUES (%s, %s, %s, 0) ON CONFLICT (user_id) DO NOTHING",
                    (user_id, burst, now),
                )
                if created.rowcount:
                    row = (burst, now, 0)
                else:
                    row = await (await db.execute(select, (user_id,))).fetchone()
                    assert row is not None, "the conflicting bucket was committed"
            tokens, warned, allowed, warn = take_from_bucket(*row, now=now, burst=burst, rate=rate)
            await db.execute(
                "UPDATE buckets SET tokens=%s, updated=%s, warned=%s WHERE user_id=%s",
                (tokens, now, warned, user_id),
            )
        return allowed, warn

    async def forget_idle_buckets(self, before: float) -> int:
        return await self._write("DELETE FROM buckets WHERE updated < %s", before)

    async def delete_user(self, user_id: int) -> int:
        """Everything held about a person (see `migrations.PERSON_COLUMNS`), in one transaction.

        PostgreSQL keeps deleted row versions in its heap pages and write-ahead log until VACUUM
        and WAL recycling reclaim them; unlike SQLite's `secure_delete` nothing here zeroes them
        at once. Autovacuum does reclaim them; operators who must prove erasure run VACUUM.
        """
        total = 0
        async with self._tx() as db:
            for statement in person_deletes("%s"):
                cursor = await db.execute(statement, (user_id,) * statement.count("%s"))
                total += cursor.rowcount
        return total

    async def checkpoint(self) -> None:
        """Nothing to do: PostgreSQL checkpoints on its own (and `CHECKPOINT` needs a superuser),
        there is no per-process WAL file to truncate."""

    async def close(self) -> None:
        await self._pool.close()
