"""Conformance tests for the Telegram stand-in: each Bot API rule fails as Telegram would.

Every rule is exercised through a real python-telegram-bot `Bot`, both over the in-process
transport and over the HTTP server, so a handler test and an end-to-end test see the same errors.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    RetryAfter,
)

from tests.support.fakegram import UPGRADED, BotApiError, FakeTelegram, FakeTelegramServer

CHAT = 42
GROUP = -100


@pytest.fixture(params=["inprocess", pytest.param("http", marks=pytest.mark.process)])
async def pair(request: pytest.FixtureRequest) -> AsyncIterator[tuple[FakeTelegram, Bot]]:
    """A fake with a known private chat and group, and a real PTB Bot talking to it."""
    fake = FakeTelegram(flood_limit=5)
    fake.send(CHAT, CHAT, "hello")
    fake.send(GROUP, 7, "hi all")
    server = None
    if request.param == "inprocess":
        bot = Bot(fake.token, request=fake.request(), get_updates_request=fake.request())
    else:
        server = FakeTelegramServer(fake)
        url = server.start()
        bot = Bot(fake.token, base_url=url, base_file_url=url.removesuffix("bot") + "file/bot")
    async with bot:
        yield fake, bot
    if server:
        server.stop()


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(f"b{i}", callback_data=d)] for i, d in enumerate(data)]
    )


async def test_get_me_and_valid_html_message(pair: tuple[FakeTelegram, Bot]) -> None:
    fake, bot = pair
    assert bot.username == fake.bot_username
    sent = await bot.send_message(
        CHAT,
        "<b>Alien</b> &amp; <i>Aliens</i> &lt;1986&gt;",
        parse_mode="HTML",
        reply_markup=keyboard("r:1"),
    )
    last = fake.last(CHAT)
    assert last.message_id == sent.message_id
    assert last.text == "Alien & Aliens <1986>"
    assert last.buttons() == [("b0", "r:1")]
    assert fake.errors == []


@pytest.mark.parametrize(
    "html",
    ["a < b", "<blink>x</blink>", "<b>open", "<b><i>x</b></i>", "caf&nbsp;", "<span>x</span>"],
)
async def test_invalid_html_is_refused(pair: tuple[FakeTelegram, Bot], html: str) -> None:
    fake, bot = pair
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(CHAT, html, parse_mode="HTML")
    assert fake.errors[-1].code == 400
    assert fake.messages(CHAT) == []


async def test_text_empty_and_too_long(pair: tuple[FakeTelegram, Bot]) -> None:
    fake, bot = pair
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(CHAT, "<b></b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(CHAT, "😀" * 2049)  # 4098 UTF-16 code units
    await bot.send_message(CHAT, "😀" * 2048)  # exactly 4096
    assert len(fake.messages(CHAT)) == 1


async def test_callback_data_limits(pair: tuple[FakeTelegram, Bot]) -> None:
    fake, bot = pair
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(CHAT, "x", reply_markup=keyboard("é" * 33))  # 66 bytes
    await bot.send_message(CHAT, "x", reply_markup=keyboard("é" * 32))  # 64 bytes
    assert fake.last(CHAT).buttons()[0][1] == "é" * 32


async def test_button_count_and_chat_member(pair: tuple[FakeTelegram, Bot]) -> None:
    fake, bot = pair
    with pytest.raises(BadRequest, match="Reply markup is too long"):
        await bot.send_message(CHAT, "x", reply_markup=keyboard(*[str(i) for i in range(101)]))
    await bot.send_message(CHAT, "x", reply_markup=keyboard(*[str(i) for i in range(100)]))
    assert len(fake.last(CHAT).buttons()) == 100
    member = await bot.get_chat_member(GROUP, 7)
    assert (member.status, member.user.id) == ("member", 7)


async def test_edits_not_modified_and_not_found(pair: tuple[FakeTelegram, Bot]) -> None:
    fake, bot = pair
    sent = await bot.send_message(CHAT, "one", reply_markup=keyboard("a"))
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("one", CHAT, sent.message_id, reply_markup=keyboard("a"))
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=keyboard("a"))
    await bot.edit_message_text("two", CHAT, sent.message_id, reply_markup=keyboard("a"))
    assert (fake.last(CHAT).text, fake.last(CHAT).edits) == ("two", 1)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("three", CHAT, sent.message_id + 99)


async def test_callback_answers(pair: tuple[FakeTelegram, Bot]) -> None:
    fake, bot = pair
    sent = await bot.send_message(CHAT, "rate", reply_markup=keyboard("like:1"))
    with pytest.raises(AssertionError):
        fake.press(CHAT, CHAT, sent.message_id, "like:2")
    query_id = fake.press(CHAT, CHAT, sent.message_id, "like:1")["callback_query"]["id"]
    assert fake.unanswered_callbacks() == [query_id]
    with pytest.raises(BadRequest, match="Message_too_long"):
        await bot.answer_callback_query(query_id, "x" * 201)
    await bot.answer_callback_query(query_id, "Noted")
    assert fake.callback_answers[query_id]["text"] == "Noted"
    assert fake.unanswered_callbacks() == []
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)


async def test_commands_rules(pair: tuple[FakeTelegram, Bot]) -> None:
    fake, bot = pair
    assert fake.commands == {}
    with pytest.raises(BadRequest):
        await bot.set_my_commands([("Like", "upper case")])
    with pytest.raises(BadRequest):
        await bot.set_my_commands([("like", "")])
    with pytest.raises(BadRequest):
        await bot.set_my_commands([(f"c{i}", "d") for i in range(101)])
    await bot.set_my_commands([("like", "Like a film")])
    assert [c.command for c in await bot.get_my_commands()] == ["like"]


async def test_unknown_chat_blocked_kicked_flood(pair: tuple[FakeTelegram, Bot]) -> None:
    fake, bot = pair
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999, "x")
    for _ in range(5):
        await bot.send_message(CHAT, "x")
    with pytest.raises(RetryAfter):
        await bot.send_message(CHAT, "x")
    fake.block(CHAT)
    fake.kick(GROUP)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(CHAT, "x")
    with pytest.raises(Forbidden, match="kicked from the group"):
        await bot.send_message(GROUP, "x")


@pytest.mark.parametrize("new_first", [False, True])
async def test_a_group_upgraded_to_a_supergroup(
    pair: tuple[FakeTelegram, Bot], new_first: bool
) -> None:
    fake, bot = pair
    sent = await bot.send_message(GROUP, "before", reply_markup=keyboard("r:1"))
    queued = fake.pending_updates()
    new = fake.migrate(GROUP, 7, new_first=new_first)
    assert str(new).startswith("-100") and len(str(new)) == 14
    old_side, new_side = (Update.de_json(u, bot) for u in fake.take_updates({})[queued:])
    if new_first:
        old_side, new_side = new_side, old_side
    assert old_side.effective_chat.id == GROUP and old_side.message.migrate_to_chat_id == new
    assert new_side.effective_chat.type == "supergroup" and new_side.effective_chat.id == new
    assert new_side.message.migrate_from_chat_id == GROUP
    for attempt in (
        bot.send_message(GROUP, "x"),
        bot.edit_message_text("y", GROUP, sent.message_id),
        bot.send_poll(GROUP, "q?", ["a", "b"]),
    ):
        with pytest.raises(ChatMigrated) as refused:
            await attempt
        assert refused.value.new_chat_id == new
    assert {e.description for e in fake.errors} == {UPGRADED}
    assert (await bot.send_message(new, "after")).chat.type == "supergroup"
    with pytest.raises(AssertionError, match="supergroup now"):
        fake.send(GROUP, 7, "nobody can write in the old group")
    with pytest.raises(AssertionError, match="not a group"):
        fake.migrate(GROUP, 7)  # once


async def test_wrong_token_is_unauthorized(pair: tuple[FakeTelegram, Bot]) -> None:
    fake, bot = pair
    wrong = Bot(
        "999:WRONG", base_url=bot.base_url.replace(fake.token, "999:WRONG"), request=bot.request
    )
    with pytest.raises(InvalidToken):
        await wrong.get_me()


def test_command_entities_count_utf16() -> None:
    fake = FakeTelegram()
    update = fake.send(GROUP, 7, "😀 /like@movierec_test_bot Alien")
    entity = update["message"]["entities"][0]
    assert entity == {"type": "bot_command", "offset": 3, "length": 23}
    assert update["message"]["chat"]["type"] == "group"


@pytest.mark.process
async def test_application_polls_http_and_replies() -> None:
    """A real PTB Application long-polling the HTTP server gets an update and answers it."""
    from telegram.ext import ApplicationBuilder, MessageHandler, filters

    fake = FakeTelegram()
    server = FakeTelegramServer(fake)
    app = ApplicationBuilder().token(fake.token).base_url(server.start()).build()

    async def echo(update: Update, context: object) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    app.add_handler(MessageHandler(filters.TEXT, echo))
    try:
        async with app:
            await app.start()
            await app.updater.start_polling(timeout=1, poll_interval=0)
            fake.send(CHAT, CHAT, "the matrix")
            await fake.wait_for(lambda: bool(fake.messages(CHAT)))
            await app.updater.stop()
            await app.stop()
    finally:
        server.stop()
    assert fake.last(CHAT).text == "echo: the matrix"


async def test_webhook_blocks_get_updates_and_unknown_method(
    pair: tuple[FakeTelegram, Bot],
) -> None:
    fake, bot = pair
    assert [u.message.text for u in await bot.get_updates()] == ["hello", "hi all"]
    await bot.set_webhook("https://example.org/hook", secret_token="s3cret")
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert len(await bot.get_updates()) == 2
    with pytest.raises(BotApiError, match="Not Found"):
        fake.call("sendTelepathy", {})
    assert fake.errors[-1].code == 404


async def test_documents_get_file_downloads_and_the_twenty_megabyte_limit(
    pair: tuple[FakeTelegram, Bot],
) -> None:
    """A person's document: its facts in the update, getFile's path, the download from the file
    URL; a file over 20 MB is refused by getFile as Telegram refuses bots; the bot's own
    documents go up as multipart uploads and can be fetched again by file_id."""
    fake, bot = pair
    update = Update.de_json(fake.upload(CHAT, CHAT, "ratings.csv", b"Date,Name\r\n"), bot)
    assert update is not None and update.message is not None
    document = update.message.document
    assert document is not None and document.file_name == "ratings.csv"
    assert document.mime_type == "text/csv" and document.file_size == 11
    file = await bot.get_file(document.file_id)
    assert file.file_path is not None and "/file/bot" in file.file_path
    assert bytes(await file.download_as_bytearray()) == b"Date,Name\r\n"
    big = fake.upload(CHAT, CHAT, "big.zip", b"\0" * (20 * 1024 * 1024 + 1))
    with pytest.raises(BadRequest, match="too big"):
        await bot.get_file(big["message"]["document"]["file_id"])
    with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
        await bot.get_file("nonsense")
    sent = await bot.send_document(CHAT, b"a,b\r\n", filename="out.csv", caption="here")
    assert sent.document is not None and sent.caption == "here"
    assert fake.file(sent.document.file_id) == b"a,b\r\n"
    assert fake.last(CHAT).document is not None
    fake.errors.clear()
