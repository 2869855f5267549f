"""What every area of the chat store shares: the engine, its threads, its transactions, and the
statement helpers (one implementation on SQLAlchemy Core, SQLite or PostgreSQL, async outside).

Every statement is built once from the tables in `bot.storage.schema`; where SQL differs between
the engines SQLAlchemy's dialect renders it (upserts: `insert_for` picks the dialect's INSERT,
whose `on_conflict_do_update/do_nothing` both engines share).

Each store method is written once, as plain blocking code on SQLAlchemy's synchronous engine, and
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
import threading
from collections.abc import Callable, Coroutine, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

from sqlalchemy import (
    URL,
    ColumnElement,
    Connection,
    Engine,
    Executable,
    Table,
    and_,
    bindparam,
    create_engine,
    event,
    func,
    make_url,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_random

from bot.storage import migrations

BUSY_SECONDS = 5.0  # how long an SQLite writer waits for another process's write lock
SQLITE_THREADS = 4  # SQLite's connections and threads: readers in parallel, writers in turn
_PRAGMAS = (f"busy_timeout={int(BUSY_SECONDS * 1000)}", "synchronous=FULL", "secure_delete=ON")

P = ParamSpec("P")
R = TypeVar("R")
Store = TypeVar("Store", bound="StoreEngine")

# What the database raises when it cannot take a call now but may later: the server is down or
# restarting, a connection broke, the pool waited too long, SQLite's disk is full or its lock
# timed out. A constraint or a programming error is none of these.
_TRANSIENT = (OperationalError, InterfaceError, PoolTimeout)


class StoreUnavailable(Exception):
    """The chat store could not be reached, or could not write, just now; the same call may
    succeed later, and nothing of this call was committed. `kind` says what happened in a few
    words (no data: it is logged)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind

    @classmethod
    def of(cls, error: Exception) -> StoreUnavailable:
        cause = getattr(error, "orig", None) or error
        first = (str(cause).strip().splitlines() or [""])[0][:120]
        return cls(f"{type(cause).__name__}: {first}" if first else type(cause).__name__)


def threaded(
    body: Callable[Concatenate[Store, P], R],
) -> Callable[Concatenate[Store, P], Coroutine[Any, Any, R]]:
    """`def method(self, ...)`, blocking, as `async def method(self, ...)`: the whole body runs
    in one of the store's threads while the caller's event loop goes on. A database that is
    away raises `StoreUnavailable` (and `reachable` turns False until a call succeeds again)."""

    @functools.wraps(body)
    async def method(self: Store, *args: P.args, **kwargs: P.kwargs) -> R:
        call = functools.partial(body, self, *args, **kwargs)
        try:
            result = await asyncio.get_running_loop().run_in_executor(self._executor, call)
        except _TRANSIENT as error:
            self.reachable = False
            raise StoreUnavailable.of(error) from error
        self.reachable = True
        return result

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


def insert_for(dialect: str, table: Table) -> sqlite.Insert | postgresql.Insert:
    """The dialect's INSERT (both share `on_conflict_do_update/do_nothing`)."""
    return _INSERT[dialect](table)


def match(table: Table, *names: str) -> ColumnElement[bool]:
    """`column = :column` for each name (bound by name when the statement runs)."""
    return and_(*(table.c[name] == bindparam(name) for name in names))


@functools.cache
def _upsert(dialect: str, table: Table, columns: tuple[str, ...]) -> Executable:
    """Insert a row of `columns` or, where its primary key exists, overwrite the others."""
    insert = insert_for(dialect, table)
    keys = [c.name for c in table.primary_key]
    return insert.on_conflict_do_update(
        index_elements=keys,
        set_={name: insert.excluded[name] for name in columns if name not in keys},
    )


@functools.cache
def _add(dialect: str, table: Table) -> Executable:
    """Insert a row unless its key (or a unique index) exists, returning the key when it did
    (RETURNING, which both engines report alike, rather than rowcount)."""
    return insert_for(dialect, table).on_conflict_do_nothing().returning(*table.primary_key)


class StoreEngine:
    """The engine under every area of `ChatStore`: connections, the store's threads, one write
    transaction at a time per SQLite file, the schema brought up to date on open."""

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
        self._claims = 0  # claim_update's calls, for pruning lapsed claims now and then
        self._closed = False
        self.reachable = True  # False since a call found the database away, until one succeeds

    @classmethod
    async def open_sqlite(cls, path: Path) -> Self:
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
        store = cls(engine, SQLITE_THREADS, path)
        return await store._opened(store._start_sqlite)

    @classmethod
    async def open_postgres(
        cls, url: str, *, pool_size: int = 5, max_overflow: int = 5, timeout: float = 30.0
    ) -> Self:
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
        return await store._opened(functools.partial(store._start_postgres, timeout=timeout))

    async def _opened(self, start: Callable[[], None]) -> Self:
        """The store once `start` (in one of its threads) has brought the database up; closed
        again if that fails."""
        try:
            await asyncio.get_running_loop().run_in_executor(self._executor, start)
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

    def _upsert_many(self, db: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
        """`_upsert` for several rows of the same columns, in one statement."""
        db.execute(_upsert(self._dialect, table, tuple(rows[0])), rows)

    def _add(self, db: Connection, table: Table, **values: Any) -> bool:
        """Insert a row unless its primary key (or a unique index) exists; True when it did."""
        return db.execute(_add(self._dialect, table), values).first() is not None

    def _advisory_lock(self, db: Connection, key: int) -> None:
        """Replicas take turns (PostgreSQL); SQLite's BEGIN IMMEDIATE already serialises."""
        if self._postgres:
            db.execute(select(func.pg_advisory_xact_lock(key)))

    def _truncate_wal(self) -> None:
        """SQLite: copy the WAL into the main file and truncate it to zero bytes (after a
        deletion). PostgreSQL checkpoints on its own (and `CHECKPOINT` needs a superuser)."""
        if self._postgres:
            return
        with self._serial, self._reader.connect() as db:
            db.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

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
    def ping(self) -> None:
        """One round trip to the database (readiness: can this replica use the store now?)."""
        with self._reader.connect() as db:
            db.exec_driver_sql("SELECT 1")

    @threaded
    def version(self) -> int:
        """The schema version the store is at (`migrations.SCHEMA_VERSION` once opened)."""
        with self.engine.connect() as db:
            return migrations.current(db)
