"""Claimed updates: each Telegram update is handled once across processes and replicas (a lease
while its handler runs, done once handled)."""

from __future__ import annotations

import functools

from sqlalchemy import Boolean, Executable, and_, bindparam, delete, or_, select, update

from bot.storage.base import Claim
from bot.storage.engine import StoreEngine, insert_for, match, threaded
from bot.storage.schema import updates

CLAIM_PRUNE_EVERY = 256  # claim_update drops expired claims on its first call and every 256th


@functools.cache
def _claim(dialect: str) -> Executable:
    """A claim on an update, returning its id when this call took it: new, lapsed, or (with
    :take_unfinished) one nobody finished."""
    insert = insert_for(dialect, updates)
    lapsed = updates.c.expires_at <= bindparam("now")
    unfinished = and_(updates.c.done == 0, bindparam("take_unfinished", type_=Boolean))
    return insert.on_conflict_do_update(
        index_elements=["update_id"],
        set_={"expires_at": insert.excluded.expires_at, "done": 0},
        where=or_(lapsed, unfinished),
    ).returning(updates.c.update_id)


_LAPSED_CLAIMS = delete(updates).where(updates.c.expires_at < bindparam("now"))
_CLAIM_DONE = select(updates.c.done).where(match(updates, "update_id"))
_RENEW = (
    update(updates)
    .where(and_(updates.c.update_id == bindparam("handled"), updates.c.done == 0))
    .values(expires_at=bindparam("until"))
)
_RELEASE = (
    update(updates)
    .where(and_(updates.c.update_id == bindparam("handled"), updates.c.done == 0))
    .values(expires_at=0.0)
)
_FINISH = (
    update(updates)
    .where(updates.c.update_id == bindparam("handled"))
    .values(done=1, expires_at=bindparam("until"))
)


class Claims(StoreEngine):
    """Claims on updates: exactly one handler per update."""

    @threaded
    def claim_update(
        self, update_id: int, now: float, lease: float, *, take_unfinished: bool = False
    ) -> Claim:
        """Claim a Telegram update for this caller (across processes and replicas): TAKEN for
        exactly one caller at a time, DONE once it was handled (`finish_update`), BUSY while
        another caller's lease (`lease` seconds from its claim) runs. A lapsed lease (its
        handler died) is taken over; `take_unfinished` takes over any unfinished claim at once
        (one polling process: it can only be a dead predecessor's). Lapsed claims are dropped
        now and then (the first call, then every CLAIM_PRUNE_EVERY)."""
        with self._write() as db:
            if self._claims % CLAIM_PRUNE_EVERY == 0:
                db.execute(_LAPSED_CLAIMS, {"now": now})
            self._claims += 1
            claim = {
                "update_id": update_id,
                "expires_at": now + lease,
                "now": now,
                "take_unfinished": take_unfinished,
            }
            if db.execute(_claim(self._dialect), claim).first() is not None:
                return Claim.TAKEN
            done = db.execute(_CLAIM_DONE, {"update_id": update_id}).scalar()
            return Claim.DONE if done else Claim.BUSY

    @threaded
    def renew_update(self, update_id: int, now: float, lease: float) -> None:
        """A claimed update still being handled: its lease runs `lease` seconds from `now`."""
        with self._write() as db:
            db.execute(_RENEW, {"handled": update_id, "until": now + lease})

    @threaded
    def release_update(self, update_id: int) -> None:
        """A claimed update whose handling failed before it took effect (the store went away):
        its lease ends now, so the copy Telegram sends again is taken at once."""
        with self._write() as db:
            db.execute(_RELEASE, {"handled": update_id})

    @threaded
    def finish_update(self, update_id: int, now: float, ttl: float) -> None:
        """An update handled: copies that arrive in the next `ttl` seconds are dropped."""
        with self._write() as db:
            db.execute(_FINISH, {"handled": update_id, "until": now + ttl})
