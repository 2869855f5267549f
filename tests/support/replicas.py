"""Several bot replicas in webhook mode on one PostgreSQL and one token, as the replica and
outage tests run them: each a real `movierec-bot` process from the shipped install, behind the
stand-in's Telegram-like webhook delivery (tests/support/delivery.py)."""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from tests.support import presses
from tests.support.botprocess import BotProcess, free_port
from tests.support.delivery import WebhookDelivery
from tests.support.fakegram import FakeTelegram, Message

SECRET = "replicas-S3cret_0123456789"


def replica(fake: FakeTelegram, home: Path, ml1m: Path, shipped: Path, url: str) -> BotProcess:
    port = free_port()
    bot = BotProcess(
        fake,
        "http://unused.invalid/bot",  # replaced below: the stand-in's HTTP address
        home,
        ml1m,
        shipped,
        WEBHOOK_URL="https://bot.example.org/telegram",
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
        DATABASE_URL=url,
    )
    bot.port = port  # type: ignore[attr-defined]
    return bot


def start_replicas(
    fake: FakeTelegram, base_url: str, home: Path, ml1m: Path, shipped: Path, database_url: str
) -> tuple[list[BotProcess], list[str]]:
    """Two webhook replicas on one database, both answering /healthz; and their webhook URLs."""
    replicas = [replica(fake, home, ml1m, shipped, database_url) for _ in range(2)]
    for bot in replicas:
        bot.env["TELEGRAM_BASE_URL"] = base_url
        bot.start(wait_for_polling=False)
    urls = [f"http://127.0.0.1:{bot.port}/telegram" for bot in replicas]  # type: ignore[attr-defined]
    for bot, url in zip(replicas, urls, strict=True):
        fake.wait_for_sync(lambda b=bot, u=url: healthy(u) or b.died(), timeout=90)
        assert not bot.died(), bot.log()
    return replicas, urls


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url.replace("/telegram", "/healthz"), timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


def said(fake: FakeTelegram, chat: int, words: str) -> bool:
    return any(words in m.text for m in fake.messages(chat))


def picks_of(fake: FakeTelegram, chat: int) -> Message | None:
    return next((m for m in fake.messages(chat) if "Your picks" in m.text), None)


def first_pick(message: Message) -> int:
    """The first film of a picks list (its button opens the film's card)."""
    data = next(d for _, d in message.buttons() if d.startswith("c:"))
    return presses.decode(data).movie_id


def wait_until(
    fake: FakeTelegram,
    done: Callable[[], bool],
    timeout: float,
    delivery: WebhookDelivery,
    replicas: list[BotProcess],
) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            logs = "\n".join(bot.log()[-3000:] for bot in replicas)
            raise AssertionError(
                f"the replicas did not catch up: {delivery.delivered} delivered, "
                f"{delivery.refused} refused, {fake.pending_updates()} pending, "
                f"errors {fake.errors[:3]}\n{logs}"
            )
        time.sleep(0.05)
