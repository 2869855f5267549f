"""A small bounded cache that forgets: least recently used entries go first, and every entry
expires `ttl` seconds after it was stored.

Inline mode asks the same things again and again (everyone typing "star wars" sends "s", "st",
"sta", ...), and Telegram waits only about ten seconds for an answer: answers computed once are
reused for a few minutes, in a bounded amount of memory.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Recent(Generic[K, V]):
    """At most `size` entries, each kept `ttl` seconds at most."""

    def __init__(self, size: int, ttl: float) -> None:
        self.size = size
        self.ttl = ttl
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def get(self, key: K, now: float | None = None) -> V | None:
        now = time.monotonic() if now is None else now
        found = self._entries.get(key)
        if found is None:
            return None
        stored, value = found
        if now - stored > self.ttl:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return value

    def put(self, key: K, value: V, now: float | None = None) -> None:
        self._entries[key] = (time.monotonic() if now is None else now, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
