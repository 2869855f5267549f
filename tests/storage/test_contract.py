"""The storage contract: every behaviour of the chat state, run against both engines.

Each test takes `engine` (SQLite in a temporary file, or a fresh database on the session's real
PostgreSQL server: see tests/support/postgres.py) and talks to the store only through the async
`ChatStore` interface, except where it must look underneath (which rows are left after a deletion,
which bytes are left in the files). Concurrency tests open a second store on the same database:
a second SQLite connection, or a second PostgreSQL pool, as a second replica would.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.storage import (
    LIST_DAYS,
    SCHEMA_VERSION,
    ChatStore,
    Claim,
    ImportItem,
    Job,
    ListRow,
    Plan,
    PollInfo,
    SwipeDeck,
    Taste,
    open_storage,
)
from bot.storage.migrations import PERSON_COLUMNS, STEPS
from bot.storage.schema import TABLES
from bot.throttle import Throttle
from tests.support.storage import (
    ANN,
    ANN_NAME,
    BEN,
    FIRST_RELEASE_ROWS,
    GROUP,
    chat_status,
    first_release_file,
)


@dataclass
class Engine:
    """One engine under test: how to open stores on one database and look underneath them."""

    name: str
    opener: Callable[[], Awaitable[ChatStore]]
    path: Path | None = None  # SQLite's file
    url: str | None = None  # PostgreSQL's database
    opened: list[ChatStore] = field(default_factory=list)

    async def open(self) -> ChatStore:
        """Another store on the same database (another connection or pool: a second replica)."""
        store = await self.opener()
        self.opened.append(store)
        return store

    async def rows(self, store: ChatStore, sql: str) -> list[tuple[Any, ...]]:
        """Raw SQL underneath the interface, committed (literal values only: no placeholders)."""
        with store.engine.begin() as db:
            result = db.exec_driver_sql(sql)
            return [tuple(row) for row in result.all()] if result.returns_rows else []

    async def tables(self, store: ChatStore) -> dict[str, list[str]]:
        """Every table in the database with its columns, from the engine's own catalogue."""
        if not store.shared:
            names = await self.rows(
                store, "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
            )
            return {
                n: [c[1] for c in await self.rows(store, f"PRAGMA table_info({n})")]
                for (n,) in names
            }
        columns = await self.rows(
            store,
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema='public' ORDER BY table_name, ordinal_position",
        )
        found: dict[str, list[str]] = {}
        for table, column in columns:
            found.setdefault(table, []).append(column)
        return found


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.process)])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Engine]:
    if request.param == "sqlite":
        path = tmp_path / "bot.sqlite3"
        eng = Engine("sqlite", lambda: open_storage(None, path), path=path)
    else:
        url = request.getfixturevalue("database_url")
        eng = Engine("postgres", lambda: open_storage(url, tmp_path / "unused"), url=url)
    yield eng
    for store in eng.opened:
        await store.close()


@pytest.fixture
async def store(engine: Engine) -> ChatStore:
    return await engine.open()


# ------------------------------------------------------------------ the interface itself
async def test_opens_at_the_latest_schema_and_says_whether_it_is_shared(
    engine: Engine, store: ChatStore
) -> None:
    assert isinstance(store, ChatStore)
    assert await store.version() == SCHEMA_VERSION
    assert store.shared is (engine.name == "postgres")
    assert set(await engine.tables(store)) - {"schema_version"} == set(TABLES)
    again = await engine.open()  # opening a current database again changes nothing
    assert await again.version() == SCHEMA_VERSION


def test_every_method_of_the_store_is_async() -> None:
    methods = {n for n in dir(ChatStore) if not n.startswith("_")} - {"shared"}
    assert {"rate", "taste", "tastes", "claim_update", "migrate_chat", "open_press"} <= methods
    assert [n for n in methods if not asyncio.iscoroutinefunction(getattr(ChatStore, n))] == []


async def test_calls_run_in_the_stores_own_threads_and_closing_twice_is_harmless(
    engine: Engine,
) -> None:
    from sqlalchemy import event

    store = await engine.open()
    threads: list[str] = []
    event.listen(
        store.engine,
        "before_cursor_execute",
        lambda *_: threads.append(threading.current_thread().name),
    )
    await store.rate(GROUP, ANN, 1, 1.0)
    assert await store.ratings(GROUP, ANN) == {1: 1.0}
    assert threads and all(name.startswith("chatstore") for name in threads)  # not the loop's
    await store.close()
    await store.close()


# ------------------------------------------------------------------ ratings
async def test_rate_records_the_value_and_title_and_returns_the_previous_one(
    store: ChatStore,
) -> None:
    assert await store.rate(GROUP, ANN, 2571, 1.0, "Matrix, The (1999)") is None
    assert await store.rate(GROUP, ANN, 2571, -1.0) == 1.0  # a title-less rating keeps the title
    assert await store.rate(GROUP, ANN, 1, 1.0) is None
    assert await store.ratings(GROUP, ANN) == {2571: -1.0, 1: 1.0}
    assert await store.rated_titles(GROUP, ANN) == {2571: "Matrix, The (1999)", 1: None}
    assert await store.ratings(GROUP, BEN) == {} and await store.ratings(ANN, ANN) == {}


async def test_ratings_come_oldest_first(store: ChatStore) -> None:
    for movie in (30, 10, 20):
        await store.rate(ANN, ANN, movie, 1.0)
        await asyncio.sleep(0.002)
    assert list(await store.ratings(ANN, ANN)) == [30, 10, 20]
    await store.rate(ANN, ANN, 30, -1.0)  # re-rating makes it the newest
    assert list(await store.ratings(ANN, ANN)) == [10, 20, 30]


async def test_unrate_reports_whether_there_was_a_rating(store: ChatStore) -> None:
    await store.rate(GROUP, ANN, 5, 1.0)
    assert await store.unrate(GROUP, ANN, 5) is True
    assert await store.unrate(GROUP, ANN, 5) is False
    assert await store.ratings(GROUP, ANN) == {}


