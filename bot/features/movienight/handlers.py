"""Movie nights in groups: who is in tonight, picks for them, a native Telegram poll, a winner.

`/movienight [filter words]` posts a roster: 🙋 I'm in / 🚪 Not tonight (the roster message is
the group's and updates in place), and 🍿 Pick for us once somebody is in. The picks fit the people
in tonight and name whose taste each fits: a short line per film and a button opening its card (a
new message of the presser's own: the list is the group's). 📊 Vote under them starts a
non-anonymous poll of the five picks, closed by 🏁 Close vote (anyone in tonight), or by itself
once everyone in tonight has voted. The winner (most votes; ties go to the better group score,
i.e. the earlier pick) is announced, recorded in the group's /history, and never proposed to that
group again.

A person's taste in a group is their private-chat ratings plus their ratings in that group (the
group's win where both rated a film): rating a few films in a private chat (the roster's "rate a
few films first" link opens it) counts in every group. Everything lives in the database, so a
roster or a vote started before a restart goes on working after it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence

from telegram import (
    Chat,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import PollLimit
from telegram.error import TelegramError

from bot import i18n
from bot.context import BotContext, Services
from bot.features.movienight import match, planned, views
from bot.features.movienight.callbacks import (
    CloseVote,
    GroupMore,
    JoinNight,
    LeaveNight,
    PickForUs,
    StartVote,
)
from bot.features.movienight.lists import NIGHT, ROSTER, NightPayload
from bot.features.picks.handlers import PICK_COUNT, tmdb_ids
from bot.logs import person
from bot.storage import PollInfo
from bot.ui import html, texts
from bot.ui.buttons import Press, Reply, on
from bot.ui.lists import ListInfo
from bot.ui.messages import View, edit_view, is_group, log, remember, reply, who
from movierec.filters import Filter
from movierec.recommender import GroupPick
from movierec.scoring import FAIR_WINDOW, fairness_weights
from movierec.titles import MatchStatus

MIN_OPEN_PERIOD, MAX_OPEN_PERIOD = PollLimit.MIN_OPEN_PERIOD, PollLimit.MAX_OPEN_PERIOD


def rate_first_url(context: BotContext) -> str:
    """A deep link that opens the bot's private chat on the welcome (films to rate)."""
    return f"https://t.me/{context.bot.username}?start=rate"


async def _night_language(context: BotContext, chat_id: int, starter: User) -> str:
    """The language of a new night's shared messages: the group's when an admin chose one, else
    the starter's own (which the group keeps until the next night: the roster, picks, vote and
    winner all speak it, whoever presses)."""
    svc = context.services
    found = await svc.group_language(chat_id)
    if found is not None and found[1]:
        return found[0]
    own = i18n.supported(await svc.language(starter.id)) or i18n.from_telegram(
        starter.language_code
    )
    if found is None or found[0] != own:
        await svc.set_group_language(chat_id, own, chosen=False)
    return own


async def _label(svc: Services, query: str) -> str:
    return "" if not query else texts.filter_label((await svc.parse(query)).filter)


# ------------------------------------------------------------------ commands
async def movienight(update: Update, context: BotContext) -> None:
    message, chat, user = who(update)
    if not is_group(chat):
        await reply(context, message, views.group_only())
        return
    await remember(context, chat, user)
    svc = context.services
    asked = await planned.understood(context, chat.id, update)
    words = asked.words
    if words and (await svc.parse(words)).filter.is_empty():
        await reply(context, message, texts.filter_not_understood(words))
        return
    if asked.when is not None and asked.when.at.timestamp() <= planned.clock(context).now():
        await reply(context, message, views.time_passed())
        return
    with i18n.using(await _night_language(context, chat.id, user)):
        markup = views.roster_keyboard(False, rate_first_url(context))
        when = ""
        if asked.when is not None:
            when = planned.when_text(asked.when.at.timestamp(), asked.zone)
        text = views.roster([], await _label(svc, words), when=when)
        if asked.when is not None:
            text += "\n\n<i>" + views.zone_note(asked.zone, asked.chosen) + "</i>"
        sent = await reply(context, message, text, markup, ListInfo(None, ROSTER))
    await svc.storage.start_night(chat.id, sent.message_id, words)
    if asked.when is not None:
        await planned.plan(context, chat.id, sent.message_id, user.id, asked.when)
    log.info("movie night started", extra=person(chat.id))


