"""The bot in-process: the real python-telegram-bot Application wired to the Telegram stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.storage import ChatStore, open_storage
from bot.throttle import Throttle
from movierec.recommender import Recommender
from tests.support.fakegram import FakeTelegram, Message


@dataclass
class Harness:
    fake: FakeTelegram
    app: Application
    storage: ChatStore

    async def say(self, chat: int, user: int, text: str, **kwargs: object) -> Message:
        before = len(self.fake.messages(chat))
        await self.app.process_update(
            Update.de_json(self.fake.send(chat, user, text, **kwargs), self.app.bot)
        )
        messages = self.fake.messages(chat)
        assert len(messages) > before, f"no reply to {text[:40]!r}"
        return messages[-1]

    async def upload(
        self, chat: int, user: int, name: str | None, data: bytes, **kwargs: Any
    ) -> Message:
        """A person sends a file as a document; the bot's last reply."""
        before = len(self.fake.messages(chat))
        await self.app.process_update(
            Update.de_json(self.fake.upload(chat, user, name, data, **kwargs), self.app.bot)
        )
        messages = self.fake.messages(chat)
        assert len(messages) > before, f"no reply to the file {name!r}"
        return messages[-1]

    async def press(
        self,
        chat: int,
        user: int,
        message: Message,
        data: str,
        forge: bool = False,
        language_code: str = "en",
    ) -> dict:
        update = self.fake.press(
            chat, user, message.message_id, data, forge=forge, language_code=language_code
        )
        await self.app.process_update(Update.de_json(update, self.app.bot))
        answer = self.fake.callback_answers[update["callback_query"]["id"]]
        return answer

    async def inline(self, user: int, query: str, offset: str = "") -> dict:
        """A person types "@bot <query>"; the answer (inline queries are handled in a task of
        their own, so this waits for it)."""
        update = self.fake.inline_query(user, query, offset)
        query_id = update["inline_query"]["id"]
        await self.app.process_update(Update.de_json(update, self.app.bot))
        await self.fake.wait_for(lambda: query_id in self.fake.inline_answers)
        return self.fake.inline_answers[query_id]

    async def movie_night(
        self, chat: int, members: list[int], words: str = "", starter: int | None = None
    ) -> Message:
        """/movienight, everyone in `members` taps 🙋 I'm in, then 🍿 Pick for us: the picks."""
        starter = members[0] if starter is None else starter
        roster = await self.say(chat, starter, f"/movienight {words}".strip())
        for member in members:
            await self.press(chat, member, roster, "n:i")
        await self.press(chat, starter, roster, "n:p")
        return self.fake.last(chat)


@pytest.fixture
async def harness(recommender: Recommender, tmp_path: Path) -> AsyncIterator[Harness]:
    fake = FakeTelegram()
    storage = await open_storage(None, tmp_path / "bot.sqlite3")
    app = build_application(
        fake.token, recommender, storage, request=fake.request(), throttle=Throttle(burst=1000)
    )
    await app.initialize()
    yield Harness(fake, app, storage)
    await app.shutdown()
    await storage.close()
    assert fake.unanswered_callbacks() == [], "every button press must be answered"
    assert fake.errors == [], f"Telegram would have refused: {fake.errors}"