async def test_chat_ratings_hold_every_member_separately(store: ChatStore) -> None:
    await store.rate(GROUP, ANN, 1, 1.0)
    await store.rate(GROUP, BEN, 1, -1.0)
    await store.rate(GROUP, BEN, 2, 1.0)
    await store.rate(ANN, ANN, 3, 1.0)  # a private chat is another chat
    assert await store.chat_ratings(GROUP) == {ANN: {1: 1.0}, BEN: {1: -1.0, 2: 1.0}}
    assert await store.chat_ratings(-5) == {}


async def test_stored_titles_and_remapping_to_a_new_catalogue(store: ChatStore) -> None:
    await store.rate(GROUP, ANN, 9_001, 1.0, "Heat (1995)")
    await store.rate(GROUP, BEN, 9_001, -1.0, None)
    await store.rate(GROUP, BEN, 6, 1.0, "Heat (1995)")  # Ben already rated the new id
    await store.rate(GROUP, ANN, 9_002, 1.0, None)
    await store.hide(GROUP, ANN, 9_002)  # (rating un-hides, so hide after)
    await store.hide(GROUP, BEN, 9_002)
    await store.hide(GROUP, BEN, 7)
    titles = await store.stored_titles(iter([6, 7]))  # a generator, as the bot passes one
    assert titles == {9_001: "Heat (1995)", 9_002: None}
    moved = await store.remap_movies({9_001: 6, 9_002: 7})
    assert moved == 2  # Ann's two; Ben's old 9_001 gave way to his newer rating of 6
    assert await store.ratings(GROUP, ANN) == {6: 1.0, 7: 1.0}
    assert await store.ratings(GROUP, BEN) == {6: 1.0}
    assert await store.hidden(GROUP, ANN) == {7} and await store.hidden(GROUP, BEN) == {7}
    assert await store.stored_titles([6, 7]) == {}
    assert await store.remap_movies({9_001: 6}) == 0  # twice (a second replica): nothing left


async def test_reset_forgets_one_chat_only(store: ChatStore) -> None:
    await store.rate(GROUP, ANN, 1, 1.0)
    await store.rate(GROUP, ANN, 2, 1.0)
    await store.hide(GROUP, ANN, 3)
    await store.rate(ANN, ANN, 1, 1.0)
    await store.rate(GROUP, BEN, 1, 1.0)
    assert await store.reset(GROUP, ANN) == 2
    assert await store.ratings(GROUP, ANN) == {} and await store.hidden(GROUP, ANN) == set()
    assert await store.ratings(ANN, ANN) == {1: 1.0} and await store.ratings(GROUP, BEN)
    assert await store.reset(GROUP, ANN) == 0


# ------------------------------------------------------------------ hidden films
async def test_hide_unhide_and_who_hid_what(store: ChatStore) -> None:
    await store.hide(GROUP, ANN, 1)
    await store.hide(GROUP, ANN, 1)  # twice is once
    await store.hide(GROUP, BEN, 2)
    assert await store.hidden(GROUP, ANN) == {1}
    assert await store.hidden(GROUP) == {1, 2}
    await store.rate(GROUP, BEN, 2, 1.0)  # rating a hidden film un-hides it
    assert await store.hidden(GROUP) == {1}
    assert await store.unhide(GROUP, ANN, 1) is True
    assert await store.unhide(GROUP, ANN, 1) is False
    assert await store.hidden(GROUP) == set()


# ------------------------------------------------------------------ messages with buttons
async def test_lists_are_saved_replaced_shown_and_pruned(store: ChatStore) -> None:
    info = ListRow(ANN, "picks", 5, (3, 1, 2), 0.0, None)
    await store.save_list(GROUP, 10, info)
    assert await store.get_list(GROUP, 10) == info
    assert await store.get_list(GROUP, 11) is None
    question = ListRow(None, "ask", 0, (7, 8), -1.0, "kb1")
    await store.save_list(GROUP, 10, question)  # the same message again: replaced
    assert await store.get_list(GROUP, 10) == question
    await store.set_shown(GROUP, 10, "kb2")
    assert (await store.get_list(GROUP, 10)) == ListRow(None, "ask", 0, (7, 8), -1.0, "kb2")
    await store.set_shown(GROUP, 99, "kb")  # no such message: nothing happens
    assert await store.prune_lists() == 0  # younger than LIST_DAYS
    assert await store.prune_lists(days=-1) == 1  # everything is older than tomorrow
    assert await store.get_list(GROUP, 10) is None


async def test_lists_older_than_their_lifetime_read_as_stale(
    engine: Engine, store: ChatStore
) -> None:
    await store.save_list(GROUP, 1, ListRow(ANN, "picks", 0, (1,)))
    old = time.time() - (LIST_DAYS + 1) * 86400
    await engine.rows(store, f"UPDATE lists SET created_at={old}")
    assert await store.get_list(GROUP, 1) is None
    assert await store.prune_lists() == 1


async def test_sources_are_taken_once(store: ChatStore) -> None:
    await store.save_source(GROUP, 50, ANN, {1: 1.0, 2: -1.0})
    await store.save_source(GROUP, 50, BEN, {1: -1.0})
    await store.save_source(GROUP, 50, ANN, {})  # nothing recorded: nothing to save
    assert await store.take_source(GROUP, 50, ANN) == {1: 1.0, 2: -1.0}
    assert await store.take_source(GROUP, 50, ANN) == {}
    assert await store.take_source(GROUP, 50, BEN) == {1: -1.0}


# ------------------------------------------------------------------ people and chats
async def test_member_names_and_chat_status(store: ChatStore) -> None:
    await store.remember_member(GROUP, ANN, "Ann")
    await store.remember_member(GROUP, ANN, "Ann B." + "x" * 100)  # renamed; capped at 64
    await store.remember_member(GROUP, BEN, "Ben")
    names = await store.member_names(GROUP)
    assert names == {ANN: ("Ann B." + "x" * 100)[:64], BEN: "Ben"}
    assert await store.member_names(-5) == {}
    assert await chat_status(store, GROUP) is None
    await store.set_chat_status(GROUP, "removed")
    await store.set_chat_status(GROUP, "member")
    assert await chat_status(store, GROUP) == "member"


