"""Timed jobs (reminders, votes that open and close by themselves): one table that every replica
claims from, so each job runs once and none is lost to a restart.

A job is due at a time on the bot's clock (`bot.clock`); claiming takes a lease in real time (a
replica that dies mid-job loses it after `lease` seconds and another runs the job again). On
PostgreSQL due jobs are claimed with `SELECT ... FOR UPDATE SKIP LOCKED`: replicas claiming at the
same moment take different jobs without waiting for each other. SQLite's `BEGIN IMMEDIATE`
serialises the claim by itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, delete, func, select, update

from bot.storage.base import Job
from bot.storage.engine import StoreEngine, match, threaded
from bot.storage.schema import jobs

_JOB_COLUMNS = (
    jobs.c.job_id,
    jobs.c.kind,
    jobs.c.chat_id,
    jobs.c.night_id,
    jobs.c.due_at,
    jobs.c.attempts,
)
_DUE = (
    select(*_JOB_COLUMNS)
    .where(
        jobs.c.done_at.is_(None),
        jobs.c.due_at <= bindparam("now"),
        jobs.c.lease_until <= bindparam("real"),
    )
    .order_by(jobs.c.due_at, jobs.c.job_id)
    .limit(bindparam("limit"))
)
_DUE_SKIP_LOCKED = _DUE.with_for_update(skip_locked=True)
_TAKE = (
    update(jobs)
    .where(jobs.c.job_id == bindparam("taken"))
    .values(attempts=jobs.c.attempts + 1, lease_until=bindparam("until"))
)
_FINISH = (
    update(jobs)
    .where(jobs.c.job_id == bindparam("finished"), jobs.c.done_at.is_(None))
    .values(done_at=bindparam("real"), ran_at=bindparam("now"), lease_until=0.0)
)
_RETRY = (
    update(jobs)
    .where(jobs.c.job_id == bindparam("failed"), jobs.c.done_at.is_(None))
    .values(lease_until=bindparam("until"))
)
_NEXT_DUE = select(func.min(jobs.c.due_at)).where(jobs.c.done_at.is_(None))
_DROP_NIGHT = (
    update(jobs)
    .where(
        jobs.c.chat_id == bindparam("chat"),
        jobs.c.night_id == bindparam("night"),
        jobs.c.done_at.is_(None),
    )
    .values(done_at=bindparam("real"))
)
_NIGHT_JOBS = (
    select(*_JOB_COLUMNS, jobs.c.done_at, jobs.c.ran_at)
    .where(match(jobs, "chat_id", "night_id"))
    .order_by(jobs.c.due_at)
)
_PRUNE = delete(jobs).where(jobs.c.done_at < bindparam("before"))


class Jobs(StoreEngine):
    """Scheduling, claiming and finishing timed jobs."""

    @threaded
    def schedule(self, kind: str, chat_id: int, night_id: int, due_at: float) -> bool:
        """Add a job (one of each kind per night: False when it exists already, done or not)."""
        with self._write() as db:
            return self._add(
                db,
                jobs,
                job_id=Job.key(kind, chat_id, night_id),
                kind=kind,
                chat_id=chat_id,
                night_id=night_id,
                due_at=due_at,
            )

    @threaded
    def claim_jobs(self, now: float, real: float, lease: float, limit: int = 16) -> list[Job]:
        """Due jobs (`due_at <= now` on the bot's clock) that nobody holds, leased to this caller
        for `lease` seconds of real time from `real`; at most `limit`, the most overdue first.
        Each due job goes to one caller at a time, across replicas."""
        query = _DUE_SKIP_LOCKED if self._postgres else _DUE
        with self._write() as db:
            rows = db.execute(query, {"now": now, "real": real, "limit": limit}).all()
            if rows:
                db.execute(_TAKE, [{"taken": r[0], "until": real + lease} for r in rows])
        return [
            Job(job_id, kind, chat, night, due, n + 1) for job_id, kind, chat, night, due, n in rows
        ]

    @threaded
    def finish_job(self, job_id: str, now: float, real: float) -> bool:
        """A job ran (at `now` on the bot's clock): it never runs again. True for the first."""
        with self._write() as db:
            values = {"finished": job_id, "now": now, "real": real}
            return db.execute(_FINISH, values).rowcount > 0

    @threaded
    def retry_job(self, job_id: str, real: float, after: float) -> None:
        """A job that failed (the store or Telegram away): claimable again `after` seconds on."""
        with self._write() as db:
            db.execute(_RETRY, {"failed": job_id, "until": real + after})

    @threaded
    def next_due(self) -> float | None:
        """When the soonest job not yet done is due (the bot's clock), None when there is none."""
        rows = self._rows(_NEXT_DUE)
        return rows[0][0] if rows else None

    @threaded
    def drop_night_jobs(self, chat_id: int, night_id: int, real: float) -> int:
        """A cancelled night: its jobs not yet run never run; how many there were."""
        with self._write() as db:
            values = {"chat": chat_id, "night": night_id, "real": real}
            return db.execute(_DROP_NIGHT, values).rowcount

    @threaded
    def night_jobs(
        self, chat_id: int, night_id: int
    ) -> list[tuple[Job, float | None, float | None]]:
        """A night's jobs, soonest first: (job, done_at in real time, ran_at on the clock)."""
        rows: Sequence = self._rows(_NIGHT_JOBS, chat_id=chat_id, night_id=night_id)
        return [(Job(*row[:6]), row[6], row[7]) for row in rows]

    @threaded
    def prune_jobs(self, before: float) -> int:
        """Forget jobs done before `before` (real time)."""
        with self._write() as db:
            return db.execute(_PRUNE, {"before": before}).rowcount
