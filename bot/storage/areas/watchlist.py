"""The watchlist: films a person saved for later (🔖), never suggested again until watched."""

from __future__ import annotations

import time

from sqlalchemy import delete, select

from bot.storage.engine import StoreEngine, match, threaded
from bot.storage.schema import watchlist

_UNSAVE = delete(watchlist).where(match(watchlist, "chat_id", "user_id", "movie_id"))

_WATCHLIST = (
    select(watchlist.c.movie_id)
    .where(match(watchlist, "chat_id", "user_id"))
    .order_by(watchlist.c.added_at.desc(), watchlist.c.movie_id)
)


class Watchlist(StoreEngine):
    """Films saved for later."""

    @threaded
    def save_for_later(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        """Add a film to a person's watchlist; False when it was there already."""
        key = {"chat_id": chat_id, "user_id": user_id, "movie_id": movie_id}
        with self._write() as db:
            return self._add(db, watchlist, **key, added_at=time.time())

    @threaded
    def unsave(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        key = {"chat_id": chat_id, "user_id": user_id, "movie_id": movie_id}
        with self._write() as db:
            return db.execute(_UNSAVE, key).rowcount > 0

    @threaded
    def watchlist(self, chat_id: int, user_id: int) -> list[int]:
        """Saved films, newest first."""
        rows = self._rows(_WATCHLIST, chat_id=chat_id, user_id=user_id)
        return [movie for (movie,) in rows]
