"""The bot under load, through the Telegram stand-in: a burst of inline queries answered before
Telegram stops waiting, big movie nights that end with one winner, and presses at once on one
message that never send an edit Telegram refuses."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Update

from bot.app import build_application
from bot.storage import open_storage
from bot.throttle import Throttle
from movierec.recommender import Recommender
from tests.support import presses
from tests.support.fakegram import FakeTelegram
from tests.support.harness import Harness
from tests.support.reading import pick_ids

ANN = 5001
GROUP = -5500
LIKES = [260, 1214, 6, 608, 1, 2571, 1196, 589]


@pytest.fixture
async def running(recommender: Recommender, tmp_path: Path) -> AsyncIterator[Harness]:
    """The bot as it runs in production: started, taking updates from its queue with its update
    slots (no group rate limit: a 60-member roster would take minutes of edits)."""
    fake = FakeTelegram()
    storage = await open_storage(None, tmp_path / "bot.sqlite3")
    app = build_application(
        fake.token,
        recommender,
        storage,
        request=fake.request(),
        throttle=Throttle(burst=1000),
        group_rate=0,
    )
    await app.initialize()
    await app.start()
    yield Harness(fake, app, storage)
    await app.stop()
    await app.shutdown()
    await storage.close()


async def queue(harness: Harness, update: dict) -> None:
    await harness.app.update_queue.put(Update.de_json(update, harness.app.bot))


async def settle(harness: Harness) -> None:
    """Every queued update handled."""
    await asyncio.wait_for(harness.app.update_queue.join(), 60)


# ------------------------------------------------------------------ movie nights
@pytest.mark.parametrize("size", [35, 60])
async def test_a_big_movie_night_announces_exactly_one_winner(running: Harness, size: int) -> None:
    fake, storage = running.fake, running.storage
    members = [ANN + i for i in range(size)]
    for i, member in enumerate(members):
        await storage.rate(member, member, LIKES[i % len(LIKES)], 1.0, None)
    await queue(running, fake.send(GROUP, ANN, "/movienight", first_name="Ann"))
    await settle(running)
    roster = fake.last(GROUP)
    for member in members:
        await queue(running, fake.press(GROUP, member, roster.message_id, presses.night("i")))
    await settle(running)
    assert f"In ({size}):" in roster.text
    await queue(running, fake.press(GROUP, ANN, roster.message_id, presses.night("p")))
    await settle(running)
    picks = fake.last(GROUP)
    await queue(running, fake.press(GROUP, ANN, picks.message_id, picks.button("Vote")))
    await settle(running)
    (poll_id,) = fake.polls
    for i, member in enumerate(members):
        await queue(running, fake.vote(poll_id, member, [i % 5]))
    await settle(running)
    winners = [m for m in fake.messages(GROUP) if "Tonight:" in m.text]
    assert len(winners) == 1, [m.text[:80] for m in fake.messages(GROUP)[-3:]]
    assert f"of {size} votes" in winners[0].text
    assert fake.polls[poll_id]["is_closed"]
    assert fake.errors == []


# ------------------------------------------------------------------ presses at once
async def test_presses_at_once_on_one_message_send_no_refused_edit(
    running: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    fake = running.fake
    await queue(running, fake.send(ANN, ANN, "/start"))
    await settle(running)
    welcome = fake.last(ANN)
    first = presses.first_question_buttons(welcome)
    with caplog.at_level(logging.ERROR, logger="bot"):
        for _ in range(3):  # every first-question answer, twice each, and Show my picks
            for data in [*first, *first]:
                await queue(running, fake.press(ANN, ANN, welcome.message_id, data, forge=True))
            await settle(running)
            first = presses.first_question_buttons(fake.last(ANN)) or first
            if not any(d in {x for _, x in welcome.buttons()} for d in first):
                break
        # the picks list: a button per film opening its card, where 👍 / 👎 are pressed at once
        if not any("Your picks" in m.text for m in fake.messages(ANN)):
            await queue(running, fake.send(ANN, ANN, "/rec"))  # the questions had not ended
            await settle(running)
        picks = next(m for m in fake.messages(ANN) if pick_ids(m) and "Your picks" in m.text)
        film = pick_ids(picks)[0]
        await queue(running, fake.press(ANN, ANN, picks.message_id, presses.card(film)))
        await settle(running)
        rate = [d for t, d in picks.buttons() if t.startswith(("👍", "👎"))]
        assert rate, picks.buttons()  # the card, opened in place
        for data in [*rate, *rate, *rate]:
            await queue(running, fake.press(ANN, ANN, picks.message_id, data, forge=True))
        await settle(running)
    assert fake.refused_edits == []
    assert not [r for r in caplog.records if r.getMessage() == "unhandled error"]
    assert fake.unanswered_callbacks() == []


# ------------------------------------------------------------------ inline mode
async def test_a_burst_of_inline_queries_is_answered_before_telegram_stops_waiting(
    running: Harness,
) -> None:
    fake = running.fake
    titles = ["star wars", "the matrix", "toy story", "godfather", "pulp fiction", "heat"]
    for step in range(300):
        person, key = step % 30, step // 30
        title = titles[person % len(titles)]
        await queue(running, fake.inline_query(6000 + person, title[: key % len(title) + 1]))
    await settle(running)
    report = fake.inline_report()
    assert not [e for e in fake.errors if "too old" in e.description]
    assert fake.unanswered_inline() == []  # every query nobody superseded was answered
    assert report["superseded_skipped"] > 0 and report["p99_ms"] < 10_000
    assert fake.errors == []
