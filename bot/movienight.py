"""Movie nights in groups: who is in tonight, picks for them, a native Telegram poll, a winner.

`/movienight [filter words]` posts a roster: 🙋 I'm in / 🚪 Not tonight (the roster message is
the group's and updates in place), and 🍿 Pick for us once somebody is in. The picks fit the people
in tonight, name whose taste each fits, and carry 📊 Vote: a non-anonymous poll of the five picks,
closed by 🏁 Close vote (anyone in tonight), or by itself once everyone in tonight has voted. The
winner (most votes; ties go to the better group score, i.e. the earlier pick) is announced,
recorded in the group's /history, and never proposed to that group again.

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
from telegram.error import BadRequest

from bot import callbacks, keyboards, texts
from bot.context import BotContext, Services
from bot.flows import PICKS, edit_text, filter_label, log, reply
from bot.keyboards import ListKind
from bot.logs import person
from bot.storage import ListInfo, PollInfo
from movierec.filters import Filter
from movierec.recommender import GroupPick


async def taste(svc: Services, chat_id: int, user_id: int) -> dict[int, float]:
    """A person's taste in a group, as the recommender reads it (`Recommender.known`)."""
    return svc.rec.known(await ratings_here(svc, chat_id, user_id))


async def ratings_here(svc: Services, chat_id: int, user_id: int) -> dict[int, float]:
    """A person's ratings as a group sees them: private ones, then this group's on top."""
    private = await svc.storage.ratings(user_id, user_id)
    here = await svc.storage.ratings(chat_id, user_id) if chat_id != user_id else {}
    return {**private, **here}


def rate_first_url(context: BotContext) -> str:
    """A deep link that opens the bot's private chat on the welcome (films to rate)."""
    return f"https://t.me/{context.bot.username}?start=rate"


# ------------------------------------------------------------------ the roster
async def start(message: Message, context: BotContext, chat: Chat, query: str) -> None:
    svc = context.services
    label = "" if not query else filter_label((await svc.parse(query)).filter)
    markup = keyboards.roster(False, rate_first_url(context))
    sent = await reply(context, message, texts.roster([], label), markup)
    await svc.storage.start_night(chat.id, sent.message_id, query)
    log.info("movie night started", extra=person(chat.id))


async def show_roster(context: BotContext, chat_id: int, night_id: int) -> None:
    """Rewrite the roster with who is in now (the roster is the group's, not one person's)."""
    svc = context.services
    members = await svc.storage.night_members(chat_id, night_id)
    names = await svc.storage.member_names(chat_id)
    query = await svc.storage.night_query(chat_id, night_id) or ""
    label = "" if not query else filter_label((await svc.parse(query)).filter)
    shown, unrated = [], []
    for member in members:
        display = texts.name(names.get(member))
        shown.append(display)
        if not await taste(svc, chat_id, member):
            unrated.append(display)
    text = texts.roster(shown, label, unrated)
    markup = keyboards.roster(bool(members), rate_first_url(context))
    await edit_text(context, chat_id, night_id, text, markup)


# ------------------------------------------------------------------ the picks
async def send_picks(
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
            await reply(context, message, texts.no_roster())
            return
        wanted = (await svc.parse(query)).filter if query else Filter()
        people = await svc.storage.night_members(chat.id, night_id)
    else:
        people = list(await svc.storage.chat_ratings(chat.id))
    wanted = wanted or Filter()
    merged = {p: await ratings_here(svc, chat.id, p) for p in people}
    tastes = {p: t for p, ratings in merged.items() if (t := svc.rec.known(ratings))}
    rated = {movie for ratings in merged.values() for movie in ratings}
    if not tastes:
        await reply(context, message, texts.group_empty())
        return
    hidden = await svc.storage.hidden(chat.id)
    chosen = {movie for movie, _ in await svc.storage.history(chat.id)}
    items = await svc.core(
        svc.rec.recommend_group,
        tastes,
        limit=PICKS,
        offset=offset,
        exclude=hidden | chosen | rated,
        filter=wanted,
    )
    if not items:
        label = filter_label(wanted)
        text = texts.nothing_matches(label) if not wanted.is_empty() else texts.nothing_left()
        await reply(context, message, text)
        return
    names = await svc.storage.member_names(chat.id)
    reasons = _reasons(svc, items)
    ids = tuple(p.movie_id for p in items)
    code = callbacks.filter_code(wanted)
    extra = f"{code}|{night_id}" if night_id is not None else code
    await reply(
        context,
        message,
        texts.night_picks(items, offset, names, reasons),
        keyboards.night_picks(ids, offset, code)
        if night_id
        else keyboards.picks(ids, offset, True),
        ListInfo(None, ListKind.NIGHT, offset, ids, extra=extra),
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


def night_of(info: ListInfo | None) -> tuple[str, int | None]:
    """(filter code, roster message id) of a movie-night picks list."""
    if info is None:
        return "", None
    code, _, night = info.extra.partition("|")
    return code, int(night) if night.isdigit() else None


# ------------------------------------------------------------------ the vote
async def start_vote(context: BotContext, chat: Chat, info: ListInfo) -> str:
    """📊 Vote: a non-anonymous poll of the five picks; the answer for the presser's toast."""
    svc = context.services
    _, night_id = night_of(info)
    if night_id is None:
        return texts.no_roster()
    if await svc.storage.open_poll_of_night(chat.id, night_id) is not None:
        return texts.vote_open()
    movies = [svc.rec.catalogue.get(m) for m in info.movie_ids]
    options = [texts.poll_option(m.title) for m in movies if m is not None]
    ids = tuple(m.movie_id for m in movies if m is not None)
    if len(options) < 2:
        return texts.nothing_left()
    sent = await context.bot.send_poll(
        chat.id,
        texts.vote_question(),
        options,
        is_anonymous=False,
        allows_multiple_answers=False,
        reply_markup=keyboards.close_vote(),
    )
    assert sent.poll is not None
    scores = tuple(float(-rank) for rank in range(len(ids)))  # picks come best first
    poll = PollInfo(sent.poll.id, chat.id, sent.message_id, night_id, ids, scores, False)
    await svc.storage.save_poll(poll)
    log.info("vote started", extra=person(chat.id))
    return texts.vote_started()


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
    with contextlib.suppress(BadRequest):  # e.g. closed by hand in a client already
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
    await context.bot.send_message(poll.chat_id, texts.winner(title, counts[best], len(votes)))
    log.info("vote closed", extra={**person(poll.chat_id), "voters": len(votes)})
    return True


async def history(message: Message, context: BotContext, chat: Chat) -> None:
    svc = context.services
    chosen = await svc.storage.history(chat.id)
    if not chosen:
        await reply(context, message, texts.history_empty())
        return
    entries = []
    for movie_id, when in chosen[:30]:
        movie = svc.rec.catalogue.get(movie_id)
        entries.append(
            (movie.title if movie else None, time.strftime("%d %b %Y", time.gmtime(when)))
        )
    await reply(context, message, texts.history_page(entries))
