"""The chat state on SQLAlchemy Core's async engine: one implementation, SQLite or PostgreSQL.

Every statement is built once from the tables in `bot.storage.schema`; where SQL differs between
the engines SQLAlchemy's dialect renders it (upserts: `_insert` picks the dialect's INSERT, whose
`on_conflict_do_update/do_nothing` both engines share). What is left engine-specific is what the
engines really do differently:

* SQLite (`sqlite+aiosqlite:///path`), the embedded default, one process per file in
  production. WAL, `synchronous=FULL` (a confirmed rating survives power loss) and
  `secure_delete=ON` are set on every connection as it opens. SQLAlchemy emits every BEGIN itself
  (the documented recipe: the driver's own transaction handling off, a `begin` listener): write
  transactions take the write lock at once with `BEGIN IMMEDIATE`, so two writers queue on the
  busy timeout instead of one failing to upgrade a read lock; a single-statement read needs no
  transaction (it reads one snapshot by itself). Writers of
  one store also queue on an asyncio lock rather than on SQLite's sleeping busy handler. After a
  deletion the WAL is checkpointed and truncated: a deleted person's rows must be in no file.
* PostgreSQL (`postgresql+psycopg://`), for several replicas sharing one database: replicas take
  turns on advisory locks for schema steps and catalogue remaps, and a flood bucket's row is
  locked `FOR UPDATE` for the read-modify-write. Concurrency otherwise comes from constraints
  and upserts, which serialise replicas without any shared memory.

Every write runs in one transaction that is committed before the method returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    URL,
    ColumnElement,
    Select,
    Table,
    and_,
    case,
    delete,
    event,
    exists,
    func,
    literal_column,
    make_url,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from tenacity import AsyncRetrying, retry_if_exception, stop_after_delay, wait_random

from bot.storage import migrations
from bot.storage.base import LIST_DAYS, ListRow, PollInfo, Taste, take_from_bucket
from bot.storage.migrations import PERSON_COLUMNS, PG_REMAP_LOCK
from bot.storage.schema import (
    TABLES,
    buckets,
    chats,
    hidden,
    history,
    lists,
    members,
    metadata,
    night_members,
    nights,
    people,
    polls,
    ratings,
    sources,
    updates,
    votes,
    watchlist,
)

BUSY_SECONDS = 5.0  # how long an SQLite writer waits for another process's write lock
CLAIM_PRUNE_EVERY = 256  # claim_update drops expired claims on its first call and every 256th
_PRAGMAS = (f"busy_timeout={int(BUSY_SECONDS * 1000)}", "synchronous=FULL", "secure_delete=ON")


def _locked(error: BaseException) -> bool:
    return isinstance(error, OperationalError) and "locked" in str(error)


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    """Every new SQLite connection: SQLAlchemy, not the driver, begins transactions; durability
    and erasure settings (per connection in SQLite, so set on each)."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in _PRAGMAS:
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _on_begin(connection: Any) -> None:
    """BEGIN IMMEDIATE for writes, BEGIN by default, nothing where a transaction is not wanted
    (a single-statement read, a checkpoint, the switch to WAL)."""
    begin = connection.get_execution_options().get("sqlite_begin", "BEGIN")
    if begin:
        connection.exec_driver_sql(begin)


