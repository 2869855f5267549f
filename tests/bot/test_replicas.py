"""Several bot replicas in webhook mode, one PostgreSQL, one token.

The stand-in delivers updates the way Telegram does: it POSTs each one with the secret header, to
the replicas in turn (a round-robin load balancer), and sends it again to the next replica until
one answers 2xx. 200 people like a film, ask for picks and press 👍 on the first; one replica is
killed with SIGKILL in the middle. Afterwards every rating the bot confirmed is in the database,
once, and the stand-in refused nothing but the second answer to a press whose first answer went out
from the killed replica just before it died (Telegram would refuse that too).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

from movierec.recommender import Recommender
from tests.support import presses
from tests.support.botprocess import BotProcess, free_port, seed_home
from tests.support.delivery import WebhookDelivery
from tests.support.fakegram import FakeTelegram

SECRET = "replicas-S3cret_0123456789"
PEOPLE = int(os.environ.get("MOVIEREC_TEST_REPLICA_PEOPLE", "200"))
TITLES = ["Alien", "Heat", "Fargo", "Toy Story", "Casablanca", "Jaws", "Vertigo", "Babe"]
FILM_IDS = {"Alien": 1214, "Heat": 6, "Fargo": 608, "Toy Story": 1, "Casablanca": 912}
FILM_IDS |= {"Jaws": 1387, "Vertigo": 903, "Babe": 34}


def _replica(fake: FakeTelegram, home: Path, ml1m: Path, shipped: Path, url: str) -> BotProcess:
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


def test_two_replicas_and_a_kill_lose_nothing(
    recommender: Recommender,
    session_home: Path,
    ml1m_dir: Path,
    shipped: Path,
    database_url: str,
    tmp_path: Path,
) -> None:
    from tests.support.fakegram import FakeTelegramServer

    fake = FakeTelegram()
    server = FakeTelegramServer(fake)
    base_url = server.start()
    home = seed_home(tmp_path / "home", session_home)
    replicas = [_replica(fake, home, ml1m_dir, shipped, database_url) for _ in range(2)]
    for bot in replicas:
        bot.env["TELEGRAM_BASE_URL"] = base_url
        bot.start(wait_for_polling=False)
    urls = [f"http://127.0.0.1:{bot.port}/telegram" for bot in replicas]  # type: ignore[attr-defined]
    for bot, url in zip(replicas, urls, strict=True):
        fake.wait_for_sync(lambda b=bot, u=url: _healthy(u) or b.died(), timeout=90)
        assert not bot.died(), bot.log()
    delivery = WebhookDelivery(fake, urls, SECRET).start()
    people = list(range(60_001, 60_001 + PEOPLE))
    try:
        for i, person in enumerate(people):
            fake.send(person, person, f"/like {TITLES[i % len(TITLES)]}")
        _wait(fake, lambda: all(_said(fake, p, "Noted") for p in people), 120, delivery, replicas)
        for person in people:
            fake.send(person, person, "/rec")
        _wait(fake, lambda: all(_picks(fake, p) for p in people), 120, delivery, replicas)
        firsts = {}
        for i, person in enumerate(people):
            if i == PEOPLE // 2:
                replicas[0].kill()  # a crash while the presses are being delivered
            picks = _picks(fake, person)
            assert picks is not None
            first = _first_pick(picks)
            firsts[person] = first
            fake.press(person, person, picks.message_id, presses.rate(first, 1))
        _wait(
            fake,
            lambda: not fake.unanswered_callbacks() and not fake.pending_updates(),
            120,
            delivery,
            replicas,
        )
    finally:
        delivery.stop()
        for bot in replicas:
            if not bot.died():
                bot.stop()
        server.stop()
    assert delivery.per_target.get(urls[0], 0) > 0 and delivery.per_target.get(urls[1], 0) > 0
    assert delivery.refused > 0  # the dead replica's turns went to the other one
    with psycopg.connect(database_url) as db:
        rows = db.execute("SELECT chat_id, movie_id, value FROM ratings").fetchall()
    stored: dict[int, dict[int, float]] = {}
    for chat, movie, value in rows:
        assert movie not in stored.setdefault(chat, {}), "a rating stored twice"
        stored[chat][movie] = value
    for i, person in enumerate(people):
        liked = FILM_IDS[TITLES[i % len(TITLES)]]
        assert stored[person].get(liked) == 1.0, f"confirmed like of {person} lost"
        assert stored[person].get(firsts[person]) == 1.0, f"confirmed press of {person} lost"
    twice = [e for e in fake.errors if "query ID is invalid" in e.description]
    assert len(fake.errors) == len(twice) and len(twice) <= delivery.refused


def _healthy(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url.replace("/telegram", "/healthz"), timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


def _said(fake: FakeTelegram, chat: int, words: str) -> bool:
    return any(words in m.text for m in fake.messages(chat))


def _picks(fake: FakeTelegram, chat: int):  # -> Message | None
    return next((m for m in fake.messages(chat) if "Your picks" in m.text), None)


def _first_pick(message) -> int:  # message: Message
    data = next(d for t, d in message.buttons() if t.startswith("👍"))
    return presses.decode(data).movie_id


def _wait(
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
