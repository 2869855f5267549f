"""Match mode: 🃏 Match privately under a roster deals everyone in tonight cards in their private
chat with the bot, one at a time, 👍 / 👎 / 🙈 seen; a film everyone in has 👍 is announced in the
group once, with who liked it; the group takes the first match or votes among them.

The deck is the group's picks in group-score order (`group_items`: never a film anyone in rated,
hid, or the group chose before), the same for everyone, so shared likes come soon; it is stored
with the night (`ChatStore.start_deck`), as is each swipe, so a restart or another replica goes on
where the last card was. Nobody sees another person's swipes: the group hears only of matches.
A 👎 is "not tonight", never a dislike in the person's taste (the card says so); 🙈 seen hides the
film from their picks, as 🙈 does everywhere. Whoever started match mode chooses how many
matches to wait for before announcing (1 to `MAX_WANTED`).

Announcing happens once however many presses arrive at once: a match is a row once (its primary
key), and each announcement is a conditional write of the count announced
(`claim_announcement`).
"""

from __future__ import annotations

import contextlib

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, ReplyParameters
from telegram.error import BadRequest, Forbidden, TelegramError

from bot import i18n
from bot.context import BotContext
from bot.features.movienight import views
from bot.features.movienight.callbacks import (
    MAX_WANTED,
    MatchPrivately,
    Swipe,
    TakeMatch,
    Verdict,
    WaitForMatches,
)
from bot.features.movienight.lists import CARD, MATCHED, MATCHING, CardPayload, NightPayload
from bot.features.picks import views as pick_views
from bot.features.picks.handlers import NO_PREVIEW, tmdb_ids
from bot.films import COUNTRY_OF_LANGUAGE
from bot.logs import person
from bot.storage import PollInfo, SwipeDeck
from bot.ui import html, texts
from bot.ui.buttons import Press, Reply, on
from bot.ui.lists import ListInfo, to_row
from bot.ui.messages import log, shown_as
from movierec.filters import Filter

DECK_SIZE = 30  # cards per night: the group's best 30 picks


async def _send(
    context: BotContext,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None,
    info: ListInfo | None,
    preview: LinkPreviewOptions | None = None,
    reply_to: int | None = None,
) -> None:
    """Send a message with buttons to any chat and store what it lists."""
    text = html.fit(text)
    sent = await context.bot.send_message(
        chat_id,
        text,
        reply_markup=markup,
        link_preview_options=preview,
        reply_parameters=(
            ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
        ),
    )
    if info is not None:
        row = to_row(info, shown_as(text, markup, preview))
        await context.services.storage.save_list(chat_id, sent.message_id, row)


async def _person_language(context: BotContext, user_id: int) -> str:
    """A card's language: the person's chosen one, else the group's (what they read there)."""
    return i18n.supported(await context.services.language(user_id)) or i18n.current()


# ------------------------------------------------------------------ starting
@on(MatchPrivately)
async def _match(press: Press[MatchPrivately]) -> Reply:
    """🃏 under the roster: deal the cards (once per night); pressed again, the presser's next
    card (someone the bot could not write to before, say)."""
    from bot.features.movienight.handlers import group_items  # handlers imports this module

    context, chat, user, night_id = press.context, press.chat, press.user, press.message.message_id
    svc = context.services
    query = await svc.storage.night_query(chat.id, night_id)
    if query is None:
        return views.no_roster(), None
    members = await svc.storage.night_members(chat.id, night_id)
    if user.id not in members:
        return views.match_not_in(), None
    poll = await svc.storage.night_poll(chat.id, night_id)
    if poll is not None and poll.closed:
        return views.vote_done(), None
    title = chat.title or ""
    deck = await svc.storage.deck(chat.id, night_id)
    if deck is not None:
        return views.match_again(), lambda: deal(context, deck, user.id, title)
    wanted = (await svc.parse(query)).filter if query else Filter()
    items = await group_items(context, chat.id, members, wanted, limit=DECK_SIZE)
    if items is None:
        return views.group_empty(), None
    if not items:
        return texts.nothing_left(), None
    reasons = {p.movie_id: {int(m): liked[0] for m, liked in p.because_by if liked} for p in items}
    deck = SwipeDeck(chat.id, night_id, user.id, tuple(p.movie_id for p in items), 1, 0, reasons)
    if not await svc.storage.start_deck(deck):  # another press or replica dealt just now
        return views.match_again(), lambda: deal(context, deck, user.id, title)
    log.info("match mode started", extra=person(chat.id))
    return views.match_started(), lambda: _start(context, deck, members, title)


