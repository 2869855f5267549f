"""The schema as declared (`bot.storage.schema`) is the schema the migrations leave, on both
engines: a fresh database, and one upgraded in place from every older version (the first
release's SQLite file included), reflect to the same tables, columns, keys and indexes. And an
upgraded database keeps its rows.

The migrations stay hand-written (they carry data: duplicate votes reduced, SQLite tables
rebuilt), and are checked against the one definition twice: by the reflection below, and by
Alembic's autogenerate comparison (`compare_metadata`, what `alembic revision --autogenerate`
diffs), which also compares types and server defaults."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Float, Integer, String, Table, inspect
from sqlalchemy.engine import Inspector

from bot.storage import SCHEMA_VERSION, ChatStore, PollInfo, open_storage
from bot.storage.migrations import STEPS
from bot.storage.schema import TABLES, metadata
from tests.support.storage import ANN, BEN, GROUP, chat_status, first_release_file

Shape = dict[str, Any]


def _kind(kind: Any) -> str:
    for generic, name in ((Float, "float"), (Integer, "int"), (String, "text")):
        if isinstance(kind, generic):
            return name
    raise AssertionError(f"unexpected column type {kind!r}")


def _declared(table: Table) -> Shape:
    return {
        "columns": [
            (c.name, _kind(c.type), c.nullable and not c.primary_key, c.server_default is not None)
            for c in table.c
        ],
        "key": [c.name for c in table.primary_key],
        "indexes": sorted(
            (i.name, tuple(c.name for c in i.columns), i.unique) for i in table.indexes
        ),
    }


def _reflected(inspector: Inspector) -> dict[str, Shape]:
    found = {}
    for name in inspector.get_table_names():
        if name == "schema_version":  # PostgreSQL's version record, not the chat state
            continue
        key = inspector.get_pk_constraint(name)["constrained_columns"]
        found[name] = {
            "columns": [
                (
                    c["name"],
                    _kind(c["type"]),
                    c["nullable"] and c["name"] not in key,
                    c.get("default") is not None,
                )
                for c in inspector.get_columns(name)
            ],
            "key": key,
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in inspector.get_indexes(name)
            ),
        }
    return found


def _alembic_differences(db: Any) -> list[Any]:
    """What Alembic's autogenerate would change to make the database the declared schema, less
    two things that are not differences: PostgreSQL's `schema_version` record (SQLite keeps the
    version in `PRAGMA user_version`), and SQLite's nullable flag on a single-column primary
    key (SQLite reports such a key as nullable unless declared NOT NULL; the store never writes
    a NULL key, and the key's uniqueness is what counts)."""
    context = MigrationContext.configure(
        db, opts={"compare_type": True, "compare_server_default": True}
    )
    found = []
    for change in compare_metadata(context, metadata):
        ops = change if isinstance(change, list) else [change]
        for op in ops:
            if op[0] == "remove_table" and op[1].name == "schema_version":
                continue
            if (
                op[0] == "modify_nullable"
                and db.dialect.name == "sqlite"
                and metadata.tables[op[2]].c[op[3]].primary_key
            ):
                continue
            found.append(op)
    return found


async def _assert_declared_schema(store: ChatStore) -> None:
    with store.engine.connect() as db:
        reflected = _reflected(inspect(db))
        assert _alembic_differences(db) == []
    declared = {name: _declared(metadata.tables[name]) for name in TABLES}
    assert set(reflected) == set(declared)
    for name in TABLES:
        assert reflected[name] == declared[name], name
    assert await store.version() == SCHEMA_VERSION


def _sqlite_at(path: Path, version: int) -> None:
    """A file as the code of schema `version` left it (0: the first release, no version set)."""
    if version == 0:
        first_release_file(path)
        return
    db = sqlite3.connect(path)
    for step in STEPS[:version]:
        db.executescript(step.sqlite)
    db.execute(f"PRAGMA user_version={version}")
    db.commit()
    db.close()


def _postgres_at(url: str, version: int) -> None:
    with psycopg.connect(url, autocommit=True) as db:
        for step in STEPS[:version]:
            for statement in step.statements("postgres"):
                db.execute(statement)
        db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        db.execute(f"INSERT INTO schema_version VALUES ({version})")


OpenAt = Callable[[int], Any]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.process)])
def at_version(request: pytest.FixtureRequest, tmp_path: Path) -> OpenAt:
    """`await at_version(v)`: a store opened on a database left at schema `v` (None: fresh)."""
    if request.param == "sqlite":
        path = tmp_path / "bot.sqlite3"

        async def sqlite_store(version: int | None) -> ChatStore:
            if version is not None:
                _sqlite_at(path, version)
            return await open_storage(None, path)

        return sqlite_store
    url = request.getfixturevalue("database_url")

    async def postgres_store(version: int | None) -> ChatStore:
        if version is not None:
            _postgres_at(url, version)
        return await open_storage(url, tmp_path)

    return postgres_store


async def test_a_fresh_database_is_the_declared_schema(at_version: OpenAt) -> None:
    store = await at_version(None)
    try:
        await _assert_declared_schema(store)
    finally:
        await store.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
async def test_an_older_database_is_upgraded_to_the_declared_schema(
    at_version: OpenAt, version: int
) -> None:
    store = await at_version(version)
    try:
        await _assert_declared_schema(store)
    finally:
        await store.close()


