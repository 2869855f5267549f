"""The watchlist: /watchlist, 🔖 under picks, ✅ watched it (asks 👍 / 👎), ❌ and pages."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.features.ratings.handlers import send_film
from bot.features.watchlist import views
from bot.features.watchlist.callbacks import Save, Unsave, Watched, WatchPage
from bot.features.watchlist.lists import WATCHLIST
from bot.ui import texts
from bot.ui.buttons import Press, Reply, on, owner_only
from bot.ui.keyboards import paginate
from bot.ui.lists import ListInfo
from bot.ui.messages import View, edit_view, reply, who


async def watchlist_view(
    context: BotContext, chat_id: int, user_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup | None, int]:
    """One page of saved films (newest first), with ✅ / ❌ per film and paging."""
    svc = context.services
    saved = await svc.storage.watchlist(chat_id, user_id)
    if not saved:
        return views.watchlist_empty(), None, 0
    chunk, page, pages = paginate(saved, page)
    entries = [(m, movie.title if (movie := svc.rec.catalogue.get(m)) else None) for m in chunk]
    links = [texts.links_html(svc.rec.catalogue, m) for m in chunk]
    text = views.watchlist_page(entries, page, pages, links)
    return text, views.watchlist_keyboard(chunk, page, pages), page


async def watchlist(update: Update, context: BotContext) -> None:
    message, _, user = who(update)
    text, markup, page = await watchlist_view(context, message.chat_id, user.id, 0)
    info = ListInfo(user.id, WATCHLIST, page) if markup else None
    await reply(context, message, text, markup, info)


async def _show(press: Press, page: int) -> None:
    context, chat, user = press.context, press.chat, press.user

    async def view() -> View:
        text, markup, _ = await watchlist_view(context, chat.id, user.id, page)
        return text, markup

    await edit_view(context, chat.id, press.message.message_id, view)


@on(Save)
async def _save(press: Press[Save]) -> Reply:
    """🔖: on the presser's own watchlist (never picked again); the owner's row shows it."""
    svc, chat, user = press.context.services, press.chat, press.user
    added = await svc.storage.save_for_later(chat.id, user.id, press.data.movie_id)
    answer = views.saved() if added else views.already_saved()
    return answer, (press.refresh() if press.by_owner else None)


@on(Watched)
@owner_only
async def _watched(press: Press[Watched]) -> Reply:
    """✅ under /watchlist: off the list, and a 👍 / 👎 question for it."""
    context, message, chat, user = press.context, press.message, press.chat, press.user
    svc, movie_id = context.services, press.data.movie_id
    await svc.storage.unsave(chat.id, user.id, movie_id)
    movie = svc.rec.catalogue.get(movie_id)
    page = press.info.start if press.info else 0

    async def ask() -> None:
        await _show(press, page)
        if movie is not None:
            await send_film(message, context, user, movie_id, views.watched_ask(movie.title))

    return views.unsaved(), ask


@on(Unsave)
@owner_only
async def _unsave(press: Press[Unsave]) -> Reply:
    svc, chat, user = press.context.services, press.chat, press.user
    removed = await svc.storage.unsave(chat.id, user.id, press.data.movie_id)
    page = press.data.page
    return (views.unsaved() if removed else texts.already_gone()), lambda: _show(press, page)


@on(WatchPage)
@owner_only
async def _page(press: Press[WatchPage]) -> Reply:
    return "", lambda: _show(press, press.data.page)