async def test_watchlist_newest_first_and_language(store: ChatStore) -> None:
    assert await store.save_for_later(ANN, ANN, 1) is True
    await asyncio.sleep(0.002)
    assert await store.save_for_later(ANN, ANN, 2) is True
    assert await store.save_for_later(ANN, ANN, 1) is False  # already there
    assert await store.watchlist(ANN, ANN) == [2, 1]
    assert await store.unsave(ANN, ANN, 2) is True and await store.unsave(ANN, ANN, 2) is False
    assert await store.watchlist(ANN, ANN) == [1] and await store.watchlist(GROUP, ANN) == []
    assert await store.language(ANN) is None
    await store.set_language(ANN, "de")
    await store.set_language(ANN, "es")
    assert await store.language(ANN) == "es"
    await store.set_language(ANN, None)
    assert await store.language(ANN) is None
    assert await store.country(ANN) is None
    await store.set_language(ANN, "ru")
    await store.set_country(ANN, "DE")  # a country leaves the language as it is, and back
    assert (await store.country(ANN), await store.language(ANN)) == ("DE", "ru")
    await store.set_language(ANN, "es")
    assert (await store.country(ANN), await store.language(ANN)) == ("DE", "es")
    await store.set_country(ANN, None)
    assert await store.country(ANN) is None


# ------------------------------------------------------------------ movie nights
async def test_nights_rosters_in_join_order(store: ChatStore) -> None:
    await store.start_night(GROUP, 70, "comedy 90s")
    assert await store.night_query(GROUP, 70) == "comedy 90s"
    assert await store.night_query(GROUP, 71) is None
    assert await store.join_night(GROUP, 70, BEN, True) is True
    await asyncio.sleep(0.002)
    assert await store.join_night(GROUP, 70, ANN, True) is True
    assert await store.join_night(GROUP, 70, ANN, True) is False  # already in
    assert await store.night_members(GROUP, 70) == [BEN, ANN]
    assert await store.join_night(GROUP, 70, BEN, False) is True
    assert await store.join_night(GROUP, 70, BEN, False) is False
    assert await store.night_members(GROUP, 70) == [ANN]
    await store.start_night(GROUP, 70)  # started again: the words change, the roster stays
    assert await store.night_query(GROUP, 70) == "" and await store.night_members(GROUP, 70)


async def test_polls_votes_and_closing(store: ChatStore) -> None:
    poll = PollInfo("p1", GROUP, 80, 70, (5, 6, 7), (2.5, 1.0, 0.5), False)
    await store.save_poll(poll)
    assert await store.poll("p1") == poll
    assert await store.poll("nope") is None
    assert await store.poll_of_message(GROUP, 80) == poll
    assert await store.poll_of_message(GROUP, 81) is None
    await store.vote("p1", ANN, 0)
    await store.vote("p1", BEN, 2)
    await store.vote("p1", ANN, 1)  # changed her mind
    assert await store.votes("p1") == {ANN: 1, BEN: 2}
    await store.vote("p1", BEN, None)  # retracted
    assert await store.votes("p1") == {ANN: 1}
    assert await store.close_poll("p1") is True
    assert await store.close_poll("p1") is False
    assert (await store.poll("p1")) == PollInfo(
        "p1", GROUP, 80, 70, (5, 6, 7), (2.5, 1.0, 0.5), True
    )
    assert await store.close_poll("nope") is False


async def test_history_newest_first_once_per_film(store: ChatStore) -> None:
    before = time.time()
    await store.add_history(GROUP, 5)
    await asyncio.sleep(0.002)
    await store.add_history(GROUP, 6)
    await store.add_history(GROUP, 5)  # chosen again: the first time stays
    history = await store.history(GROUP)
    assert [movie for movie, _ in history] == [6, 5]
    # a 64-bit float on both engines: a Unix time to well under a second
    assert all(before - 0.01 <= when <= time.time() + 0.01 for _, when in history)
    assert await store.history(-5) == []


async def test_swipes_stay_private_and_a_match_is_announced_once(store: ChatStore) -> None:
    deck = SwipeDeck(GROUP, 12, ANN, (5, 6, 7), 1, 0, {5: {ANN: 1}})
    assert await store.start_deck(deck) and not await store.start_deck(deck)  # once a night
    assert await store.deck(GROUP, 12) == deck and await store.deck(GROUP, 13) is None
    await store.swipe(GROUP, 12, ANN, 5, "like")
    await store.swipe(GROUP, 12, BEN, 5, "dislike")
    await store.swipe(GROUP, 12, BEN, 5, "like")  # changed their mind: replaced
    await store.swipe(GROUP, 12, BEN, 6, "seen")
    assert await store.own_swipes(GROUP, 12, BEN) == {5: "like", 6: "seen"}
    assert (
        await store.likers(GROUP, 12, 5) == {ANN, BEN} and await store.likers(GROUP, 12, 6) == set()
    )
    with pytest.raises(ValueError):
        await store.swipe(GROUP, 12, ANN, 6, "maybe")
    assert await store.claim_announcement(GROUP, 12) == 0  # no match yet
    assert await store.add_match(GROUP, 12, 5) and not await store.add_match(GROUP, 12, 5)
    claims = await asyncio.gather(*(store.claim_announcement(GROUP, 12) for _ in range(4)))
    assert sorted(claims) == [0, 0, 0, 1]  # presses at once: announced once
    await store.want_matches(GROUP, 12, 3)
    await store.add_match(GROUP, 12, 7)
    assert await store.claim_announcement(GROUP, 12) == 0  # waits for a third
    assert await store.matches(GROUP, 12) == [5, 7]