class ChatStore:
    """Who rated what, what they hid, who is in which chat, which bot message belongs to whom,
    movie nights, claimed updates and the shared flood limit (see `bot.storage.base` for the
    guarantees). Open one with `bot.storage.open_storage`."""

    def __init__(self, engine: AsyncEngine, path: Path | None = None) -> None:
        self.engine = engine
        self.path = path  # the SQLite file, None on PostgreSQL
        self._postgres = engine.dialect.name == "postgresql"
        self._writer = (
            engine if self._postgres else engine.execution_options(sqlite_begin="BEGIN IMMEDIATE")
        )
        self._unwrapped = engine.execution_options(sqlite_begin="")
        self._serial: AbstractAsyncContextManager[Any] = (
            contextlib.nullcontext() if self._postgres else asyncio.Lock()
        )
        self._claims = 0

    @classmethod
    async def open_sqlite(cls, path: Path) -> ChatStore:
        """Open (creating or upgrading) the SQLite file at `path`."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            URL.create("sqlite+aiosqlite", database=str(path)),
            connect_args={"timeout": BUSY_SECONDS},
        )
        event.listen(engine.sync_engine, "connect", _on_connect)
        event.listen(engine.sync_engine, "begin", _on_begin)
        store = cls(engine, path)
        try:
            # WAL is a property of the file (set once, kept). Switching needs the file to itself
            # for a moment and SQLite does not wait for that (no busy handler there), so
            # processes opening one new file together retry.
            async for attempt in AsyncRetrying(
                retry=retry_if_exception(_locked),
                stop=stop_after_delay(10),
                wait=wait_random(0.02, 0.2),
                reraise=True,
            ):
                with attempt:
                    async with store._unwrapped.connect() as db:
                        await db.exec_driver_sql("PRAGMA journal_mode=WAL")
            await store._migrate()
        except BaseException:
            await engine.dispose()
            raise
        return store

    @classmethod
    async def open_postgres(
        cls, url: str, *, pool_size: int = 5, max_overflow: int = 5, timeout: float = 30.0
    ) -> ChatStore:
        """Connect (retrying for up to `timeout` seconds while the server is not up yet) and
        upgrade the schema. `url` is a `postgresql://` or `postgres://` URL."""
        engine = create_async_engine(
            make_url(url.strip()).set(drivername="postgresql+psycopg"),
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_pre_ping=True,  # a server restart costs one reconnect, not an error in a chat
            pool_timeout=timeout,
        )
        store = cls(engine)
        try:
            async for attempt in AsyncRetrying(
                retry=retry_if_exception(lambda e: isinstance(e, OperationalError)),
                stop=stop_after_delay(timeout),
                wait=wait_random(0.2, 1.0),
                reraise=True,
            ):
                with attempt:
                    await store._migrate()
        except BaseException:
            await engine.dispose()
            raise
        return store

    @property
    def shared(self) -> bool:
        """True when several processes may use this store at once (PostgreSQL): then anything
        that must hold across replicas has to live in it, not in process memory."""
        return self._postgres

    async def close(self) -> None:
        await self.engine.dispose()

    # --------------------------------------------------------------- transactions
    @asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncConnection]:
        """One write transaction, committed on leaving the block (rolled back on an error)."""
        async with self._serial, self._writer.begin() as db:
            yield db

    async def _rows(self, statement: Select[Any]) -> Sequence[Any]:
        """One query. On SQLite outside a transaction: a single statement reads one snapshot
        anyway, and BEGIN would cost another hop to aiosqlite's thread."""
        async with self._unwrapped.connect() as db:
            rows: Sequence[Any] = (await db.execute(statement)).all()
        return rows

    def _insert(self, table: Table) -> sqlite.Insert | postgresql.Insert:
        """The dialect's INSERT, for `on_conflict_do_update` / `on_conflict_do_nothing`."""
        return (postgresql.insert if self._postgres else sqlite.insert)(table)

    async def _upsert(self, db: AsyncConnection, table: Table, **values: Any) -> None:
        """Insert a row or, where its primary key exists, overwrite every other column."""
        insert = self._insert(table).values(**values)
        keys = [c.name for c in table.primary_key]
        await db.execute(
            insert.on_conflict_do_update(
                index_elements=keys,
                set_={name: insert.excluded[name] for name in values if name not in keys},
            )
        )

    @staticmethod
    async def _inserted(db: AsyncConnection, insert: Any) -> bool:
        """Run an INSERT ... ON CONFLICT; True when it wrote a row. (RETURNING, not rowcount:
        the async psycopg adapter closes a row-less INSERT's cursor, and its rowcount with it.)"""
        table = insert.table
        return (await db.execute(insert.returning(*table.primary_key))).first() is not None

    async def _advisory_lock(self, db: AsyncConnection, key: int) -> None:
        """Replicas take turns (PostgreSQL); SQLite's BEGIN IMMEDIATE already serialises."""
        if self._postgres:
            await db.execute(select(func.pg_advisory_xact_lock(key)))

    @staticmethod
    def _key(table: Table, **values: Any) -> ColumnElement[bool]:
        return and_(*(table.c[name] == value for name, value in values.items()))

    # --------------------------------------------------------------- schema
    async def _migrate(self) -> None:
        """Bring the database up to SCHEMA_VERSION, one step per transaction; the version is
        read inside each step's write transaction, so processes or replicas opening one old
        database together take turns and none runs a step twice."""
        while True:
            async with self._write() as db:
                if not await migrations.next_step(db):
                    return

    async def version(self) -> int:
        """The schema version the store is at (`migrations.SCHEMA_VERSION` once opened)."""
        async with self.engine.connect() as db:
            return await migrations.current(db)

    # --------------------------------------------------------------- ratings
    async def rate(
        self, chat_id: int, user_id: int, movie_id: int, value: float, title: str | None = None
    ) -> float | None:
        """Record a rating (un-hiding the film); returns the previous value, if any. A rating
        without a title keeps the stored one. Two presses racing may both see no previous value;
        the later value wins."""
        key = {"chat_id": chat_id, "user_id": user_id, "movie_id": movie_id}
        async with self._write() as db:
            old = await db.scalar(select(ratings.c.value).where(self._key(ratings, **key)))
            insert = self._insert(ratings).values(
                **key, value=value, rated_at=time.time(), title=title
            )
            await db.execute(
                insert.on_conflict_do_update(
                    index_elements=list(key),
                    set_={
                        "value": insert.excluded.value,
                        "rated_at": insert.excluded.rated_at,
                        "title": func.coalesce(insert.excluded.title, ratings.c.title),
                    },
                )
            )
            await db.execute(delete(hidden).where(self._key(hidden, **key)))
        return old

    async def unrate(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        where = self._key(ratings, chat_id=chat_id, user_id=user_id, movie_id=movie_id)
        async with self._write() as db:
            return (await db.execute(delete(ratings).where(where))).rowcount > 0

    async def ratings(self, chat_id: int, user_id: int) -> dict[int, float]:
        """Movie id -> +1/-1, oldest first."""
        rows = await self._rows(
            select(ratings.c.movie_id, ratings.c.value)
            .where(self._key(ratings, chat_id=chat_id, user_id=user_id))
            .order_by(ratings.c.rated_at)
        )
        return {movie: value for movie, value in rows}

    async def rated_titles(self, chat_id: int, user_id: int) -> dict[int, str | None]:
        """Movie id -> the title stored with the rating (None for ratings from before v2)."""
        rows = await self._rows(
            select(ratings.c.movie_id, ratings.c.title).where(
                self._key(ratings, chat_id=chat_id, user_id=user_id)
            )
        )
        return {movie: title for movie, title in rows}

    async def chat_ratings(self, chat_id: int) -> dict[int, dict[int, float]]:
        """Every member's ratings in a chat: user id -> movie id -> value, oldest first."""
        members_: dict[int, dict[int, float]] = {}
        for user, movie, value in await self._rows(
            select(ratings.c.user_id, ratings.c.movie_id, ratings.c.value)
            .where(ratings.c.chat_id == chat_id)
            .order_by(ratings.c.rated_at)
        ):
            members_.setdefault(user, {})[movie] = value
        return members_

    async def stored_titles(self, outside: Iterable[int]) -> dict[int, str | None]:
        """Every rated movie id that is not in `outside` (e.g. the catalogue), with a title."""
        known = set(outside)
        rows = await self._rows(
            select(ratings.c.movie_id, func.max(ratings.c.title)).group_by(ratings.c.movie_id)
        )
        return {movie: title for movie, title in rows if movie not in known}

    async def remap_movies(self, mapping: dict[int, int]) -> int:
        """Move ratings and hidden films from old movie ids to new ones (a new catalogue); where
        a person already rated the new id, that rating stays and the old one goes. Replicas that
        start together with the same catalogue take turns; the second finds nothing to move."""
        moved = 0
        async with self._write() as db:
            await self._advisory_lock(db, PG_REMAP_LOCK)
            for old, new in mapping.items():
                for table in (ratings, hidden):
                    other = table.alias("other")
                    clash = exists().where(
                        other.c.chat_id == table.c.chat_id,
                        other.c.user_id == table.c.user_id,
                        other.c.movie_id == new,
                    )
                    result = await db.execute(
                        update(table).where(table.c.movie_id == old, ~clash).values(movie_id=new)
                    )
                    if table is ratings:
                        moved += result.rowcount
                    await db.execute(delete(table).where(table.c.movie_id == old))
        return moved

    async def reset(self, chat_id: int, user_id: int) -> int:
        """Forget a person's ratings and hidden films in one chat; returns how many ratings."""
        async with self._write() as db:
            result = await db.execute(
                delete(ratings).where(self._key(ratings, chat_id=chat_id, user_id=user_id))
            )
            await db.execute(
                delete(hidden).where(self._key(hidden, chat_id=chat_id, user_id=user_id))
            )
        return result.rowcount

    # --------------------------------------------------------------- hidden films
    async def hide(self, chat_id: int, user_id: int, movie_id: int) -> None:
        async with self._write() as db:
            await db.execute(
                self._insert(hidden)
                .values(chat_id=chat_id, user_id=user_id, movie_id=movie_id)
                .on_conflict_do_nothing()
            )

    async def unhide(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        where = self._key(hidden, chat_id=chat_id, user_id=user_id, movie_id=movie_id)
        async with self._write() as db:
            return (await db.execute(delete(hidden).where(where))).rowcount > 0

    async def hidden(self, chat_id: int, user_id: int | None = None) -> set[int]:
        """Films hidden by one person in a chat, or by anyone in it (user_id None)."""
        query = select(hidden.c.movie_id).where(hidden.c.chat_id == chat_id)
        if user_id is not None:
            query = query.where(hidden.c.user_id == user_id)
        return {movie for (movie,) in await self._rows(query)}

    # --------------------------------------------------------------- taste, in one read
    async def taste(self, chat_id: int, user_id: int) -> Taste:
        """A person's ratings, hidden and saved films in one chat: one query."""
        return (await self._tastes(chat_id, [user_id], private=False))[user_id]

    async def tastes(self, chat_id: int, user_ids: Iterable[int]) -> dict[int, Taste]:
        """A movie night's roster in one query: each person's ratings as the group sees them
        (their private chat's ratings, then this chat's on top: a film rated in both counts as
        rated here, where it first stood in the private list), and their hidden and saved films
        in this chat."""
        return await self._tastes(chat_id, list(dict.fromkeys(user_ids)), private=True)

    async def _tastes(self, chat_id: int, users: list[int], private: bool) -> dict[int, Taste]:
        found = {user: Taste() for user in users}
        if not users:
            return found
        here = ratings.c.chat_id == chat_id
        where = or_(here, ratings.c.chat_id == ratings.c.user_id) if private else here
        layer = case((here, 1), else_=0)  # private ratings first, this chat's on top
        query = union_all(
            select(
                literal_column("'r'").label("kind"),
                ratings.c.user_id,
                ratings.c.movie_id,
                ratings.c.value,
                layer.label("layer"),
                ratings.c.rated_at.label("at"),
            ).where(where, ratings.c.user_id.in_(users)),
            *(
                select(
                    literal_column(f"'{kind}'"), t.c.user_id, t.c.movie_id, null(), null(), null()
                ).where(t.c.chat_id == chat_id, t.c.user_id.in_(users))
                for kind, t in (("h", hidden), ("s", watchlist))
            ),
        )
        async with self._unwrapped.connect() as db:
            rows = (await db.execute(query)).all()
        rated = sorted((r for r in rows if r.kind == "r"), key=lambda r: (r.layer, r.at))
        for row in rated:
            found[row.user_id].ratings[row.movie_id] = row.value
        for row in rows:
            if row.kind != "r":
                (found[row.user_id].hidden if row.kind == "h" else found[row.user_id].saved).add(
                    row.movie_id
                )
        return found

    # --------------------------------------------------------------- messages with buttons
    async def save_list(self, chat_id: int, message_id: int, info: ListRow) -> None:
        """Remember whose a message with buttons is and what it lists (see `ListRow`)."""
        async with self._write() as db:
            await self._upsert(
                db,
                lists,
                chat_id=chat_id,
                message_id=message_id,
                owner_id=info.owner_id,
                kind=info.kind,
                start=info.start,
                movie_ids=json.dumps(list(info.movie_ids)),
                value=info.value,
                shown=info.shown,
                created_at=time.time(),
                extra=info.extra,
            )

    _LIST = (
        lists.c.owner_id,
        lists.c.kind,
        lists.c.start,
        lists.c.movie_ids,
        lists.c.value,
        lists.c.shown,
        lists.c.extra,
        lists.c.created_at,
    )

    def _list_query(self, chat_id: int, message_id: int) -> Select[Any]:
        return select(*self._LIST).where(self._key(lists, chat_id=chat_id, message_id=message_id))

    @staticmethod
    def _list_info(row: Any) -> ListRow | None:
        if row is None or row.created_at < time.time() - LIST_DAYS * 86400:
            return None
        ids = tuple(json.loads(row.movie_ids))
        return ListRow(row.owner_id, row.kind, row.start, ids, row.value, row.shown, row.extra)

    async def get_list(self, chat_id: int, message_id: int) -> ListRow | None:
        """The message's ListRow, or None when unknown or older than LIST_DAYS (stale)."""
        rows = await self._rows(self._list_query(chat_id, message_id))
        return self._list_info(rows[0] if rows else None)

    async def open_press(
        self, chat_id: int, message_id: int, user_id: int, name: str | None
    ) -> ListRow | None:
        """A button press in one transaction: remember the presser's display name (when `name`
        is given, as `remember_member`) and return the message's `get_list`."""
        if name is None:
            return await self.get_list(chat_id, message_id)
        async with self._write() as db:
            await self._upsert(db, members, chat_id=chat_id, user_id=user_id, name=name[:64])
            row = (await db.execute(self._list_query(chat_id, message_id))).first()
        return self._list_info(row)

    async def set_shown(self, chat_id: int, message_id: int, shown: str) -> None:
        """The keyboard last sent to a message (nothing happens for an unknown message)."""
        async with self._write() as db:
            await db.execute(
                update(lists)
                .where(self._key(lists, chat_id=chat_id, message_id=message_id))
                .values(shown=shown)
            )

    async def prune_lists(self, days: float = LIST_DAYS) -> int:
        """Forget messages older than `days` (their buttons then answer as stale)."""
        async with self._write() as db:
            result = await db.execute(
                delete(lists).where(lists.c.created_at < time.time() - days * 86400)
            )
        return result.rowcount

    # --------------------------------------------------------------- what a message recorded
    async def save_source(
        self, chat_id: int, message_id: int, user_id: int, entries: dict[int, float]
    ) -> None:
        """What a person's /like message recorded (so that editing the message can replace it)."""
        if not entries:
            return
        insert = self._insert(sources)
        statement = insert.on_conflict_do_update(
            index_elements=[c.name for c in sources.primary_key],
            set_={"value": insert.excluded.value},
        )
        rows = [
            {"chat_id": chat_id, "message_id": message_id, "user_id": user_id, "movie_id": m}
            | {"value": v}
            for m, v in entries.items()
        ]
        async with self._write() as db:
            await db.execute(statement, rows)

    async def take_source(self, chat_id: int, message_id: int, user_id: int) -> dict[int, float]:
        """What a person's message recorded, forgotten as it is returned (one statement: two
        replicas handling the same edit cannot both take it)."""
        where = self._key(sources, chat_id=chat_id, message_id=message_id, user_id=user_id)
        async with self._write() as db:
            result = await db.execute(
                delete(sources).where(where).returning(sources.c.movie_id, sources.c.value)
            )
            return {movie: value for movie, value in result.all()}

    # --------------------------------------------------------------- people and chats
    async def remember_member(self, chat_id: int, user_id: int, name: str) -> None:
        """A display name for group picks ("matches Ann and Bob"), at most 64 characters."""
        async with self._write() as db:
            await self._upsert(db, members, chat_id=chat_id, user_id=user_id, name=name[:64])

    async def member_names(self, chat_id: int) -> dict[int, str]:
        rows = await self._rows(
            select(members.c.user_id, members.c.name).where(members.c.chat_id == chat_id)
        )
        return {user: name for user, name in rows}

    async def set_chat_status(self, chat_id: int, status: str) -> None:
        async with self._write() as db:
            await self._upsert(db, chats, chat_id=chat_id, status=status, changed_at=time.time())

    async def chat_status(self, chat_id: int) -> str | None:
        rows = await self._rows(select(chats.c.status).where(chats.c.chat_id == chat_id))
        return rows[0][0] if rows else None

    async def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> int:
        """Move everything kept under a chat id to a new id (a group that became a supergroup),
        in one transaction; returns how many rows moved (0 when called again). Where the new id
        already has a row with the same key, the new id's row stays and the old one goes; a
        vote's ballots go with its poll."""
        if old_chat_id == new_chat_id:
            return 0
        moved = 0
        async with self._write() as db:
            for name in TABLES:
                table = metadata.tables[name]
                if "chat_id" not in table.c:
                    continue
                keys = [[c.name for c in table.primary_key]] + [
                    [c.name for c in index.columns] for index in table.indexes if index.unique
                ]
                other = table.alias("other")
                clashes = [
                    exists().where(
                        other.c.chat_id == new_chat_id,
                        *(other.c[c] == table.c[c] for c in key if c != "chat_id"),
                    )
                    for key in keys
                    if "chat_id" in key
                ]
                result = await db.execute(
                    update(table)
                    .where(table.c.chat_id == old_chat_id, *(~clash for clash in clashes))
                    .values(chat_id=new_chat_id)
                )
                moved += result.rowcount
                if table is polls:  # the polls that gave way take their ballots along
                    left = select(polls.c.poll_id).where(polls.c.chat_id == old_chat_id)
                    await db.execute(delete(votes).where(votes.c.poll_id.in_(left)))
                await db.execute(delete(table).where(table.c.chat_id == old_chat_id))
        return moved

    # --------------------------------------------------------------- watchlist
    async def save_for_later(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        """Add a film to a person's watchlist; False when it was there already."""
        async with self._write() as db:
            return await self._inserted(
                db,
                self._insert(watchlist)
                .values(chat_id=chat_id, user_id=user_id, movie_id=movie_id, added_at=time.time())
                .on_conflict_do_nothing(),
            )

    async def unsave(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        where = self._key(watchlist, chat_id=chat_id, user_id=user_id, movie_id=movie_id)
        async with self._write() as db:
            return (await db.execute(delete(watchlist).where(where))).rowcount > 0

    async def watchlist(self, chat_id: int, user_id: int) -> list[int]:
        """Saved films, newest first."""
        rows = await self._rows(
            select(watchlist.c.movie_id)
            .where(self._key(watchlist, chat_id=chat_id, user_id=user_id))
            .order_by(watchlist.c.added_at.desc(), watchlist.c.movie_id)
        )
        return [movie for (movie,) in rows]

    # --------------------------------------------------------------- per-person settings
    async def set_language(self, user_id: int, language: str | None) -> None:
        async with self._write() as db:
            await self._upsert(db, people, user_id=user_id, language=language)

    async def language(self, user_id: int) -> str | None:
        rows = await self._rows(select(people.c.language).where(people.c.user_id == user_id))
        return rows[0][0] if rows else None

    # --------------------------------------------------------------- movie nights
    async def start_night(self, chat_id: int, message_id: int, query: str = "") -> None:
        """A roster message: who is in tonight (and the filter words it was asked with)."""
        async with self._write() as db:
            await self._upsert(
                db, nights, chat_id=chat_id, message_id=message_id, query=query,
                created_at=time.time(),
            )  # fmt: skip

    async def night_query(self, chat_id: int, message_id: int) -> str | None:
        """The filter words of a roster, or None when there is no such roster."""
        rows = await self._rows(
            select(nights.c.query).where(self._key(nights, chat_id=chat_id, message_id=message_id))
        )
        return rows[0][0] if rows else None

    async def join_night(self, chat_id: int, message_id: int, user_id: int, joined: bool) -> bool:
        """Join (or leave) tonight's roster; True when that changed anything."""
        key = {"chat_id": chat_id, "message_id": message_id, "user_id": user_id}
        async with self._write() as db:
            if joined:
                return await self._inserted(
                    db,
                    self._insert(night_members)
                    .values(**key, joined_at=time.time())
                    .on_conflict_do_nothing(),
                )
            result = await db.execute(delete(night_members).where(self._key(night_members, **key)))
            return result.rowcount > 0

    async def night_members(self, chat_id: int, message_id: int) -> list[int]:
        """Who is in, in the order they joined."""
        rows = await self._rows(
            select(night_members.c.user_id)
            .where(self._key(night_members, chat_id=chat_id, message_id=message_id))
            .order_by(night_members.c.joined_at, night_members.c.user_id)
        )
        return [user for (user,) in rows]

    async def save_poll(self, poll: PollInfo) -> bool:
        """Store a movie night's vote; False (storing nothing) when that night already has one,
        open or closed: a unique index, so replicas racing to start one get exactly one True."""
        async with self._write() as db:
            return await self._inserted(
                db,
                self._insert(polls)
                .values(
                    poll_id=poll.poll_id,
                    chat_id=poll.chat_id,
                    message_id=poll.message_id,
                    night_id=poll.night_id,
                    movie_ids=json.dumps(list(poll.movie_ids)),
                    scores=json.dumps(list(poll.scores)),
                    closed=int(poll.closed),
                    created_at=time.time(),
                )
                .on_conflict_do_nothing(),
            )

    _POLL = select(
        polls.c.poll_id,
        polls.c.chat_id,
        polls.c.message_id,
        polls.c.night_id,
        polls.c.movie_ids,
        polls.c.scores,
        polls.c.closed,
    )

    async def _poll(self, query: Select[Any]) -> PollInfo | None:
        rows = await self._rows(query.limit(1))
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
        return await self._poll(self._POLL.where(polls.c.poll_id == poll_id))

    async def poll_of_message(self, chat_id: int, message_id: int) -> PollInfo | None:
        return await self._poll(
            self._POLL.where(self._key(polls, chat_id=chat_id, message_id=message_id)).order_by(
                polls.c.created_at.desc()
            )
        )

    async def night_poll(self, chat_id: int, night_id: int) -> PollInfo | None:
        """The vote of a roster, open or closed (there is at most one)."""
        return await self._poll(
            self._POLL.where(self._key(polls, chat_id=chat_id, night_id=night_id))
        )

    async def vote(self, poll_id: str, user_id: int, option: int | None) -> None:
        """A person's vote (None: they retracted it)."""
        async with self._write() as db:
            if option is None:
                await db.execute(
                    delete(votes).where(self._key(votes, poll_id=poll_id, user_id=user_id))
                )
            else:
                await self._upsert(db, votes, poll_id=poll_id, user_id=user_id, option=option)

    async def votes(self, poll_id: str) -> dict[int, int]:
        rows = await self._rows(
            select(votes.c.user_id, votes.c.option).where(votes.c.poll_id == poll_id)
        )
        return {user: option for user, option in rows}

    async def attach_poll(self, chat_id: int, night_id: int, poll_id: str, message_id: int) -> None:
        """Give a night's reserved vote (`save_poll` before the poll was sent) the poll that
        Telegram made: its id and its message."""
        async with self._write() as db:
            await db.execute(
                update(polls)
                .where(self._key(polls, chat_id=chat_id, night_id=night_id))
                .values(poll_id=poll_id, message_id=message_id)
            )

    async def drop_poll(self, poll_id: str) -> None:
        """Forget a reserved vote whose poll could not be sent (the night may vote again)."""
        async with self._write() as db:
            await db.execute(delete(polls).where(polls.c.poll_id == poll_id))

    async def close_poll(self, poll_id: str) -> bool:
        """Mark a vote closed; True only for the one caller that closed it (announce once): a
        concurrent second UPDATE waits for the first, re-checks `closed=0` and changes nothing."""
        async with self._write() as db:
            result = await db.execute(
                update(polls).where(self._key(polls, poll_id=poll_id, closed=0)).values(closed=1)
            )
        return result.rowcount > 0

    async def add_history(self, chat_id: int, movie_id: int) -> None:
        """A film a group chose (the first time it was chosen stays)."""
        async with self._write() as db:
            await db.execute(
                self._insert(history)
                .values(chat_id=chat_id, movie_id=movie_id, watched_at=time.time())
                .on_conflict_do_nothing()
            )

    async def history(self, chat_id: int) -> list[tuple[int, float]]:
        """What a group chose, newest first: (movie id, when)."""
        rows = await self._rows(
            select(history.c.movie_id, history.c.watched_at)
            .where(history.c.chat_id == chat_id)
            .order_by(history.c.watched_at.desc())
        )
        return [(movie, when) for movie, when in rows]

    # --------------------------------------------------------------- updates, flood limit
    async def claim_update(self, update_id: int, now: float, ttl: float = 86400) -> bool:
        """True for exactly one caller per Telegram update (across processes and replicas), so
        an update delivered twice is handled once; a claim lapses `ttl` seconds after `now`.
        Lapsed claims are dropped now and then (the first call, then every CLAIM_PRUNE_EVERY)."""
        async with self._write() as db:
            if self._claims % CLAIM_PRUNE_EVERY == 0:
                await db.execute(delete(updates).where(updates.c.expires_at < now))
            self._claims += 1
            insert = self._insert(updates).values(update_id=update_id, expires_at=now + ttl)
            return await self._inserted(
                db,
                insert.on_conflict_do_update(
                    index_elements=["update_id"],
                    set_={"expires_at": insert.excluded.expires_at},
                    where=updates.c.expires_at <= now,  # a lapsed claim can be taken again
                ),
            )

    async def take_token(
        self, user_id: int, now: float, burst: float, rate: float
    ) -> tuple[bool, bool]:
        """The shared token bucket (see `bot.throttle`): (allowed, warn). The row is locked for
        the transaction (`FOR UPDATE` on PostgreSQL, the write lock on SQLite), so concurrent
        callers take turns and no token is spent twice. A new bucket starts full; if another
        replica creates it first, this call then locks that row instead."""
        row_of = select(buckets.c.tokens, buckets.c.updated, buckets.c.warned).where(
            buckets.c.user_id == user_id
        )
        async with self._write() as db:
            row: Any = (await db.execute(row_of.with_for_update())).first()
            if row is None:
                created = await self._inserted(
                    db,
                    self._insert(buckets)
                    .values(user_id=user_id, tokens=burst, updated=now, warned=0)
                    .on_conflict_do_nothing(),
                )
                if created:
                    row = (burst, now, 0)
                else:
                    row = (await db.execute(row_of.with_for_update())).one()
            tokens, warned, allowed, warn = take_from_bucket(*row, now=now, burst=burst, rate=rate)
            await db.execute(
                update(buckets)
                .where(buckets.c.user_id == user_id)
                .values(tokens=tokens, updated=now, warned=warned)
            )
        return allowed, warn

    async def forget_idle_buckets(self, before: float) -> int:
        async with self._write() as db:
            result = await db.execute(delete(buckets).where(buckets.c.updated < before))
        return result.rowcount

    # --------------------------------------------------------------- deletion
    async def delete_user(self, user_id: int) -> int:
        """Everything held about a person, in every chat (see `migrations.PERSON_COLUMNS`), in
        one transaction; returns how many rows.

        SQLite: the WAL is then checkpointed and truncated, so the deleted rows survive in no
        file (`secure_delete` zeroes the freed pages of the main file). PostgreSQL keeps deleted
        row versions until VACUUM and WAL recycling reclaim them; autovacuum does, and operators
        who must prove erasure run VACUUM.
        """
        total = 0
        async with self._write() as db:
            for name, columns in PERSON_COLUMNS.items():
                table = metadata.tables[name]
                result = await db.execute(
                    delete(table).where(or_(*(table.c[c] == user_id for c in columns)))
                )
                total += result.rowcount
        await self.checkpoint()
        return total

    async def checkpoint(self) -> None:
        """SQLite: copy the WAL into the main file and truncate it to zero bytes. PostgreSQL
        checkpoints on its own (and `CHECKPOINT` needs a superuser)."""
        if self._postgres:
            return
        async with self._serial, self._unwrapped.connect() as db:
            await db.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
