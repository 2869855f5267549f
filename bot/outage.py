"""While the chat store is unreachable (the database restarting, a network cut, a full disk): no
update is acknowledged and then dropped, a person hears about it at most once, and the log gets
one line per kind of failure per half minute rather than a traceback per step.

* Webhook mode: the update is answered 503, so Telegram delivers it again later (to any
  replica). Its claim is released (or, with the store away, its lease lapses), so the copy that
  comes back is taken and handled then: after the outage, every message sent during it has been
  handled once.
* Polling mode: Telegram already counts the update as delivered (the next getUpdates confirms
  it), so the process holds it and handles it again later, backing off to every 30 s, for up to
  an hour.
* A button press is not held: Telegram gives its answer seconds, so the toast says the press
  did not take and to press again in a moment.
* A message held is not answered at once: most outages (a database failover, a restart) last
  seconds, and the answer comes when the store is back. Only a message still held `NOTICE_AFTER`
  seconds after it was sent brings one notice ("I'll answer as soon as I can"), once per person
  per outage in this process; polling, the notice goes at once (the process is the only one).
* The readiness check (`/healthz`) fails while the store is away, so a load balancer stops
  sending to this replica while another may still reach the database; liveness (`/livez`) does
  not, so the process is not restarted for an outage that is not its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from telegram import Update
from telegram.error import TelegramError

from bot import delivery
from bot.logs import person
from bot.storage import StoreUnavailable
from bot.ui import texts

if TYPE_CHECKING:  # the context holds an Outage: only the types are needed here
    from bot.context import BotContext, BotData

log = logging.getLogger("bot")

NOTICE_AFTER = 30.0  # a held message this old tells its person the bot is away for a while
LOG_EVERY = 30.0  # at most one "still unreachable" line per this many seconds
RETRY_MAX = 30.0  # polling: the longest pause between two tries of a held update
HOLD_FOR = 3600.0  # polling: how long a held update is tried before it is given up (logged)
FINISH_EVERY = 2.0  # how often a handled update whose finish could not be stored is retried


@dataclass
class Outage:
    """What this process knows of the store's current outage (none: `since` is None)."""

    since: float | None = None
    failures: int = 0  # since the last log line
    logged_at: float = 0.0
    held: int = 0  # updates answered 503 or held since the outage began
    told: set[int] = field(default_factory=set)  # people told during this outage

    def failed(self, kind: str, now: float) -> None:
        """A store call failed: the first failure of an outage is logged, then one line per
        LOG_EVERY with how many failed meanwhile."""
        self.failures += 1
        if self.since is None:
            self.since, self.logged_at, self.failures = now, now, 0
            log.warning("chat store unreachable, holding updates", extra={"reason": kind})
        elif now - self.logged_at >= LOG_EVERY:
            log.warning(
                "chat store still unreachable",
                extra={
                    "reason": kind,
                    "failures": self.failures,
                    "seconds": round(now - self.since),
                },
            )
            self.logged_at, self.failures = now, 0

    def recovered(self, now: float) -> None:
        """A store call succeeded: an outage, if there was one, is over."""
        if self.since is None:
            return
        log.info(
            "chat store reachable again",
            extra={"seconds": round(now - self.since, 1), "held": self.held},
        )
        self.since, self.failures, self.held = None, 0, 0
        self.told.clear()


async def store_failed(update: object, context: BotContext, error: StoreUnavailable) -> None:
    """An update could not be handled because the store is away: hold it (see the module)."""
    data: BotData = context.bot_data
    now = time.time()
    data.outage.failed(error.kind, now)
    if not isinstance(update, Update):
        return
    if delivery.produced_output():
        # It answered already (a confirmation went out before a later write failed): handling
        # it again would say it twice. It counts as handled; its finish is stored when it can be.
        finish_later(context, update.update_id)
        return
    _let_go(context, update.update_id)
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer(texts.store_away_press(), show_alert=False)
        return
    if update.inline_query is not None:
        return  # the person is still typing: the next keystroke asks again
    data.outage.held += 1
    if data.webhook:
        data.busy.add(update.update_id)  # answered 503: Telegram sends it again later
    else:
        _hold(context, update, now)
    message = update.effective_message
    sent_at = message.date.timestamp() if message is not None and message.date else now
    if not data.webhook or now - sent_at >= NOTICE_AFTER:
        await _notice(context, update)


def _let_go(context: BotContext, update_id: int) -> None:
    """Forget that this process is handling the update, and end its claim's renewal: the copy
    that comes back (or the held update, polling) is claimed again."""
    data: BotData = context.bot_data
    renewing = data.leases.pop(update_id, None)
    if renewing is not None:
        renewing.cancel()
    data.in_flight.pop(update_id, None)
    if context.services.storage.shared or data.webhook:
        task = asyncio.create_task(_release(context, update_id))
        data.background.add(task)
        task.add_done_callback(data.background.discard)


async def _release(context: BotContext, update_id: int) -> None:
    with contextlib.suppress(StoreUnavailable):  # away still: the lease lapses by itself
        await context.services.storage.release_update(update_id)


def _hold(context: BotContext, update: Update, now: float) -> None:
    """Polling: handle the update again later, backing off, for up to HOLD_FOR seconds."""
    data: BotData = context.bot_data
    first = data.holding.setdefault(update.update_id, now)
    if now - first > HOLD_FOR:
        data.holding.pop(update.update_id, None)
        log.error(
            "update given up after the store stayed away", extra={"update_id": update.update_id}
        )
        return
    delay = min(RETRY_MAX, max(1.0, (now - first) / 2))
    queue = context.application.update_queue
    asyncio.get_running_loop().call_later(delay, queue.put_nowait, update)


async def _notice(context: BotContext, update: Update) -> None:
    """Tell the person once per outage that their message waits (never in a group twice)."""
    data: BotData = context.bot_data
    chat = update.effective_chat
    if chat is None or chat.id in data.outage.told:
        return
    data.outage.told.add(chat.id)
    try:
        await context.bot.send_message(chat.id, texts.store_away())
    except TelegramError:
        log.warning("could not tell a chat the store is away", extra=person(chat.id))


def handled(context: BotContext, update_id: int) -> None:
    """An update was handled: whatever held it is done."""
    context.bot_data.holding.pop(update_id, None)


def finish_later(context: BotContext, update_id: int, ttl: float = 24 * 3600.0) -> None:
    """A handled update whose `finish` could not be stored: keep trying in the background (its
    copies, if any come, meet this process's in-flight mark meanwhile), so that a webhook
    answered 200 stays handled once. `ttl` as `ChatStore.finish_update`'s."""
    data: BotData = context.bot_data
    data.in_flight[update_id] = True
    renewing = data.leases.pop(update_id, None)
    if renewing is not None:
        renewing.cancel()

    async def keep_trying() -> None:
        while True:
            await asyncio.sleep(FINISH_EVERY)
            try:
                await context.services.storage.finish_update(update_id, time.time(), ttl)
            except StoreUnavailable as error:
                data.outage.failed(error.kind, time.time())
                continue
            data.in_flight.pop(update_id, None)
            return

    task = asyncio.create_task(keep_trying())
    data.background.add(task)
    task.add_done_callback(data.background.discard)
