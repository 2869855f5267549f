"""What one chat-state call costs: microseconds per `rate` and per `taste` (and, for comparison,
the three calls `taste` replaces), on SQLite and on PostgreSQL.

    python benchmarks/storage.py [--calls 300] [--repeat 5] [--postgres URL]

Each figure is the best of `--repeat` runs of `--calls` calls: on a shared machine the other
runs measure the neighbours.

Without `--postgres` a throwaway PostgreSQL is started from the `pgserver` wheel (the tests'
own, with fsync off: it measures the round trips and the code, not the disk). SQLite runs on a
temporary file with the store's real settings (`synchronous=FULL`: each write waits for an fsync,
so `--dir` chooses the disk).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.storage import ChatStore, open_storage  # noqa: E402

GROUP, ANN = -1_001_234_567_890, 7_000_000_001


async def _per_call(calls: int, call: Callable[[int], Awaitable[object]], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for i in range(calls):
            await call(i)
        best = min(best, time.perf_counter() - started)
    return best / calls * 1e6


async def _three_reads(store: ChatStore) -> None:
    await store.ratings(GROUP, ANN)
    await store.hidden(GROUP, ANN)
    await store.watchlist(GROUP, ANN)


async def measure(store: ChatStore, calls: int, repeat: int) -> dict[str, float]:
    for movie in range(200):  # a person with 200 ratings, a few hidden and saved films
        await store.rate(GROUP, ANN, 10_000 + movie, 1.0 if movie % 3 else -1.0, "Film")
    for movie in range(10):
        await store.hide(GROUP, ANN, 20_000 + movie)
        await store.save_for_later(GROUP, ANN, 30_000 + movie)
    return {
        "rate": await _per_call(
            calls, lambda i: store.rate(GROUP, ANN, i % 50, 1.0, "Film"), repeat
        ),
        "taste": await _per_call(calls, lambda _: store.taste(GROUP, ANN), repeat),
        "ratings+hidden+watchlist": await _per_call(calls, lambda _: _three_reads(store), repeat),
    }


async def main_async(calls: int, repeat: int, where: Path | None, postgres: str | None) -> None:
    with tempfile.TemporaryDirectory(dir=where) as tmp:
        engines = {"sqlite": await open_storage(None, Path(tmp) / "bot.sqlite3")}
        server = None
        if postgres is None:
            from tests.support.postgres import _start_pgserver

            (Path(tmp) / "pg").mkdir()
            postgres, server = _start_pgserver(Path(tmp) / "pg")
        engines["postgresql"] = await open_storage(postgres, Path(tmp))
        try:
            for name, store in engines.items():
                timings = await measure(store, calls, repeat)
                print(name, "  ".join(f"{k}: {v:.0f} µs/call" for k, v in timings.items()))
        finally:
            for store in engines.values():
                await store.close()
            if server is not None:
                server.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5, help="report the best of this many runs")
    parser.add_argument("--dir", type=Path, default=None, help="the disk for SQLite (/tmp)")
    parser.add_argument("--postgres", default=None, help="postgresql://... (default: pgserver)")
    args = parser.parse_args()
    asyncio.run(main_async(args.calls, args.repeat, args.dir, args.postgres))


if __name__ == "__main__":
    main()
