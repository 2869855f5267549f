"""The breaks an attack on the running bot found, each with the test that would have
caught it: buttons in groups act only for whoever is entitled, deletion leaves nothing in any
file, long names never break a message, films that left the catalogue never break a list,
callbacks are answered before slow edits, concurrent presses lose no keyboard update."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import pytest
from telegram import Update

from bot.app import build_application
from bot.catalogue_change import adopt_catalogue
from bot.context import Services
from bot.features.account import views as account_views
from bot.features.ratings import views as ratings_views
from bot.logs import RedactSecrets
from bot.storage import open_storage
from bot.throttle import Throttle
from bot.ui import html
from bot.ui import texts as ui_texts
from movierec.recommender import Recommender
from tests.support import presses
from tests.support.fakegram import FakeTelegram, Message, plain_text, utf16_len
from tests.support.harness import Harness

ANN, BEN = 7_123_456_789, 7_123_456_790
GROUP = -100_555
ANN_NAME = "Zebediahqux"


def pick_ids(message: Message) -> list[int]:
    return [presses.decode(d).movie_id for t, d in message.buttons() if t.startswith("👍")]


async def _group_with_picks(harness: Harness) -> Message:
    await harness.say(GROUP, ANN, "/like Alien, Heat, Fargo", first_name=ANN_NAME)
    await harness.say(GROUP, BEN, "/like Toy Story", first_name="Ben")
    return await harness.say(GROUP, ANN, "/rec")


# ------------------------------------------------------------------ 2. confirmations
@pytest.mark.parametrize("command, kind", [("/deletemydata", "d"), ("/reset", "z")])
@pytest.mark.parametrize("yes", [True, False])
async def test_a_confirmation_refuses_anyone_but_who_asked(
    harness: Harness, command: str, kind: str, yes: bool
) -> None:
    await _group_with_picks(harness)
    ask = await harness.say(GROUP, ANN, command)
    answer = await harness.press(GROUP, BEN, ask, f"{kind}:{'y' if yes else 'n'}")
    assert answer["text"] == ui_texts.not_yours()
    assert (await harness.storage.ratings(GROUP, BEN)) == {1: 1.0}  # Ben's data untouched
    assert len(await harness.storage.ratings(GROUP, ANN)) == 3  # and Ann's
    prompt = harness.fake.messages(GROUP)[-1]
    assert prompt.message_id == ask.message_id and prompt.edits == 0  # the prompt unchanged
    answer = await harness.press(GROUP, ANN, ask, f"{kind}:y")
    assert answer["text"] in (account_views.toast_deleted(), ratings_views.toast_done())
    assert (await harness.storage.ratings(GROUP, ANN)) == {} and (
        await harness.storage.ratings(GROUP, BEN)
    )


async def test_an_old_confirmation_in_a_group_has_expired(harness: Harness) -> None:
    ask = await harness.say(GROUP, ANN, "/reset", first_name=ANN_NAME)
    await harness.say(GROUP, ANN, "/like Alien")
    # a prompt from before ownership was stored: no owner is known for it
    async with harness.storage.engine.begin() as db:
        await db.exec_driver_sql("DELETE FROM lists")
    answer = await harness.press(GROUP, ANN, ask, "z:y")
    assert answer["text"] == ui_texts.expired() and (await harness.storage.ratings(GROUP, ANN))


# ------------------------------------------------------------------ 3. group keyboards
async def test_a_press_under_someone_elses_picks_is_recorded_for_the_presser_only(
    harness: Harness,
) -> None:
    picks = await _group_with_picks(harness)
    first = pick_ids(picks)[0]
    answer = await harness.press(GROUP, BEN, picks, presses.rate(first, 1))
    assert answer["text"].startswith("Noted for you")
    assert (await harness.storage.ratings(GROUP, BEN))[first] == 1.0
    assert first not in (await harness.storage.ratings(GROUP, ANN))
    assert harness.fake.messages(GROUP)[-1].edits == 0  # Ann's list is not rewritten
    answer = await harness.press(GROUP, BEN, picks, presses.hide(pick_ids(picks)[1]))
    assert answer["text"].startswith("Hidden for you") and picks.edits == 0
    # Ann's own press does change her list, to show what she did
    await harness.press(GROUP, ANN, picks, presses.rate(first, -1))
    shown = harness.fake.messages(GROUP)[-1]
    assert shown.edits == 1 and shown.buttons()[0] == ("👎 1 · undo", presses.undo(first))
    # Ben cannot use Ann's Undo, More, or her confirmation's Undo
    for data in (presses.undo(first), presses.more(5)):
        answer = await harness.press(GROUP, BEN, shown, data)
        assert answer["text"] == ui_texts.not_yours()
    assert (await harness.storage.ratings(GROUP, ANN))[first] == -1.0 and shown.edits == 1


async def test_owner_only_buttons_under_a_ratings_list_refuse_others(harness: Harness) -> None:
    await _group_with_picks(harness)
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


async def test_movie_night_picks_are_never_rewritten(harness: Harness) -> None:
    await _group_with_picks(harness)
    night = await harness.movie_night(GROUP, [BEN, ANN])
    ids = pick_ids(night)
    await harness.press(GROUP, ANN, night, presses.rate(ids[0], 1))
    await harness.press(GROUP, BEN, night, presses.rate(ids[1], -1))
    assert night.edits == 0
    assert (await harness.storage.ratings(GROUP, ANN))[ids[0]] == 1.0
    assert (await harness.storage.ratings(GROUP, BEN))[ids[1]] == -1.0


# ------------------------------------------------------------------ 4. deletion
async def test_deleted_data_is_gone_from_every_file_and_the_log(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await _group_with_picks(harness)
    await harness.say(ANN, ANN, "/like Casablanca")
    db = harness.storage.path
    files = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    name, ident = ANN_NAME.encode(), ANN.to_bytes(6, "big")
    assert any(name in f.read_bytes() for f in files if f.exists())  # it was there
    ask = await harness.say(ANN, ANN, "/deletemydata")
    with caplog.at_level(logging.INFO, logger="bot"):
        await harness.press(ANN, ANN, ask, "d:y")
    for path in files:
        if path.exists():
            content = path.read_bytes()
            assert name not in content and ident not in content, path.name
    deleted = [r for r in caplog.records if "deleted" in r.getMessage()]
    assert deleted and all(not hasattr(r, "user") and not hasattr(r, "user_id") for r in deleted)
    assert str(ANN) not in caplog.text
    # the survivors are intact, and the files still work after a restart
    await harness.storage.close()
    again = await open_storage(None, db)
    assert await again.ratings(GROUP, BEN) == {1: 1.0} and await again.ratings(GROUP, ANN) == {}
    harness.storage = again  # for the fixture's own clean-up


# ------------------------------------------------------------------ 5. secrets in logs
def test_redaction_ignores_letter_case_and_catches_short_secrets() -> None:
    token = "123456:AbCdEf-GhIjK"
    scrub = RedactSecrets([token, "k3y", None])
    for message in (
        f"POST /bot{token}/getMe",
        f"bad request: /bot{token.lower()}/getme",
        f"{token.upper()} and k3Y",
        "path /bot123456%3AAbCdEf-GhIjK/x",
    ):
        record = logging.makeLogRecord({"msg": message, "args": None})
        scrub.filter(record)
        rendered = record.getMessage()
        assert "[redacted]" in rendered
        assert "abcdef" not in rendered.lower() and "k3y" not in rendered.lower()


def test_debug_logging_never_shows_names_or_texts(capsys: pytest.CaptureFixture[str]) -> None:
    from bot import logs

    logs.configure("DEBUG", "json", secrets=["123456:TOKEN-abcdef"], key="k")
    try:
        logging.getLogger("telegram.ext.Application").debug("update %s", "Zebediahqux says hi")
        logging.getLogger("bot").debug("own debug line")
        err = capsys.readouterr().err
        assert "Zebediahqux" not in err and "own debug line" in err
    finally:
        logging.getLogger().handlers.clear()


# ------------------------------------------------------------------ 6. long and odd names
async def test_movienight_with_many_long_and_html_special_names(harness: Harness) -> None:
    """25 members (their names and ratings stored as the bot would: sending 25 /like messages
    and 25 roster edits through the real 20-a-minute group limit would take minutes)."""
    names = ["&" * 64, "<b>" * 20, "😀" * 60, "\u202eevil", "A" * 64] * 5
    likes = [260, 1214, 6, 608, 1]
    roster = await harness.say(GROUP, 9000, "/movienight", first_name=names[0])
    for i, first_name in enumerate(names):
        await harness.storage.remember_member(GROUP, 9000 + i, first_name)
        await harness.storage.rate(GROUP, 9000 + i, likes[i % 5], 1.0, None)
        await harness.storage.join_night(GROUP, roster.message_id, 9000 + i, True)
    await harness.press(GROUP, 9000, roster, "n:p", forge=True)
    night = harness.fake.last(GROUP)
    assert "Movie night picks" in night.text and utf16_len(night.text) <= 4096
    assert "\u202e" not in night.text and "fits " in night.text


def test_long_messages_are_cut_between_blocks_in_utf16_units() -> None:
    blocks = [f"<b>{i}. {'😀' * 30} &amp; {'&lt;' * 10}</b>" for i in range(200)]
    joined = html.join_blocks(blocks, "<i>tail</i>")
    shown = plain_text(joined, "HTML")  # valid Telegram HTML: no tag or entity cut
    assert utf16_len(shown) <= 4096 and shown.endswith("tail") and "more" in shown
    assert len(shown) < 4096 / 1.5  # emoji count double: far fewer characters fit
    assert html.fit("x" * 5000 + "\n" + "y") != "x" * 5000


# ------------------------------------------------------------------ 7. films that left
async def test_a_rating_of_a_film_no_longer_in_the_catalogue_breaks_nothing(
    harness: Harness,
) -> None:
    await _group_with_picks(harness)
    await harness.storage.rate(GROUP, ANN, 9_999_991, 1.0, "Gone Film (2031)")
    await harness.storage.rate(GROUP, BEN, 9_999_992, -1.0, None)
    await harness.storage.rate(ANN, ANN, 9_999_991, 1.0, "Gone Film (2031)")
    assert len(pick_ids(await harness.say(GROUP, ANN, "/rec"))) == 5
    assert len(pick_ids(await harness.movie_night(GROUP, [BEN, ANN]))) == 5
    assert "Nothing" not in (await harness.say(ANN, ANN, "/rec")).text  # only unknown: starters
    listing = await harness.say(GROUP, ANN, "/ratings")
    assert "Gone Film (2031) (no longer in the catalogue)" in listing.text
    removed = next(d for _, d in listing.buttons() if d.startswith("x:9999991"))
    assert (await harness.press(GROUP, ANN, listing, removed))["text"] == ratings_views.removed()
    assert 9_999_991 not in (await harness.storage.ratings(GROUP, ANN))
    reply = await harness.say(ANN, ANN, "/forget gone film")
    assert "Forgotten: Gone Film" in reply.text and (await harness.storage.ratings(ANN, ANN)) == {}


async def test_a_new_catalogue_keeps_ratings_of_the_same_film(
    recommender: Recommender, tmp_path: Path
) -> None:
    storage = await open_storage(None, tmp_path / "db.sqlite3")
    await storage.rate(1, 1, 9_999_993, 1.0, "Heat (1995)")  # Heat under an old id
    await storage.rate(1, 1, 9_999_994, -1.0, "Not A Film (2099)")
    await storage.rate(1, 1, 1, 1.0, "Toy Story (1995)")
    await adopt_catalogue(Services(recommender, storage))
    assert (await storage.ratings(1, 1)) == {9_999_994: -1.0, 1: 1.0, 6: 1.0}
    await storage.close()


# ------------------------------------------------------------------ 8. answers before edits
async def test_callbacks_are_answered_before_slow_group_edits(
    recommender: Recommender, tmp_path: Path
) -> None:
    fake = FakeTelegram(callback_deadline=2.0)
    storage = await open_storage(None, tmp_path / "db.sqlite3")
    app = build_application(
        fake.token, recommender, storage, request=fake.request(), throttle=Throttle(burst=1000)
    )
    await app.initialize()
    try:
        harness = Harness(fake, app, storage)
        picks = await _group_with_picks(harness)
        ids = pick_ids(picks)
        updates = []
        for i in range(24):  # each press changes Ann's own list: an edit, 20 a minute at most
            movie = ids[i % 5]
            data = presses.rate(movie, 1) if (i // 5) % 2 == 0 else presses.undo(movie)
            updates.append(fake.press(GROUP, ANN, picks.message_id, data, forge=True))
        started = time.monotonic()
        tasks = [
            asyncio.create_task(app.process_update(Update.de_json(u, app.bot))) for u in updates
        ]
        await fake.wait_for(lambda: not fake.unanswered_callbacks(), timeout=10)
        assert time.monotonic() - started < 2.0 or not fake.errors
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        assert not [e for e in fake.errors if "too old" in e.description]
        assert len(fake.callback_answers) >= 24
    finally:
        await app.shutdown()
        await storage.close()


# ------------------------------------------------------------------ 9. concurrent presses
async def test_quick_presses_all_show_in_the_final_keyboard(harness: Harness) -> None:
    await harness.say(ANN, ANN, "/like Alien, Heat")
    picks = await harness.say(ANN, ANN, "/rec")
    ids = pick_ids(picks)[:3]
    updates = [harness.fake.press(ANN, ANN, picks.message_id, presses.rate(m, 1)) for m in ids]
    await asyncio.gather(
        *(harness.app.process_update(Update.de_json(u, harness.app.bot)) for u in updates)
    )
    final = harness.fake.messages(ANN)[-1]
    assert final.message_id == picks.message_id
    marked = [t for t, _ in final.buttons() if t.endswith("· undo")]
    assert marked == ["👍 1 · undo", "👍 2 · undo", "👍 3 · undo"]


# ------------------------------------------------------------------ low
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


# ------------------------------------------------------------------ the flood limit
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