async def _start(context: BotContext, deck: SwipeDeck, members: list[int], title: str) -> None:
    """Everyone in gets their first card; the group hears who is swiping (and who the bot
    cannot write to yet)."""
    svc = context.services
    names = await svc.storage.member_names(deck.chat_id)
    reached, missed = [], []
    for member in members:
        shown = html.name_html(names.get(member))
        try:
            await deal(context, deck, member, title)
        except (Forbidden, BadRequest):  # never wrote to the bot, or blocked it
            missed.append(shown)
        else:
            reached.append(shown)
    await _send(
        context,
        deck.chat_id,
        views.matching(reached, missed, deck.wanted),
        views.matching_keyboard(deck.wanted, MAX_WANTED),
        ListInfo(None, MATCHING, payload=NightPayload(Filter(), deck.night_id)),
        reply_to=deck.night_id,
    )


# ------------------------------------------------------------------ the cards
async def deal(context: BotContext, deck: SwipeDeck, member: int, title: str) -> None:
    """A person's next card of the night in their private chat (in their language), or the note
    that the deck is done."""
    svc = context.services
    own = await svc.storage.own_swipes(deck.chat_id, deck.night_id, member)
    left = [m for m in deck.movie_ids if m not in own and m in svc.rec.catalogue]
    with i18n.using(await _person_language(context, member)):
        if not left:
            await context.bot.send_message(member, views.deck_done())
            return
        movie_id = left[0]
        text, preview = await _card(context, deck, member, movie_id, title)
        payload = CardPayload(deck.chat_id, deck.night_id, title)
        info = ListInfo(member, CARD, 0, (movie_id,), payload)
        await _send(context, member, text, views.swipe_keyboard(), info, preview)


async def _card(
    context: BotContext, deck: SwipeDeck, member: int, movie_id: int, title: str
) -> tuple[str, LinkPreviewOptions]:
    """The picks feature's film card (poster, runtime, genres, the reason: the person's own like
    the film is like) under a line naming the group."""
    svc = context.services
    movie = svc.rec.catalogue.get(movie_id)
    assert movie is not None
    facts = (await svc.facts.get(tmdb_ids(svc, [movie_id]))).get(movie_id)
    language = i18n.current()
    liked = svc.rec.catalogue.get(deck.reasons.get(movie_id, {}).get(member, -1))
    card = pick_views.card(
        movie,
        facts,
        language,
        COUNTRY_OF_LANGUAGE.get(language, "US"),
        [liked.title] if liked else [],
        links=texts.links_html(svc.rec.catalogue, movie_id),
    )
    links = svc.rec.catalogue.links(movie_id)
    poster = (facts.poster() if facts else None) or ((links.tmdb or links.imdb) if links else None)
    preview = (
        LinkPreviewOptions(url=poster, prefer_large_media=True, show_above_text=True)
        if poster
        else NO_PREVIEW
    )
    return views.card_head(title) + "\n\n" + card, preview


@on(Swipe)
async def _swipe(press: Press[Swipe]) -> Reply:
    """👍 / 👎 / 🙈 on a private card: stored, the card shows the verdict, the next card comes,
    and a film everyone in liked is announced in the group."""
    context, user, info = press.context, press.user, press.info
    payload = info.payload if info is not None else None
    if info is None or not isinstance(payload, CardPayload) or not info.movie_ids:
        return texts.stale_button(), None
    if not press.by_owner:
        return texts.not_yours(), None
    svc, chat_id, night_id, movie_id = (
        context.services,
        payload.chat_id,
        payload.night_id,
        info.movie_ids[0],
    )
    deck = await svc.storage.deck(chat_id, night_id)
    poll = await svc.storage.night_poll(chat_id, night_id)
    if deck is None or (poll is not None and poll.closed):
        return views.swipe_over(), None
    if user.id not in await svc.storage.night_members(chat_id, night_id):
        return views.match_not_in(), None
    verdict = press.data.verdict
    await svc.storage.swipe(chat_id, night_id, user.id, movie_id, verdict.value)
    if verdict is Verdict.SEEN:  # seen counts as seen: never suggested to them again
        await svc.storage.hide(user.id, user.id, movie_id)
    head = views.card_head(payload.title)

    async def follow() -> None:
        if verdict is Verdict.LIKE:
            await _check_match(context, deck, movie_id)
        movie = svc.rec.catalogue.get(movie_id)
        done = f"{head}\n\n<b>{html.title_html(movie.title) if movie else ''}</b>\n"
        with contextlib.suppress(TelegramError):
            await context.bot.edit_message_text(
                html.fit(done + views.swiped(verdict.value)), user.id, press.message.message_id
            )
        await deal(context, deck, user.id, payload.title)

    return views.swiped(verdict.value), follow


