"""What runs around every update, whatever the feature: claiming it (handled once), the person's
language, the flood limit, the bot's membership in chats, groups that became supergroups, and
unexpected errors.

Telegram delivers an update again when a webhook answer is slow or lost (or, polling, when the bot
died before confirming it); behind a load balancer the copies reach different replicas. Each
update is claimed in the chat store before anything else runs (`claim`, handler group -4) and
marked handled after everything else (`finish`, the last group):

* a copy of an update already handled is dropped (the webhook answers 200: Telegram stops);
* a copy of an update another replica is handling right now is refused (the webhook answers
  503, `BotData.busy`): Telegram sends it again later, and then it is handled or dropped;
* a claim is a lease of `LEASE_SECONDS`, renewed while its handler runs (a send can wait
  seconds behind a group's rate limit); when the replica dies, the lease lapses and the next
  copy takes the update over, in time to answer a button press before Telegram gives up on it,
  so a crash loses nothing. Polling, there is one process: an unfinished claim can only be a
  dead predecessor's, and is taken over at once.

Polling alone on SQLite (the embedded default: one process, nobody to share with), the handled
updates are remembered in the process instead: Telegram confirms an update with the next
getUpdates, so a copy can only come from the one batch fetched before a crash, and a store write
per update cost more CPU per reply than the whole bot's storage had before (benchmarks/bot.py)."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time

from telegram import Chat, ChatMember, Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter
from telegram.ext import ApplicationHandlerStop

from bot import delivery, i18n, outage
from bot.context import BotContext, BotData
from bot.logs import person
from bot.storage import ChatStatus, Claim, StoreUnavailable
from bot.ui import texts
from bot.ui.messages import log

HANDLED_SECONDS = 24 * 3600  # Telegram keeps an undelivered update for a day
LEASE_SECONDS = 8.0  # a claim not renewed for this long is its dead replica's
RENEW_SECONDS = 2.0  # how often a running handler renews its claim


async def claim(update: Update, context: BotContext) -> None:
    """Handle each update once: a copy already handled, or being handled elsewhere, stops."""
    data: BotData = context.bot_data
    storage = context.services.storage
    if update.update_id in data.in_flight:  # a copy of one this process is handling now
        raise ApplicationHandlerStop
    data.in_flight[update.update_id] = True  # before the await: a copy arriving meanwhile stops
    delivery.begin_update()
    if not (storage.shared or data.webhook):
        if update.update_id not in data.handled:
            return
        data.in_flight.pop(update.update_id, None)
        log.info("duplicate update dropped", extra={"update_id": update.update_id})
        raise ApplicationHandlerStop
    now = time.time()
    state = await storage.claim_update(
        update.update_id, now, LEASE_SECONDS, take_unfinished=not data.webhook
    )  # a store away raises StoreUnavailable: `on_error` holds the update (bot.outage)
    data.outage.recovered(now)
    if state is Claim.TAKEN:
        if data.webhook:
            data.leases[update.update_id] = asyncio.create_task(_renew(context, update.update_id))
        return
    data.in_flight.pop(update.update_id, None)
    if state is Claim.BUSY:
        data.busy.add(update.update_id)  # the webhook answers 503: Telegram tries again later
    log.info("duplicate update dropped", extra={"update_id": update.update_id, "state": state})
    raise ApplicationHandlerStop


async def _renew(context: BotContext, update_id: int) -> None:
    """Keep a running handler's claim from lapsing (cancelled by `finish`). A renewal that fails
    (the database away for a moment) is logged and tried again: the worst case is that another
    replica takes the update over once the lease lapses."""
    while True:
        await asyncio.sleep(RENEW_SECONDS)
        try:
            await context.services.storage.renew_update(update_id, time.time(), LEASE_SECONDS)
        except StoreUnavailable as error:
            context.bot_data.outage.failed(error.kind, time.time())
        except Exception:
            log.warning("could not renew an update's claim", extra={"update_id": update_id})


async def finish(update: Update, context: BotContext) -> None:
    """After every handler (the last group), or when the flood limit refused the update: it is
    handled, its copies are dropped."""
    data: BotData = context.bot_data
    renewing = data.leases.pop(update.update_id, None)
    if renewing is not None:
        renewing.cancel()
    storage = context.services.storage
    outage.handled(context, update.update_id)
    if storage.shared or data.webhook:
        try:
            await storage.finish_update(update.update_id, time.time(), HANDLED_SECONDS)
        except StoreUnavailable as error:  # handled all the same: say so when the store is back
            data.outage.failed(error.kind, time.time())
            outage.finish_later(context, update.update_id, HANDLED_SECONDS)
            return
    else:
        data.handled[update.update_id] = True
    data.in_flight.pop(update.update_id, None)


async def use_language(update: Update, context: BotContext) -> None:
    """Runs first for every update (group -3, before the flood limit, whose "slow down" is
    translated too): speak the person's chosen language, else their Telegram app's, also in a
    group, where a person's own replies (their ratings, their picks) are theirs; what the whole
    group shares (a movie night's roster, picks, poll and winner) speaks the group's language
    instead (`Services.shared_language`). The choice holds for every later handler of this
    update (see `bot.i18n`)."""
    user = update.effective_user
    if user is None:
        i18n.activate(i18n.DEFAULT)
        return
    svc = context.services
    try:
        chosen = i18n.supported(await svc.language(user.id))
    except StoreUnavailable as error:  # the Telegram app's language will do meanwhile
        context.bot_data.outage.failed(error.kind, time.time())
        chosen = None
    i18n.activate(chosen or i18n.from_telegram(user.language_code))


async def note_active(update: Update, context: BotContext) -> None:
    """A chat the bot was blocked in or removed from writes again (the person unblocked it, the
    group added it back): it is active again. One conditional write per chat per process (the
    first update seen from it), not one per update."""
    chat = update.effective_chat
    data: BotData = context.bot_data
    if chat is None or chat.id in data.active_chats:
        return
    await context.services.storage.reactivate_chat(chat.id)
    data.active_chats[chat.id] = True


async def throttle(update: Update, context: BotContext) -> None:
    """Runs before every handler: refuse a person's flood, politely, once per flood (a refused
    button press still gets its answer, a "slow down" toast). Inline queries are not actions: a
    person typing a search sends one per keystroke, and only the newest is answered anyway
    (`bot.features.inline.handlers.NewestInlineFirst` skips the ones overtaken), so they never
    spend the bucket and the search the person stopped typing at is always answered."""
    user = update.effective_user
    if user is None or update.inline_query is not None:
        return
    throttle = context.bot_data.throttle
    storage = context.services.storage
    if storage.shared:  # several replicas: one bucket per person, in the database
        now = time.time()
        allowed, warn = await storage.take_token(user.id, now, throttle.burst, throttle.rate)
        if random.random() < 1 / 64:  # now and then, forget buckets that have refilled
            await storage.forget_idle_buckets(now - throttle.burst / throttle.rate)
    else:
        allowed, warn = throttle.check(user.id)
    if allowed:
        return
    if warn:
        log.warning("flood refused", extra={**person(user_id=user.id)})
    if update.callback_query is not None:
        await update.callback_query.answer(texts.slow_down())
    elif warn and update.effective_message is not None:
        await update.effective_message.reply_text(texts.slow_down(), do_quote=False)
    await finish(update, context)
    raise ApplicationHandlerStop


async def membership(update: Update, context: BotContext) -> None:
    """The bot was added to, removed from, or blocked in a chat: note it, keep everyone's data."""
    change = update.my_chat_member
    if change is None:
        return
    status = change.new_chat_member.status
    gone = status in (ChatMember.LEFT, ChatMember.BANNED)
    chat = change.chat
    state = _gone_status(chat) if gone else ChatStatus.ACTIVE
    if gone:
        context.bot_data.active_chats.pop(chat.id, None)
    await context.services.storage.set_chat_status(chat.id, state)
    log.info("membership changed", extra={**person(chat.id), "status": state})


