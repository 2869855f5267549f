"""Things that must happen once however Telegram delivers them, in-process: an update delivered
twice is answered once, a night votes once however many people press 📊 Vote at the same moment
(and never again after its winner), and a group that becomes a supergroup keeps its ratings,
history and movie nights under the new chat id, whichever service message arrives first, or when
a reply to the old chat is what tells the bot.

The two-replica versions (two bot processes on one PostgreSQL) are in tests/bot/test_replicas.py.
"""

from __future__ import annotations

import asyncio
import logging

import pytest
from telegram import Update

from bot.features.movienight import views as night_views
from bot.storage.schema import metadata
from bot.ui import html, texts
from movierec.recommender import Recommender
from tests.support import presses
from tests.support.fakegram import UPGRADED, Message
from tests.support.harness import Harness
from tests.support.reading import pick_ids

ANN, BEN, CAT = 8101, 8102, 8103
GROUP = -8100


async def deliver(harness: Harness, *updates: dict) -> None:
    """Hand the bot these updates at the same moment (the same one twice: a re-delivery)."""
    await asyncio.gather(
        *(harness.app.process_update(Update.de_json(u, harness.app.bot)) for u in updates)
    )


def short(recommender: Recommender, movie_id: int) -> str:
    """A film's title as the bot's messages show it, without the year."""
    return html.title_plain(recommender.catalogue.get(movie_id).title, 200).split(" (")[0]


async def _night(harness: Harness, chat: int = GROUP) -> Message:
    """Ann and Ben rated films in the group; a movie night with both in; its picks."""
    await harness.say(chat, ANN, "/like Alien, Heat", first_name="Ann")
    await harness.say(chat, BEN, "/like Fargo, Toy Story", first_name="Ben")
    return await harness.movie_night(chat, [ANN, BEN])


# ------------------------------------------------------------------ an update delivered twice
async def test_an_update_delivered_twice_is_answered_once(harness: Harness) -> None:
    fake = harness.fake
    like = fake.send(ANN, ANN, "/like Heat")
    await deliver(harness, like)
    await deliver(harness, like)  # the bot died before confirming it: getUpdates gives it again
    assert [m.text.startswith("Noted") for m in fake.messages(ANN)] == [True]
    rec = fake.send(ANN, ANN, "/rec")
    await deliver(harness, rec, rec)  # both copies at the same moment
    picks = [m for m in fake.messages(ANN) if "Your picks" in m.text]
    assert len(picks) == 1 and len(fake.messages(ANN)) == 2
    data = presses.rate(pick_ids(picks[0])[0], 1)  # 👍 on the first film's card
    press = fake.press(ANN, ANN, picks[0].message_id, data, forge=True)
    await deliver(harness, press, press)  # answered once: Telegram refuses a second answer
    assert press["callback_query"]["id"] in fake.callback_answers
    assert len(await harness.storage.ratings(ANN, ANN)) == 2


# ------------------------------------------------------------------ one vote per night
async def test_votes_pressed_at_once_make_one_poll_and_none_after_the_winner(
    harness: Harness, recommender: Recommender
) -> None:
    fake = harness.fake
    picks = await _night(harness)
    vote = presses.vote("v")
    updates = [fake.press(GROUP, who, picks.message_id, vote) for who in (ANN, BEN, CAT)]
    await deliver(harness, *updates)
    assert len(fake.polls) == 1
    toasts = sorted(fake.callback_answers[u["callback_query"]["id"]]["text"] for u in updates)
    assert toasts == sorted([night_views.vote_started(), *[night_views.vote_open()] * 2])
    poll_message = fake.last(GROUP)
    (poll_id,) = fake.polls
    assert (await harness.storage.poll(poll_id)) is not None  # the reservation got the poll
    await deliver(harness, fake.vote(poll_id, ANN, [1]))
    await harness.press(GROUP, BEN, poll_message, presses.vote("c"))
    winner = pick_ids(picks)[1]
    assert fake.polls[poll_id]["is_closed"] and "Tonight:" in fake.last(GROUP).text
    assert [m for m, _ in await harness.storage.history(GROUP)] == [winner]
    sent = len(fake.messages(GROUP))
    for who in (ANN, CAT):
        answer = await harness.press(GROUP, who, picks, vote)
        assert answer["text"] == night_views.vote_done()
    assert len(fake.polls) == 1 and len(fake.messages(GROUP)) == sent


