"""A per-person limit on how fast the bot listens, so one flood cannot starve everyone else."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class Throttle:
    """Allow `limit` actions per `period` seconds per user; warn once per flood."""

    limit: int = 12
    period: float = 10.0
    _seen: dict[int, deque[float]] = field(default_factory=dict)
    _warned: dict[int, float] = field(default_factory=dict)

    def check(self, user_id: int, now: float | None = None) -> tuple[bool, bool]:
        """(allowed, warn): warn is True the first time a flood is refused."""
        now = time.monotonic() if now is None else now
        window = self._seen.setdefault(user_id, deque())
        while window and now - window[0] > self.period:
            window.popleft()
        if len(window) < self.limit:
            window.append(now)
            return True, False
        warned_at = self._warned.get(user_id)
        warn = warned_at is None or now - warned_at > self.period
        if warn:
            self._warned[user_id] = now
        return False, warn
