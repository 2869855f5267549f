"""The bot's handlers through the real python-telegram-bot Application and a Telegram stand-in
that enforces the Bot API's limits (message size, HTML, callback data, "not modified")."""

from __future__ import annotations

import pytest
from telegram import Update

from bot.app import _post_init, build_application
from bot.storage import open_storage
from bot.throttle import Throttle
from movierec.recommender import Recommender
from tests.support import presses
from tests.support.fakegram import FakeTelegram
from tests.support.harness import Harness

ALICE, BOB, CAROL = 1001, 1002, 1003
GROUP = -5001


async def test_start_asks_a_first_question_and_registers_commands(harness: Harness) -> None:
    reply = await harness.say(ALICE, ALICE, "/start")
    assert "recommend" in reply.text and "Question 1: have you seen any of these" in reply.text
    kinds = [type(presses.decode(data)).__name__ for _, data in reply.buttons()]
    assert kinds == ["Answer"] * 6 + [
        "NextQuestion"
    ]  # three films, none of these; no picks before an answer
    await _post_init(harness.app)
    names = [c["command"] for c in next(iter(harness.fake.commands.values()))]
    assert {"like", "dislike", "recommend", "movienight", "deletemydata"} <= set(names)


async def test_like_records_confirms_and_undo_removes(harness: Harness) -> None:
    reply = await harness.say(ALICE, ALICE, "/like the matrix")
    assert "The Matrix (1999)" in reply.text and reply.parse_mode == "HTML"
    assert (await harness.storage.ratings(ALICE, ALICE)) == {2571: 1.0}
    answer = await harness.press(ALICE, ALICE, reply, reply.button("Undo"))
    assert answer["text"] == "Undone." and (await harness.storage.ratings(ALICE, ALICE)) == {}
    assert "Undo" not in [text for text, _ in harness.fake.last(ALICE).buttons()]


async def test_several_titles_at_once_and_a_title_with_commas(harness: Harness) -> None:
    await harness.say(ALICE, ALICE, "/like Matrix, Toy Story, Alien")
    assert set(await harness.storage.ratings(ALICE, ALICE)) == {2571, 1, 1214}
    titles = "Heat, Fargo, Titanic, Braveheart, Se7en, Casablanca, Jaws, Vertigo, Chinatown, Babe"
    many = await harness.say(ALICE, ALICE, "/like " + titles)
    assert len(await harness.storage.ratings(ALICE, ALICE)) == 13
    assert [t for t, _ in many.buttons() if t.startswith("↩️")][-1] == "↩️ Undo 10"
    await harness.say(ALICE, ALICE, "/dislike Good, The Bad and The Ugly, The")
    assert (await harness.storage.ratings(ALICE, ALICE))[1201] == -1.0


async def test_ambiguous_title_asks_and_the_choice_is_recorded(harness: Harness) -> None:
    reply = await harness.say(ALICE, ALICE, "/dislike star wars")
    assert "Several films match" in reply.text
    data = reply.button("Empire Strikes Back")
    assert data == presses.rate(1196, -1.0)
    await harness.press(ALICE, ALICE, reply, data)
    assert (await harness.storage.ratings(ALICE, ALICE)) == {1196: -1.0}


async def test_unknown_title_gets_a_friendly_answer(harness: Harness) -> None:
    for text in ("/like qwxzyqwxzy", "/like Матрица", "/like 🎬🍿🎬", "/like " + "x" * 4000):
        reply = await harness.say(ALICE, ALICE, text)
        assert "couldn't find" in reply.text
    assert (await harness.storage.ratings(ALICE, ALICE)) == {}


async def test_bare_like_asks_and_the_reply_is_recorded(harness: Harness) -> None:
    prompt = await harness.say(ALICE, ALICE, "/like")
    assert "Which film do you like" in prompt.text
    assert prompt.reply_markup and prompt.reply_markup.get("force_reply")
    await harness.say(ALICE, ALICE, "heat", reply_to=prompt.message_id)
    assert (await harness.storage.ratings(ALICE, ALICE)) == {6: 1.0}


async def test_plain_text_in_private_is_a_search_with_buttons(harness: Harness) -> None:
    reply = await harness.say(ALICE, ALICE, "the matrix")
    assert reply.buttons()[0] == ("👍 The Matrix (1999)", "r:+:2571")
    await harness.press(ALICE, ALICE, reply, "r:+:2571")
    assert (await harness.storage.ratings(ALICE, ALICE)) == {2571: 1.0}
    row = harness.fake.last(ALICE).buttons()[0]
    assert row == ("👍 The Matrix (1999) · undo", "u:2571")
    await harness.press(ALICE, ALICE, harness.fake.last(ALICE), "u:2571")
    assert harness.fake.last(ALICE).buttons()[0] == ("👍 The Matrix (1999)", "r:+:2571")


