"""Bot benchmark: 50 chats at once through the local Telegram stand-in, the bot as a real process.

    python benchmarks/bot.py [--chats 50] [--rounds 8]

Every chat first likes three films; then, round after round, every chat sends /recommend: spread
over one second (50 requests a second, 50 conversations going on at once), or all in the same
instant (a burst). Latency runs from the moment an update is available to the bot (getUpdates) to
the moment the reply reaches the stand-in: the bot's HTTP round trips, the handler, the core and
SQLite. Three runs: spread and burst with the outgoing rate limiter off (the bot's own speed), and
the burst at Telegram's 30 messages a second (what people see if 50 chats ask at once).

`--compare DIR` runs another checkout of the bot (e.g. `git worktree add /tmp/old <commit>`)
against the same stand-in, alternating with this one run by run (`--repeat` times each), and
prints both and the ratio of their per-reply CPU: on a shared machine only such a ratio, taken
within one run, means anything.

`cpu_ms_per_reply` is the bot process's own CPU time (user + system, its threads included) over
the rounds, divided by the replies: what a reply costs the bot, whatever else the shared machine
is doing (wall-clock latency is not).
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
from tests.support.botprocess import BotProcess, seed_home  # noqa: E402
from tests.support.fakegram import FakeTelegram, FakeTelegramServer  # noqa: E402

LIKES = [
    "The Matrix, Toy Story, Alien",
    "Heat, Fargo, Titanic",
    "Star Wars 1977, Braveheart",
    "Pulp Fiction, Se7en, Fight Club",
    "Jurassic Park, Men in Black, Babe",
]


def wait_all(fake: FakeTelegram, counts: dict[int, int], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while any(len(fake.messages(c)) <= n for c, n in counts.items()):
        if time.monotonic() > deadline:
            raise RuntimeError("the bot did not answer every chat in time")
        time.sleep(0.005)  # the harness shares the stand-in's process: poll gently


def run(
    movielens: Path,
    built_home: Path,
    chats: int,
    rounds: int,
    max_rate: str,
    spread: float,
    writers: int = 0,
    code: Path | None = None,
) -> dict:
    """`writers` more chats send a /like (a committed, fsynced write) in the same instant as
    each burst: if disk writes blocked the event loop, /recommend would queue behind them."""
    fake = FakeTelegram()
    server = FakeTelegramServer(fake)
    base_url = server.start()
    with tempfile.TemporaryDirectory() as tmp:
        home = seed_home(Path(tmp) / "home", built_home)
        bot = BotProcess(
            fake,
            base_url,
            home,
            movielens,
            Path(sys.executable).parent,  # movierec-bot of this venv
            TELEGRAM_MAX_RATE=max_rate,
            LOG_LEVEL="WARNING",
            **({"PYTHONPATH": str(code)} if code else {}),
        ).start()
        try:
            ids = list(range(10_001, 10_001 + chats))
            counts = {c: len(fake.messages(c)) for c in ids}
            for i, chat in enumerate(ids):
                fake.send(chat, chat, "/like " + LIKES[i % len(LIKES)])
            wait_all(fake, counts)
            latencies: list[float] = []
            process = psutil.Process(bot.process.pid)
            cpu_before = sum(process.cpu_times()[:2])
            started = time.monotonic()
            for _ in range(rounds):
                counts = {c: len(fake.messages(c)) for c in ids}
                sent = {}
                for number, writer in enumerate(range(30_001, 30_001 + writers)):
                    fake.send(writer, writer, "/like " + LIKES[(number + _) % len(LIKES)])
                for chat in ids:
                    fake.send(chat, chat, "/recommend")
                    sent[chat] = time.monotonic()
                    if spread:
                        time.sleep(spread / chats)
                wait_all(fake, counts)
                for chat in ids:
                    reply = fake.messages(chat)[counts[chat]]
                    assert "people with your taste" in reply.text, reply.text
                    latencies.append(reply.sent_at - sent[chat])
            elapsed = time.monotonic() - started
            cpu = sum(process.cpu_times()[:2]) - cpu_before
            assert not fake.errors, fake.errors
        finally:
            bot.stop()
            server.stop()
    values = np.array(latencies) * 1000
    return {
        "max_rate": max_rate,
        "arrivals": f"spread over {spread:g} s" if spread else "all in the same instant",
        "writers": writers,
        "chats": chats,
        "replies": len(latencies),
        "p50_ms": float(np.percentile(values, 50)),
        "p99_ms": float(np.percentile(values, 99)),
        "max_ms": float(values.max()),
        "replies_per_second": len(latencies) / elapsed,
        "cpu_ms_per_reply": cpu * 1000 / len(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/ml-1m")
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--compare", type=Path, help="another checkout of the bot to run against")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each, with --compare")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        built = Path(tmp) / "built"
        Recommender.open(Settings(home=built, movielens_dir=args.data), data_dir=args.data).close()
        configs = (("0", 1.0, 0), ("0", 0.0, 0), ("0", 0.0, 50), ("30", 0.0, 0))
        if args.compare is None:
            results = [run(args.data, built, args.chats, args.rounds, *c) for c in configs]
        else:
            results = [compare(args, built, config) for config in configs]
    print(json.dumps(results, indent=2))


def compare(args: argparse.Namespace, built: Path, config: tuple[str, float, int]) -> dict:
    """This checkout and `--compare`'s, alternately: medians of each and their CPU ratio."""
    runs: dict[str, list[dict]] = {"this": [], "other": []}
    for _ in range(args.repeat):
        for name, code in (("other", args.compare.resolve()), ("this", None)):
            runs[name].append(run(args.data, built, args.chats, args.rounds, *config, code))
    medians = {
        name: {key: float(np.median([r[key] for r in rs])) for key in ("p50_ms", "p99_ms")}
        | {"cpu_ms_per_reply": float(np.median([r["cpu_ms_per_reply"] for r in rs]))}
        for name, rs in runs.items()
    }
    ratio = medians["this"]["cpu_ms_per_reply"] / medians["other"]["cpu_ms_per_reply"]
    first = runs["this"][0]
    return {
        "max_rate": first["max_rate"],
        "arrivals": first["arrivals"],
        "writers": first["writers"],
        **{name: m for name, m in medians.items()},
        "cpu_ratio_this_to_other": ratio,
    }


if __name__ == "__main__":
    main()