async def history(update: Update, context: BotContext) -> None:
    message, chat, _ = who(update)
    if not is_group(chat):
        await reply(context, message, views.group_only())
        return
    svc = context.services
    chosen = await svc.storage.history(chat.id)
    if not chosen:
        await reply(context, message, views.history_empty())
        return
    entries = []
    for movie_id, when in chosen[:30]:
        movie = svc.rec.catalogue.get(movie_id)
        entries.append(
            (movie.title if movie else None, time.strftime("%d %b %Y", time.gmtime(when)))
        )
    await reply(context, message, views.history_page(entries))


# ------------------------------------------------------------------ the roster
async def show_roster(context: BotContext, chat_id: int, night_id: int) -> None:
    """Rewrite the roster with who is in now (the roster is the group's, not one person's)."""

    async def view() -> View:
        with i18n.using(await context.services.shared_language(chat_id)):  # whoever pressed
            return await roster_view(context, chat_id, night_id)

    await edit_view(context, chat_id, night_id, view)


async def roster_view(context: BotContext, chat_id: int, night_id: int) -> View:
    """The roster's text and buttons from who is in now."""
    svc = context.services
    members = await svc.storage.night_members(chat_id, night_id)
    names = await svc.storage.member_names(chat_id)
    label = await _label(svc, await svc.storage.night_query(chat_id, night_id) or "")
    tastes = await svc.storage.tastes(chat_id, members)
    shown, unrated = [], []
    for member in members:
        display = html.name_html(names.get(member))
        shown.append(display)
        if not svc.rec.known(tastes[member].ratings):
            unrated.append(display)
    found = await svc.storage.plan(chat_id, night_id)
    when = planned.when_text(found.starts_at, found.zone) if found else ""
    cancelled = found is not None and found.cancelled
    text = views.roster(shown, label, unrated, when=when, cancelled=cancelled)
    if found is not None and not cancelled:
        text += "\n\n<i>" + views.zone_note(found.zone, found.zone != "UTC") + "</i>"
    if cancelled:
        return text, None
    return text, views.roster_keyboard(bool(members), rate_first_url(context))


async def _roster_press(press: Press, joined: bool) -> Reply:
    """🙋 / 🚪 change only the presser's own place in the roster (the pressed message)."""
    context, chat, user = press.context, press.chat, press.user
    svc, night_id = context.services, press.message.message_id
    if await svc.storage.night_query(chat.id, night_id) is None:
        return views.no_roster(), None
    changed = await svc.storage.join_night(chat.id, night_id, user.id, joined)
    follow = (
        (lambda: _roster_changed(context, chat, night_id, user.id, joined)) if changed else None
    )
    if not joined:
        return views.roster_left(), follow
    taste = (await svc.storage.tastes(chat.id, [user.id]))[user.id]
    if not svc.rec.known(taste.ratings):
        return views.rate_first(), follow
    return views.roster_joined(), follow


async def _roster_changed(
    context: BotContext, chat: Chat, night_id: int, user_id: int, joined: bool
) -> None:
    """The roster rewritten; in match mode, someone who joined gets their first card, and
    someone who left may leave a film everyone else liked: a match now."""
    await show_roster(context, chat.id, night_id)
    deck = await context.services.storage.deck(chat.id, night_id)
    if deck is None:
        return
    if joined:
        with contextlib.suppress(TelegramError):
            await match.deal(context, deck, user_id, chat.title or "")
    else:
        await match.recheck(context, deck)


@on(JoinNight)
async def _join(press: Press[JoinNight]) -> Reply:
    return await _roster_press(press, True)


@on(LeaveNight)
async def _leave(press: Press[LeaveNight]) -> Reply:
    return await _roster_press(press, False)


@on(PickForUs)
async def _pick_for_us(press: Press[PickForUs]) -> Reply:
    """🍿 picks for who is in (the roster is the pressed message)."""
    context, chat, night_id = press.context, press.chat, press.message.message_id
    svc = context.services
    if await svc.storage.night_query(chat.id, night_id) is None:
        return views.no_roster(), None
    if not await svc.storage.night_members(chat.id, night_id):
        return views.roster_empty_toast(), None
    return "", lambda: send_night_picks(press.message, context, chat, night_id)


@on(GroupMore)
async def _more(press: Press[GroupMore]) -> Reply:
    """More of the group's picks (anyone may ask)."""
    context, message, chat, data = press.context, press.message, press.chat, press.data
    payload = press.info.payload if press.info else None
    night = payload.night_id if isinstance(payload, NightPayload) else None
    return "", lambda: send_night_picks(message, context, chat, night, data.offset, data.filter)


