"""The bot's clock for timed work (planned nights, the job runner): the system's, or, for tests
only, a file that holds the current time.

`MOVIEREC_TEST_CLOCK_FILE=/path` (test-only: never set it in a deployment) makes `now()` read a
Unix time from that file (written by the test that moves time on; the system's time while the file
is missing or unreadable). The job runner waits with `changed()`, which returns as soon as the
file's time moves, so a test that jumps to Friday 20:00 sees the vote close at once, without
sleeping. Leases (how long a replica holds a job) always use the real time: a jump of the test
clock must not hand a running job to another replica.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

CLOCK_FILE_VARIABLE = "MOVIEREC_TEST_CLOCK_FILE"
_FILE_POLL = 0.02  # how often a waiting runner looks at the test clock's file


class Clock:
    """The system's clock."""

    def now(self) -> float:
        return time.time()

    async def changed(self, timeout: float) -> None:
        """Wait up to `timeout` seconds, less when the clock jumps (never, for this one)."""
        await asyncio.sleep(max(timeout, 0.0))


class FileClock(Clock):
    """A clock that reads the time from a file (tests only)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def now(self) -> float:
        try:
            return float(self.path.read_text().strip())
        except (OSError, ValueError):
            return time.time()

    def set(self, when: float) -> None:
        """Move the clock to `when` (atomically: a reader never sees half a number)."""
        partial = self.path.with_suffix(".partial")
        partial.write_text(repr(float(when)))
        partial.replace(self.path)

    async def changed(self, timeout: float) -> None:
        start, deadline = self.now(), time.monotonic() + max(timeout, 0.0)
        while time.monotonic() < deadline and self.now() == start:
            await asyncio.sleep(_FILE_POLL)


def from_env() -> Clock:
    """The file clock when MOVIEREC_TEST_CLOCK_FILE is set (tests), else the system's."""
    path = os.environ.get(CLOCK_FILE_VARIABLE, "").strip()
    return FileClock(Path(path)) if path else Clock()
