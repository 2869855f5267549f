"""Planned movie nights (a roster with a start time, its zone and who planned it) and each
group's time zone."""

from __future__ import annotations

import time

from sqlalchemy import bindparam, select, update

from bot.storage.base import Plan
from bot.storage.engine import StoreEngine, match, threaded
from bot.storage.schema import plans, zones

_PLAN = select(
    plans.c.chat_id,
    plans.c.night_id,
    plans.c.user_id,
    plans.c.starts_at,
    plans.c.zone,
    plans.c.cancelled,
)
_PLAN_OF_NIGHT = _PLAN.where(match(plans, "chat_id", "night_id"))
_PLANS_OF_CHAT = (
    _PLAN.where(match(plans, "chat_id"), plans.c.cancelled == 0)
    .where(plans.c.starts_at > bindparam("after"))
    .order_by(plans.c.starts_at)
)
_CANCEL = (
    update(plans)
    .where(
        plans.c.chat_id == bindparam("chat"),
        plans.c.night_id == bindparam("night"),
        plans.c.cancelled == 0,
    )
    .values(cancelled=1)
)
_ZONE = select(zones.c.zone).where(match(zones, "chat_id"))


def _plan(row: tuple) -> Plan:
    chat, night, user, starts, zone, cancelled = row
    return Plan(chat, night, user, starts, zone, bool(cancelled))


class Plans(StoreEngine):
    """Planned nights and time zones."""

    @threaded
    def plan_night(self, plan: Plan) -> None:
        """A roster's night starts at `plan.starts_at` (planning it again moves it)."""
        with self._write() as db:
            self._upsert(
                db,
                plans,
                chat_id=plan.chat_id,
                night_id=plan.night_id,
                user_id=plan.user_id,
                starts_at=plan.starts_at,
                zone=plan.zone,
                cancelled=int(plan.cancelled),
                created_at=time.time(),
            )

    @threaded
    def plan(self, chat_id: int, night_id: int) -> Plan | None:
        """The plan of a roster, or None for a night held there and then."""
        rows = self._rows(_PLAN_OF_NIGHT, chat_id=chat_id, night_id=night_id)
        return _plan(tuple(rows[0])) if rows else None

    @threaded
    def upcoming_plans(self, chat_id: int, after: float) -> list[Plan]:
        """A group's planned nights not cancelled that start after `after`, soonest first."""
        return [_plan(tuple(r)) for r in self._rows(_PLANS_OF_CHAT, chat_id=chat_id, after=after)]

    @threaded
    def cancel_plan(self, chat_id: int, night_id: int) -> bool:
        """Cancel a planned night; True for the one caller that cancelled it."""
        with self._write() as db:
            return db.execute(_CANCEL, {"chat": chat_id, "night": night_id}).rowcount > 0

    @threaded
    def set_zone(self, chat_id: int, zone: str) -> None:
        """A group's time zone (an IANA name, checked by the caller)."""
        with self._write() as db:
            self._upsert(db, zones, chat_id=chat_id, zone=zone, set_at=time.time())

    @threaded
    def zone(self, chat_id: int) -> str | None:
        """A group's time zone, None until someone set one."""
        rows = self._rows(_ZONE, chat_id=chat_id)
        return rows[0][0] if rows else None
