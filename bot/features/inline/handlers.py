"""Inline mode: "@bot matrix" in any chat offers film cards to share; "@bot" alone offers the
person's own current picks (from their private-chat ratings).

Each card carries a button that opens the bot's private chat with a deep link
(`/start film_<id>`), where the film waits to be rated. Answers follow Telegram's rules: at most 50
results, ten a page with `next_offset`, ids of a few bytes, `is_personal` for the personal list
(and a short cache), a longer cache for title searches, which are the same for everyone. Inline
mode is switched on for a bot with @BotFather's /setinline.

Telegram waits about ten seconds for an answer and shows a person only the answer to their newest
query. Under a burst (everyone typing at once, a query per keystroke) the updates wait for one of
the application's slots: `NewestInlineFirst` notes each inline query as it arrives and skips one
that a newer query of the same person overtook while it waited (no matching, no answer: Telegram
would ignore it), and the pages of a title search are reused for a few minutes
(`BotData.inline_pages`): people type the same prefixes.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import BaseUpdateProcessor

from bot import i18n
from bot.context import BotContext, Services
from bot.features.inline import views
from bot.features.picks.handlers import known_ratings, tmdb_ids
from bot.ui import html, texts
from bot.ui.messages import NO_PREVIEW, log
from movierec.filters import Filter
from movierec.recommender import Movie, Recommender

PAGE = 10
MAX_RESULTS = 50
SEARCH_CACHE_SECONDS = 300
PERSONAL_CACHE_SECONDS = 30
START_FILM = "film_"
MAX_OFFSET = 4  # digits: offsets are at most MAX_RESULTS
FACTS_WAIT = 0.2  # seconds an answer waits for posters TMDB has not given yet
WAITING = 1024  # updates let in to wait for a slot (the rest wait in the application's queue)


class NewestInlineFirst(BaseUpdateProcessor):
    """`slots` updates at a time, like python-telegram-bot's `SimpleUpdateProcessor`, except that
    an inline query a newer one of the same person overtook while it waited is skipped.

    python-telegram-bot takes a slot of its own before `do_process_update`; that outer limit is
    set to `waiting` so that waiting updates are seen (and noted) here, and `slots` is the limit
    that counts."""

    def __init__(self, slots: int, waiting: int = WAITING) -> None:
        super().__init__(waiting)
        self._slots = asyncio.Semaphore(slots)
        self._newest: dict[int, int] = {}  # person -> update id of their newest inline query

    def superseded(self, update: Update) -> bool:
        query = update.inline_query
        return query is not None and self._newest.get(query.from_user.id, 0) > update.update_id

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update) or update.inline_query is None:
            async with self._slots:
                await coroutine
            return
        person, order = update.inline_query.from_user.id, update.update_id
        self._newest[person] = max(self._newest.get(person, 0), order)
        try:
            async with self._slots:
                if self.superseded(update):
                    if inspect.iscoroutine(coroutine):
                        coroutine.close()
                    return
                await coroutine
        finally:
            if self._newest.get(person) == order:
                del self._newest[person]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


async def on_inline_query(update: Update, context: BotContext) -> None:
    query = update.inline_query
    if query is None:
        return
    processor = context.application.update_processor

    def superseded() -> bool:
        return isinstance(processor, NewestInlineFirst) and processor.superseded(update)

    text = (query.query or "").strip()
    if not text:
        await _own_picks(update, context)
        return
    parsed = await context.services.parse(text)
    if parsed.complete and not parsed.filter.is_empty():  # "horror 80s": picks, not titles
        await _own_picks(update, context, parsed.filter)
        return
    offset = page_offset(query.offset)
    key = (text, offset, i18n.current())
    page = context.bot_data.inline_pages.get(key)
    if page is None:
        svc = context.services
        ids = await svc.core(_matches, svc.rec, text, superseded)
        if ids is None:
            return
        shown = ids[offset : offset + PAGE]
        following = offset + PAGE if offset + PAGE < len(ids) else None
        await svc.facts.get(tmdb_ids(svc, shown), wait=FACTS_WAIT)  # posters as thumbnails
        page = (
            [_card(context, svc, m) for m in shown if m in svc.rec.catalogue],
            str(following) if following else "",
        )
        context.bot_data.inline_pages[key] = page
    if superseded():
        return
    results, following_offset = page
    await _answer(
        query.answer(
            results,
            cache_time=SEARCH_CACHE_SECONDS,
            # Cards carry genre names in the asker's language: only English answers go to the
            # cache Telegram shares between people, so nobody is served another person's language.
            is_personal=i18n.current() != i18n.DEFAULT,
            next_offset=following_offset,
        )
    )


def page_offset(offset: str) -> int:
    """The page a `next_offset` we gave names; anything else (a client's or a forger's: "abc",
    "²", "-5", a hundred digits) is the first page."""
    return int(offset) if offset.isascii() and offset.isdigit() and len(offset) <= MAX_OFFSET else 0


def _matches(rec: Recommender, text: str, superseded: Callable[[], bool]) -> list[int] | None:
    """The films a title search finds (None, without searching, once the query is superseded:
    it may have waited behind other searches)."""
    if superseded():
        return None
    return [c.movie_id for c in rec.match(text, limit=MAX_RESULTS).candidates][:MAX_RESULTS]


async def _answer(answering: Awaitable[bool]) -> None:
    """Send an inline answer; one that came too late (Telegram has stopped waiting) is noted,
    not an error."""
    try:
        await answering
    except BadRequest as error:
        if "too old" not in error.message.lower():
            raise
        log.warning("inline answer too late")


async def _own_picks(update: Update, context: BotContext, wanted: Filter | None = None) -> None:
    """The person's own picks (within `wanted`, when the query was all filter words)."""
    query = update.inline_query
    assert query is not None
    svc, user = context.services, query.from_user
    taste = await svc.storage.taste(user.id, user.id)
    preferences, rated = known_ratings(svc, taste)
    if not preferences:
        await query.answer(
            [],
            cache_time=PERSONAL_CACHE_SECONDS,
            is_personal=True,
            button=InlineQueryResultsButton(views.inline_rate_first(), start_parameter="rate"),
        )
        return
    picks = await svc.core(
        svc.rec.recommend,
        preferences,
        limit=PAGE,
        exclude=taste.hidden | taste.saved | rated,
        filter=wanted,
        strict=False,
    )
    await svc.facts.get(tmdb_ids(svc, [p.movie_id for p in picks]), wait=FACTS_WAIT)
    await query.answer(
        [_card(context, svc, p.movie_id) for p in picks],
        cache_time=PERSONAL_CACHE_SECONDS,
        is_personal=True,
    )


