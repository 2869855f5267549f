"""Ratings: /like and /dislike with one title or many, ambiguous and unknown titles, search by
plain text, the /ratings list, edited commands, films no longer in the catalogue."""

from __future__ import annotations

from telegram import Update

from bot.features.ratings import views as ratings_views
from bot.ui import texts as ui_texts
from tests.support import presses
from tests.support.harness import Harness
from tests.support.reading import pick_ids
from tests.support.scenes import (
    ALICE,
    ANN,
    ANN_NAME,
    BEN,
    GROUP,
    group_with_picks,
)


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
    like, undo = presses.rate(2571, 1.0), presses.undo(2571)
    reply = await harness.say(ALICE, ALICE, "the matrix")
    assert reply.buttons()[0] == ("👍 The Matrix (1999)", like)
    await harness.press(ALICE, ALICE, reply, like)
    assert (await harness.storage.ratings(ALICE, ALICE)) == {2571: 1.0}
    row = harness.fake.last(ALICE).buttons()[0]
    assert row == ("👍 The Matrix (1999) · undo", undo)
    await harness.press(ALICE, ALICE, harness.fake.last(ALICE), undo)
    assert harness.fake.last(ALICE).buttons()[0] == ("👍 The Matrix (1999)", like)


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


async def test_plain_text_in_groups_is_ignored(harness: Harness) -> None:
    before = len(harness.fake.messages(GROUP))
    update = harness.fake.send(GROUP, ALICE, "anyone up for a film?")
    await harness.app.process_update(Update.de_json(update, harness.app.bot))
    assert len(harness.fake.messages(GROUP)) == before


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


async def test_an_old_confirmation_in_a_group_has_expired(harness: Harness) -> None:
    ask = await harness.say(GROUP, ANN, "/reset", first_name=ANN_NAME)
    await harness.say(GROUP, ANN, "/like Alien")
    # a prompt from before ownership was stored: no owner is known for it
    with harness.storage.engine.begin() as db:
        db.exec_driver_sql("DELETE FROM lists")
    answer = await harness.press(GROUP, ANN, ask, presses.reset(True))
    assert answer["text"] == ui_texts.expired() and (await harness.storage.ratings(GROUP, ANN))


async def test_owner_only_buttons_under_a_ratings_list_refuse_others(harness: Harness) -> None:
    await group_with_picks(harness)
    listing = await harness.say(GROUP, ANN, "/ratings")
    before = listing.html
    for data in (listing.button("❌ 1"),):
        answer = await harness.press(GROUP, BEN, listing, data)
        assert answer["text"] == ui_texts.not_yours()
    assert listing.html == before and listing.edits == 0
    assert len(await harness.storage.ratings(GROUP, ANN)) == 3
    answer = await harness.press(GROUP, ANN, listing, listing.button("❌ 1"))
    assert (
        answer["text"] == ratings_views.removed()
        and len(await harness.storage.ratings(GROUP, ANN)) == 2
    )


async def test_a_rating_of_a_film_no_longer_in_the_catalogue_breaks_nothing(
    harness: Harness,
) -> None:
    await group_with_picks(harness)
    await harness.storage.rate(GROUP, ANN, 9_999_991, 1.0, "Gone Film (2031)")
    await harness.storage.rate(GROUP, BEN, 9_999_992, -1.0, None)
    await harness.storage.rate(ANN, ANN, 9_999_991, 1.0, "Gone Film (2031)")
    assert len(pick_ids(await harness.say(GROUP, ANN, "/rec"))) == 5
    assert len(pick_ids(await harness.movie_night(GROUP, [BEN, ANN]))) == 5
    assert "Nothing" not in (await harness.say(ANN, ANN, "/rec")).text  # only unknown: starters
    listing = await harness.say(GROUP, ANN, "/ratings")
    assert "Gone Film (2031) (no longer in the catalogue)" in listing.text
    removed = presses.remove(9_999_991, 0)
    assert removed in [d for _, d in listing.buttons()]
    assert (await harness.press(GROUP, ANN, listing, removed))["text"] == ratings_views.removed()
    assert 9_999_991 not in (await harness.storage.ratings(GROUP, ANN))
    reply = await harness.say(ANN, ANN, "/forget gone film")
    assert "Forgotten: Gone Film" in reply.text and (await harness.storage.ratings(ANN, ANN)) == {}


async def test_many_titles_are_capped_with_a_note_and_repeats_recorded_once(
    harness: Harness,
) -> None:
    reply = await harness.say(ANN, ANN, "/like " + ", ".join(["Alien"] * 500))
    notes = [m.text for m in harness.fake.messages(ANN)]
    assert sum("Alien" in n for n in notes) == 1 and "490 more were not read" in reply.text
    confirmation = next(m for m in harness.fake.messages(ANN) if m.text.startswith("Noted"))
    assert confirmation.text.count("Alien") == 1
    assert (await harness.storage.ratings(ANN, ANN)) == {1214: 1.0}


async def test_an_edited_like_replaces_what_it_recorded(harness: Harness) -> None:
    sent = harness.fake.send(ANN, ANN, "/like Titanic")
    await harness.app.process_update(Update.de_json(sent, harness.app.bot))
    assert (await harness.storage.ratings(ANN, ANN)) == {1721: 1.0}
    edited = {
        "update_id": 99_001,
        "edited_message": {**sent["message"], "text": "/like Alien", "edit_date": 1},
    }
    await harness.app.process_update(Update.de_json(edited, harness.app.bot))
    assert (await harness.storage.ratings(ANN, ANN)) == {1214: 1.0}


async def test_edits_that_change_nothing_are_not_sent(harness: Harness) -> None:
    for movie in harness.app.bot_data.services.rec.catalogue.popular(15, min_mean=0):
        await harness.storage.rate(ANN, ANN, movie.movie_id, 1.0)
    listing = await harness.say(ANN, ANN, "/ratings")
    await harness.press(ANN, ANN, listing, presses.page(1))
    await harness.press(ANN, ANN, listing, presses.page(1), forge=True)  # a stale ▶
    await harness.press(ANN, ANN, listing, presses.page(7), forge=True)  # past the end
    assert listing.edits == 1
    confirmation = await harness.say(ANN, ANN, "/like Heat")
    await harness.press(ANN, ANN, confirmation, confirmation.button("Undo"))
    answer = await harness.press(ANN, ANN, confirmation, presses.undo(6), forge=True)
    assert answer["text"] == ratings_views.nothing_to_undo() and confirmation.edits == 1


async def test_control_characters_are_not_echoed_and_foreign_digits_refused(
    harness: Harness,
) -> None:
    reply = await harness.say(ANN, ANN, "/like \u202eqwxzy\u200f")
    assert "\u202e" not in reply.text and "\u200f" not in reply.text and "qwxzy" in reply.text
    start = await harness.say(ANN, ANN, "/start")
    for data in ("r:+:٢٥٧١", "m:５", "p:１"):
        answer = await harness.press(ANN, ANN, start, data, forge=True)
        assert answer["text"] == ui_texts.stale_button()
    assert (await harness.storage.ratings(ANN, ANN)) == {}
