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

from telegram import Chat, Message, Update
from telegram.error import TelegramError

from bot.context import BotContext, Services
from bot.features.movienight import views
from bot.features.movienight.callbacks import (
    CloseVote,
    GroupMore,
    JoinNight,
    LeaveNight,
    PickForUs,
    StartVote,
)
from bot.features.movienight.lists import NIGHT, ROSTER, NightPayload
from bot.features.picks.handlers import PICK_COUNT, filter_words, tmdb_ids
from bot.logs import person
from bot.storage import PollInfo
from bot.ui import html, texts
from bot.ui.buttons import Press, Reply, on
from bot.ui.lists import ListInfo
from bot.ui.messages import View, edit_view, is_group, log, remember, reply, who
from movierec.filters import Filter
from movierec.recommender import GroupPick


def rate_first_url(context: BotContext) -> str:
    """A deep link that opens the bot's private chat on the welcome (films to rate)."""
    return f"https://t.me/{context.bot.username}?start=rate"


async def _label(svc: Services, query: str) -> str:
    return "" if not query else texts.filter_label((await svc.parse(query)).filter)


# ------------------------------------------------------------------ commands
async def movienight(update: Update, context: BotContext) -> None:
    message, chat, user = who(update)
    if not is_group(chat):
        await reply(context, message, views.group_only())
        return
    await remember(context, chat, user)
    words, parsed = await filter_words(update, context)
    if words and parsed is None:
        return
    svc = context.services
    markup = views.roster_keyboard(False, rate_first_url(context))
    text = views.roster([], await _label(svc, words))
    sent = await reply(context, message, text, markup, ListInfo(None, ROSTER))
    await svc.storage.start_night(chat.id, sent.message_id, words)
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
    text = views.roster(shown, label, unrated)
    return text, views.roster_keyboard(bool(members), rate_first_url(context))


async def _roster_press(press: Press, joined: bool) -> Reply:
    """🙋 / 🚪 change only the presser's own place in the roster (the pressed message)."""
    context, chat, user = press.context, press.chat, press.user
    svc, night_id = context.services, press.message.message_id
    if await svc.storage.night_query(chat.id, night_id) is None:
        return views.no_roster(), None
    changed = await svc.storage.join_night(chat.id, night_id, user.id, joined)
    follow = (lambda: show_roster(context, chat.id, night_id)) if changed else None
    if not joined:
        return views.roster_left(), follow
    taste = (await svc.storage.tastes(chat.id, [user.id]))[user.id]
    if not svc.rec.known(taste.ratings):
        return views.rate_first(), follow
    return views.roster_joined(), follow


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
    rated something here), never a film the group already chose."""
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
    merged = {p: t.ratings for p, t in (await svc.storage.tastes(chat.id, people)).items()}
    tastes = {p: t for p, ratings in merged.items() if (t := svc.rec.known(ratings))}
    rated = {movie for ratings in merged.values() for movie in ratings}
    if not tastes:
        await reply(context, message, views.group_empty())
        return
    hidden = await svc.storage.hidden(chat.id)
    chosen = {movie for movie, _ in await svc.storage.history(chat.id)}
    items = await svc.core(
        svc.rec.recommend_group,
        tastes,
        limit=PICK_COUNT,
        offset=offset,
        exclude=hidden | chosen | rated,
        filter=wanted,
    )
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
    movies = [m for m in map(svc.rec.catalogue.get, info.movie_ids) if m is not None]
    if len(movies) < 2:
        return texts.nothing_left(), None
    ids = tuple(m.movie_id for m in movies)
    scores = tuple(float(-rank) for rank in range(len(ids)))  # picks come best first
    reserved = PollInfo.reserve(chat.id, night_id, ids, scores)
    if not await svc.storage.save_poll(reserved):
        return views.vote_open(), None  # another press (or replica) started it just now
    facts = await svc.facts.get(tmdb_ids(svc, ids), wait=0)  # cached only: a poll never waits
    posters = [(f.poster() if (f := facts.get(m.movie_id)) else None) for m in movies]
    try:
        sent = await context.bot.send_poll(
            chat.id,
            views.vote_question(),
            views.poll_options([(m.title, p) for m, p in zip(movies, posters, strict=True)]),
            is_anonymous=False,
            allows_multiple_answers=False,
            reply_markup=views.close_vote_keyboard(),
        )
    except BaseException:
        await svc.storage.drop_poll(reserved.poll_id)
        raise
    assert sent.poll is not None
    await svc.storage.attach_poll(chat.id, night_id, sent.poll.id, sent.message_id)
    log.info("vote started", extra=person(chat.id))
    return views.vote_started(), None


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


async def close(context: BotContext, poll: PollInfo) -> bool:
    """Close a vote once (whoever gets there first announces), tally it, announce the winner."""
    svc = context.services
    if not await svc.storage.close_poll(poll.poll_id):
        return False
    # Closed here already: a poll that cannot be stopped now (closed by hand in a client, or
    # Telegram's flood limit) must not cost the group its winner.
    with contextlib.suppress(TelegramError):
        await context.bot.stop_poll(poll.chat_id, poll.message_id)
    votes = await svc.storage.votes(poll.poll_id)
    counts = [0] * len(poll.movie_ids)
    for option in votes.values():
        if 0 <= option < len(counts):
            counts[option] += 1
    best = max(range(len(counts)), key=lambda i: (counts[i], poll.scores[i], -i))
    movie = svc.rec.catalogue.get(poll.movie_ids[best])
    await svc.storage.add_history(poll.chat_id, poll.movie_ids[best])
    title = movie.title if movie else texts.unknown_film()
    await context.bot.send_message(poll.chat_id, views.winner(title, counts[best], len(votes)))
    log.info("vote closed", extra={**person(poll.chat_id), "voters": len(votes)})
    return True