# ------------------------------------------------------------------ the picks
async def send_night_picks(
    message: Message,
    context: BotContext,
    chat: Chat,
    night_id: int | None,
    offset: int = 0,
    wanted: Filter | None = None,
) -> None:
    """Picks for the people in tonight (or, for a list from before rosters, everyone who
    rated something here), never a film the group already chose; in the group's language,
    whoever asked."""
    with i18n.using(await context.services.shared_language(chat.id)):
        await _send_night_picks(message, context, chat, night_id, offset, wanted)


async def _send_night_picks(
    message: Message,
    context: BotContext,
    chat: Chat,
    night_id: int | None,
    offset: int,
    wanted: Filter | None,
) -> None:
    svc = context.services
    if night_id is not None:
        query = await svc.storage.night_query(chat.id, night_id)
        if query is None:
            await reply(context, message, views.no_roster())
            return
        wanted = (await svc.parse(query)).filter if query else Filter()
        people = await svc.storage.night_members(chat.id, night_id)
    else:
        people = list(await svc.storage.chat_ratings(chat.id))
    wanted = wanted or Filter()
    items = await group_items(context, chat.id, people, wanted, offset)
    if items is None:
        await reply(context, message, views.group_empty())
        return
    if not items:
        label = texts.filter_label(wanted)
        text = texts.nothing_matches(label) if not wanted.is_empty() else texts.nothing_left()
        await reply(context, message, text)
        return
    names = await svc.storage.member_names(chat.id)
    ids = tuple(p.movie_id for p in items)
    titles = [p.title for p in items]
    svc.facts.prefetch(tmdb_ids(svc, ids))  # the cards open warm
    if night_id is not None:
        markup = views.night_picks_keyboard(ids, offset, wanted, titles)
    else:
        markup = views.group_picks_keyboard(ids, offset, titles)
    await reply(
        context,
        message,
        views.night_picks(items, offset, names, _reasons(svc, items)),
        markup,
        ListInfo(None, NIGHT, offset, ids, NightPayload(wanted, night_id)),
    )


async def group_items(
    context: BotContext,
    chat_id: int,
    people: Sequence[int],
    wanted: Filter,
    offset: int = 0,
    limit: int = PICK_COUNT,
) -> list[GroupPick[int]] | None:
    """The group's picks for `people` (None when none of them has a taste to score), never a
    film one of them rated, hid, or the group chose before."""
    svc = context.services
    merged = {p: t.ratings for p, t in (await svc.storage.tastes(chat_id, people)).items()}
    tastes = {p: t for p, ratings in merged.items() if (t := svc.rec.known(ratings))}
    rated = {movie for ratings in merged.values() for movie in ratings}
    if not tastes:
        return None
    hidden = await svc.storage.hidden(chat_id)
    chosen = {movie for movie, _ in await svc.storage.history(chat_id)}
    fits = await svc.storage.recent_fits(chat_id, FAIR_WINDOW)
    return await svc.core(
        svc.rec.recommend_group,
        tastes,
        limit=limit,
        offset=offset,
        exclude=hidden | chosen | rated,
        filter=wanted,
        weights=fairness_weights(fits, tastes),
    )


async def record_winner(
    context: BotContext, chat_id: int, night_id: int, movie_id: int, at: float | None
) -> None:
    """A night's film in the group's /history, with how well it fitted each person in that
    night: whose taste lost the last nights counts a little more next time (`fairness_weights`)."""
    svc = context.services
    await svc.storage.add_history(chat_id, movie_id, at)
    people = await svc.storage.night_members(chat_id, night_id)
    tastes = {p: t.ratings for p, t in (await svc.storage.tastes(chat_id, people)).items()}
    fits = await svc.core(svc.rec.fits, tastes, movie_id)
    await svc.storage.add_fits(chat_id, movie_id, fits)


def night_picks_view(
    items: Sequence[GroupPick[int]],
    names: dict[int, str],
    svc: Services,
    wanted: Filter,
    night_id: int,
    offset: int = 0,
) -> tuple[str, InlineKeyboardMarkup, ListInfo]:
    """A night's picks message: its text, its buttons and what it lists."""
    ids = tuple(p.movie_id for p in items)
    return (
        views.night_picks(items, offset, names, _reasons(svc, items)),
        views.night_picks_keyboard(ids, offset, wanted),
        ListInfo(None, NIGHT, offset, ids, NightPayload(wanted, night_id)),
    )


def _reasons(svc: Services, items: Sequence[GroupPick[int]]) -> dict[tuple[int, int], str]:
    """(pick, member) -> the title of the member's like that the pick is like."""
    found: dict[tuple[int, int], str] = {}
    for pick in items:
        for member, liked in pick.because_by:
            movie = svc.rec.catalogue.get(liked[0]) if liked else None
            if movie is not None:
                found[(pick.movie_id, int(member))] = movie.title
    return found