async def test_a_first_release_file_is_upgraded_to_the_declared_schema(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    _sqlite_at(path, 0)
    store = await open_storage(None, path)
    try:
        await _assert_declared_schema(store)
    finally:
        await store.close()


# One row in every table of schema 4, and a movie night with two polls (schema 4 allowed a new
# vote once the last one closed): the newest stays, the older goes with its ballots.
_SCHEMA_4_ROWS = [
    f"INSERT INTO chats (chat_id, status, changed_at) VALUES ({GROUP}, 'member', 1.5)",
    f"INSERT INTO members (chat_id, user_id, name) VALUES ({GROUP}, {ANN}, 'Ann')",
    f"INSERT INTO people (user_id, language) VALUES ({ANN}, 'de')",
    "INSERT INTO ratings (chat_id, user_id, movie_id, value, rated_at, title) "
    f"VALUES ({GROUP}, {ANN}, 1, 1.0, 2.5, 'Toy Story (1995)')",
    f"INSERT INTO hidden (chat_id, user_id, movie_id) VALUES ({GROUP}, {ANN}, 2)",
    "INSERT INTO lists (chat_id, message_id, owner_id, kind, start, movie_ids, value, shown, "
    f"created_at, extra) VALUES ({GROUP}, 10, {ANN}, 'picks', 0, '[1, 2]', 0, 'kb', 3.5, 'f')",
    "INSERT INTO sources (chat_id, message_id, user_id, movie_id, value) "
    f"VALUES ({GROUP}, 11, {ANN}, 1, 1.0)",
    f"INSERT INTO watchlist (chat_id, user_id, movie_id, added_at) VALUES ({GROUP}, {ANN}, 3, 4.5)",
    f"INSERT INTO nights (chat_id, message_id, query, created_at) VALUES ({GROUP}, 12, 'q', 5.5)",
    "INSERT INTO night_members (chat_id, message_id, user_id, joined_at) "
    f"VALUES ({GROUP}, 12, {ANN}, 6.5)",
    "INSERT INTO polls (poll_id, chat_id, message_id, night_id, movie_ids, scores, closed, "
    f"created_at) VALUES ('older', {GROUP}, 13, 12, '[1, 2]', '[1.0, 0.0]', 1, 7.5)",
    "INSERT INTO polls (poll_id, chat_id, message_id, night_id, movie_ids, scores, closed, "
    f"created_at) VALUES ('newer', {GROUP}, 14, 12, '[3, 4]', '[1.0, 0.0]', 0, 8.5)",
    f"INSERT INTO votes (poll_id, user_id, option) VALUES ('older', {ANN}, 0)",
    f"INSERT INTO votes (poll_id, user_id, option) VALUES ('newer', {BEN}, 1)",
    f"INSERT INTO history (chat_id, movie_id, watched_at) VALUES ({GROUP}, 1, 9.5)",
    f"INSERT INTO buckets (user_id, tokens, updated, warned) VALUES ({ANN}, 3.0, 10.5, 0)",
]


async def test_an_upgraded_database_keeps_every_row(
    request: pytest.FixtureRequest, at_version: OpenAt, tmp_path: Path
) -> None:
    path = tmp_path / "bot.sqlite3"
    if (request.node.callspec.params["at_version"]) == "sqlite":
        _sqlite_at(path, 4)
        db = sqlite3.connect(path)
        for row in _SCHEMA_4_ROWS:
            db.execute(row)
        db.commit()
        db.close()
        store = await open_storage(None, path)
    else:
        url = request.getfixturevalue("database_url")
        _postgres_at(url, 4)
        with psycopg.connect(url, autocommit=True) as pg:
            for row in _SCHEMA_4_ROWS:
                pg.execute(row)
        store = await open_storage(url, tmp_path)
    try:
        assert await store.version() == SCHEMA_VERSION
        assert await store.ratings(GROUP, ANN) == {1: 1.0}
        assert await store.rated_titles(GROUP, ANN) == {1: "Toy Story (1995)"}
        assert await store.hidden(GROUP) == {2} and await store.watchlist(GROUP, ANN) == [3]
        assert await store.member_names(GROUP) == {ANN: "Ann"}
        assert await chat_status(store, GROUP) == "member" and await store.language(ANN) == "de"
        assert await store.take_source(GROUP, 11, ANN) == {1: 1.0}
        assert await store.night_query(GROUP, 12) == "q"
        assert await store.night_members(GROUP, 12) == [ANN]
        assert [m for m, _ in await store.history(GROUP)] == [1]
        assert await store.poll("older") is None and await store.votes("older") == {}
        newer = PollInfo("newer", GROUP, 14, 12, (3, 4), (1.0, 0.0), False)
        assert await store.night_poll(GROUP, 12) == newer
        assert await store.votes("newer") == {BEN: 1}
        assert await store.save_poll(PollInfo("third", GROUP, 15, 12, (5,), (1.0,), False)) is False
        listed = await store.get_list(GROUP, 10)
        assert listed is None  # created at 3.5 (1970): stale, as a 90-day-old message is
        assert await store.prune_lists() == 1
        assert await store.take_token(ANN, 10.5, 3, 1) == (True, False)
    finally:
        await store.close()


async def test_the_comparison_sees_a_column_the_schema_does_not_declare(tmp_path: Path) -> None:
    store = await open_storage(None, tmp_path / "bot.sqlite3")
    try:
        with store.engine.begin() as db:
            db.exec_driver_sql("ALTER TABLE ratings ADD COLUMN stray TEXT")
        with store.engine.connect() as db:
            changes = _alembic_differences(db)
    finally:
        await store.close()
    assert [(op[0], op[2], op[3].name) for op in changes] == [("remove_column", "ratings", "stray")]
