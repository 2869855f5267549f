"""Bot replicas in webhook mode on one PostgreSQL: replies per second, latency, CPU per reply.

    python benchmarks/replicas.py [--replicas 1 2 4] [--chats 200] [--rounds 3]

Each replica is `movierec-bot` (this venv's) in webhook mode with DATABASE_URL pointing at a
PostgreSQL 16 that the benchmark starts (pgserver); the stand-in delivers updates like Telegram,
over 16 connections, round robin across the replicas. Every chat likes three films, then sends
/rec `rounds` times, all chats at once (a burst): latency runs from the moment an update is
queued to the moment its reply reaches the stand-in. The outgoing rate limiter is off
(TELEGRAM_MAX_RATE=0): this measures the bot, not Telegram's 30 messages a second. CPU per reply
is the replicas' own CPU time (user + system, from /proc) divided by the replies.

On a 2-core machine, more replicas than cores cannot add throughput: the numbers show what one
core's worth of bot does, and extrapolate to N cores (replies/s per core × N) as long as
PostgreSQL and Qdrant keep up.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from movierec.config import Settings  # noqa: E402
from movierec.recommender import Recommender  # noqa: E402
from tests.support.botprocess import BotProcess, free_port, seed_home  # noqa: E402
from tests.support.delivery import WebhookDelivery  # noqa: E402
from tests.support.fakegram import FakeTelegram, FakeTelegramServer  # noqa: E402
from tests.support.postgres import with_database  # noqa: E402

SECRET = "benchmark-S3cret_0123456789"
LIKES = ["Matrix, Toy Story, Alien", "Heat, Fargo, Titanic", "Star Wars 1977, Braveheart"]


def _database() -> tuple[str, object]:
    import pgserver
    import psycopg

    root = Path(tempfile.mkdtemp(prefix="movierec-bench-pg-"))
    server = pgserver.get_server(root / "pgdata", cleanup_mode="delete")
    url = server.get_uri()
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("CREATE DATABASE bench")
    return with_database(url, "bench"), server


def run(movielens: Path, built: Path, replicas: int, chats: int, rounds: int) -> dict:
    url, server = _database()
    fake = FakeTelegram()
    telegram = FakeTelegramServer(fake)
    base_url = telegram.start()
    bots: list[BotProcess] = []
    delivery = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            home = seed_home(Path(tmp) / "home", built)
            targets = []
            for _ in range(replicas):
                port = free_port()
                bot = BotProcess(
                    fake,
                    base_url,
                    home,
                    movielens,
                    Path(sys.executable).parent,
                    WEBHOOK_URL="https://bot.example.org/telegram",
                    WEBHOOK_SECRET=SECRET,
                    WEBHOOK_LISTEN="127.0.0.1",
                    WEBHOOK_PORT=str(port),
                    DATABASE_URL=url,
                    TELEGRAM_MAX_RATE="0",
                    LOG_LEVEL="WARNING",
                ).start(wait_for_polling=False)
                bots.append(bot)
                targets.append(f"http://127.0.0.1:{port}/telegram")
            for target in targets:
                _wait_healthy(target.replace("/telegram", "/healthz"))
            delivery = WebhookDelivery(fake, targets, SECRET, connections=16).start()
            ids = list(range(20_001, 20_001 + chats))
            counts = {c: len(fake.messages(c)) for c in ids}
            for i, chat in enumerate(ids):
                fake.send(chat, chat, "/like " + LIKES[i % len(LIKES)])
            _wait_all(fake, counts)
            processes = [psutil.Process(b.process.pid) for b in bots if b.process]
            cpu_before = sum(p.cpu_times().user + p.cpu_times().system for p in processes)
            latencies: list[float] = []
            started = time.monotonic()
            for _ in range(rounds):
                counts = {c: len(fake.messages(c)) for c in ids}
                sent = {c: time.monotonic() for c in ids}
                for chat in ids:
                    fake.send(chat, chat, "/rec")
                _wait_all(fake, counts)
                for chat in ids:
                    latencies.append(fake.messages(chat)[-1].sent_at - sent[chat])
            elapsed = time.monotonic() - started
            cpu = sum(p.cpu_times().user + p.cpu_times().system for p in processes) - cpu_before
    finally:
        if delivery is not None:
            delivery.stop()
        for bot in bots:
            bot.stop()
        telegram.stop()
        server.cleanup()  # type: ignore[attr-defined]
    replies = len(latencies)
    return {
        "replicas": replicas,
        "replies": replies,
        "replies_per_s": round(replies / elapsed, 1),
        "p50_ms": round(float(np.percentile(latencies, 50)) * 1000, 1),
        "p99_ms": round(float(np.percentile(latencies, 99)) * 1000, 1),
        "cpu_ms_per_reply": round(cpu / replies * 1000, 2),
        "errors": len(fake.errors),
    }


def _wait_healthy(url: str, timeout: float = 120) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no replica answered at {url}")


def _wait_all(fake: FakeTelegram, counts: dict[int, int], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while any(len(fake.messages(c)) <= n for c, n in counts.items()):
        if time.monotonic() > deadline:
            raise RuntimeError("the replicas did not answer every chat in time")
        time.sleep(0.005)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/ml-1m")
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as built:
        Recommender.open(Settings(home=Path(built), movielens_dir=args.data), data_dir=args.data)
        rows = [run(args.data, Path(built), n, args.chats, args.rounds) for n in args.replicas]
    print(json.dumps(rows, indent=2))
    print("\n| replicas | replies/s | p50 | p99 | CPU per reply |\n|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['replicas']} | {row['replies_per_s']} | {row['p50_ms']} ms | "
            f"{row['p99_ms']} ms | {row['cpu_ms_per_reply']} ms |"
        )


if __name__ == "__main__":
    main()
