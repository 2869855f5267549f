"""Several bot replicas in webhook mode, one PostgreSQL, one token.

The stand-in delivers updates the way Telegram does: it POSTs each one with the secret header, to
the replicas in turn (a round-robin load balancer), and sends it again to the next replica until
one answers 2xx. 200 people like a film, ask for picks, open the first one's card and press 👍
there; one replica is killed with SIGKILL in the middle of the 👍 presses. Afterwards every
rating the bot confirmed is in the database, once, and the stand-in refused nothing but the second
answer to a press whose first answer went out from the killed replica just before it died
(Telegram would refuse that too).
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest

from bot.features.movienight import views as night_views
from movierec.recommender import Recommender
from tests.support import presses
from tests.support.botprocess import seed_home
from tests.support.delivery import WebhookDelivery
from tests.support.fakegram import FakeTelegram, FakeTelegramServer, Message
from tests.support.replicas import (
    SECRET,
    first_pick,
    picks_of,
    said,
    start_replicas,
    wait_until,
)

# Two real bot processes on a real PostgreSQL server, for tens of seconds per test.
pytestmark = [pytest.mark.process, pytest.mark.slow]
PEOPLE = int(os.environ.get("MOVIEREC_TEST_REPLICA_PEOPLE", "200"))
TITLES = ["Alien", "Heat", "Fargo", "Toy Story", "Casablanca", "Jaws", "Vertigo", "Babe"]
FILM_IDS = {"Alien": 1214, "Heat": 6, "Fargo": 608, "Toy Story": 1, "Casablanca": 912}
FILM_IDS |= {"Jaws": 1387, "Vertigo": 903, "Babe": 34}
GROUP = -9100
ANN, BEN, CAT = 71_001, 71_002, 71_003


def test_two_replicas_and_a_kill_lose_nothing(
    recommender: Recommender,
    session_home: Path,
    ml1m_dir: Path,
    shipped: Path,
    database_url: str,
    tmp_path: Path,
) -> None:
    fake = FakeTelegram()
    server = FakeTelegramServer(fake)
    base_url = server.start()
    home = seed_home(tmp_path / "home", session_home)
    replicas, urls = start_replicas(fake, base_url, home, ml1m_dir, shipped, database_url)
    delivery = WebhookDelivery(fake, urls, SECRET).start()
    people = list(range(60_001, 60_001 + PEOPLE))
    try:
        for i, person in enumerate(people):
            fake.send(person, person, f"/like {TITLES[i % len(TITLES)]}")
        wait_until(
            fake, lambda: all(said(fake, p, "Noted") for p in people), 120, delivery, replicas
        )
        for person in people:
            fake.send(person, person, "/rec")
        wait_until(fake, lambda: all(picks_of(fake, p) for p in people), 120, delivery, replicas)
        shown = {p: picks_of(fake, p) for p in people}
        firsts = {}
        for person, picks in shown.items():  # each opens the first film's card, in place
            assert picks is not None
            firsts[person] = first_pick(picks)
            fake.press(person, person, picks.message_id, presses.card(firsts[person]))

        def cards() -> bool:
            return all(m is not None and m.text.startswith("🎬") for m in shown.values())

        wait_until(fake, cards, 120, delivery, replicas)
        for i, person in enumerate(people):
            if i == PEOPLE // 2:
                replicas[0].kill()  # a crash while the presses are being delivered
            message = shown[person]
            assert message is not None
            fake.press(person, person, message.message_id, presses.rate(firsts[person], 1))
        wait_until(
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


def test_copies_of_an_update_on_both_replicas_are_handled_once(
    recommender: Recommender,
    session_home: Path,
    ml1m_dir: Path,
    shipped: Path,
    database_url: str,
    tmp_path: Path,
) -> None:
    fake = FakeTelegram()
    server = FakeTelegramServer(fake)
    base_url = server.start()
    home = seed_home(tmp_path / "home", session_home)
    replicas, (a, b) = start_replicas(fake, base_url, home, ml1m_dir, shipped, database_url)
    delivery = WebhookDelivery(fake, [a, b], SECRET)  # by hand (`at_once`), no threads
    copies: list[int | None] = []
    busy: list[int] = []  # the 503s: a copy that came while the other replica handled it

    def until_delivered(update: dict, url: str, status: int | None) -> int | None:
        """Telegram sends a copy that got 503 again after a while, until it gets a 2xx."""
        for _ in range(50):
            if status != 503:
                break
            busy.append(update["update_id"])
            time.sleep(0.2)
            (status,) = delivery.at_once((update, url))
        return status

    def thrice(update: dict) -> list[Message]:
        """Telegram's copies of one update: to both replicas at the same moment, then once more
        later; what the bot sent to the group for them."""
        before = len(fake.messages(GROUP))
        for url, status in zip((a, b), delivery.at_once((update, a), (update, b)), strict=True):
            copies.append(until_delivered(update, url, status))
        copies.extend(delivery.at_once((update, b)))  # the answer got lost: sent again
        return fake.messages(GROUP)[before:]

    def once(update: dict, url: str) -> list[Message]:
        before = len(fake.messages(GROUP))
        assert delivery.at_once((update, url)) == [200]
        return fake.messages(GROUP)[before:]

    def night(starter: int) -> tuple[Message, Message]:
        """A movie night with Ann and Ben in: its roster and picks (one copy of each update)."""
        (roster,) = once(fake.send(GROUP, starter, "/movienight"), a)
        for who, url in ((ANN, a), (BEN, b)):
            once(fake.press(GROUP, who, roster.message_id, presses.night("i")), url)
        (picks,) = once(fake.press(GROUP, starter, roster.message_id, presses.night("p")), b)
        return roster, picks

    try:
        noted = thrice(fake.send(GROUP, ANN, "/like Heat", first_name="Ann"))
        once(fake.send(GROUP, BEN, "/like Fargo, Toy Story", first_name="Ben"), b)
        mine = thrice(fake.send(GROUP, ANN, "/rec"))
        rosters = thrice(fake.send(GROUP, ANN, "/movienight"))
        first_roster, first = night(ANN)
        polls = thrice(fake.press(GROUP, BEN, first.message_id, presses.vote("v")))
        # Another night: six people press 📊 Vote at the same moment, three on each replica.
        second_roster, second = night(BEN)
        vote = presses.vote("v")
        pressing = (ANN, BEN, CAT, *range(CAT + 1, CAT + 4))
        raced = [fake.press(GROUP, who, second.message_id, vote) for who in pressing]
        before = len(fake.messages(GROUP))
        raced_status = delivery.at_once(*((u, (a, b)[i % 2]) for i, u in enumerate(raced)))
        raced_polls, raced_sent = len(fake.polls), fake.messages(GROUP)[before:]
        poll_message = raced_sent[-1]
        (announced,) = once(fake.press(GROUP, ANN, poll_message.message_id, presses.vote("c")), b)
        late = fake.press(GROUP, CAT, second.message_id, vote)
        after_winner = once(late, a)
    finally:
        for bot in replicas:
            bot.stop()
        server.stop()
    logs = replicas[0].log()  # both replicas run from one home: one log file
    assert copies == [200] * 12, logs  # every copy answered 2xx in the end: Telegram stops
    assert len(busy) <= 8  # a 503 only for a copy that came while its twin was being handled
    assert [m.text.startswith("Noted") for m in noted] == [True]
    assert len(mine) == 1 and "picks" in mine[0].text.lower()
    assert len(rosters) == 1 and "Who's in tonight" in rosters[0].text
    assert len(polls) == 1 and polls[0].text == night_views.vote_question()
    dropped = [json.loads(line) for line in logs.splitlines() if "duplicate update dropped" in line]
    per_update = Counter(e["update_id"] for e in dropped)
    assert len(per_update) == 4 and all(n == 2 + busy.count(u) for u, n in per_update.items())
    assert raced_status == [200] * 6 and raced_polls == 2 and len(raced_sent) == 1  # one poll
    toasts = sorted(fake.callback_answers[u["callback_query"]["id"]]["text"] for u in raced)
    assert toasts == sorted([night_views.vote_started(), *[night_views.vote_open()] * 5])
    assert "Tonight:" in announced.text
    assert after_winner == [] and len(fake.polls) == 2
    assert fake.callback_answers[late["callback_query"]["id"]]["text"] == night_views.vote_done()
    assert fake.errors == [] and fake.unanswered_callbacks() == []
    with psycopg.connect(database_url) as db:
        ratings = db.execute("SELECT user_id, movie_id FROM ratings WHERE chat_id = %s", (GROUP,))
        assert sorted(ratings.fetchall()) == [(ANN, 6), (BEN, 1), (BEN, 608)]
        nights = db.execute("SELECT night_id FROM polls WHERE chat_id = %s", (GROUP,)).fetchall()
        assert sorted(nights) == [(first_roster.message_id,), (second_roster.message_id,)]


def test_a_document_on_two_replicas_imports_once(
    recommender: Recommender,
    session_home: Path,
    ml1m_dir: Path,
    shipped: Path,
    database_url: str,
    tmp_path: Path,
) -> None:
    """One Letterboxd export, its update delivered to both replicas at the same moment (and
    again later), then ✅ Import the same way: one summary, one import, each rating once."""
    from tests.support.exports import letterboxd_zip

    fake = FakeTelegram()
    server = FakeTelegramServer(fake)
    base_url = server.start()
    home = seed_home(tmp_path / "home", session_home)
    replicas, (a, b) = start_replicas(fake, base_url, home, ml1m_dir, shipped, database_url)
    delivery = WebhookDelivery(fake, [a, b], SECRET)
    rated = {2571: 4.5, 1721: 1.0, 1214: 4.0, 6: 3.0}
    data = letterboxd_zip(recommender.catalogue, rated, watchlist=[1])

    def everywhere(update: dict) -> list[int | None]:
        """To both replicas at once, a 503 (its twin is being handled) sent again until 2xx,
        then once more (an answer that got lost)."""
        statuses = []
        for url, status in zip((a, b), delivery.at_once((update, a), (update, b)), strict=True):
            for _ in range(50):
                if status != 503:
                    break
                time.sleep(0.2)
                (status,) = delivery.at_once((update, url))
            statuses.append(status)
        return statuses + delivery.at_once((update, b))

    try:
        sent = everywhere(fake.upload(ANN, ANN, "letterboxd-ann.zip", data))
        summaries = [m for m in fake.messages(ANN) if "export" in m.text]
        assert len(summaries) == 1, [m.text for m in fake.messages(ANN)]
        summary = summaries[0]
        go = next(d for t, d in summary.buttons() if t.startswith("✅"))
        pressed = everywhere(fake.press(ANN, ANN, summary.message_id, go))
    finally:
        for bot in replicas:
            bot.stop()
        server.stop()
    assert sent == [200] * 3 and pressed == [200] * 3, replicas[0].log()
    assert "Imported" in fake.messages(ANN)[summaries[0].message_id - 2].text or any(
        "✅ Imported" in m.text for m in fake.messages(ANN)
    )
    assert len(fake.downloads) == 1  # the file was fetched once
    with psycopg.connect(database_url) as db:
        imports = db.execute("SELECT status FROM imports WHERE user_id = %s", (ANN,)).fetchall()
        ratings = db.execute(
            "SELECT movie_id, value FROM ratings WHERE chat_id = %s", (ANN,)
        ).fetchall()
        saved = db.execute("SELECT movie_id FROM watchlist WHERE chat_id = %s", (ANN,)).fetchall()
    assert imports == [("applied",)]
    assert sorted(ratings) == [(1214, 1.0), (1721, -1.0), (2571, 1.0)]
    assert saved == [(1,)]
    assert fake.errors == [] and fake.unanswered_callbacks() == []
