"""Card open latency through the real bot (in-process, the Telegram and TMDB stand-ins), on
ml-latest-small: p50 / p99 of pressing a film of a list until its card is shown, with the facts
cache warm (in memory) and cold (every film fetched from the TMDB stand-in first).

    MOVIELENS_DIR=../shared/data/ml-latest-small .venv/bin/python -m benchmarks.cards
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bot.app import build_application
from bot.films import Tmdb
from bot.storage import open_storage
from bot.throttle import Throttle
from movierec.config import Settings
from movierec.recommender import Recommender
from tests.support import presses
from tests.support.fakegram import FakeTelegram
from tests.support.harness import Harness
from tests.support.tmdb import TOKEN, FakeTmdb, serve

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ml-latest-small"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


async def run(rec: Recommender, home: Path, tmdb: FakeTmdb) -> None:
    fake = FakeTelegram()
    storage = await open_storage(None, home / "db.sqlite3")
    app = build_application(
        fake.token, rec, storage, request=fake.request(), throttle=Throttle(burst=10**6),
        tmdb=Tmdb(TOKEN, tmdb.url, rate=1000), facts_wait=1.0,
    )  # fmt: skip
    await app.initialize()
    harness = Harness(fake, app, storage)
    user = 5_000_000_001
    await harness.say(user, user, "/like Alien, Heat, Fargo, Toy Story, Matrix")
    popular = [m.movie_id for m in rec.catalogue.popular(200, min_mean=0)]
    picks = await harness.say(user, user, "/rec")
    timings: dict[str, list[float]] = {"cold": [], "warm": []}
    for kind in ("cold", "warm"):
        for movie in popular:
            start = time.perf_counter()
            await harness.press(user, user, picks, presses.card(movie), forge=True)
            timings[kind].append(time.perf_counter() - start)
            await harness.press(user, user, picks, presses.back())
    for kind, values in timings.items():
        print(f"{kind}: p50 {pct(values, 0.5):.1f} ms, p99 {pct(values, 0.99):.1f} ms, "
              f"mean {statistics.mean(values) * 1000:.1f} ms over {len(values)} cards")  # fmt: skip
    await app.shutdown()
    await storage.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, serve(FakeTmdb()) as tmdb:
        home = Path(tmp)
        rec = Recommender.open(Settings(home=home, movielens_dir=DATA), data_dir=DATA)
        asyncio.run(run(rec, home, tmdb))
        rec.close()


if __name__ == "__main__":
    main()