# ------------------------------------------------------------------ the vote
@on(StartVote)
async def _start_vote(press: Press[StartVote]) -> Reply:
    """📊 Vote: a non-anonymous poll of the five picks; the answer for the presser's toast.

    A night votes once. The vote is reserved in the store before the poll is sent (a unique
    night per vote), so presses at once, on any replica, send one poll; after the winner, Vote
    says the night has chosen."""
    context, chat, info = press.context, press.chat, press.info
    payload = info.payload if info is not None else None
    if info is None or not isinstance(payload, NightPayload) or payload.night_id is None:
        return views.no_roster(), None
    svc, night_id = context.services, payload.night_id
    existing = await svc.storage.night_poll(chat.id, night_id)
    if existing is not None:
        return (views.vote_done() if existing.closed else views.vote_open()), None
    poll = await start_poll(context, chat.id, night_id, info.movie_ids)
    if poll is None:
        return texts.nothing_left(), None
    if poll.reserved:
        return views.vote_open(), None  # another press (or replica) started it just now
    return views.vote_started(), None


async def start_poll(
    context: BotContext,
    chat_id: int,
    night_id: int,
    movie_ids: Sequence[int],
    question: str | None = None,
    reply_to: int | None = None,
) -> PollInfo | None:
    """Send a night's poll of `movie_ids` (best first), once per night: the vote as stored
    (`reserved` when another press or replica holds the night's vote already), None when fewer
    than two of the films are still in the catalogue."""
    svc = context.services
    movies = [m for m in map(svc.rec.catalogue.get, movie_ids) if m is not None]
    if len(movies) < 2:
        return None
    ids = tuple(m.movie_id for m in movies)
    scores = tuple(float(-rank) for rank in range(len(ids)))  # picks come best first
    reserved = PollInfo.reserve(chat_id, night_id, ids, scores)
    if not await svc.storage.save_poll(reserved):
        return reserved
    facts = await svc.facts.get(tmdb_ids(svc, ids), wait=0)  # cached only: a poll never waits
    posters = [(f.poster() if (f := facts.get(m.movie_id)) else None) for m in movies]
    try:
        with i18n.using(await svc.shared_language(chat_id)):  # the group's poll, not the presser's
            shown_question = question or views.vote_question()
            keyboard = views.close_vote_keyboard()
            description = views.poll_description()
        sent = await context.bot.send_poll(
            chat_id,
            shown_question,
            views.poll_options([(m.title, p) for m, p in zip(movies, posters, strict=True)]),
            is_anonymous=False,
            allows_multiple_answers=False,
            reply_markup=keyboard,
            reply_parameters=(
                ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
            ),
            hide_results_until_closes=True,  # nobody follows the crowd before voting
            allow_adding_options=True,  # a film of one's own (see `on_option_added`)
            description=description,
            open_period=await _open_period(context, chat_id, night_id),
        )
    except BaseException:
        await svc.storage.drop_poll(reserved.poll_id)
        raise
    assert sent.poll is not None
    await svc.storage.attach_poll(chat_id, night_id, sent.poll.id, sent.message_id)
    log.info("vote started", extra=person(chat_id))
    return PollInfo(sent.poll.id, chat_id, sent.message_id, night_id, ids, scores, False)


async def _open_period(context: BotContext, chat_id: int, night_id: int) -> int | None:
    """A planned night's poll stays open until the start (Telegram: 5 s to 30 days), on the
    bot's clock; None for a night without a start (closed by 🏁 or by everyone voting)."""
    plan = await context.services.storage.plan(chat_id, night_id)
    if plan is None or plan.cancelled:
        return None
    left = int(plan.starts_at - planned.clock(context).now())
    return left if MIN_OPEN_PERIOD <= left <= MAX_OPEN_PERIOD else None


async def on_option_added(update: Update, context: BotContext) -> None:
    """Someone added an option to a night's poll: a title the catalogue knows for sure becomes
    that film (it can win, goes to /history, is never proposed again); anything else stays an
    option people may vote for, and if it wins it is announced by its text and not recorded."""
    message = update.effective_message
    added = message.poll_option_added if message is not None else None
    if message is None or added is None or added.poll_message is None:
        return
    svc, chat_id = context.services, message.chat_id
    poll = await svc.storage.poll_of_message(chat_id, added.poll_message.message_id)
    if poll is None or poll.closed or poll.reserved:
        return
    result = await svc.core(svc.rec.match, added.option_text)
    best = result.best if result.status is MatchStatus.CONFIDENT else None
    option = await svc.storage.add_poll_option(poll.poll_id, best.movie_id if best else -1)
    if option is None:
        return
    with i18n.using(await svc.shared_language(chat_id)):
        if best is not None:
            text = views.option_added_film(best.title)
        else:
            text = views.option_added_unknown(added.option_text)
    await context.bot.send_message(
        chat_id,
        text,
        reply_parameters=ReplyParameters(poll.message_id, allow_sending_without_reply=True),
    )
    log.info("poll option added", extra={**person(chat_id), "film": best is not None})


