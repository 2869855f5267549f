"""`movierec-bot migrate`: the SQLite chat state copied into a real PostgreSQL, every table,
every row, idempotently, and without printing the password."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from bot.storage import SCHEMA_VERSION, ImportItem, ListRow, Plan, PollInfo, SwipeDeck, open_storage
from bot.storage.copy import main
from bot.storage.schema import TABLES
from tests.support.storage import ANN, BEN, GROUP, first_release_file

# Every test here copies into a real PostgreSQL server (and one runs the shipped command).
pytestmark = pytest.mark.process


async def _populate(path: Path) -> None:
    """A file with rows in every table, written through the store."""
    lite = await open_storage(None, path)
    for chat, person in ((GROUP, ANN), (GROUP, BEN), (ANN, ANN)):
        await lite.rate(chat, person, 1, 1.0, "Toy Story (1995)")
        await lite.rate(chat, person, 2571, -1.0, None)
        await lite.hide(chat, person, 296)
        await lite.save_list(chat, 10, ListRow(person, "picks", 5, (1, 2, 3), 0.0, "kb"))
        await lite.save_source(chat, 11, person, {1: 1.0, 2: -1.0})
        await lite.save_for_later(chat, person, 3)
        await lite.remember_member(chat, person, f"name-{person}")
        await lite.take_token(person, time.time(), 30, 1.5)
        await lite.set_language(person, "de")
    await lite.set_chat_status(GROUP, "member")
    await lite.start_night(GROUP, 12, "comedy")
    await lite.join_night(GROUP, 12, ANN, True)
    await lite.save_poll(PollInfo("p", GROUP, 13, 12, (1, 2), (1.5, 0.25), False))
    await lite.vote("p", BEN, 1)
    await lite.add_history(GROUP, 1)
    await lite.claim_update(77, time.time(), 60)
    await lite.plan_night(Plan(GROUP, 12, ANN, time.time() + 3600, "Europe/Berlin"))
    await lite.set_zone(GROUP, "Europe/Berlin")
    await lite.schedule("close", GROUP, 12, time.time() + 3600)
    await lite.set_chat_language(GROUP, "de", chosen=True)
    await lite.save_film_facts(603, '{"runtime": 136}', titles={"ru": "Матрица"})
    started = await lite.start_import(ANN, ANN, "digest", "{}", "[]")
    await lite.apply_import(started.import_id, [ImportItem(6, "r", 1.0, 9, "2024-01-01")])
    await lite.start_deck(SwipeDeck(GROUP, 12, ANN, (1, 2), 2, 0, {1: {ANN: 3}}))
    await lite.swipe(GROUP, 12, ANN, 1, "like")
    await lite.add_match(GROUP, 12, 1)
    await lite.add_fits(GROUP, 1, {ANN: 0.75})
    await lite.close()


def _populated(path: Path) -> None:
    asyncio.run(_populate(path))


def _lite_rows(path: Path, table: str) -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return sorted(db.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
    finally:
        db.close()


async def _migrate(*argv: str) -> int:
    """The command from an async test (it runs its own event loop, as a command does)."""
    return await asyncio.to_thread(main, list(argv))


def _pg_rows(url: str, table: str) -> list[tuple]:
    with psycopg.connect(url) as db:
        return sorted(db.execute(f"SELECT * FROM {table}").fetchall(), key=repr)


def test_every_table_is_copied_and_a_second_run_changes_nothing(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bot.sqlite3"
    _populated(path)
    expected = {t: _lite_rows(path, t) for t in TABLES}
    assert all(expected.values())
    assert main(["--from", str(path), "--to", database_url]) == 0
    first = capsys.readouterr().out
    for table in TABLES:
        n = len(expected[table])
        assert f"{n} copied" in next(x for x in first.splitlines() if x.startswith(table + " "))
        assert _pg_rows(database_url, table) == expected[table], table
    assert main(["--from", str(path), "--to", database_url]) == 0  # again: idempotent
    assert capsys.readouterr().out == first
    for table in TABLES:
        assert _pg_rows(database_url, table) == expected[table], table


async def test_changes_since_the_first_copy_are_carried_over(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bot.sqlite3"
    await _populate(path)
    assert (await _migrate("--from", str(path), "--to", database_url)) == 0
    lite = await open_storage(None, path)
    await lite.rate(GROUP, ANN, 1, -1.0)  # changed
    await lite.rate(GROUP, ANN, 1214, 1.0, "Alien (1979)")  # new
    await lite.close()
    assert (await _migrate("--from", str(path), "--to", database_url)) == 0
    store = await open_storage(database_url, tmp_path)
    try:
        assert await store.ratings(GROUP, ANN) == {1: -1.0, 2571: -1.0, 1214: 1.0}
        assert await store.votes("p") == {BEN: 1}
        assert await store.get_list(ANN, 10) == ListRow(ANN, "picks", 5, (1, 2, 3), 0.0, "kb")
    finally:
        await store.close()


async def test_a_first_release_file_is_upgraded_then_copied(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bot.sqlite3"
    first_release_file(path)
    assert (await _migrate("--from", str(path), "--to", database_url)) == 0
    assert "ratings" in capsys.readouterr().out
    store = await open_storage(database_url, tmp_path)
    try:
        assert await store.chat_ratings(-100123) == {ANN: {2571: 1.0}, BEN: {1: -1.0}}
        assert await store.member_names(-100123) == {ANN: "Ann", BEN: "Ben"}
    finally:
        await store.close()
    lite = await open_storage(None, path)
    try:
        assert await lite.version() == SCHEMA_VERSION
    finally:
        await lite.close()


def test_the_password_is_never_printed(
    tmp_path: Path,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "bot.sqlite3"
    _populated(path)
    secret = "Sup3r-S3cret-pw"
    parts = urlsplit(database_url)
    host = parts.netloc.rpartition("@")[2]
    with_password = urlunsplit(parts._replace(netloc=f"postgres:{secret}@{host}"))
    monkeypatch.setenv("DATABASE_URL", with_password)  # from the environment, as deployed
    assert main(["--from", str(path)]) == 0  # the test server trusts local connections
    refused = f"postgresql://movierec:{secret}@127.0.0.1:9/nothing?connect_timeout=1"
    assert main(["--from", str(path), "--to", refused, "--timeout", "2"]) == 1
    out = capsys.readouterr()
    assert "migration failed" in out.err
    assert secret not in out.out + out.err


def test_refuses_anything_but_a_postgres_url(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["--from", str(tmp_path / "x"), "--to", "sqlite:///x"])


def test_movierec_bot_migrate_is_the_command_people_run(
    tmp_path: Path, database_url: str, shipped: Path
) -> None:
    """`movierec-bot migrate --to URL` from the installed wheel, reading $MOVIEREC_HOME's file."""
    import os
    import subprocess

    _populated(tmp_path / "bot.sqlite3")
    result = subprocess.run(
        [str(shipped / "movierec-bot"), "migrate", "--to", database_url],
        env={**os.environ, "MOVIEREC_HOME": str(tmp_path)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "ratings" in result.stdout and _pg_rows(database_url, "ratings")
