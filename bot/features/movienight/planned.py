"""Planned movie nights: `/movienight fri 20:00` plans a night for a time in the group's zone
(`/timezone Europe/Berlin`, set by a group admin; UTC until then, and the roster says so).

A planned night has three jobs in the store's job table (`bot.jobs`), so every replica and every
restart sees them: a reminder REMIND_BEFORE the start (replying to the roster: who is in, and once
the vote is open who has not voted; never an @-mention, and people who left the group are taken
off the roster first), the vote opening VOTE_BEFORE the start (the picks for who is in, then the
poll, replying to the roster; 🍿 Pick for us and 📊 Vote open it earlier), and the vote closing at
the start (or before, once everyone in has voted): the winner is announced and recorded in
/history. A job that runs late (the bot was down) says so. `/cancel` (whoever planned it, or a
group admin) cancels the night and its jobs.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import format_datetime
from telegram import Chat, ChatMember, ReplyParameters, Update
from telegram.error import TelegramError

from bot import i18n
from bot.clock import Clock
from bot.context import BotContext
from bot.features import argument_text
from bot.features.movienight import views
from bot.jobs import JobRunner, job_kind
from bot.logs import person
from bot.storage import Job, Plan
from bot.ui import html
from bot.ui.messages import is_admin, is_group, reply, store_list, who
from movierec.filters import Filter
from movierec.when import When, parse_when

log = logging.getLogger("bot")

REMIND_BEFORE = 2 * 3600.0  # the reminder, before the start
VOTE_BEFORE = 3600.0  # the vote opens this long before the start
REMIND_MARGIN = 15 * 60.0  # no reminder when the night is planned less than this before it
SKIP_REMINDER_AFTER = 10 * 60.0  # a reminder this close to the start (a restart) is skipped
REMIND, OPEN, CLOSE = "night.remind", "night.open", "night.close"


@dataclass(frozen=True)
class Planned:
    """What `/movienight <words>` asked for: the start (None: tonight, no time), the filter
    words left, the zone, and whether the group chose that zone."""

    when: When | None
    words: str
    zone: str
    chosen: bool


def clock(context: BotContext) -> Clock:
    return runner(context).clock


def runner(context: BotContext) -> JobRunner:
    jobs = context.bot_data.jobs
    assert jobs is not None, "build_application sets the job runner"
    return jobs


@cache
def _zones() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def zone_named(name: str) -> str | None:
    """The IANA zone a person typed ("europe/berlin" → "Europe/Berlin"), None when unknown."""
    return _zones().get(name.strip().casefold())


def local(at: float, zone: str) -> datetime:
    return datetime.fromtimestamp(at, UTC).astimezone(ZoneInfo(zone))


def when_text(at: float, zone: str) -> str:
    """A start as the group reads it, in the reader's language: "Fri 13 Jun, 20:00"."""
    code = i18n.LOCALES.get(i18n.current(), "en")
    return format_datetime(local(at, zone), "EEE d MMM, HH:mm", locale=code)


def clock_text(at: float, zone: str) -> str:
    return local(at, zone).strftime("%H:%M")


async def understood(context: BotContext, chat_id: int, update: Update) -> Planned:
    """The time (if any) and filter words of `/movienight ...`."""
    words = argument_text(update).strip()
    stored = await context.services.storage.zone(chat_id)
    zone = stored or "UTC"
    now = datetime.fromtimestamp(clock(context).now(), UTC).astimezone(ZoneInfo(zone))
    when = parse_when(words, now) if words else None
    return Planned(when, when.rest if when else words, zone, stored is not None)


async def plan(context: BotContext, chat_id: int, night_id: int, user_id: int, at: When) -> Plan:
    """Store a planned night and schedule its reminder, its vote and its close."""
    svc, jobs = context.services, runner(context)
    starts = at.at.timestamp()
    zone = getattr(at.at.tzinfo, "key", "UTC")
    planned = Plan(chat_id, night_id, user_id, starts, zone)
    await svc.storage.plan_night(planned)
    now = jobs.clock.now()
    if starts - REMIND_BEFORE > now + REMIND_MARGIN:
        await jobs.schedule(REMIND, chat_id, night_id, starts - REMIND_BEFORE)
    await jobs.schedule(OPEN, chat_id, night_id, max(starts - VOTE_BEFORE, now))
    await jobs.schedule(CLOSE, chat_id, night_id, starts)
    log.info("movie night planned", extra={**person(chat_id), "ahead": round(starts - now)})
    return planned