@on(CloseVote)
async def _close_vote(press: Press[CloseVote]) -> Reply:
    """🏁 under the poll closes it (people in tonight only). Pressed under anything else (an old
    picks message, forged data), it closes that night's vote when there is one, and otherwise
    says there is none, never that an open vote is closed."""
    context, chat, user = press.context, press.chat, press.user
    svc = context.services
    poll = await svc.storage.poll_of_message(chat.id, press.message.message_id)
    payload = press.info.payload if press.info is not None else None
    if poll is None and isinstance(payload, NightPayload) and payload.night_id is not None:
        poll = await svc.storage.night_poll(chat.id, payload.night_id)
    if poll is None or poll.reserved:
        return views.no_vote_yet(), None
    if poll.closed:
        return views.vote_closed(), None
    roster = await svc.storage.night_members(chat.id, poll.night_id)
    if user.id not in roster:
        return views.not_in_roster(), None
    return "", lambda: _announce(context, poll)


async def _announce(context: BotContext, poll: PollInfo) -> None:
    await close(context, poll)


async def on_poll_answer(update: Update, context: BotContext) -> None:
    """A vote (or a retracted one); once everyone in tonight has voted, the vote closes."""
    answer = update.poll_answer
    if answer is None or answer.user is None:
        return
    svc = context.services
    poll = await svc.storage.poll(answer.poll_id)
    if poll is None or poll.closed:
        return
    option = answer.option_ids[0] if answer.option_ids else None
    if option is not None and not 0 <= option < len(poll.movie_ids):
        return
    await svc.storage.vote(poll.poll_id, answer.user.id, option)
    roster = await svc.storage.night_members(poll.chat_id, poll.night_id)
    votes = await svc.storage.votes(poll.poll_id)
    if roster and set(roster) <= set(votes):
        await close(context, poll)


async def close(context: BotContext, poll: PollInfo, late: float = 0.0) -> bool:
    """Close a vote once (whoever gets there first announces), tally it, announce the winner;
    `late`: seconds past the planned start (the announcement says it closed late)."""
    svc = context.services
    if not await svc.storage.close_poll(poll.poll_id):
        return False
    # Closed here already: a poll that cannot be stopped now (closed by hand in a client, or
    # Telegram's flood limit) must not cost the group its winner.
    stopped = None
    with contextlib.suppress(TelegramError):
        stopped = await context.bot.stop_poll(poll.chat_id, poll.message_id)
    votes = await svc.storage.votes(poll.poll_id)
    counts = [0] * len(poll.movie_ids)
    for option in votes.values():
        if 0 <= option < len(counts):
            counts[option] += 1
    # a film added again as someone's own option is the same film: its votes count together
    for i, movie_id in enumerate(poll.movie_ids):
        first = poll.movie_ids.index(movie_id)
        if movie_id >= 0 and first != i:
            counts[first], counts[i] = counts[first] + counts[i], 0
    best = max(range(len(counts)), key=lambda i: (counts[i], poll.scores[i], -i))
    movie_id = poll.movie_ids[best]
    movie = svc.rec.catalogue.get(movie_id) if movie_id >= 0 else None
    plan = await svc.storage.plan(poll.chat_id, poll.night_id)
    if movie_id >= 0:
        await record_winner(
            context, poll.chat_id, poll.night_id, movie_id, plan.starts_at if plan else None
        )
    with i18n.using(await svc.shared_language(poll.chat_id)):  # whoever's vote closed it
        title = movie.title if movie else texts.unknown_film()
        if movie_id < 0 and stopped is not None and best < len(stopped.options):
            title = stopped.options[best].text  # someone's own option, not a film I know
        text = views.winner(title, counts[best], len(votes))
        if movie_id < 0:
            text += "\n<i>" + views.winner_unknown() + "</i>"
        if late:
            text += "\n<i>" + views.closed_late(late) + "</i>"
    await context.bot.send_message(
        poll.chat_id,
        text,
        reply_parameters=(
            ReplyParameters(poll.night_id, allow_sending_without_reply=True) if plan else None
        ),
    )
    log.info("vote closed", extra={**person(poll.chat_id), "voters": len(votes), "late": late})
    return True
