"""A real PostgreSQL server for the tests, started by the test session itself.

The `pgserver` wheel (the `[test]` extra) carries PostgreSQL 16's binaries: `initdb` into a
temporary directory, a server listening on a Unix socket only, stopped and deleted at the end.
Nothing to install by hand and no port to collide on, so `scripts/setup test` on a fresh machine
(or CI) is all it takes. Run as root, pgserver creates an unprivileged `pgserver` system user to
run postgres as (PostgreSQL refuses to run as root).

`MOVIEREC_TEST_POSTGRES_URL=postgresql://...` points the tests at an existing server instead (a
CI service container, a developer's own server); the tests create and drop their own databases
on it.

If no server can be started the fixture raises: every PostgreSQL test then errors. They never
skip, so a broken set-up cannot pass as green.

Each test gets a fresh database (`CREATE DATABASE` per test, dropped afterwards), so tests do not
see each other's rows and may run in any order.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

EXTERNAL = "MOVIEREC_TEST_POSTGRES_URL"


def with_database(url: str, name: str) -> str:
    """The same server URL with another database name (the URL's path)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _start_pgserver(root: Path) -> tuple[str, Any]:
    with warnings.catch_warnings():  # platformdirs: no XDG_RUNTIME_DIR under CI (harmless)
        warnings.simplefilter("ignore")
        import pgserver

    server = pgserver.get_server(root / "pgdata", cleanup_mode="delete")
    url = server.get_uri()
    # A throwaway server: durability is not what these tests measure, and fsync on a disk shared
    # with other jobs makes every CREATE DATABASE slow. Commit semantics are unchanged.
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("ALTER SYSTEM SET fsync = off")
        db.execute("ALTER SYSTEM SET synchronous_commit = off")
        db.execute("ALTER SYSTEM SET full_page_writes = off")
        db.execute("SELECT pg_reload_conf()")
    return url, server


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a PostgreSQL server's maintenance database (`postgres`) for this session."""
    external = os.environ.get(EXTERNAL)
    if external:
        with psycopg.connect(external, autocommit=True, connect_timeout=10) as db:
            db.execute("SELECT 1")
        yield external
        return
    # Its own directory, not pytest's: pytest deletes old session directories when another
    # session starts, which would pull the data directory from under a running server.
    root = Path(tempfile.mkdtemp(prefix="movierec-pg-"))
    url, server = _start_pgserver(root)
    try:
        yield url
    finally:
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, postgres_server: str) -> Iterator[str]:
    """A new, empty database on the session's server, dropped after the test."""
    if request.node.get_closest_marker("process") is None:  # also when asked for by name
        pytest.fail(f"{request.node.nodeid} uses PostgreSQL: mark it (or its parameter) `process`")
    name = "t_" + uuid.uuid4().hex[:16]
    with psycopg.connect(postgres_server, autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name} STRATEGY FILE_COPY")
    try:
        yield with_database(postgres_server, name)
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as db:
            db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class StoppablePostgres:
    """A PostgreSQL server of one test's own, which the test stops and starts again (an outage:
    `pg_ctl stop -m fast` ends every connection, as a crash or failover does to the clients).
    The server of the session is never stopped: other tests share it."""

    def __init__(self, root: Path) -> None:
        self.url, self.server = _start_pgserver(root)
        name = "outage"
        with psycopg.connect(self.url, autocommit=True) as db:
            db.execute(f"CREATE DATABASE {name}")
        self.database_url = with_database(self.url, name)

    def stop(self) -> None:
        from pgserver._commands import pg_ctl

        pg_ctl(
            ["-w", "stop", "-m", "fast"], pgdata=self.server.pgdata, user=self.server.system_user
        )

    def start(self) -> None:
        with self.server._lock:
            self.server.ensure_postgres_running()

    def cleanup(self) -> None:
        self.server.cleanup()


@pytest.fixture
def stoppable_postgres() -> Iterator[StoppablePostgres]:
    root = Path(tempfile.mkdtemp(prefix="movierec-pg-outage-"))
    server = StoppablePostgres(root)
    try:
        yield server
    finally:
        server.start()  # cleanup stops a running server
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)