def _gone_status(chat: Chat) -> ChatStatus:
    """A private chat whose person blocked the bot, or a group it was removed from."""
    return ChatStatus.BLOCKED if chat.type == chat.PRIVATE else ChatStatus.REMOVED


async def migrated(update: Update, context: BotContext) -> None:
    """A group became a supergroup (a new chat id): its ratings, rosters, polls and history move
    to the new id. Telegram sends two service messages, one in each chat, in either order; the
    move is idempotent, so whichever comes first moves everything and the second moves nothing."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        old, new = message.chat_id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat_id
    else:
        return
    await move_chat(context, old, new)


async def move_chat(context: BotContext, old: int, new: int) -> None:
    moved = await context.services.storage.migrate_chat(old, new)
    log.info("chat migrated", extra={**person(new), "rows": moved})


async def on_error(update: object, context: BotContext) -> None:
    """Log what went wrong (ids only) and, where possible, tell the person."""
    error = context.error
    chat = update.effective_chat if isinstance(update, Update) else None
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        log.warning(
            "bot cannot write to chat",
            extra={**person(getattr(chat, "id", None)), "reason": error.message},
        )
        if chat is not None:
            context.bot_data.active_chats.pop(chat.id, None)
            await context.services.storage.set_chat_status(chat.id, _gone_status(chat))
        return
    if isinstance(error, BadRequest) and "not modified" in error.message.lower():
        return
    if isinstance(error, ChatMigrated) and chat is not None:
        # A send to a group that has just become a supergroup: its state follows it (the
        # service message may still be on its way).
        await move_chat(context, chat.id, error.new_chat_id)
        return
    if isinstance(error, RetryAfter):
        log.warning("rate limited by Telegram", extra={"retry_after": str(error.retry_after)})
        return
    if isinstance(error, StoreUnavailable):  # held, answered 503, or told: never dropped
        await outage.store_failed(update, context, error)
        raise ApplicationHandlerStop
    log.error("unhandled error", exc_info=error, extra={"update_id": update_id})
    if delivery.produced_output():
        return  # the person has their answer: a "sorry" after it would say it failed
    if isinstance(update, Update):
        if update.callback_query is not None:
            with contextlib.suppress(BadRequest):  # it may have been answered already
                await update.callback_query.answer(texts.error())
        elif chat is not None:
            try:
                await context.bot.send_message(chat.id, texts.error())
            except Exception:
                log.warning("could not report the error to the chat", extra=person(chat.id))
