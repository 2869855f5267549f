"""A PostgreSQL outage under two webhook replicas loses no message.

Two real replicas (`movierec-bot` from the shipped install) share one real PostgreSQL server,
behind the stand-in's Telegram-like webhook delivery (round robin, each update sent again until
a replica answers 2xx). The server is stopped (`pg_ctl stop -m fast`: every connection ends, as
in a crash or a failover) while 200 people send `/like`, and started again 20 s later. While it
is down the replicas answer 503 (Telegram keeps the updates), their readiness check fails and
their liveness check does not, and nobody is told "something went wrong"; afterwards every
message sent during the outage has been handled exactly once: one rating stored, one
confirmation, each.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest

from bot.ui import texts
from movierec.recommender import Recommender
from tests.support.botprocess import seed_home
from tests.support.delivery import WebhookDelivery
from tests.support.fakegram import FakeTelegram, FakeTelegramServer
from tests.support.postgres import StoppablePostgres
from tests.support.replicas import SECRET, start_replicas, wait_until

# Two real bot processes on a PostgreSQL server of the test's own, stopped and started: a minute.
pytestmark = [pytest.mark.process, pytest.mark.slow]

TITLES = {"Alien": 1214, "Heat": 6, "Fargo": 608, "Toy Story": 1, "Casablanca": 912}
OUTAGE_SECONDS = 20.0
PEOPLE = 200
WARM = 10  # people who like a film before the outage


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=3) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def test_a_database_outage_under_two_replicas_loses_no_message(
    recommender: Recommender,
    session_home: Path,
    ml1m_dir: Path,
    shipped: Path,
    stoppable_postgres: StoppablePostgres,
    tmp_path: Path,
) -> None:
    pg = stoppable_postgres
    fake = FakeTelegram()
    server = FakeTelegramServer(fake)
    base_url = server.start()
    home = seed_home(tmp_path / "home", session_home)
    replicas, urls = start_replicas(fake, base_url, home, ml1m_dir, shipped, pg.database_url)
    ready = [u.replace("/telegram", "/healthz") for u in urls]
    live = [u.replace("/telegram", "/livez") for u in urls]
    delivery = WebhookDelivery(fake, urls, SECRET).start()
    titles = list(TITLES)
    warm = list(range(80_001, 80_001 + WARM))
    people = list(range(81_001, 81_001 + PEOPLE))
    liked = {p: titles[i % len(titles)] for i, p in enumerate(warm + people)}
    readiness_down: list[int] = []
    liveness_down: list[int] = []

    def noted(person: int) -> int:
        return sum(m.text.startswith("Noted") for m in fake.messages(person))

    try:
        for person in warm:
            fake.send(person, person, f"/like {liked[person]}")
        wait_until(fake, lambda: all(noted(p) for p in warm), 60, delivery, replicas)
        pg.stop()
        stopped = time.monotonic()
        for i, person in enumerate(people):
            fake.send(person, person, f"/like {liked[person]}")
            time.sleep(OUTAGE_SECONDS * 0.8 / PEOPLE)
            if i % 40 == 20:
                readiness_down.append(sum(_status(u) == 503 for u in ready))
                liveness_down.append(sum(_status(u) != 200 for u in live))
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped)))
        held = fake.pending_updates()
        pg.start()
        wait_until(
            fake,
            lambda: all(noted(p) for p in people) and not fake.pending_updates(),
            120,
            delivery,
            replicas,
        )
        time.sleep(1.5)  # a duplicate, if there were one, would come now
        ready_after = [_status(u) for u in ready]
    finally:
        delivery.stop()
        for bot in replicas:
            bot.stop()
        server.stop()
    sent = {p: [m.text for m in fake.messages(p)] for p in people}
    errors = sum(texts.error() in t for t in sent.values())
    notices = {p: t.count(texts.store_away()) for p, t in sent.items()}
    with psycopg.connect(pg.database_url) as db:
        rows = db.execute("SELECT chat_id, movie_id, value FROM ratings").fetchall()
    logs = replicas[0].log()  # both replicas write one log file in one home
    lines = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    store_lines = [e for e in lines if "chat store" in e.get("message", "")]
    print(
        f"outage {OUTAGE_SECONDS:.0f} s: {PEOPLE} messages, {held} held by Telegram at the end, "
        f"{delivery.refused} answers 503, error replies {errors}, notices "
        f"{sum(notices.values())}, stored {len(rows) - WARM}, confirmed "
        f"{sum(noted(p) for p in people)}, log lines {len(lines)} ({len(store_lines)} about "
        f"the store), tracebacks {logs.count('Traceback')}"
    )
    assert held > 0 and delivery.refused > 0  # the outage was real: updates were refused
    assert readiness_down and all(n == 2 for n in readiness_down), readiness_down
    assert not any(liveness_down), liveness_down
    assert ready_after == [200, 200]
    assert [noted(p) for p in people] == [1] * PEOPLE  # each handled once, each confirmed once
    assert errors == 0 and max(notices.values()) <= 1
    assert sorted(rows) == sorted((p, TITLES[liked[p]], 1.0) for p in warm + people)
    assert "Traceback" not in logs and not [e for e in lines if e["message"] == "unhandled error"]
    assert 2 <= len(store_lines) <= 12, [e["message"] for e in store_lines]
