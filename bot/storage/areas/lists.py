"""Messages with buttons (whose a message is, what it lists, what it last showed) and what a
person's /like message recorded (so that an edit of it can replace the ratings)."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import bindparam, delete, select, update

from bot.storage.base import LIST_DAYS, ListRow
from bot.storage.engine import StoreEngine, match, threaded
from bot.storage.schema import lists, members, sources

_LIST = select(
    lists.c.owner_id,
    lists.c.kind,
    lists.c.start,
    lists.c.movie_ids,
    lists.c.value,
    lists.c.shown,
    lists.c.extra,
    lists.c.created_at,
).where(match(lists, "chat_id", "message_id"))

_SET_SHOWN = update(lists).where(
    lists.c.chat_id == bindparam("chat"), lists.c.message_id == bindparam("message")
)

_PRUNE_LISTS = delete(lists).where(lists.c.created_at < bindparam("before"))

_TAKE_SOURCE = (
    delete(sources)
    .where(match(sources, "chat_id", "message_id", "user_id"))
    .returning(sources.c.movie_id, sources.c.value)
)


class Lists(StoreEngine):
    """Messages with buttons and what a person's message recorded."""

    @threaded
    def save_list(self, chat_id: int, message_id: int, info: ListRow) -> None:
        """Remember whose a message with buttons is and what it lists (see `ListRow`)."""
        with self._write() as db:
            self._upsert(
                db,
                lists,
                chat_id=chat_id,
                message_id=message_id,
                owner_id=info.owner_id,
                kind=info.kind,
                start=info.start,
                movie_ids=json.dumps(list(info.movie_ids)),
                value=info.value,
                shown=info.shown,
                created_at=time.time(),
                extra=info.extra,
            )

    @staticmethod
    def _list_info(row: Any) -> ListRow | None:
        if row is None or row.created_at < time.time() - LIST_DAYS * 86400:
            return None
        ids = tuple(json.loads(row.movie_ids))
        return ListRow(row.owner_id, row.kind, row.start, ids, row.value, row.shown, row.extra)

    def _read_list(self, chat_id: int, message_id: int) -> ListRow | None:
        rows = self._rows(_LIST, chat_id=chat_id, message_id=message_id)
        return self._list_info(rows[0] if rows else None)

    @threaded
    def get_list(self, chat_id: int, message_id: int) -> ListRow | None:
        """The message's ListRow, or None when unknown or older than LIST_DAYS (stale)."""
        return self._read_list(chat_id, message_id)

    @threaded
    def open_press(
        self, chat_id: int, message_id: int, user_id: int, name: str | None
    ) -> ListRow | None:
        """A button press in one transaction: remember the presser's display name (when `name`
        is given, as `remember_member`) and return the message's `get_list`."""
        if name is None:
            return self._read_list(chat_id, message_id)
        with self._write() as db:
            self._upsert(db, members, chat_id=chat_id, user_id=user_id, name=name[:64])
            row = db.execute(_LIST, {"chat_id": chat_id, "message_id": message_id}).first()
        return self._list_info(row)

    @threaded
    def set_shown(self, chat_id: int, message_id: int, shown: str) -> None:
        """The keyboard last sent to a message (nothing happens for an unknown message)."""
        with self._write() as db:
            db.execute(_SET_SHOWN, {"chat": chat_id, "message": message_id, "shown": shown})

    @threaded
    def prune_lists(self, days: float = LIST_DAYS) -> int:
        """Forget messages older than `days` (their buttons then answer as stale)."""
        with self._write() as db:
            before = time.time() - days * 86400
            return db.execute(_PRUNE_LISTS, {"before": before}).rowcount

    # --------------------------------------------------------------- what a message recorded
    @threaded
    def save_source(
        self, chat_id: int, message_id: int, user_id: int, entries: dict[int, float]
    ) -> None:
        """What a person's /like message recorded (so that editing the message can replace it)."""
        if not entries:
            return
        rows = [
            {"chat_id": chat_id, "message_id": message_id, "user_id": user_id, "movie_id": m}
            | {"value": v}
            for m, v in entries.items()
        ]
        with self._write() as db:
            self._upsert_many(db, sources, rows)

    @threaded
    def take_source(self, chat_id: int, message_id: int, user_id: int) -> dict[int, float]:
        """What a person's message recorded, forgotten as it is returned (one statement: two
        replicas handling the same edit cannot both take it)."""
        key = {"chat_id": chat_id, "message_id": message_id, "user_id": user_id}
        with self._write() as db:
            return {movie: value for movie, value in db.execute(_TAKE_SOURCE, key).all()}