async def test_recommend_rate_hide_and_more_refine_the_picks(harness: Harness) -> None:
    cold = await harness.say(ALICE, ALICE, "/recommend")
    assert "haven't rated" in cold.text and cold.buttons()
    await harness.say(ALICE, ALICE, "/like Star Wars 1977, Raiders of the Lost Ark")
    picks = await harness.say(ALICE, ALICE, "/rec")
    assert picks.text.count("people with your taste") == 5
    ids = [presses.decode(d).movie_id for t, d in picks.buttons() if t.startswith("👍")]
    assert len(ids) == 5 and len(picks.buttons()) == 23  # 5 × (👍 👎 🙈 🔖), More, 🎭, 📅
    answer = await harness.press(ALICE, ALICE, picks, presses.rate(ids[0], 1))
    assert answer["text"].startswith("Noted: you like")
    await harness.press(ALICE, ALICE, picks, presses.hide(ids[1]))
    edited = harness.fake.last(ALICE)
    assert edited.edits == 2 and edited.buttons()[0][1] == presses.undo(ids[0])
    assert (await harness.storage.ratings(ALICE, ALICE))[ids[0]] == 1.0
    assert (await harness.storage.hidden(ALICE, ALICE)) == {ids[1]}
    again = await harness.say(ALICE, ALICE, "/recommend")
    new_ids = [presses.decode(d).movie_id for t, d in again.buttons() if t.startswith("👍")]
    assert ids[0] not in new_ids and ids[1] not in new_ids
    await harness.press(ALICE, ALICE, again, again.button("More"))
    more = harness.fake.last(ALICE)
    more_ids = [presses.decode(d).movie_id for t, d in more.buttons() if t.startswith("👍")]
    assert "<b>6." in more.html and not set(more_ids) & set(new_ids)


async def test_ratings_list_paginates_and_removes(harness: Harness) -> None:
    popular = harness.app.bot_data.services.rec.catalogue.popular(230, min_mean=0)
    for movie in popular:
        await harness.storage.rate(ALICE, ALICE, movie.movie_id, 1.0)
    listing = await harness.say(ALICE, ALICE, "/ratings")
    assert "page 1 of 23" in listing.text and len(listing.html) < 4096
    assert len(listing.buttons()) <= 100
    await harness.press(ALICE, ALICE, listing, listing.button("▶️"))
    assert "page 2 of 23" in harness.fake.last(ALICE).text
    page = harness.fake.last(ALICE)
    first = presses.decode(page.button("❌ 1"))
    await harness.press(ALICE, ALICE, page, page.button("❌ 1"))
    assert first.movie_id not in (await harness.storage.ratings(ALICE, ALICE))
    assert len(await harness.storage.ratings(ALICE, ALICE)) == 229


async def test_forget_reset_and_delete_my_data(harness: Harness) -> None:
    await harness.say(ALICE, ALICE, "/like Toy Story, Heat")
    reply = await harness.say(ALICE, ALICE, "/forget heat")
    assert "Forgotten" in reply.text and set(await harness.storage.ratings(ALICE, ALICE)) == {1}
    reply = await harness.say(ALICE, ALICE, "/forget titanic")
    assert "haven't rated" in reply.text
    ask = await harness.say(ALICE, ALICE, "/reset")
    await harness.press(ALICE, ALICE, ask, "z:n")
    assert (await harness.storage.ratings(ALICE, ALICE)) == {1: 1.0}
    ask = await harness.say(ALICE, ALICE, "/reset")
    await harness.press(ALICE, ALICE, ask, "z:y")
    assert (await harness.storage.ratings(ALICE, ALICE)) == {}
    await harness.say(ALICE, ALICE, "/like heat")
    await harness.say(GROUP, ALICE, "/like alien")
    await harness.say(GROUP, BOB, "/like alien")
    ask = await harness.say(ALICE, ALICE, "/deletemydata")
    await harness.press(ALICE, ALICE, ask, "d:y")
    assert "Deleted" in harness.fake.last(ALICE).text
    assert (
        await harness.storage.ratings(ALICE, ALICE)
        == {}
        == (await harness.storage.ratings(GROUP, ALICE))
    )
    assert (await harness.storage.ratings(GROUP, BOB)) == {1214: 1.0}
    assert ALICE not in (await harness.storage.member_names(GROUP))


