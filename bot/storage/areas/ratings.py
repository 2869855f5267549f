"""Ratings and taste: what people rated (👍 / 👎), the films they hid, and their taste read in one
query for picks and movie nights; a new catalogue's id remap and /reset."""

from __future__ import annotations

import functools
import operator
import time
from collections.abc import Iterable

from sqlalchemy import (
    Executable,
    bindparam,
    case,
    delete,
    exists,
    func,
    literal_column,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.sql.elements import BindParameter

from bot.storage.base import Taste
from bot.storage.engine import StoreEngine, insert_for, match, threaded
from bot.storage.migrations import PG_REMAP_LOCK
from bot.storage.schema import hidden, ratings, watchlist


@functools.cache
def _rate(dialect: str) -> Executable:
    """A rating, replacing the previous one; a rating without a title keeps the stored one."""
    insert = insert_for(dialect, ratings)
    return insert.on_conflict_do_update(
        index_elements=["chat_id", "user_id", "movie_id"],
        set_={
            "value": insert.excluded.value,
            "rated_at": insert.excluded.rated_at,
            "title": func.coalesce(insert.excluded.title, ratings.c.title),
        },
    )


def _tastes(private: bool) -> Executable:
    """Ratings, hidden and saved films of the people in :users, in one query: (kind, user,
    movie, value, layer, rated_at). With `private` a person's private-chat ratings count too,
    in layer 0 (under :chat_id's, layer 1)."""
    here = ratings.c.chat_id == bindparam("chat_id")
    users: BindParameter[int] = bindparam("users", expanding=True)
    rated = select(
        literal_column("'r'").label("kind"),
        ratings.c.user_id,
        ratings.c.movie_id,
        ratings.c.value,
        case((here, 1), else_=0).label("layer"),
        ratings.c.rated_at,
    ).where(
        or_(here, ratings.c.chat_id == ratings.c.user_id) if private else here,
        ratings.c.user_id.in_(users),
    )
    others = (
        select(
            literal_column(f"'{kind}'"), t.c.user_id, t.c.movie_id, null(), null(), null()
        ).where(t.c.chat_id == bindparam("chat_id"), t.c.user_id.in_(users))
        for kind, t in (("h", hidden), ("s", watchlist))
    )
    return union_all(rated, *others)


_TASTE, _TASTES = _tastes(private=False), _tastes(private=True)
_LAYER_THEN_TIME = operator.itemgetter(4, 5)

_RATING = select(ratings.c.value).where(match(ratings, "chat_id", "user_id", "movie_id"))
_UNHIDE = delete(hidden).where(match(hidden, "chat_id", "user_id", "movie_id"))

_UNRATE = delete(ratings).where(match(ratings, "chat_id", "user_id", "movie_id"))

_RATINGS = (
    select(ratings.c.movie_id, ratings.c.value)
    .where(match(ratings, "chat_id", "user_id"))
    .order_by(ratings.c.rated_at)
)

_TITLES = select(ratings.c.movie_id, ratings.c.title).where(match(ratings, "chat_id", "user_id"))

_CHAT_RATINGS = (
    select(ratings.c.user_id, ratings.c.movie_id, ratings.c.value)
    .where(match(ratings, "chat_id"))
    .order_by(ratings.c.rated_at)
)

_STORED_TITLES = select(ratings.c.movie_id, func.max(ratings.c.title)).group_by(ratings.c.movie_id)

_RESET = (
    delete(ratings).where(match(ratings, "chat_id", "user_id")),
    delete(hidden).where(match(hidden, "chat_id", "user_id")),
)

_HIDDEN_HERE = select(hidden.c.movie_id).where(match(hidden, "chat_id"))
_HIDDEN = _HIDDEN_HERE.where(match(hidden, "user_id"))


class Ratings(StoreEngine):
    """Who rated what, and what they hid: a person's taste in one read."""

    @threaded
    def rate(
        self, chat_id: int, user_id: int, movie_id: int, value: float, title: str | None = None
    ) -> float | None:
        """Record a rating (un-hiding the film); returns the previous value, if any. A rating
        without a title keeps the stored one. Two presses racing may both see no previous value;
        the later value wins."""
        key = {"chat_id": chat_id, "user_id": user_id, "movie_id": movie_id}
        with self._write() as db:
            old: float | None = db.scalar(_RATING, key)
            db.execute(
                _rate(self._dialect),
                key | {"value": value, "rated_at": time.time(), "title": title},
            )
            db.execute(_UNHIDE, key)
        return old

    @threaded
    def unrate(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        key = {"chat_id": chat_id, "user_id": user_id, "movie_id": movie_id}
        with self._write() as db:
            return db.execute(_UNRATE, key).rowcount > 0

    @threaded
    def ratings(self, chat_id: int, user_id: int) -> dict[int, float]:
        """Movie id -> +1/-1, oldest first."""
        rows = self._rows(_RATINGS, chat_id=chat_id, user_id=user_id)
        return {movie: value for movie, value in rows}

    @threaded
    def rated_titles(self, chat_id: int, user_id: int) -> dict[int, str | None]:
        """Movie id -> the title stored with the rating (None for ratings from before v2)."""
        rows = self._rows(_TITLES, chat_id=chat_id, user_id=user_id)
        return {movie: title for movie, title in rows}

    @threaded
    def chat_ratings(self, chat_id: int) -> dict[int, dict[int, float]]:
        """Every member's ratings in a chat: user id -> movie id -> value, oldest first."""
        members_: dict[int, dict[int, float]] = {}
        for user, movie, value in self._rows(_CHAT_RATINGS, chat_id=chat_id):
            members_.setdefault(user, {})[movie] = value
        return members_

    @threaded
    def stored_titles(self, outside: Iterable[int]) -> dict[int, str | None]:
        """Every rated movie id that is not in `outside` (e.g. the catalogue), with a title."""
        known = set(outside)
        rows = self._rows(_STORED_TITLES)
        return {movie: title for movie, title in rows if movie not in known}

    @threaded
    def remap_movies(self, mapping: dict[int, int]) -> int:
        """Move ratings and hidden films from old movie ids to new ones (a new catalogue); where
        a person already rated the new id, that rating stays and the old one goes. Replicas that
        start together with the same catalogue take turns; the second finds nothing to move."""
        moved = 0
        with self._write() as db:
            self._advisory_lock(db, PG_REMAP_LOCK)
            for old, new in mapping.items():
                for table in (ratings, hidden):
                    other = table.alias("other")
                    clash = exists().where(
                        other.c.chat_id == table.c.chat_id,
                        other.c.user_id == table.c.user_id,
                        other.c.movie_id == new,
                    )
                    result = db.execute(
                        update(table).where(table.c.movie_id == old, ~clash).values(movie_id=new)
                    )
                    if table is ratings:
                        moved += result.rowcount
                    db.execute(delete(table).where(table.c.movie_id == old))
        return moved

    @threaded
    def reset(self, chat_id: int, user_id: int) -> int:
        """Forget a person's ratings and hidden films in one chat; returns how many ratings."""
        key = {"chat_id": chat_id, "user_id": user_id}
        with self._write() as db:
            forgot = [db.execute(statement, key).rowcount for statement in _RESET]
        return forgot[0]

    # --------------------------------------------------------------- hidden films
    @threaded
    def hide(self, chat_id: int, user_id: int, movie_id: int) -> None:
        with self._write() as db:
            self._add(db, hidden, chat_id=chat_id, user_id=user_id, movie_id=movie_id)

    @threaded
    def unhide(self, chat_id: int, user_id: int, movie_id: int) -> bool:
        key = {"chat_id": chat_id, "user_id": user_id, "movie_id": movie_id}
        with self._write() as db:
            return db.execute(_UNHIDE, key).rowcount > 0

    @threaded
    def hidden(self, chat_id: int, user_id: int | None = None) -> set[int]:
        """Films hidden by one person in a chat, or by anyone in it (user_id None)."""
        if user_id is None:
            rows = self._rows(_HIDDEN_HERE, chat_id=chat_id)
        else:
            rows = self._rows(_HIDDEN, chat_id=chat_id, user_id=user_id)
        return {movie for (movie,) in rows}

    # --------------------------------------------------------------- taste, in one read
    @threaded
    def taste(self, chat_id: int, user_id: int) -> Taste:
        """A person's ratings, hidden and saved films in one chat: one query."""
        return self._tastes(_TASTE, chat_id, [user_id])[user_id]

    @threaded
    def tastes(self, chat_id: int, user_ids: Iterable[int]) -> dict[int, Taste]:
        """A movie night's roster in one query: each person's ratings as the group sees them
        (their private chat's ratings, then this chat's on top: a film rated in both counts as
        rated here, where it first stood in the private list), and their hidden and saved films
        in this chat."""
        return self._tastes(_TASTES, chat_id, list(dict.fromkeys(user_ids)))

    def _tastes(self, query: Executable, chat_id: int, users: list[int]) -> dict[int, Taste]:
        found = {user: Taste() for user in users}
        if not users:
            return found
        rows = self._rows(query, chat_id=chat_id, users=users)
        rated = sorted((row for row in rows if row[0] == "r"), key=_LAYER_THEN_TIME)
        for _, user, movie, value, *_ in rated:  # private ratings first, this chat's on top
            found[user].ratings[movie] = value
        for kind, user, movie, *_ in rows:
            if kind != "r":
                (found[user].hidden if kind == "h" else found[user].saved).add(movie)
        return found
