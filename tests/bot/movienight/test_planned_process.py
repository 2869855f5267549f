"""Planned nights on the real bot process with a controllable clock (MOVIEREC_TEST_CLOCK_FILE,
no sleeping: the claim loop wakes when the file's time moves): a SIGKILL an hour before the
deadline and a restart after it still close the vote, once, saying it closed late; and two
webhook replicas on one PostgreSQL run each of the jobs of 200 planned nights exactly once."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest

from bot.clock import FileClock
from bot.storage import open_storage
from movierec.recommender import Recommender
from tests.support import presses
from tests.support.botprocess import BotProcess, seed_home
from tests.support.delivery import WebhookDelivery
from tests.support.fakegram import FakeTelegram, FakeTelegramServer, Message
from tests.support.replicas import SECRET, start_replicas, wait_until

BERLIN = ZoneInfo("Europe/Berlin")
NIGHTS = int(os.environ.get("MOVIEREC_TEST_PLANNED_NIGHTS", "200"))
GROUP = -7301
ANN, BEN = 7311, 7312

# Real bot processes (one killed and restarted; two replicas on PostgreSQL): minutes.
pytestmark = [pytest.mark.process, pytest.mark.slow]


def _at(*when: int) -> float:
    return datetime(*when, tzinfo=BERLIN).timestamp()  # type: ignore[misc]


def _said(fake: FakeTelegram, chat: int, words: str) -> list[Message]:
    return [m for m in fake.messages(chat) if words in m.text]


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def test_a_kill_an_hour_before_the_deadline_still_closes_the_vote_once_and_late(
    recommender: Recommender, session_home: Path, ml1m_dir: Path, shipped: Path, tmp_path: Path
) -> None:
    fake = FakeTelegram()
    server = FakeTelegramServer(fake)
    base_url = server.start()
    home = seed_home(tmp_path / "home", session_home)
    clock = FileClock(tmp_path / "clock")
    clock.set(_at(2025, 6, 11, 12, 0))
    env = {"MOVIEREC_TEST_CLOCK_FILE": str(clock.path)}
    fake.admins.add((GROUP, ANN))

    def say(bot: BotProcess, user: int, text: str) -> Message:
        before = len(fake.messages(GROUP))
        fake.send(GROUP, user, text, first_name={ANN: "Ann", BEN: "Ben"}[user])
        bot.wait_reply(GROUP, before)
        return fake.last(GROUP)

    bot = BotProcess(fake, base_url, home, ml1m_dir, shipped, **env).start()
    try:
        say(bot, ANN, "/like Star Wars 1977, Alien")
        say(bot, BEN, "/like Heat, Fargo")
        say(bot, ANN, "/timezone Europe/Berlin")
        roster = say(bot, ANN, "/movienight fri 20:00")
        assert "Fri 13 Jun, 20:00" in roster.text
        for who in (ANN, BEN):
            fake.press(GROUP, who, roster.message_id, presses.night("i"))
        fake.wait_for_sync(lambda: roster.text.count("•") == 2)
        clock.set(_at(2025, 6, 13, 18, 0))
        fake.wait_for_sync(lambda: bool(_said(fake, GROUP, "⏰")))
        clock.set(_at(2025, 6, 13, 19, 0))
        fake.wait_for_sync(lambda: len(fake.polls) == 1 and bool(_said(fake, GROUP, "Not voted")))
        poll_id = next(iter(fake.polls))
        fake.vote(poll_id, ANN, [0])
        fake.wait_for_sync(lambda: fake.pending_updates() == 0)
        time.sleep(0.5)  # the vote is handled (stored) before the crash
    finally:
        bot.kill()  # an hour before the deadline
    clock.set(_at(2025, 6, 13, 21, 3))  # back only after it
    restarted_at = time.monotonic()
    bot = BotProcess(fake, base_url, home, ml1m_dir, shipped, **env).start()
    try:
        fake.wait_for_sync(lambda: bool(_said(fake, GROUP, "Tonight:")), timeout=60)
        winner = _said(fake, GROUP, "Tonight:")[0]
        after_restart = winner.sent_at - restarted_at
        clock.set(_at(2025, 6, 13, 23, 0))
        time.sleep(0.5)  # the loop has looked again: nothing more is due
        assert len(_said(fake, GROUP, "Tonight:")) == 1
    finally:
        bot.stop()
        server.stop()
    assert "1 of 1 vote" in winner.text and "63 minutes late" in winner.text
    assert fake.polls[poll_id]["is_closed"] and fake.errors == []
    with sqlite3.connect(home / "bot.sqlite3") as db:
        jobs = db.execute("SELECT kind, attempts, done_at IS NOT NULL FROM jobs").fetchall()
        history = db.execute("SELECT watched_at FROM history").fetchall()
    assert sorted(jobs) == [("night.close", 1, 1), ("night.open", 1, 1), ("night.remind", 1, 1)]
    assert history == [(_at(2025, 6, 13, 20, 0),)]
    print(f"\nkill -9 an hour before: closed once, {after_restart:.2f} s after the restart")


def test_two_replicas_run_each_job_of_200_planned_nights_once(
    recommender: Recommender,
    session_home: Path,
    ml1m_dir: Path,
    shipped: Path,
    database_url: str,
    tmp_path: Path,
) -> None:
    groups = [-8_000_000 - i for i in range(NIGHTS)]
    people = {group: 9_000_000 + i for i, group in enumerate(groups)}
    films = [260, 1214, 6, 608, 1, 912, 1387, 903]

    async def populate() -> None:  # stored as the bot would (400 /like replies take minutes)
        store = await open_storage(database_url, tmp_path / "unused")
        for i, group in enumerate(groups):
            person = people[group]
            await store.remember_member(group, person, f"P{i}")
            await store.rate(group, person, films[i % len(films)], 1.0, None)
            await store.rate(group, person, films[(i + 3) % len(films)], 1.0, None)
            await store.set_zone(group, "Europe/Berlin")
        await store.close()

    asyncio.run(populate())
    fake = FakeTelegram()
    server = FakeTelegramServer(fake)
    base_url = server.start()
    home = seed_home(tmp_path / "home", session_home)
    clock = FileClock(tmp_path / "clock")
    clock.set(_at(2025, 6, 11, 12, 0))
    os.environ["MOVIEREC_TEST_CLOCK_FILE"] = str(clock.path)  # the replicas' environment
    try:
        replicas, urls = start_replicas(fake, base_url, home, ml1m_dir, shipped, database_url)
    finally:
        del os.environ["MOVIEREC_TEST_CLOCK_FILE"]
    delivery = WebhookDelivery(fake, urls, SECRET).start()
    moved: dict[str, float] = {}
    try:
        for group in groups:
            fake.send(group, people[group], "/movienight fri 20:00", first_name="P")
        wait_until(fake, lambda: all(fake.messages(g) for g in groups), 180, delivery, replicas)
        for group in groups:
            roster = fake.messages(group)[0]
            fake.press(group, people[group], roster.message_id, presses.night("i"))
        wait_until(
            fake,
            lambda: all("•" in fake.messages(g)[0].text for g in groups),
            180,
            delivery,
            replicas,
        )
        for step, (when, words) in enumerate(
            (
                (_at(2025, 6, 13, 18, 0), "⏰"),
                (_at(2025, 6, 13, 19, 0), "Not voted"),
                (_at(2025, 6, 13, 20, 0), "Tonight:"),
            )
        ):
            moved[words] = time.monotonic()
            clock.set(when)
            wait_until(
                fake,
                lambda w=words: all(_said(fake, g, w) for g in groups),
                240,
                delivery,
                replicas,
            )
            assert step >= 0
    finally:
        delivery.stop()
        for bot in replicas:
            if not bot.died():
                bot.stop()
        server.stop()
    for group in groups:
        assert len(_said(fake, group, "⏰")) == 2  # the reminder, and who has not voted
        assert len(_said(fake, group, "Tonight:")) == 1
    assert len(fake.polls) == NIGHTS and all(p["is_closed"] for p in fake.polls.values())
    with psycopg.connect(database_url) as db:
        rows = db.execute("SELECT kind, attempts, done_at IS NOT NULL FROM jobs").fetchall()
    assert len(rows) == 3 * NIGHTS and all(n == 1 and done for _, n, done in rows)
    lateness = [m.sent_at - moved["Tonight:"] for g in groups for m in _said(fake, g, "Tonight:")]
    logs = replicas[0].log()
    ran = [json.loads(line) for line in logs.splitlines() if '"job ran"' in line]
    print(
        f"\n{len(rows)} jobs of {NIGHTS} planned nights: each ran once ({len(ran)} 'job ran' "
        f"lines); winners after the clock passed the deadline: p99 {_p99(lateness):.2f} s, "
        f"max {max(lateness):.2f} s"
    )