async def test_group_movie_night_with_bot_suffix_separate_tastes_and_veto(
    harness: Harness,
) -> None:
    await harness.say(
        GROUP,
        ALICE,
        "/like@movierec_test_bot Star Wars 1977, Return of the Jedi",
        first_name="Alice",
    )
    await harness.say(
        GROUP, BOB, "/like Star Wars 1977, Return of the Jedi, Matrix", first_name="Bob"
    )
    assert (await harness.storage.ratings(GROUP, ALICE)) == {260: 1.0, 1210: 1.0}
    night = await harness.movie_night(GROUP, [BOB, ALICE])
    assert "Empire Strikes Back" in night.text and "Alice" in night.text
    await harness.say(GROUP, CAROL, "/dislike empire strikes back", first_name="Carol")
    night = await harness.movie_night(GROUP, [CAROL, ALICE, BOB])
    assert "Empire Strikes Back" not in night.text and night.text.count("\nfits ") == 5
    # Bob presses 👍 under the picks Carol asked for: it is Bob's rating
    pick = presses.decode(night.buttons()[0][1]).movie_id
    await harness.press(GROUP, BOB, night, night.buttons()[0][1])
    assert pick in (await harness.storage.ratings(GROUP, BOB))
    assert pick not in (await harness.storage.ratings(GROUP, CAROL))
    assert "@" not in night.text  # no usernames leak into the message


async def test_movienight_in_private_and_empty_group(harness: Harness) -> None:
    reply = await harness.say(ALICE, ALICE, "/movienight")
    assert "works in groups" in reply.text
    roster = await harness.say(GROUP, ALICE, "/movienight")
    await harness.press(GROUP, ALICE, roster, "n:i")
    await harness.press(GROUP, ALICE, roster, "n:p")
    assert "Nobody here" in harness.fake.last(GROUP).text


async def test_plain_text_in_groups_is_ignored(harness: Harness) -> None:
    before = len(harness.fake.messages(GROUP))
    update = harness.fake.send(GROUP, ALICE, "anyone up for a film?")
    await harness.app.process_update(Update.de_json(update, harness.app.bot))
    assert len(harness.fake.messages(GROUP)) == before


@pytest.mark.parametrize(
    "data", ["r:+:999999", "r:*:1", "m:3", "m:999", "x:1", "zz", "r:+:1:2", "h:-1", "é" * 30]
)
async def test_forged_buttons_are_refused_politely(harness: Harness, data: str) -> None:
    reply = await harness.say(ALICE, ALICE, "/start")
    answer = await harness.press(ALICE, ALICE, reply, data, forge=True)
    assert answer["text"] == "That button is no longer valid."
    assert (await harness.storage.ratings(ALICE, ALICE)) == {}


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
    assert (await harness.storage.chat_status(ALICE)) == "blocked"
    assert (await harness.storage.ratings(ALICE, ALICE)) == {6: 1.0}  # nothing lost
    assert [e.code for e in harness.fake.errors] == [403]
    harness.fake.errors.clear()
    await harness.say(GROUP, BOB, "/like heat")
    update = harness.fake.my_chat_member(GROUP, BOB, "kicked")
    await harness.app.process_update(Update.de_json(update, harness.app.bot))
    assert (await harness.storage.chat_status(GROUP)) == "removed"
    assert (await harness.storage.ratings(GROUP, BOB)) == {6: 1.0}


async def test_help_and_privacy_are_valid_html(harness: Harness) -> None:
    assert "/movienight" in (await harness.say(ALICE, ALICE, "/help")).text
    privacy = (await harness.say(ALICE, ALICE, "/privacy")).text
    assert "/deletemydata" in privacy and "watchlist" in privacy and "keyed hashes" in privacy


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


async def test_an_edited_command_is_acted_on(harness: Harness) -> None:
    harness.fake.send(ALICE, ALICE, "/start")  # the chat exists
    edited = {
        "update_id": 90010,
        "edited_message": {
            "message_id": 1,
            "date": 0,
            "edit_date": 1,
            "chat": {"id": ALICE, "type": "private"},
            "from": {"id": ALICE, "is_bot": False, "first_name": "A"},
            "text": "/like heat",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }
    await harness.app.process_update(Update.de_json(edited, harness.app.bot))
    assert (await harness.storage.ratings(ALICE, ALICE)) == {6: 1.0}


async def test_someone_with_more_ratings_than_are_scored_still_gets_new_picks(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past `MAX_PREFERENCES` stored ratings, picks come from the newest ones, and none of the
    films rated long ago comes back as a pick (the limit is lowered here: ml-1m has too few
    films to pass 5,000)."""
    monkeypatch.setattr("movierec.recommender.MAX_PREFERENCES", 40)
    popular = harness.app.bot_data.services.rec.catalogue.popular(60, min_mean=0)
    for movie in popular:  # oldest first
        await harness.storage.rate(ALICE, ALICE, movie.movie_id, 1.0)
    picks = await harness.say(ALICE, ALICE, "/recommend")
    ids = [presses.decode(d).movie_id for t, d in picks.buttons() if t.startswith("👍")]
    assert len(ids) == 5 and not set(ids) & {m.movie_id for m in popular}
