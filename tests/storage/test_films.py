"""The film facts area (bot/storage/areas/films.py) on both engines: stored, replaced, read in one
call for a list, expired, shared by every replica, and untouched by a person's deletion."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import ChatStore, open_storage
from tests.support.storage import ANN


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.process)])
async def stores(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[ChatStore, ChatStore]]:
    if request.param == "sqlite":
        path = tmp_path / "bot.sqlite3"
        first, second = await open_storage(None, path), await open_storage(None, path)
    else:
        url = request.getfixturevalue("database_url")
        first = await open_storage(url, tmp_path / "unused")
        second = await open_storage(url, tmp_path / "unused")
    yield first, second
    await first.close()
    await second.close()


async def test_facts_are_stored_replaced_and_read_for_a_list(
    stores: tuple[ChatStore, ChatStore],
) -> None:
    store, replica = stores
    assert await store.film_facts([]) == {} and await store.film_facts([2571]) == {}
    await store.save_film_facts(2571, '{"runtime": 136}', fetched_at=1000.0)
    await store.save_film_facts(1, "", fetched_at=1001.0)  # TMDB has no such film
    await store.save_film_facts(2571, '{"runtime": 137}', fetched_at=1002.0)
    found = await replica.film_facts([2571, 1, 260, 2571])
    assert found == {2571: ('{"runtime": 137}', 1002.0), 1: ("", 1001.0)}


async def test_old_facts_expire_and_a_deletion_leaves_them(
    stores: tuple[ChatStore, ChatStore],
) -> None:
    store, _ = stores
    await store.save_film_facts(2571, '{"runtime": 136}', fetched_at=1000.0)
    await store.save_film_facts(260, '{"runtime": 121}', fetched_at=5000.0)
    await store.rate(ANN, ANN, 2571, 1.0)
    await store.delete_user(ANN)  # facts name nobody
    assert set(await store.film_facts([2571, 260])) == {2571, 260}
    assert await store.forget_film_facts(older_than=2000.0) == 1
    assert set(await store.film_facts([2571, 260])) == {260}


async def test_titles_in_other_languages_are_replaced_with_the_facts_and_expire(
    stores: tuple[ChatStore, ChatStore],
) -> None:
    store, replica = stores
    assert await replica.film_titles("ru") == []
    await store.save_film_facts(2571, "{}", 1000.0, titles={"ru": "Матрица", "de": "Matrix"})
    await store.save_film_facts(260, "{}", 5000.0, titles={"ru": "Звёздные войны", "es": ""})
    assert sorted(await replica.film_titles("ru")) == [(260, "Звёздные войны"), (2571, "Матрица")]
    assert await replica.film_titles("es") == []  # an empty title is no title
    await store.save_film_facts(2571, "{}", 1000.0, titles={"ru": "Матрица (1999)"})
    assert await replica.film_titles("de") == []  # replaced with the facts
    await store.save_film_facts(2571, "{}", 1000.0)  # without titles: the stored ones stay
    assert (2571, "Матрица (1999)") in await replica.film_titles("ru")
    assert await store.forget_film_facts(older_than=2000.0) == 1
    assert await replica.film_titles("ru") == [(260, "Звёздные войны")]
