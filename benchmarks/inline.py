"""Inline-mode answers: how long "@bot mat", "@bot matr", ... take, keystroke by keystroke.

    python benchmarks/inline.py [--data ../shared/data/ml-1m] [--repeat 5]
    python benchmarks/inline.py --burst 1000 --people 50

The real Application answers inline queries through the in-process Telegram stand-in (which checks
every answer against Telegram's rules), for every prefix of a list of titles as people type them,
and for the empty query (a person's own picks). Printed: p50 / p99 per answer in milliseconds,
from the update reaching the Application to the answer reaching the stand-in.

`--burst N --people P`: P people type at once, a keystroke each every `--keystroke` seconds, N
queries in all, through the running Application (its 16 concurrent updates, as in production).
Printed: p50 / p99 from the query to its answer for the queries nobody superseded (Telegram
shows only a person's newest query), how many were superseded and answered, and how many answers
came later than Telegram waits (10 s).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402

from bot.app import build_application  # noqa: E402
from bot.storage import open_storage  # noqa: E402
from bot.throttle import Throttle  # noqa: E402
from movierec.config import Settings  # noqa: E402
from movierec.recommender import Recommender  # noqa: E402
from tests.support.fakegram import FakeTelegram  # noqa: E402

TYPED = ["the matrix", "star wars", "toy story", "godfather", "pulp fiction", "amelie", "heat"]


async def measure(rec: Recommender, repeat: int) -> dict[str, list[float]]:
    fake = FakeTelegram()
    with tempfile.TemporaryDirectory() as tmp:
        storage = await open_storage(None, Path(tmp) / "bot.sqlite3")
        app = build_application(
            fake.token, rec, storage, request=fake.request(), throttle=Throttle(burst=10**6)
        )
        await app.initialize()
        await storage.rate(7, 7, 2571, 1.0, "Matrix, The (1999)")
        timings: dict[str, list[float]] = {"search": [], "own picks": []}
        for _ in range(repeat):
            for title in TYPED:
                for end in range(1, len(title) + 1):
                    timings["search"].append(await _answer(app, fake, title[:end]))
            timings["own picks"].append(await _answer(app, fake, ""))
        await app.shutdown()
        await storage.close()
    assert not fake.errors, fake.errors
    return timings


async def _answer(app, fake: FakeTelegram, query: str) -> float:  # app: Application
    update = fake.inline_query(7, query)
    started = time.perf_counter()
    await app.process_update(Update.de_json(update, app.bot))
    elapsed = time.perf_counter() - started
    assert update["inline_query"]["id"] in fake.inline_answers
    return elapsed


async def burst(rec: Recommender, total: int, people: int, keystroke: float) -> dict[str, float]:
    fake = FakeTelegram()
    with tempfile.TemporaryDirectory() as tmp:
        storage = await open_storage(None, Path(tmp) / "bot.sqlite3")
        app = build_application(
            fake.token, rec, storage, request=fake.request(), throttle=Throttle(burst=10**6)
        )
        await app.initialize()
        await app.start()
        typed = [TYPED[(p + i) % len(TYPED)] for p in range(people) for i in range(3)]
        started = time.monotonic()
        for step in range(total):
            person, keystroke_no = step % people, step // people
            title = " ".join(typed[person * 3 : person * 3 + 3])
            update = fake.inline_query(9000 + person, title[: keystroke_no % len(title) + 1])
            await app.update_queue.put(Update.de_json(update, app.bot))
            if person == people - 1:
                due = started + (keystroke_no + 1) * keystroke
                await asyncio.sleep(max(0.0, due - time.monotonic()))
        await app.stop()  # after every queued update was handled
        await app.shutdown()
        await storage.close()
    return fake.inline_report()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/ml-1m")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--burst", type=int, default=0, help="queries in a burst (0: none)")
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--keystroke", type=float, default=0.2, help="seconds between keys")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        rec = Recommender.open(
            Settings(home=Path(home), movielens_dir=args.data), data_dir=args.data
        )
        rec.match("warm up the title index")
        if args.burst:
            report = asyncio.run(burst(rec, args.burst, args.people, args.keystroke))
            rec.close()
            print(f"burst of {args.burst} queries from {args.people} people: {report}")
            return
        timings = asyncio.run(measure(rec, args.repeat))
        rec.close()
    print(f"{args.data.name}: {len(rec.catalogue)} titles")
    for kind, values in timings.items():
        ms = np.asarray(values) * 1000
        print(
            f"  {kind}: {len(ms)} answers, p50 {np.percentile(ms, 50):.1f} ms, "
            f"p99 {np.percentile(ms, 99):.1f} ms"
        )


if __name__ == "__main__":
    main()
