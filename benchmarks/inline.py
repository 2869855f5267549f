"""Inline-mode answers: how long "@bot mat", "@bot matr", ... take, keystroke by keystroke.

    python benchmarks/inline.py [--data ../shared/data/ml-1m] [--repeat 5]

The real Application answers inline queries through the in-process Telegram stand-in (which checks
every answer against Telegram's rules), for every prefix of a list of titles as people type them,
and for the empty query (a person's own picks). Printed: p50 / p99 per answer in milliseconds,
from the update reaching the Application to the answer reaching the stand-in.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/ml-1m")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        rec = Recommender.open(
            Settings(home=Path(home), movielens_dir=args.data), data_dir=args.data
        )
        rec.match("warm up the title index")
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
