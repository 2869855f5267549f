"""A per-person limit on how fast the bot listens, so one flood cannot starve everyone else.

A token bucket per person: a burst of `burst` actions is always allowed, then `rate` actions a
second. People tap fast on phones: a quick first session (/start, six 👍/👎 taps, five /like, /rec,
a few taps on the picks, More, /ratings: about 20 actions in 15 seconds) never comes close to
30 + 1.5/s, while a script sending hundreds of updates is refused after the first 30. A person
whose bucket has refilled holds no memory here: idle entries are dropped, so the table only holds
people who are active right now.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


@dataclass
class Throttle:
    """Allow a burst of `burst` actions, refilled at `rate` per second, per person."""

    burst: float = 30.0
    rate: float = 1.5
    _buckets: dict[int, _Bucket] = field(default_factory=dict)
    _checks: int = 0

    def check(self, user_id: int, now: float | None = None) -> tuple[bool, bool]:
        """(allowed, warn): warn is True for the first refused action of a flood only."""
        now = time.monotonic() if now is None else now
        self._checks += 1
        if self._checks % 1024 == 0:
            self.forget_idle(now)
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = self._buckets[user_id] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            if bucket.tokens >= self.burst / 2:
                bucket.warned = False  # a new flood later gets a new warning
            return True, False
        warn = not bucket.warned
        bucket.warned = True
        return False, warn

    def forget_idle(self, now: float | None = None) -> int:
        """Drop the people whose bucket is full again (they would start afresh anyway)."""
        now = time.monotonic() if now is None else now
        full = self.burst / self.rate
        idle = [user for user, b in self._buckets.items() if now - b.updated >= full]
        for user in idle:
            del self._buckets[user]
        return len(idle)

    def __len__(self) -> int:
        return len(self._buckets)