async def test_an_added_poll_option_comes_after_the_picks(store: ChatStore) -> None:
    await store.save_poll(PollInfo("p1", GROUP, 13, 12, (1, 2), (0.0, -1.0), False))
    assert await store.add_poll_option("p1", 3) == 2
    assert await store.add_poll_option("p1", -1) == 3
    poll = await store.poll("p1")
    assert poll is not None and poll.movie_ids == (1, 2, 3, -1)
    assert poll.scores[2] < poll.scores[1] and poll.scores[3] < poll.scores[2]
    await store.close_poll("p1")
    assert await store.add_poll_option("p1", 4) is None
    assert await store.add_poll_option("nope", 4) is None


async def test_recent_fits_oldest_first_per_winner(store: ChatStore) -> None:
    for movie, at in ((5, 100.0), (6, 200.0), (7, 300.0)):
        await store.add_history(GROUP, movie, at)
    await store.add_fits(GROUP, 6, {ANN: 0.9, BEN: 0.1})
    await store.add_fits(GROUP, 7, {ANN: 0.2, BEN: 0.8})
    await store.add_fits(GROUP, 7, {BEN: 0.7})  # again: replaced
    assert await store.recent_fits(GROUP, 2) == [{ANN: 0.9, BEN: 0.1}, {ANN: 0.2, BEN: 0.7}]
    assert await store.recent_fits(GROUP, 5) == [{}, {ANN: 0.9, BEN: 0.1}, {ANN: 0.2, BEN: 0.7}]
    assert await store.recent_fits(-5, 5) == []


# ------------------------------------------------------------------ the flood limit
async def test_token_bucket_matches_the_in_process_throttle(store: ChatStore) -> None:
    throttle = Throttle(burst=3, rate=0.5)
    start = 1_000_000.0
    times = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 2.5, 2.6, 2.7, 20, 20.1, 20.2, 20.3, 20.4, 60]
    for offset in times:
        now = start + offset
        assert await store.take_token(ANN, now, 3, 0.5) == throttle.check(ANN, now), offset
    # another person's bucket is their own
    assert await store.take_token(BEN, start + 60, 3, 0.5) == (True, False)


async def test_token_bucket_is_shared_by_replicas(engine: Engine, store: ChatStore) -> None:
    other = await engine.open()
    now = time.time()
    results = await asyncio.gather(
        *(s.take_token(ANN, now, 5, 0.0001) for _ in range(10) for s in (store, other))
    )
    assert sum(allowed for allowed, _ in results) == 5  # no token spent twice
    assert sum(warn for _, warn in results) == 1  # one warning for the flood


async def test_forget_idle_buckets(store: ChatStore) -> None:
    await store.take_token(ANN, 100.0, 3, 1)
    await store.take_token(BEN, 200.0, 3, 1)
    assert await store.forget_idle_buckets(150.0) == 1
    assert await store.forget_idle_buckets(150.0) == 0
    assert await store.take_token(ANN, 101.0, 1, 1) == (True, False)  # a fresh, full bucket


# ------------------------------------------------------------------ durability and races
async def test_every_write_is_visible_to_another_connection_on_return(
    engine: Engine, store: ChatStore
) -> None:
    reader = await engine.open()
    await store.rate(GROUP, ANN, 1, 1.0, "T")
    assert await reader.ratings(GROUP, ANN) == {1: 1.0}
    await store.hide(GROUP, ANN, 2)
    assert await reader.hidden(GROUP, ANN) == {2}
    await store.save_list(GROUP, 3, ListRow(ANN, "k", 0, (1,)))
    assert await reader.get_list(GROUP, 3) is not None
    await store.save_source(GROUP, 3, ANN, {1: 1.0})
    assert await reader.take_source(GROUP, 3, ANN) == {1: 1.0}
    await store.remember_member(GROUP, ANN, "Ann")
    assert await reader.member_names(GROUP) == {ANN: "Ann"}
    await store.set_chat_status(GROUP, "member")
    assert await chat_status(reader, GROUP) == "member"
    await store.save_for_later(GROUP, ANN, 4)
    assert await reader.watchlist(GROUP, ANN) == [4]
    await store.set_language(ANN, "ru")
    assert await reader.language(ANN) == "ru"
    await store.start_night(GROUP, 5, "q")
    await store.join_night(GROUP, 5, ANN, True)
    assert await reader.night_members(GROUP, 5) == [ANN]
    await store.save_poll(PollInfo("p", GROUP, 6, 5, (1,), (1.0,), False))
    await store.vote("p", ANN, 0)
    assert await reader.votes("p") == {ANN: 0}
    await store.add_history(GROUP, 1)
    assert [m for m, _ in await reader.history(GROUP)] == [1]
    assert await store.unrate(GROUP, ANN, 1)
    assert await reader.ratings(GROUP, ANN) == {}


async def test_concurrent_presses_from_two_replicas_give_one_rating(
    engine: Engine, store: ChatStore
) -> None:
    other = await engine.open()
    for movie in range(1, 21):
        await store.hide(GROUP, ANN, movie)
        await asyncio.gather(
            store.rate(GROUP, ANN, movie, 1.0, "A"),
            other.rate(GROUP, ANN, movie, -1.0, "A"),
            store.rate(GROUP, ANN, movie, 1.0, None),
            other.rate(GROUP, ANN, movie, 1.0, "A"),
        )
    ratings = await store.ratings(GROUP, ANN)
    assert sorted(ratings) == list(range(1, 21))
    assert set(ratings.values()) <= {1.0, -1.0}
    rows = await engine.rows(store, f"SELECT count(*) FROM ratings WHERE user_id={ANN}")
    assert rows[0][0] == 20 and await store.hidden(GROUP, ANN) == set()


async def test_a_poll_closes_for_exactly_one_of_two_replicas(
    engine: Engine, store: ChatStore
) -> None:
    other = await engine.open()
    for n in range(15):
        await store.save_poll(PollInfo(f"c{n}", GROUP, n, n, (1, 2), (1.0, 0.5), False))
        first, second = await asyncio.gather(store.close_poll(f"c{n}"), other.close_poll(f"c{n}"))
        assert [first, second].count(True) == 1, n


