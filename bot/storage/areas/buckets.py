"""The shared flood limit: one token bucket per person, kept in the store so that every replica
counts the same actions (the rule itself is `bot.storage.base.take_from_bucket`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, select, update

from bot.storage.base import take_from_bucket
from bot.storage.engine import StoreEngine, match, threaded
from bot.storage.schema import buckets

_BUCKET = (
    select(buckets.c.tokens, buckets.c.updated, buckets.c.warned)
    .where(match(buckets, "user_id"))
    .with_for_update()
)
_SPEND = update(buckets).where(buckets.c.user_id == bindparam("user"))

_IDLE_BUCKETS = delete(buckets).where(buckets.c.updated < bindparam("before"))


class Buckets(StoreEngine):
    """Token buckets of the flood limit."""

    @threaded
    def take_token(self, user_id: int, now: float, burst: float, rate: float) -> tuple[bool, bool]:
        """The shared token bucket (see `bot.throttle`): (allowed, warn). The row is locked for
        the transaction (`FOR UPDATE` on PostgreSQL, the write lock on SQLite), so concurrent
        callers take turns and no token is spent twice. A new bucket starts full; if another
        replica creates it first, this call then locks that row instead."""
        key = {"user_id": user_id}
        with self._write() as db:
            row: Any = db.execute(_BUCKET, key).first()
            if row is None:
                created = self._add(db, buckets, **key, tokens=burst, updated=now, warned=0)
                row = (burst, now, 0) if created else db.execute(_BUCKET, key).one()
            tokens, warned, allowed, warn = take_from_bucket(*row, now=now, burst=burst, rate=rate)
            spent = {"user": user_id, "tokens": tokens, "updated": now, "warned": warned}
            db.execute(_SPEND, spent)
        return allowed, warn

    @threaded
    def forget_idle_buckets(self, before: float) -> int:
        with self._write() as db:
            return db.execute(_IDLE_BUCKETS, {"before": before}).rowcount
