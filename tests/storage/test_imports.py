"""Imported histories in the store, on both engines: a pending import is nothing yet; applying
is one transaction that happens once; Undo days later takes back exactly what the import set and
restores what it replaced, leaving what the person changed since."""

from __future__ import annotations

import asyncio

from bot.storage import ChatStore, ImportItem, ImportStatus
from tests.storage.test_contract import engine, store  # noqa: F401 - the fixtures
from tests.support.storage import ANN, BEN

ITEMS = [
    ImportItem(2571, "r", 1.0, 9, "2024-01-01", "Matrix, The (1999)"),
    ImportItem(1721, "r", -1.0, 3, None, "Titanic (1997)"),
    ImportItem(6, "h"),
    ImportItem(1214, "s"),
    ImportItem(260, "r", 1.0, 10, None, "Star Wars (1977)"),
]


async def test_pending_then_applied_once_then_undone(store: ChatStore) -> None:  # noqa: F811
    await store.rate(ANN, ANN, 260, -1.0, "Star Wars (1977)")  # overwritten, then restored
    await store.hide(ANN, ANN, 1214)  # hidden already: not put on the watchlist
    started = await store.start_import(ANN, ANN, "d1", '{"total": 5}', "[pending]")
    assert started.status is ImportStatus.PENDING
    assert await store.ratings(ANN, ANN) == {260: -1.0}  # nothing applied yet
    same = await store.start_import(ANN, ANN, "d1", "{}", "[]")  # the same file again
    assert same.import_id == started.import_id
    assert await store.update_pending(started.import_id, "[decided]")
    got = await store.get_import(started.import_id)
    assert got is not None and got.pending == "[decided]" and got.counts == '{"total": 5}'

    applied = await asyncio.gather(
        store.apply_import(started.import_id, ITEMS), store.apply_import(started.import_id, ITEMS)
    )
    done = [a for a in applied if a is not None]
    assert len(done) == 1  # two presses (two replicas): one import
    assert done[0].rated == 2 and done[0].replaced == 1 and done[0].seen == 1
    assert done[0].saved == 0 and done[0].unchanged == 1
    assert await store.ratings(ANN, ANN) == {260: 1.0, 2571: 1.0, 1721: -1.0}
    assert await store.hidden(ANN, ANN) == {6, 1214}
    info = await store.get_import(started.import_id)
    assert info is not None and info.status is ImportStatus.APPLIED and info.pending is None
    assert [i.import_id for i in await store.applied_imports(ANN, ANN)] == [started.import_id]
    facts = await store.imported_facts(ANN, ANN)
    assert facts[2571] == ("r", 1.0, 9, "2024-01-01") and facts[6][0] == "h"

    await store.rate(ANN, ANN, 1721, 1.0, None)  # Ann changed her mind since: hers
    assert await store.undo_import(started.import_id, BEN) is None  # not Ben's
    assert await store.undo_import(started.import_id, ANN) == 3
    assert await store.undo_import(started.import_id, ANN) is None  # once
    assert await store.ratings(ANN, ANN) == {260: -1.0, 1721: 1.0}
    assert await store.hidden(ANN, ANN) == {1214}
    assert await store.imported_facts(ANN, ANN) == {}
    again = await store.start_import(ANN, ANN, "d1", "{}", "[]")  # undone: may come again
    assert again.import_id != started.import_id


async def test_a_new_upload_replaces_a_pending_one_and_cancel_is_once(
    store: ChatStore,  # noqa: F811
) -> None:
    first = await store.start_import(ANN, ANN, "a", "{}", "[]")
    second = await store.start_import(ANN, ANN, "b", "{}", "[]")
    assert (await store.get_import(first.import_id)).status is ImportStatus.CANCELLED  # type: ignore[union-attr]
    assert await store.apply_import(first.import_id, ITEMS) is None
    assert await store.cancel_import(second.import_id)
    assert not await store.cancel_import(second.import_id)
    assert await store.apply_import(second.import_id, ITEMS) is None
    assert await store.ratings(ANN, ANN) == {}


async def test_watchlist_rows_and_seen_films(store: ChatStore) -> None:  # noqa: F811
    await store.save_for_later(ANN, ANN, 6)  # seen now: off the watchlist, back after Undo
    started = await store.start_import(ANN, ANN, "w", "{}", "[]")
    result = await store.apply_import(
        started.import_id, [ImportItem(6, "h"), ImportItem(1214, "s"), ImportItem(32, "s")]
    )
    assert result is not None and result.saved == 2 and result.seen == 1
    assert sorted(await store.watchlist(ANN, ANN)) == [32, 1214]
    assert await store.undo_import(started.import_id, ANN) == 3
    assert await store.watchlist(ANN, ANN) == [6] and await store.hidden(ANN, ANN) == set()


async def test_a_summary_nobody_confirmed_is_forgotten(store: ChatStore) -> None:  # noqa: F811
    old = await store.start_import(ANN, ANN, "old", "{}", '["Some Title"]')
    with store.engine.begin() as db:
        db.exec_driver_sql(f"UPDATE imports SET created_at = created_at - {3 * 86_400}")
    await store.start_import(BEN, BEN, "ben", "{}", "[]")  # anybody's upload sweeps
    gone = await store.get_import(old.import_id)
    assert gone is not None and gone.status is ImportStatus.CANCELLED and gone.pending is None
    again = await store.start_import(ANN, ANN, "old", "{}", "[]")
    assert again.import_id != old.import_id and again.status is ImportStatus.PENDING
