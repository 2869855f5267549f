"""The job runner: timed work (a reminder before a planned night, a vote that opens or closes by
itself) from the store's job table, run once across every replica and every restart.

A job is a row (`ChatStore.schedule`: its kind, chat, night and due time on the bot's clock,
`bot.clock`); features say what each kind does with `@job_kind("...")`. Every process runs one
claim loop: it claims due jobs (`ChatStore.claim_jobs`: a lease of LEASE_SECONDS; on PostgreSQL
`FOR UPDATE SKIP LOCKED`, so two replicas never take the same job), runs each, and marks it done.
A job whose process died mid-way is claimed again when its lease lapses; one that failed (the
store or Telegram away) is retried with a growing delay, at most MAX_ATTEMPTS times. Nothing
lives in process memory, so a job due while every process was down runs when one is back, and
its handler is told how late it is (`late`, seconds past due) so that it can say so.

The loop sleeps until the soonest due job (at most POLL_SECONDS, so that jobs another replica
scheduled are seen), wakes at once when this process schedules one (`JobRunner.wake`) or when the
test clock moves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from telegram.error import Forbidden
from telegram.ext import Application

from bot.clock import Clock
from bot.context import BotContext, BotData
from bot.storage import ChatStore, Job, StoreUnavailable

log = logging.getLogger("bot.jobs")

LEASE_SECONDS = 120.0  # a claimed job is this replica's for this long (real time)
POLL_SECONDS = 5.0  # the longest the loop sleeps without looking at the table
MAX_ATTEMPTS = 8  # a job that failed this often is given up (and logged)
LATE_SECONDS = 60.0  # a job this far past due says it is late
BATCH = 16

JobHandler = Callable[[BotContext, Job, float], Awaitable[None]]
_HANDLERS: dict[str, JobHandler] = {}


def job_kind(kind: str) -> Callable[[JobHandler], JobHandler]:
    """Register what a kind of job does: `handler(context, job, late)` where `late` is how many
    seconds past due it runs (0 when on time)."""

    def register(handler: JobHandler) -> JobHandler:
        assert kind not in _HANDLERS, f"job kind {kind!r} declared twice"
        _HANDLERS[kind] = handler
        return handler

    return register


def retry_delay(attempts: int) -> float:
    """Seconds before a failed job is tried again: 5, 10, 20, ... up to 10 minutes."""
    return float(min(5 * 2 ** max(attempts - 1, 0), 600))


class JobRunner:
    """One process's claim loop over the shared job table."""

    def __init__(self, app: Application, clock: Clock, poll: float = POLL_SECONDS) -> None:
        self.app = app
        self.clock = clock
        self.poll = poll
        self.ran = 0  # jobs this process ran (for the logs and tests)
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None

    @property
    def storage(self) -> ChatStore:
        data: BotData = self.app.bot_data
        services = data.services
        assert services is not None, "build_application sets the services"
        return services.storage

    def wake(self) -> None:
        """Look at the table now (a job was just scheduled)."""
        self._wake.set()

    async def schedule(self, kind: str, chat_id: int, night_id: int, due_at: float) -> bool:
        """Schedule a job (once per kind and night) and wake the loop."""
        added = await self.storage.schedule(kind, chat_id, night_id, due_at)
        self.wake()
        return bool(added)

    async def run_due(self) -> int:
        """Claim and run every job due now; how many ran."""
        count = 0
        while True:
            jobs = await self.storage.claim_jobs(
                self.clock.now(), time.time(), LEASE_SECONDS, BATCH
            )
            if not jobs:
                return count
            for job in jobs:
                await self._run(job)
                count += 1

    async def _run(self, job: Job) -> None:
        handler = _HANDLERS.get(job.kind)
        now = self.clock.now()
        late = max(now - job.due_at, 0.0)
        extra = {"kind": job.kind, "late": round(late, 3), "attempts": job.attempts}
        if handler is None:
            log.error("job of an unknown kind dropped", extra=extra)
            await self.storage.finish_job(job.job_id, now, time.time())
            return
        context = BotContext(self.app, chat_id=job.chat_id)
        try:
            await handler(context, job, late if late >= LATE_SECONDS else 0.0)
        except Forbidden:
            log.info("job dropped: the bot cannot write there", extra=extra)
        except Exception as error:  # the store or Telegram away, or a bug: retried, then logged
            if job.attempts < MAX_ATTEMPTS:
                log.warning("job failed, retried later", extra={**extra, "error": repr(error)})
                with contextlib.suppress(StoreUnavailable):
                    await self.storage.retry_job(job.job_id, time.time(), retry_delay(job.attempts))
                return
            log.exception("job failed too often, given up", extra=extra)
        if await self.storage.finish_job(job.job_id, self.clock.now(), time.time()):
            self.ran += 1
            log.info("job ran", extra=extra)

    async def _loop(self) -> None:
        failures = 0
        while True:
            self._wake.clear()
            try:
                await self.run_due()
                due = await self.storage.next_due()
                failures = 0
            except StoreUnavailable as error:
                failures += 1
                if failures == 1:
                    log.warning("job runner: store away", extra={"error": error.kind})
                due = None
            wait = self.poll if due is None else min(self.poll, max(due - self.clock.now(), 0.0))
            if failures:
                wait = min(self.poll, 0.5 * failures)
            if wait <= 0:
                continue
            waiter = asyncio.ensure_future(self._wake.wait())
            ticker = asyncio.ensure_future(self.clock.changed(wait))
            try:
                await asyncio.wait({waiter, ticker}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                waiter.cancel()
                ticker.cancel()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="job-runner")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