# ------------------------------------------------------------------ groups become supergroups
async def _rows(harness: Harness, chat_id: int) -> dict[str, int]:
    """How many rows each table keeps under a chat id."""
    from sqlalchemy import func, select

    counts = {}
    with harness.storage.engine.connect() as db:
        for table in metadata.tables.values():
            if "chat_id" in table.c:
                query = select(func.count()).where(table.c.chat_id == chat_id)
                counts[table.name] = db.execute(query).scalar_one()
    return counts


@pytest.mark.parametrize("new_first", [False, True], ids=["old-chat-first", "new-chat-first"])
async def test_a_group_that_becomes_a_supergroup_keeps_everything(
    harness: Harness,
    recommender: Recommender,
    caplog: pytest.LogCaptureFixture,
    new_first: bool,
) -> None:
    fake = harness.fake
    picks = await _night(harness)
    await harness.press(GROUP, ANN, picks, presses.vote("v"))
    (poll_id,) = fake.polls
    for who in (ANN, BEN):
        await deliver(harness, fake.vote(poll_id, who, [2]))
    winner = pick_ids(picks)[2]
    before = await _rows(harness, GROUP)
    assert before["ratings"] == 4 and before["history"] == 1 and before["polls"] == 1
    caplog.set_level(logging.INFO, logger="bot")

    new = fake.migrate(GROUP, ANN, new_first=new_first)
    assert str(new).startswith("-100") and new < -1_000_000_000_000
    service = fake.take_updates({})[-2:]
    assert [("migrate_from_chat_id" in u["message"]) for u in service] == [new_first, not new_first]
    for update in service:  # one after the other, as the bot gets them
        await deliver(harness, update)

    left, moved = await _rows(harness, GROUP), await _rows(harness, new)
    mine = await harness.say(new, ANN, "/ratings")
    assert mine.html != texts.no_ratings() and "Alien" in mine.text and "Heat" in mine.text
    bens = await harness.say(new, BEN, "/ratings")
    assert "Fargo" in bens.text and "Toy Story" in bens.text
    assert short(recommender, winner) in (await harness.say(new, BEN, "/history")).text
    again = await harness.movie_night(new, [ANN, BEN])
    ids = pick_ids(again)
    assert len(ids) == 5 and winner not in ids and "fits" in again.text
    roster = fake.messages(new)[-2]
    assert "Ann" in roster.text and "Ben" in roster.text and "rate a few" not in roster.text
    assert set(left.values()) == {0} and moved == before  # every row moved, once
    moves = [r for r in caplog.records if r.getMessage() == "chat migrated"]
    assert [r.rows > 0 for r in moves] == [True, False]  # the first moved it all, the second none
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_reply_refused_for_an_upgraded_group_moves_its_state(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    fake = harness.fake
    await harness.say(GROUP, ANN, "/like Alien, Heat", first_name="Ann")
    late = fake.send(GROUP, BEN, "/like Fargo", first_name="Ben")  # still on its way...
    new = fake.migrate(GROUP, ANN)
    service = fake.take_updates({})[-2:]
    caplog.set_level(logging.INFO, logger="bot")
    await deliver(harness, late)  # ...its reply goes to the old chat: refused, ChatMigrated
    assert [e.description for e in fake.errors] == [UPGRADED]
    assert fake.errors[0].migrate_to_chat_id == new
    fake.errors.clear()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert (await _rows(harness, new))["ratings"] == 3
    for update in service:
        await deliver(harness, update)
    assert set((await _rows(harness, GROUP)).values()) == {0}
    assert (await _rows(harness, new))["ratings"] == 3
    assert "Fargo" in (await harness.say(new, BEN, "/ratings")).text
    assert fake.errors == []