# ------------------------------------------------------------------ jobs
async def _in_language(context: BotContext, found: Plan) -> str:
    """A job's messages are the group's (`Services.shared_language`): its language, else the
    planner's."""
    group = await context.services.group_language(found.chat_id)
    if group is not None:
        return group[0]
    code = await context.services.language(found.user_id)
    return i18n.supported(code) or i18n.DEFAULT


async def _current(context: BotContext, job: Job) -> Plan | None:
    found = await context.services.storage.plan(job.chat_id, job.night_id)
    return None if found is None or found.cancelled else found


async def _still_here(context: BotContext, chat_id: int, night_id: int) -> list[int]:
    """Who is in, after taking off the roster anyone who has left the group since."""
    from bot.features.movienight import handlers

    svc = context.services
    members = await svc.storage.night_members(chat_id, night_id)
    here = []
    for member in members:
        try:
            status = (await context.bot.get_chat_member(chat_id, member)).status
        except TelegramError:
            status = ChatMember.MEMBER  # cannot tell: keep them
        if status in (ChatMember.LEFT, ChatMember.BANNED):
            await svc.storage.join_night(chat_id, night_id, member, False)
        else:
            here.append(member)
    if len(here) < len(members):
        with contextlib.suppress(TelegramError):
            await handlers.show_roster(context, chat_id, night_id)  # the roster without them
    return here


def _reply_to(message_id: int) -> ReplyParameters:
    return ReplyParameters(message_id, allow_sending_without_reply=True)


@job_kind(REMIND)
async def _remind(context: BotContext, job: Job, late: float) -> None:
    """A while before the start: who is in, who has not voted (replying to the roster)."""
    found = await _current(context, job)
    if found is None or clock(context).now() > found.starts_at - SKIP_REMINDER_AFTER:
        return  # cancelled, or the bot was down until just before the start: the vote says it
    with i18n.using(await _in_language(context, found)):
        await _send_reminder(context, found)


async def _send_reminder(context: BotContext, found: Plan, reply_to: int | None = None) -> None:
    svc = context.services
    members = await _still_here(context, found.chat_id, found.night_id)
    names = await svc.storage.member_names(found.chat_id)
    poll = await svc.storage.night_poll(found.chat_id, found.night_id)
    voted = set(await svc.storage.votes(poll.poll_id)) if poll and not poll.reserved else set()
    text = views.reminder(
        when_text(found.starts_at, found.zone),
        [html.name_html(names.get(m)) for m in members],
        [html.name_html(names.get(m)) for m in members if m not in voted],
        vote_open=poll is not None and not poll.closed,
        decided=poll is not None and poll.closed,
    )
    await context.bot.send_message(
        found.chat_id, text, reply_parameters=_reply_to(reply_to or found.night_id)
    )


@job_kind(OPEN)
async def _open(context: BotContext, job: Job, late: float) -> None:
    """Ahead of the start: the picks for who is in, then the poll (unless it is open already)."""
    found = await _current(context, job)
    if found is None:
        return
    with i18n.using(await _in_language(context, found)):
        await open_vote(context, found)