async def test_data_survive_closing_and_reopening(engine: Engine, store: ChatStore) -> None:
    await store.rate(GROUP, ANN, 1, 1.0, "T")
    await store.close()
    engine.opened.remove(store)
    again = await engine.open()
    assert await again.ratings(GROUP, ANN) == {1: 1.0}


# ------------------------------------------------------------------ deleting a person
async def _everything_about(store: ChatStore, person: int, other: int) -> None:
    """A row about `person` in every table, in a group and in their private chat, and some of
    `other`'s in the same group."""
    for chat in (GROUP, person):
        await store.rate(chat, person, 1, 1.0, "Title")
        await store.hide(chat, person, 2)
        await store.save_list(chat, 10, ListRow(person, "picks", 0, (1, 2)))
        await store.save_source(chat, 11, person, {1: 1.0})
        await store.save_for_later(chat, person, 3)
        await store.start_night(chat, 12, "q")
        await store.join_night(chat, 12, person, True)
        await store.save_poll(PollInfo(f"poll{chat}", chat, 13, 12, (1, 2), (1.0, 0.0), False))
        await store.vote(f"poll{chat}", person, 0)
        await store.add_history(chat, 1)
        await store.plan_night(Plan(chat, 12, person, 1000.0, "Europe/Berlin"))
        await store.set_zone(chat, "Europe/Berlin")
        await store.schedule("close", chat, 12, 1000.0)
        await store.start_deck(SwipeDeck(chat, 12, person, (1, 2), 1, 0, {1: {person: 3}}))
        await store.swipe(chat, 12, person, 1, "like")
        await store.add_match(chat, 12, 1)
        await store.set_chat_language(chat, "de", chosen=True)
        await store.add_fits(chat, 1, {person: 0.5})
    await store.remember_member(GROUP, person, ANN_NAME)
    await store.remember_member(person, person, ANN_NAME)
    await store.set_chat_status(person, "member")
    await store.set_language(person, "de")
    await store.take_token(person, time.time(), 30, 1.5)
    started = await store.start_import(person, person, "digest", "{}", "[]")
    await store.apply_import(started.import_id, [ImportItem(3, "r", 1.0, 9, None)])
    await store.rate(GROUP, other, 1, 1.0, "Title")
    await store.remember_member(GROUP, other, "Ben")
    await store.save_list(GROUP, 20, ListRow(other, "picks", 0, (1,)))
    await store.vote(f"poll{GROUP}", other, 1)


async def _rows_about(engine: Engine, store: ChatStore, person: int) -> dict[str, int]:
    """Rows naming `person` in any id column of any table, found from the engine's catalogue
    (not from the list `delete_user` works from)."""
    found = {}
    for table, columns in (await engine.tables(store)).items():
        ids = [c for c in columns if c in ("chat_id", "user_id", "owner_id")]
        if ids:
            where = " OR ".join(f"{c}={person}" for c in ids)
            rows = await engine.rows(store, f"SELECT count(*) FROM {table} WHERE {where}")
            found[table] = rows[0][0]
    return found


async def test_delete_user_leaves_no_row_about_the_person(engine: Engine, store: ChatStore) -> None:
    await _everything_about(store, ANN, BEN)
    before = await _rows_about(engine, store, ANN)
    # every table that names people has something about Ann (or the test proves nothing)
    assert all(before.values()) and set(before) == set(PERSON_COLUMNS), before
    deleted = await store.delete_user(ANN)
    assert deleted == sum(before.values())
    after = await _rows_about(engine, store, ANN)
    assert after == dict.fromkeys(before, 0), after
    # Ben's rows in the group are untouched
    assert await store.ratings(GROUP, BEN) == {1: 1.0}
    assert await store.member_names(GROUP) == {BEN: "Ben"}
    assert await store.get_list(GROUP, 20) is not None
    assert await store.votes(f"poll{GROUP}") == {BEN: 1}
    assert await store.delete_user(ANN) == 0


async def test_on_sqlite_a_deleted_name_is_in_no_file(engine: Engine, store: ChatStore) -> None:
    await _everything_about(store, ANN, BEN)
    if engine.path is None:  # PostgreSQL: rows are checked above; files are the server's
        assert store.shared
        return
    db = sqlite3.connect(engine.path)  # everything so far into the main file
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    files = [engine.path.with_name(engine.path.name + s) for s in ("", "-wal", "-shm")]
    name = ANN_NAME.encode()
    await store.remember_member(GROUP, ANN, ANN_NAME)  # in the WAL as well as the main file
    assert any(name in f.read_bytes() for f in files if f.exists())
    await store.delete_user(ANN)
    for path in files:
        if path.exists():
            assert name not in path.read_bytes(), path.name
    assert engine.path.with_name(engine.path.name + "-wal").stat().st_size == 0


# ------------------------------------------------------------------ schema and migrations


async def _check_first_release_rows(store: ChatStore) -> None:
    assert await store.version() == SCHEMA_VERSION
    assert await store.chat_ratings(-100123) == {ANN: {2571: 1.0}, BEN: {1: -1.0}}
    assert await store.ratings(ANN, ANN) == {260: 1.0}
    assert await store.rated_titles(-100123, ANN) == {2571: None}
    assert await store.hidden(-100123) == {296}
    assert await store.member_names(-100123) == {ANN: "Ann", BEN: "Ben"}
    assert await chat_status(store, -100123) == "member"
    await store.rate(-100123, ANN, 2571, -1.0, "Matrix, The (1999)")  # the new columns work
    assert await store.rated_titles(-100123, ANN) == {2571: "Matrix, The (1999)"}
    await store.save_for_later(ANN, ANN, 1)
    assert await store.watchlist(ANN, ANN) == [1]


async def test_a_first_release_sqlite_file_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    first_release_file(path)
    store = await open_storage(None, path)
    try:
        await _check_first_release_rows(store)
    finally:
        await store.close()


