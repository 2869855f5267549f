"""The watchlist feature's texts and keyboards (see `bot.ui.texts` for how texts are written)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from bot.features.watchlist.callbacks import Unsave, Watched, WatchPage
from bot.i18n import _
from bot.ui import html, texts
from bot.ui.keyboards import button, paging


def watchlist_empty() -> str:
    return _(
        "Your watchlist is empty. Tap 🔖 under a pick to save it for later; saved films are never "
        "suggested again."
    )


def saved() -> str:
    return _("🔖 Saved for later: see /watchlist.")


def already_saved() -> str:
    return _("Already on your /watchlist.")


def unsaved() -> str:
    return _("Removed from your watchlist.")


def watched_ask(movie_title: str) -> str:
    return _("✅ You watched {title}. Did you like it?").format(title=html.title_html(movie_title))


def watchlist_page(
    entries: Sequence[tuple[int, str | None]], page: int, pages: int, links: Sequence[str] = ()
) -> str:
    """One page of /watchlist: (movie id, title or None) with optional link HTML per line."""
    heading = "🔖 <b>" + _("Your watchlist") + "</b>"
    if pages > 1:
        heading += " " + texts.page_label(page, pages)
    blocks = [heading]
    for number, (_id, shown) in enumerate(entries, 1):
        link = f" {links[number - 1]}" if number - 1 < len(links) and links[number - 1] else ""
        blocks.append(
            f"{number}. {html.title_html(shown) if shown else texts.unknown_film()}{link}"
        )
    return html.join_blocks(blocks, "\n" + _("Tap ✅ when you have watched one, ❌ to remove it."))


def watchlist_keyboard(movie_ids: Sequence[int], page: int, pages: int) -> InlineKeyboardMarkup:
    """Per saved film: ✅ n (watched it: rate it) and ❌ n (remove); then ◀️ ▶️."""
    rows = []
    for number, movie_id in enumerate(movie_ids, 1):
        rows.append(
            [
                button(f"{texts.WATCHED_MARK} {number}", Watched(movie_id)),
                button(f"{texts.REMOVE_MARK} {number}", Unsave(movie_id, page)),
            ]
        )
    return InlineKeyboardMarkup(paging(rows, page, pages, WatchPage))