async def open_vote(context: BotContext, found: Plan) -> None:
    from bot.features.movienight import handlers  # the vote and picks live there

    svc, chat_id, night_id = context.services, found.chat_id, found.night_id
    if await svc.storage.night_poll(chat_id, night_id) is not None:
        return  # 📊 Vote was pressed already
    members = await _still_here(context, chat_id, night_id)
    query = await svc.storage.night_query(chat_id, night_id) or ""
    wanted = (await svc.parse(query)).filter if query else Filter()
    items = await handlers.group_items(context, chat_id, members, wanted) if members else None
    if not items or len(items) < 2:
        return  # the close says there was no vote
    names = await svc.storage.member_names(chat_id)
    text, markup, info = handlers.night_picks_view(items, names, svc, wanted, night_id)
    sent = await context.bot.send_message(
        chat_id, html.fit(text), reply_markup=markup, reply_parameters=_reply_to(night_id)
    )
    await store_list(context, chat_id, sent.message_id, info)
    until = clock_text(found.starts_at, found.zone)
    poll = await handlers.start_poll(
        context,
        chat_id,
        night_id,
        info.movie_ids,
        question=views.vote_question_until(until),
        reply_to=night_id,
    )
    if poll is not None and not poll.reserved:
        await _send_reminder(context, found, reply_to=poll.message_id)


@job_kind(CLOSE)
async def _close(context: BotContext, job: Job, late: float) -> None:
    """At the start: the vote closes (once, whichever way gets there first), the winner."""
    from bot.features.movienight import handlers

    found = await _current(context, job)
    if found is None:
        return
    svc = context.services
    with i18n.using(await _in_language(context, found)):
        poll = await svc.storage.night_poll(found.chat_id, found.night_id)
        if poll is None:
            await open_vote(context, found)  # never opened (nobody in then, or the bot away)
            poll = await svc.storage.night_poll(found.chat_id, found.night_id)
        if poll is None or poll.reserved:
            if poll is None:
                await context.bot.send_message(
                    found.chat_id, views.nobody_in(), reply_parameters=_reply_to(found.night_id)
                )
            return
        if not poll.closed:
            await handlers.close(context, poll, late)


# ------------------------------------------------------------------ commands
async def _is_admin(context: BotContext, chat: Chat, user_id: int) -> bool:
    try:
        return await is_admin(context, chat.id, user_id)
    except TelegramError:
        return False


async def cancel(update: Update, context: BotContext) -> None:
    """/cancel: the planned night the command replies to, or the group's next one."""
    from bot.features.movienight import handlers

    message, chat, user = who(update)
    if not is_group(chat):
        await reply(context, message, views.group_only())
        return
    svc = context.services
    target: Plan | None = None
    if message.reply_to_message is not None:
        target = await svc.storage.plan(chat.id, message.reply_to_message.message_id)
        if target is not None and target.cancelled:
            target = None
    if target is None:
        upcoming = await svc.storage.upcoming_plans(chat.id, clock(context).now())
        target = upcoming[0] if upcoming else None
    if target is None:
        await reply(context, message, views.cancel_none())
        return
    if user.id != target.user_id and not await _is_admin(context, chat, user.id):
        await reply(context, message, views.cancel_not_allowed())
        return
    if not await svc.storage.cancel_plan(chat.id, target.night_id):
        await reply(context, message, views.cancel_none())
        return
    await svc.storage.drop_night_jobs(chat.id, target.night_id, time.time())
    poll = await svc.storage.night_poll(chat.id, target.night_id)
    if poll is not None and not poll.reserved and await svc.storage.close_poll(poll.poll_id):
        with contextlib.suppress(TelegramError):
            await context.bot.stop_poll(chat.id, poll.message_id)
    await handlers.show_roster(context, chat.id, target.night_id)
    await reply(context, message, views.cancel_done())
    log.info("movie night cancelled", extra=person(chat.id))


async def timezone(update: Update, context: BotContext) -> None:
    """/timezone [Area/City]: show the group's zone, or set it (group admins)."""
    message, chat, user = who(update)
    svc = context.services
    words = argument_text(update).strip()
    if not words:
        await reply(context, message, views.zone_current(await svc.storage.zone(chat.id)))
        return
    zone = zone_named(words)
    if zone is None:
        await reply(context, message, views.zone_unknown(words))
        return
    if is_group(chat) and not await _is_admin(context, chat, user.id):
        await reply(context, message, views.zone_admin_only())
        return
    await svc.storage.set_zone(chat.id, zone)
    await reply(context, message, views.zone_set(zone))