@pytest.mark.process
async def test_a_first_release_postgres_database_is_upgraded_in_place(
    tmp_path: Path, database_url: str
) -> None:
    """A database left at schema 1 (as a PostgreSQL deployment of that schema would be)."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as db:
        for statement in STEPS[0].statements("postgres"):
            db.execute(statement)
        db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        db.execute("INSERT INTO schema_version VALUES (1)")
        for row in FIRST_RELEASE_ROWS:
            db.execute(row)
    store = await open_storage(database_url, tmp_path)
    try:
        await _check_first_release_rows(store)
    finally:
        await store.close()


@pytest.mark.process
async def test_replicas_starting_together_migrate_once(database_url: str, tmp_path: Path) -> None:
    stores = await asyncio.gather(*(open_storage(database_url, tmp_path) for _ in range(4)))
    try:
        assert [await s.version() for s in stores] == [SCHEMA_VERSION] * 4
    finally:
        for s in stores:
            await s.close()


async def test_two_processes_opening_an_old_sqlite_file_together(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    first_release_file(path)
    stores = await asyncio.gather(*(open_storage(None, path) for _ in range(3)))
    try:
        assert [await s.version() for s in stores] == [SCHEMA_VERSION] * 3
        assert await stores[0].ratings(ANN, ANN) == {260: 1.0}
    finally:
        for s in stores:
            await s.close()


# ------------------------------------------------------------------ claimed updates
async def test_an_update_is_claimed_once_and_a_lapsed_claim_again(store: ChatStore) -> None:
    assert await store.claim_update(501, 1000.0, 60) is Claim.TAKEN
    assert await store.claim_update(501, 1030.0, 60) is Claim.BUSY  # a copy while it is handled
    assert await store.claim_update(502, 1030.0, 60) is Claim.TAKEN
    await store.renew_update(502, 1080.0, 60)  # still being handled
    assert await store.claim_update(502, 1100.0, 60) is Claim.BUSY
    assert await store.claim_update(501, 1061.0, 60) is Claim.TAKEN  # its handler died
    await store.finish_update(501, 1062.0, 86400)
    assert await store.claim_update(501, 1070.0, 60) is Claim.DONE  # a copy once handled
    assert await store.claim_update(501, 1070.0, 60, take_unfinished=True) is Claim.DONE
    assert await store.claim_update(502, 1031.0, 60, take_unfinished=True) is Claim.TAKEN


async def test_concurrent_claims_from_two_replicas_give_exactly_one(
    engine: Engine, store: ChatStore
) -> None:
    other = await engine.open()
    now = time.time()
    for update_id in range(20):
        results = await asyncio.gather(
            *(s.claim_update(update_id, now, 60) for _ in range(3) for s in (store, other))
        )
        assert results.count(Claim.TAKEN) == 1, update_id
        assert results.count(Claim.BUSY) == 5, update_id


async def test_lapsed_claims_are_pruned(engine: Engine, store: ChatStore) -> None:
    for update_id in range(5):
        await store.claim_update(update_id, 1000.0, 10)
    later = await engine.open()  # a store prunes on its first claim
    assert await later.claim_update(99, 2000.0, 10) is Claim.TAKEN
    assert await engine.rows(store, "SELECT update_id FROM updates") == [(99,)]


# ------------------------------------------------------------------ a group that moved
async def test_migrate_chat_moves_everything_once_and_keeps_the_new_ids_rows(
    engine: Engine, store: ChatStore
) -> None:
    new = -1_009_999_999_999
    await _everything_about(store, ANN, BEN)
    await store.set_chat_status(GROUP, "member")
    await store.rate(new, BEN, 1, -1.0, "Title")  # already rated under the new id: stays
    await store.remember_member(new, BEN, "Ben in the supergroup")
    await store.set_chat_status(new, "member")
    # an import in the group (the bot asks for files in private chats; the store moves any row)
    started = await store.start_import(GROUP, ANN, "group-digest", "{}", "[]")
    await store.apply_import(started.import_id, [ImportItem(1, "r", 1.0, 9, None)])
    tables = [t for t, columns in (await engine.tables(store)).items() if "chat_id" in columns]
    before = {
        t: (await engine.rows(store, f"SELECT count(*) FROM {t} WHERE chat_id={GROUP}"))[0][0]
        for t in tables
    }
    assert all(before.values()), before
    moved = await store.migrate_chat(GROUP, new)
    assert moved == sum(before.values()) - 3  # Ben's rating, name and the chat row gave way
    for table in tables:
        rows = await engine.rows(store, f"SELECT count(*) FROM {table} WHERE chat_id={GROUP}")
        assert rows[0][0] == 0, table
    assert await store.chat_ratings(new) == {ANN: {1: 1.0}, BEN: {1: -1.0}}
    assert await store.member_names(new) == {ANN: ANN_NAME, BEN: "Ben in the supergroup"}
    assert await store.hidden(new, ANN) == {2} and await store.watchlist(new, ANN) == [3]
    assert await store.night_members(new, 12) == [ANN] and await store.night_query(new, 12) == "q"
    assert (await store.poll(f"poll{GROUP}")) == PollInfo(
        f"poll{GROUP}", new, 13, 12, (1, 2), (1.0, 0.0), False
    )
    assert await store.votes(f"poll{GROUP}") == {ANN: 0, BEN: 1}
    assert [m for m, _ in await store.history(new)] == [1]
    assert await store.get_list(new, 10) is not None and await store.get_list(GROUP, 10) is None
    assert await store.ratings(ANN, ANN) == {1: 1.0, 3: 1.0}  # the private chat stays (3: imported)
    assert await store.migrate_chat(GROUP, new) == 0  # again: nothing left to move


async def test_migrate_chat_gives_a_clashing_poll_way_with_its_votes(store: ChatStore) -> None:
    new = -1_009_999_999_999
    await store.save_poll(PollInfo("old", GROUP, 1, 12, (1,), (1.0,), False))
    await store.vote("old", ANN, 0)
    await store.save_poll(PollInfo("new", new, 2, 12, (2,), (1.0,), False))
    assert await store.migrate_chat(GROUP, new) == 0
    assert await store.poll("old") is None and await store.votes("old") == {}
    assert (await store.night_poll(new, 12)) == PollInfo("new", new, 2, 12, (2,), (1.0,), False)


# ------------------------------------------------------------------ one vote per movie night
async def test_a_reserved_vote_gets_its_poll_or_is_dropped(store: ChatStore) -> None:
    reserved = PollInfo("pending:1", GROUP, 0, 71, (5, 6), (0.0, -1.0), False)
    assert await store.save_poll(reserved) is True
    await store.attach_poll(GROUP, 71, "sent", 99)
    assert await store.poll("pending:1") is None
    assert await store.night_poll(GROUP, 71) == PollInfo(
        "sent", GROUP, 99, 71, (5, 6), (0.0, -1.0), False
    )
    await store.drop_poll("sent")
    assert await store.night_poll(GROUP, 71) is None
    assert await store.save_poll(reserved) is True  # the night may vote again


async def test_a_night_has_one_poll_open_or_closed(store: ChatStore) -> None:
    first = PollInfo("p1", GROUP, 80, 70, (5, 6), (1.0, 0.0), False)
    assert await store.save_poll(first) is True
    assert await store.night_poll(GROUP, 70) == first
    assert await store.save_poll(PollInfo("p2", GROUP, 81, 70, (7,), (1.0,), False)) is False
    assert await store.poll("p2") is None
    assert await store.close_poll("p1") is True
    assert (await store.night_poll(GROUP, 70)) == PollInfo(
        "p1", GROUP, 80, 70, (5, 6), (1.0, 0.0), True
    )
    assert await store.save_poll(PollInfo("p3", GROUP, 82, 70, (7,), (1.0,), False)) is False
    assert await store.night_poll(GROUP, 71) is None
    assert await store.save_poll(PollInfo("p4", GROUP, 83, 71, (7,), (1.0,), False)) is True


async def test_replicas_starting_one_nights_vote_together_store_one(
    engine: Engine, store: ChatStore
) -> None:
    other = await engine.open()
    for night in range(10):
        results = await asyncio.gather(
            *(
                s.save_poll(PollInfo(f"n{night}-{i}", GROUP, 100 + i, night, (1,), (1.0,), False))
                for i, s in enumerate((store, other, store, other))
            )
        )
        assert results.count(True) == 1, night
        winner = await store.night_poll(GROUP, night)
        assert winner is not None and winner.poll_id == f"n{night}-{results.index(True)}"


# ------------------------------------------------------------------ one call per press or roster
async def test_taste_is_a_persons_ratings_hidden_and_saved_in_one_chat(store: ChatStore) -> None:
    for movie in (30, 10):
        await store.rate(GROUP, ANN, movie, 1.0)
        await asyncio.sleep(0.002)
    await store.rate(GROUP, ANN, 20, -1.0)
    await store.rate(ANN, ANN, 40, 1.0)  # another chat
    await store.rate(GROUP, BEN, 50, 1.0)  # another person
    await store.hide(GROUP, ANN, 60)
    await store.hide(GROUP, BEN, 61)
    await store.save_for_later(GROUP, ANN, 70)
    await store.save_for_later(ANN, ANN, 71)
    taste = await store.taste(GROUP, ANN)
    assert taste == Taste({30: 1.0, 10: 1.0, 20: -1.0}, {60}, {70})
    assert list(taste.ratings) == list(await store.ratings(GROUP, ANN))  # oldest first
    assert taste.hidden == await store.hidden(GROUP, ANN)
    assert taste.saved == set(await store.watchlist(GROUP, ANN))
    assert await store.taste(GROUP, 1) == Taste({}, set(), set())


async def test_tastes_merge_private_ratings_under_the_groups_like_the_roster(
    store: ChatStore,
) -> None:
    await store.rate(ANN, ANN, 1, 1.0)  # private
    await asyncio.sleep(0.002)
    await store.rate(GROUP, ANN, 2, 1.0)
    await asyncio.sleep(0.002)
    await store.rate(ANN, ANN, 3, -1.0)  # private, newer than the group's
    await asyncio.sleep(0.002)
    await store.rate(GROUP, ANN, 1, -1.0)  # the group's rating of 1 wins
    await store.rate(BEN, BEN, 4, 1.0)
    await store.rate(-5, ANN, 9, 1.0)  # a third chat counts for nothing here
    await store.hide(GROUP, ANN, 5)
    await store.hide(ANN, ANN, 6)  # hidden in private: not the group's business
    await store.save_for_later(GROUP, BEN, 7)
    tastes = await store.tastes(GROUP, [ANN, BEN, 1])
    private, here = await store.ratings(ANN, ANN), await store.ratings(GROUP, ANN)
    expected = {**private, **here}  # what bot.movienight.ratings_here builds
    assert tastes[ANN].ratings == expected and list(tastes[ANN].ratings) == list(expected)
    assert list(tastes[ANN].ratings) == [1, 3, 2] and tastes[ANN].ratings[1] == -1.0
    assert tastes[ANN].hidden == {5} and tastes[ANN].saved == set()
    assert tastes[BEN] == Taste({4: 1.0}, set(), {7})
    assert tastes[1] == Taste({}, set(), set())
    assert await store.tastes(GROUP, []) == {}


async def test_open_press_remembers_the_member_and_reads_the_message(store: ChatStore) -> None:
    info = ListRow(ANN, "picks", 0, (1, 2), 0.0, "kb", "f")
    await store.save_list(GROUP, 10, info)
    assert await store.open_press(GROUP, 10, BEN, "Ben") == info
    assert await store.member_names(GROUP) == {BEN: "Ben"}
    assert await store.open_press(GROUP, 11, ANN, "Ann" + "x" * 100) is None
    assert await store.member_names(GROUP) == {BEN: "Ben", ANN: ("Ann" + "x" * 100)[:64]}
    assert await store.open_press(ANN, 10, ANN, None) is None  # no name: nothing remembered
    assert await store.member_names(ANN) == {}


async def test_claims_hold_nothing_about_a_person(store: ChatStore) -> None:
    await store.claim_update(ANN, time.time(), 60)  # even an id equal to a person's
    assert await store.delete_user(ANN) == 0
    assert await store.claim_update(ANN, time.time(), 60) is Claim.BUSY


# ------------------------------------------------------------------ SQLite's settings
async def test_sqlite_connections_are_durable_and_writes_take_the_lock_at_once(
    tmp_path: Path,
) -> None:
    from sqlalchemy import event

    path = tmp_path / "bot.sqlite3"
    store = await open_storage(None, path)
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        words = statement.upper().split()
        seen.append(" ".join(words[:2]) if words[0] == "BEGIN" else words[0])

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        await asyncio.gather(*(store.rate(GROUP, ANN, m, 1.0) for m in range(5)))
        await store.ratings(GROUP, ANN)
        assert seen.count("BEGIN IMMEDIATE") == 5  # every write, before its first statement
        assert "BEGIN" not in seen  # a single read needs no transaction
        # committed and fsynced on return: another connection sees every rating at once
        other = sqlite3.connect(path)
        assert other.execute("SELECT count(*) FROM ratings").fetchone()[0] == 5
        other.close()
        with store.engine.connect() as db:
            settings = [
                db.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "secure_delete", "busy_timeout")
            ]
        assert settings == ["wal", 2, 1, 5000]  # 2: FULL
    finally:
        await store.close()


# ------------------------------------------------------------------ planned nights and jobs
async def test_a_planned_night_is_read_moved_and_cancelled_once(store: ChatStore) -> None:
    plan = Plan(GROUP, 12, ANN, 5000.0, "Europe/Berlin")
    await store.plan_night(plan)
    assert await store.plan(GROUP, 12) == plan and await store.plan(GROUP, 13) is None
    await store.plan_night(Plan(GROUP, 14, BEN, 3000.0, "UTC"))
    assert [p.night_id for p in await store.upcoming_plans(GROUP, 1000.0)] == [14, 12]
    assert [p.night_id for p in await store.upcoming_plans(GROUP, 4000.0)] == [12]
    moved = Plan(GROUP, 12, ANN, 6000.0, "Europe/Berlin")
    await store.plan_night(moved)
    assert await store.plan(GROUP, 12) == moved
    assert await store.cancel_plan(GROUP, 12) and not await store.cancel_plan(GROUP, 12)
    assert (await store.plan(GROUP, 12)) == Plan(GROUP, 12, ANN, 6000.0, "Europe/Berlin", True)
    assert [p.night_id for p in await store.upcoming_plans(GROUP, 0.0)] == [14]


async def test_a_groups_time_zone(store: ChatStore) -> None:
    assert await store.zone(GROUP) is None
    await store.set_zone(GROUP, "Europe/Berlin")
    await store.set_zone(GROUP, "America/Sao_Paulo")
    assert await store.zone(GROUP) == "America/Sao_Paulo" and await store.zone(ANN) is None


async def test_jobs_are_scheduled_once_claimed_when_due_and_finished_once(
    store: ChatStore,
) -> None:
    assert await store.schedule("remind", GROUP, 12, 100.0)
    assert not await store.schedule("remind", GROUP, 12, 150.0)  # one of a kind per night
    assert await store.schedule("close", GROUP, 12, 300.0)
    assert await store.next_due() == 100.0
    assert await store.claim_jobs(now=99.0, real=1.0, lease=30) == []  # not due yet
    (job,) = await store.claim_jobs(now=200.0, real=1.0, lease=30)
    assert job == Job(f"remind:{GROUP}:12", "remind", GROUP, 12, 100.0, 1)
    assert await store.claim_jobs(now=200.0, real=2.0, lease=30) == []  # leased
    (again,) = await store.claim_jobs(now=200.0, real=40.0, lease=30)  # the lease lapsed
    assert again.attempts == 2
    assert await store.finish_job(job.job_id, now=210.0, real=41.0)
    assert not await store.finish_job(job.job_id, now=211.0, real=42.0)
    assert await store.claim_jobs(now=250.0, real=100.0, lease=30) == []  # done: never again
    assert await store.next_due() == 300.0
    jobs = await store.night_jobs(GROUP, 12)
    assert [(j.kind, done is not None, ran) for j, done, ran in jobs] == [
        ("remind", True, 210.0),
        ("close", False, None),
    ]
    (close,) = await store.claim_jobs(now=400.0, real=100.0, lease=30)
    await store.retry_job(close.job_id, real=100.0, after=5)
    assert await store.claim_jobs(now=400.0, real=104.0, lease=30) == []
    assert [j.kind for j in await store.claim_jobs(now=400.0, real=106.0, lease=30)] == ["close"]


async def test_a_cancelled_nights_jobs_never_run(store: ChatStore) -> None:
    for kind, due in (("remind", 10.0), ("open", 20.0), ("close", 30.0)):
        await store.schedule(kind, GROUP, 12, due)
    await store.schedule("close", GROUP, 13, 30.0)
    assert await store.drop_night_jobs(GROUP, 12, real=1.0) == 3
    assert [j.night_id for j in await store.claim_jobs(now=100.0, real=1.0, lease=30)] == [13]
    assert await store.prune_jobs(before=2.0) == 3


async def test_replicas_claiming_together_take_each_job_once(
    engine: Engine, store: ChatStore
) -> None:
    other = await engine.open()
    for night in range(60):
        await store.schedule("close", GROUP, night, float(night))

    async def drain(replica: ChatStore) -> list[str]:
        taken: list[str] = []
        while batch := await replica.claim_jobs(now=1000.0, real=1.0, lease=300, limit=4):
            taken.extend(j.job_id for j in batch)
            for job in batch:
                await replica.finish_job(job.job_id, now=1000.0, real=1.0)
        return taken

    first, second = await asyncio.gather(drain(store), drain(other))
    assert len(first) + len(second) == 60 and len(set(first) | set(second)) == 60
