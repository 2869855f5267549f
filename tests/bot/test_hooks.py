"""What runs around every update: the flood limit, blocked chats and removed bots, updates the
bot ignores."""

from __future__ import annotations

from telegram import Update

from bot.app import build_application
from bot.storage import open_storage
from bot.throttle import Throttle
from movierec.recommender import Recommender
from tests.support.fakegram import FakeTelegram
from tests.support.harness import Harness
from tests.support.scenes import (
    ALICE,
    BOB,
    GROUP,
)
from tests.support.storage import chat_status


async def test_a_flood_is_refused_with_one_warning(recommender: Recommender, tmp_path) -> None:
    fake = FakeTelegram()
    storage = await open_storage(None, tmp_path / "db.sqlite3")
    app = build_application(
        fake.token,
        recommender,
        storage,
        request=fake.request(),
        throttle=Throttle(burst=5, rate=0.01),
    )
    await app.initialize()
    for _ in range(12):
        await app.process_update(Update.de_json(fake.send(ALICE, ALICE, "/help"), app.bot))
    texts = [m.text for m in fake.messages(ALICE)]
    assert len(texts) == 6 and sum("Slow down" in t for t in texts) == 1
    await app.process_update(Update.de_json(fake.send(BOB, BOB, "/help"), app.bot))
    assert fake.messages(BOB)  # one person's flood does not silence the others
    await app.shutdown()
    await storage.close()


async def test_blocked_user_and_removed_bot_are_noted_not_fatal(harness: Harness) -> None:
    await harness.say(ALICE, ALICE, "/like heat")
    harness.fake.block(ALICE)
    update = harness.fake.send(ALICE, ALICE, "/recommend")
    await harness.app.process_update(Update.de_json(update, harness.app.bot))
    assert (await chat_status(harness.storage, ALICE)) == "blocked"
    assert (await harness.storage.ratings(ALICE, ALICE)) == {6: 1.0}  # nothing lost
    assert [e.code for e in harness.fake.errors] == [403]
    harness.fake.errors.clear()
    await harness.say(GROUP, BOB, "/like heat")
    update = harness.fake.my_chat_member(GROUP, BOB, "kicked")
    await harness.app.process_update(Update.de_json(update, harness.app.bot))
    assert (await chat_status(harness.storage, GROUP)) == "removed"
    assert (await harness.storage.ratings(GROUP, BOB)) == {6: 1.0}


async def test_channel_posts_and_other_updates_are_ignored_quietly(harness: Harness) -> None:
    channel = {"id": -100777, "type": "channel", "title": "News"}
    updates = [
        {
            "update_id": 90001,
            "channel_post": {"message_id": 1, "date": 0, "chat": channel, "text": "hello"},
        },
        {
            "update_id": 90002,
            "channel_post": {
                "message_id": 2,
                "date": 0,
                "chat": channel,
                "text": "/recommend",
                "entities": [{"type": "bot_command", "offset": 0, "length": 10}],
            },
        },
        {
            "update_id": 90004,
            "message": {
                "message_id": 9,
                "date": 0,
                "chat": {"id": ALICE, "type": "private"},
                "from": {"id": ALICE, "is_bot": False, "first_name": "A"},
                "photo": [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}],
            },
        },
    ]
    calls = len(harness.fake.calls)
    for update in updates:
        await harness.app.process_update(Update.de_json(update, harness.app.bot))
    assert harness.fake.calls[calls:] == []  # nothing sent anywhere, nothing crashed


def test_a_fast_real_session_is_never_throttled_but_a_flood_is() -> None:
    limiter = Throttle()
    # /start, 6 taps, 5 /like, /rec, 5 taps, More, /ratings, 2 ❌, /rec, 3 taps: ~1 per 0.4 s
    now = 0.0
    for _ in range(26):
        assert limiter.check(1, now) == (True, False)
        now += 0.4
    refused = [limiter.check(2, i * 0.005) for i in range(200)]  # a script: 200 in a second
    allowed = sum(ok for ok, _ in refused)
    assert 30 <= allowed <= 32 and sum(warn for _, warn in refused) == 1
    assert limiter.check(2, 60.0) == (True, False)  # a minute later, welcome back
    assert limiter.forget_idle(1000.0) == 2 and len(limiter) == 0


async def test_a_person_who_unblocks_the_bot_is_active_again(harness: Harness) -> None:
    await harness.say(ALICE, ALICE, "/like heat")
    harness.fake.block(ALICE)
    update = harness.fake.send(ALICE, ALICE, "/recommend")
    await harness.app.process_update(Update.de_json(update, harness.app.bot))
    assert (await chat_status(harness.storage, ALICE)) == "blocked"
    harness.fake.errors.clear()
    harness.fake.unblock(ALICE)
    await harness.say(ALICE, ALICE, "/help")
    assert (await chat_status(harness.storage, ALICE)) == "active"


async def test_typing_an_inline_search_is_not_a_flood(recommender: Recommender, tmp_path) -> None:
    """One inline query per keystroke of a 60-letter search, at the default flood limit: the
    search the person stopped typing at is answered, and nothing is refused as a flood."""
    fake = FakeTelegram()
    storage = await open_storage(None, tmp_path / "db.sqlite3")
    app = build_application(fake.token, recommender, storage, request=fake.request())
    await app.initialize()
    words = "the good the bad and the ugly star wars empire strikes back!"
    assert len(words) == 60
    ids = []
    for end in range(1, len(words) + 1):
        update = fake.inline_query(ALICE, words[:end])
        ids.append(update["inline_query"]["id"])
        await app.process_update(Update.de_json(update, app.bot))
    await fake.wait_for(lambda: ids[-1] in fake.inline_answers)
    assert all(query in fake.inline_answers for query in ids)  # answered in turn, none refused
    await app.process_update(Update.de_json(fake.send(ALICE, ALICE, "/help"), app.bot))
    assert "Slow down" not in fake.last(ALICE).text  # the keystrokes spent no actions
    await app.shutdown()
    await storage.close()
