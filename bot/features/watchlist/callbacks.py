"""The watchlist's buttons: 🔖 save, ✅ watched it, ❌ remove, pages."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ui.callback_data import CallbackData

MAX_PAGE = 1_000


@dataclass(frozen=True)
class Save(CallbackData):
    """🔖 save for later (`s:2571`): on the presser's own watchlist, never picked again."""

    prefix = "s"
    film_field = "movie_id"
    movie_id: int


@dataclass(frozen=True)
class Watched(CallbackData):
    """✅ under /watchlist (`w:2571`): off the list, and a 👍 / 👎 question for it."""

    prefix = "w"
    movie_id: int


@dataclass(frozen=True)
class Unsave(CallbackData):
    """❌ under /watchlist, then show page `page` (`v:2571:0`)."""

    prefix = "v"
    movie_id: int
    page: int

    def valid(self) -> bool:
        return self.page <= MAX_PAGE


@dataclass(frozen=True)
class WatchPage(CallbackData):
    """◀️ / ▶️ under /watchlist (`l:1`)."""

    prefix = "l"
    page: int

    def valid(self) -> bool:
        return self.page <= MAX_PAGE
