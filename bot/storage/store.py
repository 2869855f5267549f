"""The chat state on SQLAlchemy Core: one implementation, SQLite or PostgreSQL, async outside.

Every statement is built once from the tables in `bot.storage.schema`; where SQL differs between
the engines SQLAlchemy's dialect renders it (upserts: `_insert` picks the dialect's INSERT, whose
`on_conflict_do_update/do_nothing` both engines share).

Each method is written once, as plain blocking code on SQLAlchemy's synchronous engine, and
`threaded` makes it async: the whole call (one transaction, however many statements) runs in one
hop to the store's own worker threads, so the event loop never waits on a disk or a network and
a call costs one thread hop, not several per statement (as an async driver's thread would). The
threads are the store's own, as many as its connections, so a slow database never starves the
loop's default executor (the recommender's).

What is left engine-specific is what the engines really do differently:

* SQLite (`sqlite+pysqlite:///path`), the embedded default, one process per file in
  production. WAL, `synchronous=FULL` (a confirmed rating survives power loss) and
  `secure_delete=ON` are set on every connection as it opens. SQLAlchemy emits every BEGIN itself
  (the documented recipe: the driver's own transaction handling off, a `begin` listener): write
  transactions take the write lock at once with `BEGIN IMMEDIATE`, so two writers queue on the
  busy timeout instead of one failing to upgrade a read lock; a single-statement read needs no
  transaction (it reads one snapshot by itself). Writers of one store also queue on a lock in
  the process rather than on SQLite's sleeping busy handler. After a deletion the WAL is
  checkpointed and truncated: a deleted person's rows must be in no file.
* PostgreSQL (`postgresql+psycopg://`), for several replicas sharing one database: replicas take
  turns on advisory locks for schema steps and catalogue remaps, and a flood bucket's row is
  locked `FOR UPDATE` for the read-modify-write. Concurrency otherwise comes from constraints
  and upserts, which serialise replicas without any shared memory. A single-statement read runs
  in autocommit (one round trip, no BEGIN and ROLLBACK around it).

Every write runs in one transaction that is committed before the method returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import operator
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import (
    URL,
    Boolean,
    ColumnElement,
    Connection,
    Engine,
    Executable,
    Table,
    and_,
    bindparam,
    case,
    create_engine,
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
from sqlalchemy.sql.elements import BindParameter
from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_random

from bot.storage import migrations
from bot.storage.base import LIST_DAYS, Claim, ListRow, PollInfo, Taste, take_from_bucket
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
SQLITE_THREADS = 4  # SQLite's connections and threads: readers in parallel, writers in turn
CLAIM_PRUNE_EVERY = 256  # claim_update drops expired claims on its first call and every 256th
_PRAGMAS = (f"busy_timeout={int(BUSY_SECONDS * 1000)}", "synchronous=FULL", "secure_delete=ON")

P = ParamSpec("P")
R = TypeVar("R")
Store = TypeVar("Store", bound="ChatStore")


def threaded(
    body: Callable[Concatenate[Store, P], R],
) -> Callable[Concatenate[Store, P], Coroutine[Any, Any, R]]:
    """`def method(self, ...)`, blocking, as `async def method(self, ...)`: the whole body runs
    in one of the store's threads while the caller's event loop goes on."""

    @functools.wraps(body)
    async def method(self: Store, *args: P.args, **kwargs: P.kwargs) -> R:
        call = functools.partial(body, self, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    return method


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


# Statements are built once, with bound parameters (`bindparam`), and executed with the values:
# building a SQLAlchemy statement costs far more than running a cached one. Those that differ
# between the engines (upserts) are built once per dialect.
_INSERT: dict[str, Callable[[Table], sqlite.Insert | postgresql.Insert]] = {
    "sqlite": sqlite.insert,
    "postgresql": postgresql.insert,
}


def _match(table: Table, *names: str) -> ColumnElement[bool]:
    """`column = :column` for each name (bound by name when the statement runs)."""
    return and_(*(table.c[name] == bindparam(name) for name in names))


@functools.cache
def _upsert(dialect: str, table: Table, columns: tuple[str, ...]) -> Executable:
    """Insert a row of `columns` or, where its primary key exists, overwrite the others."""
    insert = _INSERT[dialect](table)
    keys = [c.name for c in table.primary_key]
    return insert.on_conflict_do_update(
        index_elements=keys,
        set_={name: insert.excluded[name] for name in columns if name not in keys},
    )


@functools.cache
def _add(dialect: str, table: Table) -> Executable:
    """Insert a row unless its key (or a unique index) exists, returning the key when it did
    (RETURNING, which both engines report alike, rather than rowcount)."""
    return _INSERT[dialect](table).on_conflict_do_nothing().returning(*table.primary_key)


@functools.cache
def _rate(dialect: str) -> Executable:
    """A rating, replacing the previous one; a rating without a title keeps the stored one."""
    insert = _INSERT[dialect](ratings)
    return insert.on_conflict_do_update(
        index_elements=["chat_id", "user_id", "movie_id"],
        set_={
            "value": insert.excluded.value,
            "rated_at": insert.excluded.rated_at,
            "title": func.coalesce(insert.excluded.title, ratings.c.title),
        },
    )


@functools.cache
def _claim(dialect: str) -> Executable:
    """A claim on an update, returning its id when this call took it: new, lapsed, or (with
    :take_unfinished) one nobody finished."""
    insert = _INSERT[dialect](updates)
    lapsed = updates.c.expires_at <= bindparam("now")
    unfinished = and_(updates.c.done == 0, bindparam("take_unfinished", type_=Boolean))
    return insert.on_conflict_do_update(
        index_elements=["update_id"],
        set_={"expires_at": insert.excluded.expires_at, "done": 0},
        where=or_(lapsed, unfinished),
    ).returning(updates.c.update_id)


def _tastes(private: bool) -> Executable:
    """Ratings, hidden and saved films of the people in :users, in one query: (kind, user,
    movie, value, layer, rated_at). With `private` a person's private-chat ratings count too,
    in layer 0 (under :chat_id's, layer 1)."""
    here = ratings.c.chat_id == bindparam("chat_id")
    users: BindParameter[int] = bindparam("users", expanding=True)
    rated = select(
        literal_column("'r'").label("kind"),
        ratings.c.user_id,
        ratings.c.movie_id,
        ratings.c.value,
        case((here, 1), else_=0).label("layer"),
        ratings.c.rated_at,
    ).where(
        or_(here, ratings.c.chat_id == ratings.c.user_id) if private else here,
        ratings.c.user_id.in_(users),
    )
    others = (
        select(
            literal_column(f"'{kind}'"), t.c.user_id, t.c.movie_id, null(), null(), null()
        ).where(t.c.chat_id == bindparam("chat_id"), t.c.user_id.in_(users))
        for kind, t in (("h", hidden), ("s", watchlist))
    )
    return union_all(rated, *others)


_TASTE, _TASTES = _tastes(private=False), _tastes(private=True)
_LAYER_THEN_TIME = operator.itemgetter(4, 5)

_RATING = select(ratings.c.value).where(_match(ratings, "chat_id", "user_id", "movie_id"))
_UNHIDE = delete(hidden).where(_match(hidden, "chat_id", "user_id", "movie_id"))

_UNRATE = delete(ratings).where(_match(ratings, "chat_id", "user_id", "movie_id"))

_RATINGS = (
    select(ratings.c.movie_id, ratings.c.value)
    .where(_match(ratings, "chat_id", "user_id"))
    .order_by(ratings.c.rated_at)
)

_TITLES = select(ratings.c.movie_id, ratings.c.title).where(_match(ratings, "chat_id", "user_id"))

_CHAT_RATINGS = (
    select(ratings.c.user_id, ratings.c.movie_id, ratings.c.value)
    .where(_match(ratings, "chat_id"))
    .order_by(ratings.c.rated_at)
)

_STORED_TITLES = select(ratings.c.movie_id, func.max(ratings.c.title)).group_by(ratings.c.movie_id)

_RESET = (
    delete(ratings).where(_match(ratings, "chat_id", "user_id")),
    delete(hidden).where(_match(hidden, "chat_id", "user_id")),
)

_HIDDEN_HERE = select(hidden.c.movie_id).where(_match(hidden, "chat_id"))
_HIDDEN = _HIDDEN_HERE.where(_match(hidden, "user_id"))

_LIST = select(
    lists.c.owner_id,
    lists.c.kind,
    lists.c.start,
    lists.c.movie_ids,
    lists.c.value,
    lists.c.shown,
    lists.c.extra,
    lists.c.created_at,
).where(_match(lists, "chat_id", "message_id"))

_SET_SHOWN = update(lists).where(
    lists.c.chat_id == bindparam("chat"), lists.c.message_id == bindparam("message")
)

_PRUNE_LISTS = delete(lists).where(lists.c.created_at < bindparam("before"))

_TAKE_SOURCE = (
    delete(sources)
    .where(_match(sources, "chat_id", "message_id", "user_id"))
    .returning(sources.c.movie_id, sources.c.value)
)

_MEMBER_NAMES = select(members.c.user_id, members.c.name).where(_match(members, "chat_id"))


_UNSAVE = delete(watchlist).where(_match(watchlist, "chat_id", "user_id", "movie_id"))

_WATCHLIST = (
    select(watchlist.c.movie_id)
    .where(_match(watchlist, "chat_id", "user_id"))
    .order_by(watchlist.c.added_at.desc(), watchlist.c.movie_id)
)

_LANGUAGE = select(people.c.language).where(_match(people, "user_id"))

_NIGHT_QUERY = select(nights.c.query).where(_match(nights, "chat_id", "message_id"))

_LEAVE_NIGHT = delete(night_members).where(
    _match(night_members, "chat_id", "message_id", "user_id")
)

_NIGHT_MEMBERS = (
    select(night_members.c.user_id)
    .where(_match(night_members, "chat_id", "message_id"))
    .order_by(night_members.c.joined_at, night_members.c.user_id)
)

_POLL = select(
    polls.c.poll_id,
    polls.c.chat_id,
    polls.c.message_id,
    polls.c.night_id,
    polls.c.movie_ids,
    polls.c.scores,
    polls.c.closed,
).limit(1)
_POLL_BY_ID = _POLL.where(_match(polls, "poll_id"))
_POLL_OF_MESSAGE = _POLL.where(_match(polls, "chat_id", "message_id")).order_by(
    polls.c.created_at.desc()
)
_POLL_OF_NIGHT = _POLL.where(_match(polls, "chat_id", "night_id"))

_UNVOTE = delete(votes).where(_match(votes, "poll_id", "user_id"))

_VOTES = select(votes.c.user_id, votes.c.option).where(_match(votes, "poll_id"))

_ATTACH_POLL = update(polls).where(
    polls.c.chat_id == bindparam("chat"), polls.c.night_id == bindparam("night")
)

_DROP_POLL = delete(polls).where(_match(polls, "poll_id"))

_CLOSE_POLL = (
    update(polls).where(polls.c.poll_id == bindparam("poll"), polls.c.closed == 0).values(closed=1)
)

_HISTORY = (
    select(history.c.movie_id, history.c.watched_at)
    .where(_match(history, "chat_id"))
    .order_by(history.c.watched_at.desc())
)

_LAPSED_CLAIMS = delete(updates).where(updates.c.expires_at < bindparam("now"))
_CLAIM_DONE = select(updates.c.done).where(_match(updates, "update_id"))
_RENEW = (
    update(updates)
    .where(and_(updates.c.update_id == bindparam("handled"), updates.c.done == 0))
    .values(expires_at=bindparam("until"))
)
_FINISH = (
    update(updates)
    .where(updates.c.update_id == bindparam("handled"))
    .values(done=1, expires_at=bindparam("until"))
)

_BUCKET = (
    select(buckets.c.tokens, buckets.c.updated, buckets.c.warned)
    .where(_match(buckets, "user_id"))
    .with_for_update()
)
_SPEND = update(buckets).where(buckets.c.user_id == bindparam("user"))

_IDLE_BUCKETS = delete(buckets).where(buckets.c.updated < bindparam("before"))


class ChatStore:
    """Who rated what, what they hid, who is in which chat, which bot message belongs to whom,
    movie nights, claimed updates and the shared flood limit (see `bot.storage.base` for the
    guarantees). Open one with `bot.storage.open_storage`."""

    def __init__(self, engine: Engine, threads: int, path: Path | None = None) -> None:
        self.engine = engine
        self.path = path  # the SQLite file, None on PostgreSQL
        self._dialect = engine.dialect.name
        self._postgres = self._dialect == "postgresql"
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="chatstore")
        self._writer = (
            engine if self._postgres else engine.execution_options(sqlite_begin="BEGIN IMMEDIATE")
        )
        self._reader = engine.execution_options(
            **({"isolation_level": "AUTOCOMMIT"} if self._postgres else {"sqlite_begin": ""})
        )
        self._serial: contextlib.AbstractContextManager[Any] = (
            contextlib.nullcontext() if self._postgres else threading.Lock()
        )
        self._claims = 0
        self._closed = False

    @classmethod
    async def open_sqlite(cls, path: Path) -> ChatStore:
        """Open (creating or upgrading) the SQLite file at `path`."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            URL.create("sqlite+pysqlite", database=str(path)),
            connect_args={"timeout": BUSY_SECONDS},
            pool_size=SQLITE_THREADS,
        )
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "begin", _on_begin)
        return await cls(engine, SQLITE_THREADS, path)._opened(cls._start_sqlite)

    @classmethod
    async def open_postgres(
        cls, url: str, *, pool_size: int = 5, max_overflow: int = 5, timeout: float = 30.0
    ) -> ChatStore:
        """Connect (retrying for up to `timeout` seconds while the server is not up yet) and
        upgrade the schema. `url` is a `postgresql://` or `postgres://` URL."""
        engine = create_engine(
            make_url(url.strip()).set(drivername="postgresql+psycopg"),
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_pre_ping=True,  # a server restart costs one reconnect, not an error in a chat
            pool_timeout=timeout,
        )
        store = cls(engine, pool_size + max_overflow)
        return await store._opened(functools.partial(cls._start_postgres, timeout=timeout))

    async def _opened(self, start: Callable[[ChatStore], None]) -> ChatStore:
        """The store once `start` (in one of its threads) has brought the database up; closed
        again if that fails."""
        try:
            await asyncio.get_running_loop().run_in_executor(self._executor, start, self)
        except BaseException:
            await self.close()
            raise
        return self

    def _start_sqlite(self) -> None:
        # WAL is a property of the file (set once, kept). Switching needs the file to itself for
        # a moment and SQLite does not wait for that (no busy handler there), so processes
        # opening one new file together retry.
        for attempt in Retrying(
            retry=retry_if_exception(_locked),
            stop=stop_after_delay(10),
            wait=wait_random(0.02, 0.2),
            reraise=True,
        ):
            with attempt, self._reader.connect() as db:
                db.exec_driver_sql("PRAGMA journal_mode=WAL")
        self._migrate()

    def _start_postgres(self, timeout: float) -> None:
        for attempt in Retrying(
            retry=retry_if_exception(lambda e: isinstance(e, OperationalError)),
            stop=stop_after_delay(timeout),
            wait=wait_random(0.2, 1.0),
            reraise=True,
        ):
            with attempt:
                self._migrate()

    @property
    def shared(self) -> bool:
        """True when several processes may use this store at once (PostgreSQL): then anything
        that must hold across replicas has to live in it, not in process memory."""
        return self._postgres

    async def close(self) -> None:
        """Close the connections and stop the threads (closing again does nothing)."""
        if self._closed:
            return
        self._closed = True
        await asyncio.get_running_loop().run_in_executor(self._executor, self.engine.dispose)
        self._executor.shutdown()

    # --------------------------------------------------------------- transactions
    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction, committed on leaving the block (rolled back on an error)."""
        with self._serial, self._writer.begin() as db:
            yield db

    def _rows(self, statement: Executable, **params: Any) -> Sequence[Any]:
        """One query, outside a transaction: a single statement reads one snapshot anyway."""
        with self._reader.connect() as db:
            return db.execute(statement, params).all()

    def _upsert(self, db: Connection, table: Table, **values: Any) -> None:
        """Insert a row or, where its primary key exists, overwrite every other column."""
        db.execute(_upsert(self._dialect, table, tuple(values)), values)

    def _add(self, db: Connection, table: Table, **values: Any) -> bool:
        """Insert a row unless its primary key (or a unique index) exists; True when it did."""
        return db.execute(_add(self._dialect, table), values).first() is not None

    def _advisory_lock(self, db: Connection, key: int) -> None:
        """Replicas take turns (PostgreSQL); SQLite's BEGIN IMMEDIATE already serialises."""
        if self._postgres:
            db.execute(select(func.pg_advisory_xact_lock(key)))

    # --------------------------------------------------------------- schema
    def _migrate(self) -> None:
        """Bring the database up to SCHEMA_VERSION, one step per transaction; the version is
        read inside each step's write transaction, so processes or replicas opening one old
        database together take turns and none runs a step twice."""
        while True:
            with self._write() as db:
                if not migrations.next_step(db):
                    return

    @threaded
    def version(self) -> int:
        """The schema version the store is at (`migrations.SCHEMA_VERSION` once opened)."""
        with self.engine.connect() as db:
            return migrations.current(db)

    # --------------------------------------------------------------- ratings
    @threaded
    def rate(
        self, chat_id: int, user_id: int, movie_id: int, value: float, title: str | None = None
    ) -> float | None:
        """Record a rating (un-hiding the film); returns the previous value, if any. A rating
        without a title keeps the stored one. Two presses racing may both see no previous value;
        the later value wins."""
        key = {"chat_id": chat_id, "user_id": user_id, "movie_id": movie_id}
        with self._write() as db:
            old: float | None = db.scalar(_RATING, key)
            db.execute(
                _rate(self._dialect),
                key | {"value": value, "rated_at": time.time(), "title": title},
            )
            db.execute(_UNHIDE, key)
        return old

    @threaded
    def unrate(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        key = {"chat_id": chat_id, "user_id": user_id, "movie_id": movie_id}
        with self._write() as db:
            return db.execute(_UNRATE, key).rowcount > 0

    @threaded
    def ratings(self, chat_id: int, user_id: int) -> dict[int, float]:
        """Movie id -> +1/-1, oldest first."""
        rows = self._rows(_RATINGS, chat_id=chat_id, user_id=user_id)
        return {movie: value for movie, value in rows}

    @threaded
    def rated_titles(self, chat_id: int, user_id: int) -> dict[int, str | None]:
        """Movie id -> the title stored with the rating (None for ratings from before v2)."""
        rows = self._rows(_TITLES, chat_id=chat_id, user_id=user_id)
        return {movie: title for movie, title in rows}

    @threaded
    def chat_ratings(self, chat_id: int) -> dict[int, dict[int, float]]:
        """Every member's ratings in a chat: user id -> movie id -> value, oldest first."""
        members_: dict[int, dict[int, float]] = {}
        for user, movie, value in self._rows(_CHAT_RATINGS, chat_id=chat_id):
            members_.setdefault(user, {})[movie] = value
        return members_

    @threaded
    def stored_titles(self, outside: Iterable[int]) -> dict[int, str | None]:
        """Every rated movie id that is not in `outside` (e.g. the catalogue), with a title."""
        known = set(outside)
        rows = self._rows(_STORED_TITLES)
        return {movie: title for movie, title in rows if movie not in known}

    @threaded
    def remap_movies(self, mapping: dict[int, int]) -> int:
        """Move ratings and hidden films from old movie ids to new ones (a new catalogue); where
        a person already rated the new id, that rating stays and the old one goes. Replicas that
        start together with the same catalogue take turns; the second finds nothing to move."""
        moved = 0
        with self._write() as db:
            self._advisory_lock(db, PG_REMAP_LOCK)
            for old, new in mapping.items():
                for table in (ratings, hidden):
                    other = table.alias("other")
                    clash = exists().where(
                        other.c.chat_id == table.c.chat_id,
                        other.c.user_id == table.c.user_id,
                        other.c.movie_id == new,
                    )
                    result = db.execute(
                        update(table).where(table.c.movie_id == old, ~clash).values(movie_id=new)
                    )
                    if table is ratings:
                        moved += result.rowcount
                    db.execute(delete(table).where(table.c.movie_id == old))
        return moved

    @threaded
    def reset(self, chat_id: int, user_id: int) -> int:
        """Forget a person's ratings and hidden films in one chat; returns how many ratings."""
        key = {"chat_id": chat_id, "user_id": user_id}
        with self._write() as db:
            forgot = [db.execute(statement, key).rowcount for statement in _RESET]
        return forgot[0]

    # --------------------------------------------------------------- hidden films
    @threaded
    def hide(self, chat_id: int, user_id: int, movie_id: int) -> None:
        with self._write() as db:
            self._add(db, hidden, chat_id=chat_id, user_id=user_id, movie_id=movie_id)

    @threaded
    def unhide(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        key = {"chat_id": chat_id, "user_id": user_id, "movie_id": movie_id}
        with self._write() as db:
            return db.execute(_UNHIDE, key).rowcount > 0

    @threaded
    def hidden(self, chat_id: int, user_id: int | None = None) -> set[int]:
        """Films hidden by one person in a chat, or by anyone in it (user_id None)."""
        if user_id is None:
            rows = self._rows(_HIDDEN_HERE, chat_id=chat_id)
        else:
            rows = self._rows(_HIDDEN, chat_id=chat_id, user_id=user_id)
        return {movie for (movie,) in rows}

    # --------------------------------------------------------------- taste, in one read
    @threaded
    def taste(self, chat_id: int, user_id: int) -> Taste:
        """A person's ratings, hidden and saved films in one chat: one query."""
        return self._tastes(_TASTE, chat_id, [user_id])[user_id]

    @threaded
    def tastes(self, chat_id: int, user_ids: Iterable[int]) -> dict[int, Taste]:
        """A movie night's roster in one query: each person's ratings as the group sees them
        (their private chat's ratings, then this chat's on top: a film rated in both counts as
        rated here, where it first stood in the private list), and their hidden and saved films
        in this chat."""
        return self._tastes(_TASTES, chat_id, list(dict.fromkeys(user_ids)))

    def _tastes(self, query: Executable, chat_id: int, users: list[int]) -> dict[int, Taste]:
        found = {user: Taste() for user in users}
        if not users:
            return found
        rows = self._rows(query, chat_id=chat_id, users=users)
        rated = sorted((row for row in rows if row[0] == "r"), key=_LAYER_THEN_TIME)
        for _, user, movie, value, *_ in rated:  # private ratings first, this chat's on top
            found[user].ratings[movie] = value
        for kind, user, movie, *_ in rows:
            if kind != "r":
                (found[user].hidden if kind == "h" else found[user].saved).add(movie)
        return found

    # --------------------------------------------------------------- messages with buttons
    @threaded
    def save_list(self, chat_id: int, message_id: int, info: ListRow) -> None:
        """Remember whose a message with buttons is and what it lists (see `ListRow`)."""
        with self._write() as db:
            self._upsert(
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

    @staticmethod
    def _list_info(row: Any) -> ListRow | None:
        if row is None or row.created_at < time.time() - LIST_DAYS * 86400:
            return None
        ids = tuple(json.loads(row.movie_ids))
        return ListRow(row.owner_id, row.kind, row.start, ids, row.value, row.shown, row.extra)

    def _read_list(self, chat_id: int, message_id: int) -> ListRow | None:
        rows = self._rows(_LIST, chat_id=chat_id, message_id=message_id)
        return self._list_info(rows[0] if rows else None)

    @threaded
    def get_list(self, chat_id: int, message_id: int) -> ListRow | None:
        """The message's ListRow, or None when unknown or older than LIST_DAYS (stale)."""
        return self._read_list(chat_id, message_id)

    @threaded
    def open_press(
        self, chat_id: int, message_id: int, user_id: int, name: str | None
    ) -> ListRow | None:
        """A button press in one transaction: remember the presser's display name (when `name`
        is given, as `remember_member`) and return the message's `get_list`."""
        if name is None:
            return self._read_list(chat_id, message_id)
        with self._write() as db:
            self._upsert(db, members, chat_id=chat_id, user_id=user_id, name=name[:64])
            row = db.execute(_LIST, {"chat_id": chat_id, "message_id": message_id}).first()
        return self._list_info(row)

    @threaded
    def set_shown(self, chat_id: int, message_id: int, shown: str) -> None:
        """The keyboard last sent to a message (nothing happens for an unknown message)."""
        with self._write() as db:
            db.execute(_SET_SHOWN, {"chat": chat_id, "message": message_id, "shown": shown})

    @threaded
    def prune_lists(self, days: float = LIST_DAYS) -> int:
        """Forget messages older than `days` (their buttons then answer as stale)."""
        with self._write() as db:
            before = time.time() - days * 86400
            return db.execute(_PRUNE_LISTS, {"before": before}).rowcount

    # --------------------------------------------------------------- what a message recorded
    @threaded
    def save_source(
        self, chat_id: int, message_id: int, user_id: int, entries: dict[int, float]
    ) -> None:
        """What a person's /like message recorded (so that editing the message can replace it)."""
        if not entries:
            return
        rows = [
            {"chat_id": chat_id, "message_id": message_id, "user_id": user_id, "movie_id": m}
            | {"value": v}
            for m, v in entries.items()
        ]
        with self._write() as db:
            db.execute(_upsert(self._dialect, sources, tuple(rows[0])), rows)

    @threaded
    def take_source(self, chat_id: int, message_id: int, user_id: int) -> dict[int, float]:
        """What a person's message recorded, forgotten as it is returned (one statement: two
        replicas handling the same edit cannot both take it)."""
        key = {"chat_id": chat_id, "message_id": message_id, "user_id": user_id}
        with self._write() as db:
            return {movie: value for movie, value in db.execute(_TAKE_SOURCE, key).all()}

    # --------------------------------------------------------------- people and chats
    @threaded
    def remember_member(self, chat_id: int, user_id: int, name: str) -> None:
        """A display name for group picks ("matches Ann and Bob"), at most 64 characters."""
        with self._write() as db:
            self._upsert(db, members, chat_id=chat_id, user_id=user_id, name=name[:64])

    @threaded
    def member_names(self, chat_id: int) -> dict[int, str]:
        return {user: name for user, name in self._rows(_MEMBER_NAMES, chat_id=chat_id)}

    @threaded
    def set_chat_status(self, chat_id: int, status: str) -> None:
        with self._write() as db:
            self._upsert(db, chats, chat_id=chat_id, status=status, changed_at=time.time())

    @threaded
    def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> int:
        """Move everything kept under a chat id to a new id (a group that became a supergroup),
        in one transaction; returns how many rows moved (0 when called again). Where the new id
        already has a row with the same key, the new id's row stays and the old one goes; a
        vote's ballots go with its poll."""
        if old_chat_id == new_chat_id:
            return 0
        moved = 0
        with self._write() as db:
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
                result = db.execute(
                    update(table)
                    .where(table.c.chat_id == old_chat_id, *(~clash for clash in clashes))
                    .values(chat_id=new_chat_id)
                )
                moved += result.rowcount
                if table is polls:  # the polls that gave way take their ballots along
                    left = select(polls.c.poll_id).where(polls.c.chat_id == old_chat_id)
                    db.execute(delete(votes).where(votes.c.poll_id.in_(left)))
                db.execute(delete(table).where(table.c.chat_id == old_chat_id))
        return moved

    # --------------------------------------------------------------- watchlist
    @threaded
    def save_for_later(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        """Add a film to a person's watchlist; False when it was there already."""
        key = {"chat_id": chat_id, "user_id": user_id, "movie_id": movie_id}
        with self._write() as db:
            return self._add(db, watchlist, **key, added_at=time.time())

    @threaded
    def unsave(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        key = {"chat_id": chat_id, "user_id": user_id, "movie_id": movie_id}
        with self._write() as db:
            return db.execute(_UNSAVE, key).rowcount > 0

    @threaded
    def watchlist(self, chat_id: int, user_id: int) -> list[int]:
        """Saved films, newest first."""
        rows = self._rows(_WATCHLIST, chat_id=chat_id, user_id=user_id)
        return [movie for (movie,) in rows]

    # --------------------------------------------------------------- per-person settings
    @threaded
    def set_language(self, user_id: int, language: str | None) -> None:
        with self._write() as db:
            self._upsert(db, people, user_id=user_id, language=language)

    @threaded
    def language(self, user_id: int) -> str | None:
        rows = self._rows(_LANGUAGE, user_id=user_id)
        return rows[0][0] if rows else None

    # --------------------------------------------------------------- movie nights
    @threaded
    def start_night(self, chat_id: int, message_id: int, query: str = "") -> None:
        """A roster message: who is in tonight (and the filter words it was asked with)."""
        with self._write() as db:
            self._upsert(
                db, nights, chat_id=chat_id, message_id=message_id, query=query,
                created_at=time.time(),
            )  # fmt: skip

    @threaded
    def night_query(self, chat_id: int, message_id: int) -> str | None:
        """The filter words of a roster, or None when there is no such roster."""
        rows = self._rows(_NIGHT_QUERY, chat_id=chat_id, message_id=message_id)
        return rows[0][0] if rows else None

    @threaded
    def join_night(self, chat_id: int, message_id: int, user_id: int, joined: bool) -> bool:
        """Join (or leave) tonight's roster; True when that changed anything."""
        key = {"chat_id": chat_id, "message_id": message_id, "user_id": user_id}
        with self._write() as db:
            if joined:
                return self._add(db, night_members, **key, joined_at=time.time())
            return db.execute(_LEAVE_NIGHT, key).rowcount > 0

    @threaded
    def night_members(self, chat_id: int, message_id: int) -> list[int]:
        """Who is in, in the order they joined."""
        rows = self._rows(_NIGHT_MEMBERS, chat_id=chat_id, message_id=message_id)
        return [user for (user,) in rows]

    @threaded
    def save_poll(self, poll: PollInfo) -> bool:
        """Store a movie night's vote; False (storing nothing) when that night already has one,
        open or closed: a unique index, so replicas racing to start one get exactly one True."""
        with self._write() as db:
            return self._add(
                db,
                polls,
                poll_id=poll.poll_id,
                chat_id=poll.chat_id,
                message_id=poll.message_id,
                night_id=poll.night_id,
                movie_ids=json.dumps(list(poll.movie_ids)),
                scores=json.dumps(list(poll.scores)),
                closed=int(poll.closed),
                created_at=time.time(),
            )

    def _poll(self, query: Executable, **key: Any) -> PollInfo | None:
        rows = self._rows(query, **key)
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

    @threaded
    def poll(self, poll_id: str) -> PollInfo | None:
        return self._poll(_POLL_BY_ID, poll_id=poll_id)

    @threaded
    def poll_of_message(self, chat_id: int, message_id: int) -> PollInfo | None:
        return self._poll(_POLL_OF_MESSAGE, chat_id=chat_id, message_id=message_id)

    @threaded
    def night_poll(self, chat_id: int, night_id: int) -> PollInfo | None:
        """The vote of a roster, open or closed (there is at most one)."""
        return self._poll(_POLL_OF_NIGHT, chat_id=chat_id, night_id=night_id)

    @threaded
    def vote(self, poll_id: str, user_id: int, option: int | None) -> None:
        """A person's vote (None: they retracted it)."""
        with self._write() as db:
            if option is None:
                db.execute(_UNVOTE, {"poll_id": poll_id, "user_id": user_id})
            else:
                self._upsert(db, votes, poll_id=poll_id, user_id=user_id, option=option)

    @threaded
    def votes(self, poll_id: str) -> dict[int, int]:
        return {user: option for user, option in self._rows(_VOTES, poll_id=poll_id)}

    @threaded
    def attach_poll(self, chat_id: int, night_id: int, poll_id: str, message_id: int) -> None:
        """Give a night's reserved vote (`save_poll` before the poll was sent) the poll that
        Telegram made: its id and its message."""
        values = {"chat": chat_id, "night": night_id, "poll_id": poll_id, "message_id": message_id}
        with self._write() as db:
            db.execute(_ATTACH_POLL, values)

    @threaded
    def drop_poll(self, poll_id: str) -> None:
        """Forget a reserved vote whose poll could not be sent (the night may vote again)."""
        with self._write() as db:
            db.execute(_DROP_POLL, {"poll_id": poll_id})

    @threaded
    def close_poll(self, poll_id: str) -> bool:
        """Mark a vote closed; True only for the one caller that closed it (announce once): a
        concurrent second UPDATE waits for the first, re-checks `closed=0` and changes nothing."""
        with self._write() as db:
            return db.execute(_CLOSE_POLL, {"poll": poll_id}).rowcount > 0

    @threaded
    def add_history(self, chat_id: int, movie_id: int) -> None:
        """A film a group chose (the first time it was chosen stays)."""
        with self._write() as db:
            self._add(db, history, chat_id=chat_id, movie_id=movie_id, watched_at=time.time())

    @threaded
    def history(self, chat_id: int) -> list[tuple[int, float]]:
        """What a group chose, newest first: (movie id, when)."""
        return [(movie, when) for movie, when in self._rows(_HISTORY, chat_id=chat_id)]

    # --------------------------------------------------------------- updates, flood limit
    @threaded
    def claim_update(
        self, update_id: int, now: float, lease: float, *, take_unfinished: bool = False
    ) -> Claim:
        """Claim a Telegram update for this caller (across processes and replicas): TAKEN for
        exactly one caller at a time, DONE once it was handled (`finish_update`), BUSY while
        another caller's lease (`lease` seconds from its claim) runs. A lapsed lease (its
        handler died) is taken over; `take_unfinished` takes over any unfinished claim at once
        (one polling process: it can only be a dead predecessor's). Lapsed claims are dropped
        now and then (the first call, then every CLAIM_PRUNE_EVERY)."""
        with self._write() as db:
            if self._claims % CLAIM_PRUNE_EVERY == 0:
                db.execute(_LAPSED_CLAIMS, {"now": now})
            self._claims += 1
            claim = {
                "update_id": update_id,
                "expires_at": now + lease,
                "now": now,
                "take_unfinished": take_unfinished,
            }
            if db.execute(_claim(self._dialect), claim).first() is not None:
                return Claim.TAKEN
            done = db.execute(_CLAIM_DONE, {"update_id": update_id}).scalar()
            return Claim.DONE if done else Claim.BUSY

    @threaded
    def renew_update(self, update_id: int, now: float, lease: float) -> None:
        """A claimed update still being handled: its lease runs `lease` seconds from `now`."""
        with self._write() as db:
            db.execute(_RENEW, {"handled": update_id, "until": now + lease})

    @threaded
    def finish_update(self, update_id: int, now: float, ttl: float) -> None:
        """An update handled: copies that arrive in the next `ttl` seconds are dropped."""
        with self._write() as db:
            db.execute(_FINISH, {"handled": update_id, "until": now + ttl})

    @threaded
    def take_token(self, user_id: int, now: float, burst: float, rate: float) -> tuple[bool, bool]:
        """The shared token bucket (see `bot.throttle`): (allowed, warn). The row is locked for
        the transaction (`FOR UPDATE` on PostgreSQL, the write lock on SQLite), so concurrent
        callers take turns and no token is spent twice. A new bucket starts full; if another
        replica creates it first, this call then locks that row instead."""
        key = {"user_id": user_id}
        with self._write() as db:
            row: Any = db.execute(_BUCKET, key).first()
            if row is None:
                created = self._add(db, buckets, **key, tokens=burst, updated=now, warned=0)
                row = (burst, now, 0) if created else db.execute(_BUCKET, key).one()
            tokens, warned, allowed, warn = take_from_bucket(*row, now=now, burst=burst, rate=rate)
            spent = {"user": user_id, "tokens": tokens, "updated": now, "warned": warned}
            db.execute(_SPEND, spent)
        return allowed, warn

    @threaded
    def forget_idle_buckets(self, before: float) -> int:
        with self._write() as db:
            return db.execute(_IDLE_BUCKETS, {"before": before}).rowcount

    # --------------------------------------------------------------- deletion
    @threaded
    def delete_user(self, user_id: int) -> int:
        """Everything held about a person, in every chat (see `migrations.PERSON_COLUMNS`), in
        one transaction; returns how many rows.

        SQLite: the WAL is then checkpointed and truncated, so the deleted rows survive in no
        file (`secure_delete` zeroes the freed pages of the main file). PostgreSQL keeps deleted
        row versions until VACUUM and WAL recycling reclaim them; autovacuum does, and operators
        who must prove erasure run VACUUM.
        """
        total = 0
        with self._write() as db:
            for name, columns in PERSON_COLUMNS.items():
                table = metadata.tables[name]
                result = db.execute(
                    delete(table).where(or_(*(table.c[c] == user_id for c in columns)))
                )
                total += result.rowcount
        self._truncate_wal()
        return total

    @threaded
    def checkpoint(self) -> None:
        """SQLite: copy the WAL into the main file and truncate it to zero bytes. PostgreSQL
        checkpoints on its own (and `CHECKPOINT` needs a superuser)."""
        self._truncate_wal()

    def _truncate_wal(self) -> None:
        if self._postgres:
            return
        with self._serial, self._reader.connect() as db:
            db.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
