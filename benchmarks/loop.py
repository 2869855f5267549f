"""Does a burst of disk writes stall the event loop? (blocking work stays off the loop)

    python benchmarks/loop.py [--writes 200]

The bot's SQLite store commits every write with an fsync (`synchronous=FULL`). A ticker coroutine
wakes every millisecond and records how late it woke; meanwhile `--writes` ratings are stored at
once, two ways: through the store the bot uses (`ChatStore`: each call runs in one of the
store's own threads), and synchronous sqlite3 calls with the same settings made on the event
loop itself. The longest stall is how long every other chat
would have waited for any answer.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.storage import ChatStore, open_storage  # noqa: E402


async def _ticker(stop: asyncio.Event, lateness: list[float]) -> None:
    while not stop.is_set():
        before = time.perf_counter()
        await asyncio.sleep(0.001)
        lateness.append(time.perf_counter() - before - 0.001)


async def burst(store: ChatStore, writes: int, on_loop: bool) -> tuple[float, float]:
    """(longest stall of the loop in ms, wall time of the burst in ms)."""
    stop, lateness = asyncio.Event(), []
    ticker = asyncio.create_task(_ticker(stop, lateness))
    await asyncio.sleep(0.01)
    started = time.perf_counter()
    if on_loop:
        assert store.path is not None
        db = sqlite3.connect(store.path, isolation_level=None)
        db.execute("PRAGMA synchronous=FULL")
        for i in range(writes):  # the first release's way
            db.execute(
                "INSERT OR REPLACE INTO ratings (chat_id, user_id, movie_id, value, rated_at, "
                "title) VALUES (1, ?, 1, 1.0, ?, 'Toy Story (1995)')",
                (i, time.time()),
            )
            await asyncio.sleep(0)
        db.close()
    else:
        await asyncio.gather(*(store.rate(2, i, 1, 1.0, "Toy Story (1995)") for i in range(writes)))
    wall = time.perf_counter() - started
    stop.set()
    await ticker
    return max(lateness) * 1000, wall * 1000


async def main_async(writes: int, where: Path | None) -> None:
    with tempfile.TemporaryDirectory(dir=where) as tmp:
        store = await open_storage(None, Path(tmp) / "bot.sqlite3")
        for label, on_loop in (
            ("on the event loop (first release)", True),
            ("through the async store (now)", False),
        ):
            stall, wall = await burst(store, writes, on_loop)
            print(f"{writes} writes {label}: longest stall {stall:.1f} ms, burst {wall:.0f} ms")
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--dir", type=Path, default=None, help="the disk to test (default /tmp)")
    args = parser.parse_args()
    asyncio.run(main_async(args.writes, args.dir))


if __name__ == "__main__":
    main()
