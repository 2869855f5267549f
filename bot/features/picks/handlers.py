"""Picks: /rec (with filter words), a private message read as a filtered request, and the
buttons under a person's picks (🙈, More, 🎭 / 📅 chips, "any film")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from telegram import Chat, LinkPreviewOptions, Message, Update, User

from bot import i18n
from bot.context import BotContext, Services
from bot.features import argument_text
from bot.features.picks import views
from bot.features.picks.callbacks import BackToList, ChipKind, Chips, Filtered, Hide, OpenCard, Tune
from bot.features.picks.lists import CHIPS, PICKS, PicksPayload, Why
from bot.features.ratings import handlers as ratings
from bot.films import tmdb_id, watch_country
from bot.logs import person
from bot.storage import Taste
from bot.ui import texts
from bot.ui.buttons import FollowUp, Press, Reply, on, owner_only, send
from bot.ui.keyboards import Marks, marks
from bot.ui.lists import ListInfo
from bot.ui.messages import (
    NO_PREVIEW,
    Page,
    edit_page,
    is_group,
    log,
    rebuilds_page,
    remember,
    reply,
    store_list,
    who,
)
from bot.ui.more import More
from movierec.filters import Filter, Parsed
from movierec.recommender import PreferencesError

PICK_COUNT = 5  # picks per list


def known_ratings(svc: Services, taste: Taste) -> tuple[dict[int, float], set[int]]:
    """(what a person's picks are scored from, every film they rated). The first is
    `Recommender.known`: catalogue films only (one that left the catalogue never breaks a list),
    the newest 5,000 at most; the second is never picked again, however old."""
    return svc.rec.known(taste.ratings), set(taste.ratings)


async def recommend(update: Update, context: BotContext) -> None:
    """/rec, or /rec with filter words: /rec comedy, /rec 90s sci-fi, /rec after 2010."""
    message, chat, user = who(update)
    await remember(context, chat, user)
    words, parsed = await filter_words(update, context)
    if words and parsed is None:
        return
    note = texts.filter_not_understood(parsed.rest) if parsed and parsed.rest else ""
    wanted = parsed.filter if parsed else None
    await send_picks(message, context, chat, user, wanted=wanted, note=note)


async def filter_words(update: Update, context: BotContext) -> tuple[str, Parsed | None]:
    """The filter words after a command and what they mean; (words, None) after telling the
    person that nothing in them was understood."""
    words = argument_text(update).strip()
    if not words:
        return "", None
    parsed = await context.services.parse(words)
    if parsed.filter.is_empty():
        await reply(context, who(update)[0], texts.filter_not_understood(words))
        return words, None
    return words, parsed


async def send_picks(
    message: Message,
    context: BotContext,
    chat: Chat,
    user: User,
    offset: int = 0,
    wanted: Filter | None = None,
    note: str = "",
) -> None:
    """A person's next five picks in this chat (within `wanted`, a genre/year filter), with
    buttons under them. The filter is applied before ranking, so asking for horror gives five
    horror films, not the horror among five general picks."""
    svc = context.services
    wanted = wanted or Filter()
    label = texts.filter_label(wanted)
    taste = await svc.storage.taste(chat.id, user.id)
    preferences, rated = known_ratings(svc, taste)
    if not preferences:
        await ratings.send_starters(message, context, user, texts.no_ratings(), exclude=())
        return
    if wanted.impossible:
        await reply(context, message, texts.nothing_matches(label))
        return
    try:
        items = await svc.core(
            svc.rec.recommend,
            preferences,
            limit=PICK_COUNT,
            offset=offset,
            exclude=taste.hidden | taste.saved | rated,
            filter=wanted,
        )
    except PreferencesError:
        log.warning("unusable preferences", extra=person(chat.id, user.id))
        items = []
    if not items:
        text = texts.nothing_matches(label) if not wanted.is_empty() else texts.nothing_left()
        await reply(context, message, text)
        return
    ids = tuple(p.movie_id for p in items)
    why = {p.movie_id: Why(p.because, p.support, p.neighbors) for p in items}
    info = ListInfo(user.id, PICKS, offset, ids, PicksPayload(wanted, why=why))
    svc.facts.prefetch(tmdb_ids(svc, ids))  # the cards open warm
    name = user.first_name if is_group(chat) else None
    page = list_page(context, chat.id, info, {}, name)
    text = f"{note}\n\n{page.text}" if note else page.text
    await reply(context, message, text, page.markup, info, page.preview)


def tmdb_ids(svc: Services, movie_ids: Iterable[int]) -> dict[int, int | None]:
    """TMDB's id of each film, where the catalogue links it."""
    found = {}
    for movie_id in movie_ids:
        links = svc.rec.catalogue.links(movie_id)
        found[movie_id] = tmdb_id(links.tmdb) if links else None
    return found


def list_page(
    context: BotContext, chat_id: int, info: ListInfo, done: Marks, name: str | None
) -> Page:
    """A picks list: a short line per film and a button per film opening its card."""
    svc = context.services
    payload = info.payload if isinstance(info.payload, PicksPayload) else PicksPayload()
    wanted = payload.filter
    movies = [m for m in map(svc.rec.catalogue.get, info.movie_ids) if m is not None]
    shown_label = "" if wanted.is_empty() else texts.filter_label(wanted)
    intro = views.picks_intro(info.start, name, group=chat_id < 0, wanted=shown_label)
    reasons = {m.movie_id: _reasons(svc, payload, m.movie_id) for m in movies}
    support = {m: why.support for m, why in payload.why.items()}
    text = views.picks(movies, info.start, intro, reasons=reasons, support=support)
    ids = [m.movie_id for m in movies]
    markup = views.picks_keyboard(ids, info.start, done, wanted, [m.title for m in movies])
    return Page(text, markup, NO_PREVIEW)


def _reasons(svc: Services, payload: PicksPayload, movie_id: int) -> list[str]:
    why = payload.why.get(movie_id)
    liked = why.because if why else ()
    return [m.title for m in map(svc.rec.catalogue.get, liked) if m is not None]


async def card_page(
    context: BotContext, chat_id: int, info: ListInfo, done: Marks, movie_id: int
) -> Page:
    """A film's card (see `views.card`), its poster as the link preview: TMDB's poster when the
    facts are cached, else Telegram's own preview of the film's TMDB or IMDb page."""
    svc = context.services
    payload = info.payload if isinstance(info.payload, PicksPayload) else PicksPayload()
    movie = svc.rec.catalogue.get(movie_id)
    if movie is None:
        return list_page(context, chat_id, info, done, None)
    facts = (await svc.facts.get(tmdb_ids(svc, [movie_id]))).get(movie_id)
    language = i18n.current()
    chosen = await svc.storage.country(info.owner_id) if info.owner_id is not None else None
    country = watch_country(language, chosen)  # the card's person's /country, or their language
    why = payload.why.get(movie_id)
    mark = done.get(movie_id)
    links = svc.rec.catalogue.links(movie_id)
    text = views.card(
        movie,
        facts,
        language,
        country,
        _reasons(svc, payload, movie_id),
        (why.support, why.neighbors) if why else (0, 0),
        texts.links_html(svc.rec.catalogue, movie_id),
        mark,
    )
    ids = list(info.movie_ids)
    at = ids.index(movie_id) if movie_id in ids else 0
    after = [m for m in ids[at + 1 :] + ids[:at] if m not in done]
    markup = views.card_keyboard(
        movie_id, after[0] if after else None, mark, group=chat_id < 0, alone=payload.alone
    )
    poster = (facts.poster() if facts else None) or ((links.tmdb or links.imdb) if links else None)
    preview = (
        LinkPreviewOptions(url=poster, prefer_large_media=True, show_above_text=True)
        if poster
        else NO_PREVIEW
    )
    return Page(text, markup, preview)


# ------------------------------------------------------------------ buttons
@on(Hide)
async def _hide(press: Press[Hide]) -> Reply:
    svc, chat, user = press.context.services, press.chat, press.user
    await svc.storage.hide(chat.id, user.id, press.data.movie_id)
    if press.by_owner:
        return views.hidden(), press.refresh()
    movie = svc.rec.catalogue.get(press.data.movie_id)
    return views.hidden_for_you(movie.title if movie else None), None


@on(More)
async def _more(press: Press[More]) -> Reply:
    """More of the owner's picks; "Recommend" under a confirmation (offset 0) gives the presser
    their own picks."""
    context, message, chat, user, data = (
        press.context,
        press.message,
        press.chat,
        press.user,
        press.data,
    )
    if data.offset > 0 and not press.by_owner:
        return texts.not_yours(), None
    return "", lambda: send_picks(message, context, chat, user, data.offset, data.filter)


@on(Filtered)
async def _filtered(press: Press[Filtered]) -> Reply:
    """A chip or "any film": the presser's own picks with that filter, as a new message."""
    context, message, chat, user = press.context, press.message, press.chat, press.user
    wanted = press.data.filter
    return "", lambda: send_picks(message, context, chat, user, wanted=wanted)


@on(Chips)
async def _chips(press: Press[Chips]) -> Reply:
    """🎭 / 📅: a small message of chips for the presser, keeping the other half of the filter."""
    context, message, user = press.context, press.message, press.user
    current = press.data.filter
    if press.data.which is ChipKind.GENRE:
        text, markup = views.choose_genre(), views.genre_chips(current)
    else:
        latest = context.services.latest_year
        text, markup = views.choose_decade(), views.decade_chips(current, latest)
    info = ListInfo(user.id, CHIPS)
    return "", lambda: send(reply(context, message, text, markup, info))


@on(OpenCard)
async def _open_card(press: Press[OpenCard]) -> Reply:
    """A film of a list: its card, in place for the list's owner; for anyone else (a group),
    a card of their own as a new message, leaving the owner's list as it is."""
    user, movie_id, info = press.user, press.data.movie_id, press.info
    if info is None or info.kind is not PICKS or not press.by_owner:
        alone = ListInfo(user.id, PICKS, 0, (movie_id,), PicksPayload(card=movie_id, alone=True))
        return "", lambda: _send_card(press, alone)
    payload = info.payload if isinstance(info.payload, PicksPayload) else PicksPayload()
    return "", _show(press, replace(info, payload=replace(payload, card=movie_id)))


@on(BackToList)
@owner_only
async def _back(press: Press[BackToList]) -> Reply:
    info = press.info
    if info is None or info.kind is not PICKS:
        return texts.stale_button(), None
    payload = info.payload if isinstance(info.payload, PicksPayload) else PicksPayload()
    return "", _show(press, replace(info, payload=replace(payload, card=0)))


def _show(press: Press, info: ListInfo) -> FollowUp:
    """Store what the message shows now (a card, or the list), then edit it to show that."""
    context, chat_id, message_id = press.context, press.chat.id, press.message.message_id

    async def view() -> Page:
        await store_list(context, chat_id, message_id, info)
        taste = await context.services.storage.taste(chat_id, press.user.id)
        return await _page(context, chat_id, info, taste)

    return lambda: edit_page(context, chat_id, message_id, view)


async def _send_card(press: Press, info: ListInfo) -> None:
    context, chat, user = press.context, press.chat, press.user
    taste = await context.services.storage.taste(chat.id, user.id)
    page = await _page(context, chat.id, info, taste)
    await reply(context, press.message, page.text, page.markup, info, page.preview)


@on(Tune)
async def _tune(press: Press[Tune]) -> Reply:
    """🎛: the filters (🎭 genre, 📅 decade, any film) as a small message for the presser."""
    context, message, user, wanted = press.context, press.message, press.user, press.data.filter
    info = ListInfo(user.id, CHIPS)
    markup = views.tune_keyboard(wanted)
    return "", lambda: send(reply(context, message, views.choose_filter(), markup, info))


@rebuilds_page(PICKS)
async def _page(context: BotContext, chat_id: int, info: ListInfo, taste: Taste) -> Page:
    """A picks message as its owner's stored state has it: the list, or the card open now."""
    done = marks(taste.ratings, taste.hidden, taste.saved)
    payload = info.payload if isinstance(info.payload, PicksPayload) else PicksPayload()
    if payload.card:
        return await card_page(context, chat_id, info, done, payload.card)
    name = None
    if chat_id < 0 and info.owner_id is not None:
        name = (await context.services.storage.member_names(chat_id)).get(info.owner_id)
    return list_page(context, chat_id, info, done, name)
