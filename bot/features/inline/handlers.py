"""Inline mode: "@bot matrix" in any chat offers film cards to share; "@bot" alone offers the
person's own current picks (from their private-chat ratings).

Each card carries a button that opens the bot's private chat with a deep link
(`/start film_<id>`), where the film waits to be rated. Answers follow Telegram's rules: at most 50
results, ten a page with `next_offset`, ids of a few bytes, `is_personal` for the personal list
(and a short cache), a longer cache for title searches, which are the same for everyone. Inline
mode is switched on for a bot with @BotFather's /setinline.
"""

from __future__ import annotations

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode

from bot import i18n
from bot.context import BotContext, Services
from bot.features.inline import views
from bot.features.picks.handlers import known_ratings
from bot.ui import html, texts
from movierec.recommender import Movie

PAGE = 10
MAX_RESULTS = 50
SEARCH_CACHE_SECONDS = 300
PERSONAL_CACHE_SECONDS = 30
START_FILM = "film_"


async def on_inline_query(update: Update, context: BotContext) -> None:
    query = update.inline_query
    if query is None:
        return
    svc = context.services
    text = (query.query or "").strip()
    if not text:
        await _own_picks(update, context)
        return
    offset = int(query.offset) if query.offset.isdigit() else 0
    result = await svc.core(svc.rec.match, text, limit=MAX_RESULTS)
    ids = [c.movie_id for c in result.candidates][:MAX_RESULTS]
    page = ids[offset : offset + PAGE]
    following = offset + PAGE if offset + PAGE < len(ids) else None
    await query.answer(
        [_card(context, svc, m) for m in page if m in svc.rec.catalogue],
        cache_time=SEARCH_CACHE_SECONDS,
        # Cards carry genre names in the asker's language: only English answers go to the cache
        # Telegram shares between people, so nobody is served another person's language.
        is_personal=i18n.current() != i18n.DEFAULT,
        next_offset=str(following) if following else "",
    )


async def _own_picks(update: Update, context: BotContext) -> None:
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
        strict=False,
    )
    await query.answer(
        [_card(context, svc, p.movie_id) for p in picks],
        cache_time=PERSONAL_CACHE_SECONDS,
        is_personal=True,
    )


def _card(context: BotContext, svc: Services, movie_id: int) -> InlineQueryResultArticle:
    movie = svc.rec.catalogue.get(movie_id)
    assert movie is not None
    links = texts.links_html(svc.rec.catalogue, movie_id)
    return InlineQueryResultArticle(
        id=f"m{movie_id}",
        title=html.title_plain(movie.title, 100),
        description=_description(movie),
        input_message_content=InputTextMessageContent(
            texts.film_card(movie.title, movie.genres, links), parse_mode=ParseMode.HTML
        ),
        reply_markup=views.open_bot_keyboard(deep_link(context, movie_id)),
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