# ------------------------------------------------------------------ matches
async def _check_match(context: BotContext, deck: SwipeDeck, movie_id: int) -> None:
    """A film everyone in tonight liked becomes a match (once) and, once the night has as many
    as it waits for, is announced (once)."""
    svc = context.services
    members = await svc.storage.night_members(deck.chat_id, deck.night_id)
    likers = await svc.storage.likers(deck.chat_id, deck.night_id, movie_id)
    if not members or not set(members) <= likers:
        return
    if await svc.storage.add_match(deck.chat_id, deck.night_id, movie_id):
        log.info("match", extra=person(deck.chat_id))
    await announce(context, deck.chat_id, deck.night_id)


async def recheck(context: BotContext, deck: SwipeDeck) -> None:
    """After someone left: each film of the deck everyone still in liked is a match."""
    svc = context.services
    members = set(await svc.storage.night_members(deck.chat_id, deck.night_id))
    if not members:
        return
    for movie_id in deck.movie_ids:
        if members <= await svc.storage.likers(deck.chat_id, deck.night_id, movie_id):
            await svc.storage.add_match(deck.chat_id, deck.night_id, movie_id)
    await announce(context, deck.chat_id, deck.night_id)


async def announce(context: BotContext, chat_id: int, night_id: int) -> bool:
    """Announce the night's matches in the group when there are enough and some are new."""
    svc = context.services
    count = await svc.storage.claim_announcement(chat_id, night_id)
    if not count:
        return False
    found = (await svc.storage.matches(chat_id, night_id))[:count]
    names = await svc.storage.member_names(chat_id)
    films = []
    for movie_id in found:
        likers = await svc.storage.likers(chat_id, night_id, movie_id)
        members = [m for m in await svc.storage.night_members(chat_id, night_id) if m in likers]
        movie = svc.rec.catalogue.get(movie_id)
        films.append(
            (
                movie.title if movie else texts.unknown_film(),
                [html.name_html(names.get(m)) for m in members],
            )
        )
    with i18n.using(await svc.shared_language(chat_id)):
        text = views.matched(films)
        markup = views.matched_keyboard(films[0][0], len(films) > 1)
    info = ListInfo(None, MATCHED, 0, tuple(found), NightPayload(Filter(), night_id))
    await _send(context, chat_id, text, markup, info, reply_to=night_id)
    log.info("matches announced", extra={**person(chat_id), "matches": count})
    return True


@on(WaitForMatches)
async def _wait_for(press: Press[WaitForMatches]) -> Reply:
    """How many matches to wait for: only whoever started match mode chooses."""
    context, chat, payload = press.context, press.chat, press.info.payload if press.info else None
    if not isinstance(payload, NightPayload) or payload.night_id is None:
        return texts.stale_button(), None
    svc, night_id = context.services, payload.night_id
    deck = await svc.storage.deck(chat.id, night_id)
    if deck is None:
        return views.no_roster(), None
    if press.user.id != deck.starter_id:
        return views.match_only_starter(), None
    count = press.data.count
    await svc.storage.want_matches(chat.id, night_id, count)
    message_id = press.message.message_id

    async def follow() -> None:
        with contextlib.suppress(BadRequest):
            await context.bot.edit_message_reply_markup(
                chat.id, message_id, reply_markup=views.matching_keyboard(count, MAX_WANTED)
            )
        await announce(context, chat.id, night_id)

    return views.match_wanted(count), follow


@on(TakeMatch)
async def _take(press: Press[TakeMatch]) -> Reply:
    """✅ Take the first match: tonight's film, recorded in /history (the night's one vote, so
    neither a poll nor a second press can choose another)."""
    context, chat, info = press.context, press.chat, press.info
    payload = info.payload if info is not None else None
    if info is None or not isinstance(payload, NightPayload) or payload.night_id is None:
        return texts.stale_button(), None
    if not info.movie_ids:
        return texts.stale_button(), None
    svc, night_id = context.services, payload.night_id
    if press.user.id not in await svc.storage.night_members(chat.id, night_id):
        return views.not_in_roster(), None
    movie_id = info.movie_ids[0]
    chosen = PollInfo.reserve(chat.id, night_id, (movie_id,), (0.0,))
    if not await svc.storage.save_poll(chosen):
        existing = await svc.storage.night_poll(chat.id, night_id)
        return (views.vote_done() if existing and existing.closed else views.vote_open()), None
    await svc.storage.close_poll(chosen.poll_id)
    plan = await svc.storage.plan(chat.id, night_id)
    from bot.features.movienight.handlers import record_winner  # handlers imports this module

    await record_winner(context, chat.id, night_id, movie_id, plan.starts_at if plan else None)
    movie = svc.rec.catalogue.get(movie_id)

    async def follow() -> None:
        title = movie.title if movie else texts.unknown_film()
        await _send(context, chat.id, views.taken(title), None, None, reply_to=night_id)

    log.info("match taken", extra=person(chat.id))
    return "", follow