def _card(context: BotContext, svc: Services, movie_id: int) -> InlineQueryResultArticle:
    movie = svc.rec.catalogue.get(movie_id)
    assert movie is not None
    links = texts.links_html(svc.rec.catalogue, movie_id)
    facts = svc.facts.cached(movie_id)
    found = svc.rec.catalogue.links(movie_id)
    page = (found.tmdb or found.imdb) if found else None
    poster = (facts.poster() if facts else None) or page
    return InlineQueryResultArticle(
        id=f"m{movie_id}",
        title=html.title_plain(movie.title, 100),
        description=_description(movie),
        input_message_content=InputTextMessageContent(
            texts.film_card(movie.title, movie.genres, links),
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(
                url=poster, prefer_large_media=True, show_above_text=True
            )
            if poster
            else NO_PREVIEW,
        ),
        reply_markup=views.open_bot_keyboard(deep_link(context, movie_id)),
        thumbnail_url=facts.poster("w92") if facts else None,
    )


def _description(movie: Movie) -> str:
    genres = " · ".join(texts.genre_name(g) for g in movie.genres[:3])
    return f"{movie.year} · {genres}" if movie.year else genres


def deep_link(context: BotContext, movie_id: int) -> str:
    return f"https://t.me/{context.bot.username}?start={START_FILM}{movie_id}"


def film_from_payload(payload: str) -> int | None:
    """The film a `/start film_<id>` deep link names (ASCII digits only), if any."""
    if not payload.startswith(START_FILM):
        return None
    digits = payload.removeprefix(START_FILM)
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 8 else None
