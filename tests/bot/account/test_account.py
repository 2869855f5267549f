"""The account: /language, /help and /privacy, /forget and /reset, /deletemydata (confirmed only
by who asked, and leaving nothing in any file or the log)."""

from __future__ import annotations

import logging

import pytest

from bot.features.account import views as account_views
from bot.features.ratings import views as ratings_views
from bot.storage import open_storage
from bot.ui import texts as ui_texts
from tests.support import presses
from tests.support.harness import Harness
from tests.support.scenes import (
    ALICE,
    ANN,
    ANN_NAME,
    BEN,
    BOB,
    GROUP,
    group_with_picks,
)


@pytest.mark.parametrize("command, kind", [("/deletemydata", "d"), ("/reset", "z")])
@pytest.mark.parametrize("yes", [True, False])
async def test_a_confirmation_refuses_anyone_but_who_asked(
    harness: Harness, command: str, kind: str, yes: bool
) -> None:
    await group_with_picks(harness)
    ask = await harness.say(GROUP, ANN, command)
    confirm = {"d": presses.delete, "z": presses.reset}[kind]
    answer = await harness.press(GROUP, BEN, ask, confirm(yes))
    assert answer["text"] == ui_texts.not_yours()
    assert (await harness.storage.ratings(GROUP, BEN)) == {1: 1.0}  # Ben's data untouched
    assert len(await harness.storage.ratings(GROUP, ANN)) == 3  # and Ann's
    prompt = harness.fake.messages(GROUP)[-1]
    assert prompt.message_id == ask.message_id and prompt.edits == 0  # the prompt unchanged
    answer = await harness.press(GROUP, ANN, ask, confirm(True))
    assert answer["text"] in (account_views.toast_deleted(), ratings_views.toast_done())
    assert (await harness.storage.ratings(GROUP, ANN)) == {} and (
        await harness.storage.ratings(GROUP, BEN)
    )


async def test_deleted_data_is_gone_from_every_file_and_the_log(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await group_with_picks(harness)
    await harness.say(ANN, ANN, "/like Casablanca")
    db = harness.storage.path
    files = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    name, ident = ANN_NAME.encode(), ANN.to_bytes(6, "big")
    assert any(name in f.read_bytes() for f in files if f.exists())  # it was there
    ask = await harness.say(ANN, ANN, "/deletemydata")
    with caplog.at_level(logging.INFO, logger="bot"):
        await harness.press(ANN, ANN, ask, presses.delete(True))
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


async def test_forget_reset_and_delete_my_data(harness: Harness) -> None:
    await harness.say(ALICE, ALICE, "/like Toy Story, Heat")
    reply = await harness.say(ALICE, ALICE, "/forget heat")
    assert "Forgotten" in reply.text and set(await harness.storage.ratings(ALICE, ALICE)) == {1}
    reply = await harness.say(ALICE, ALICE, "/forget titanic")
    assert "haven't rated" in reply.text
    ask = await harness.say(ALICE, ALICE, "/reset")
    await harness.press(ALICE, ALICE, ask, presses.reset(False))
    assert (await harness.storage.ratings(ALICE, ALICE)) == {1: 1.0}
    ask = await harness.say(ALICE, ALICE, "/reset")
    await harness.press(ALICE, ALICE, ask, presses.reset(True))
    assert (await harness.storage.ratings(ALICE, ALICE)) == {}
    await harness.say(ALICE, ALICE, "/like heat")
    await harness.say(GROUP, ALICE, "/like alien")
    await harness.say(GROUP, BOB, "/like alien")
    ask = await harness.say(ALICE, ALICE, "/deletemydata")
    await harness.press(ALICE, ALICE, ask, presses.delete(True))
    assert "Deleted" in harness.fake.last(ALICE).text
    assert (
        await harness.storage.ratings(ALICE, ALICE)
        == {}
        == (await harness.storage.ratings(GROUP, ALICE))
    )
    assert (await harness.storage.ratings(GROUP, BOB)) == {1214: 1.0}
    assert ALICE not in (await harness.storage.member_names(GROUP))


async def test_help_and_privacy_are_valid_html(harness: Harness) -> None:
    assert "/movienight" in (await harness.say(ALICE, ALICE, "/help")).text
    privacy = (await harness.say(ALICE, ALICE, "/privacy")).text
    assert "/deletemydata" in privacy and "watchlist" in privacy and "keyed hashes" in privacy


async def test_language_command_overrides_telegram_and_automatic_restores_it(
    harness: Harness,
) -> None:
    asked = await harness.say(ALICE, ALICE, "/language", language_code="de")
    assert asked.text.startswith("🌐 Welche Sprache")
    labels = [t for t, _ in asked.buttons()]
    assert labels == [  # nothing chosen yet: automatic
        "English",
        "Русский",
        "Español",
        "Português (Brasil)",
        "Deutsch",
        "✅ 🌐 Automatisch (wie Telegram)",
    ]
    answer = await harness.press(ALICE, ALICE, asked, presses.language("ru"), language_code="de")
    assert answer["text"] == "Готово! Язык общения: Русский."
    assert (await harness.storage.language(ALICE)) == "ru"
    assert harness.fake.last(ALICE).text == "Готово! Язык общения: Русский."
    assert "✅ Русский" in [t for t, _ in harness.fake.last(ALICE).buttons()]
    help_reply = await harness.say(ALICE, ALICE, "/help", language_code="de")
    assert help_reply.text.startswith("Что я понимаю")
    # the choice wins over Telegram's language everywhere, buttons and toasts included
    liked = await harness.say(ALICE, ALICE, "/like heat", language_code="de")
    toast = await harness.press(ALICE, ALICE, liked, liked.button("↩️"), language_code="de")
    assert toast["text"] == "Отменил."
    asked = await harness.say(ALICE, ALICE, "/language", language_code="de")
    answer = await harness.press(ALICE, ALICE, asked, presses.language(None), language_code="de")
    assert answer["text"] == "Erledigt: Ich richte mich nach der Sprache deiner Telegram-App."
    assert (await harness.storage.language(ALICE)) is None
    assert (await harness.say(ALICE, ALICE, "/help", language_code="de")).text.startswith(
        "Was ich verstehe"
    )
    assert (await harness.say(ALICE, ALICE, "/help", language_code="es")).text.startswith(
        "Qué entiendo"
    )
