"""What an import changes: applying a pending import in one transaction (each film's rating,
"seen" mark or watchlist entry, with what it replaced kept in `import_items`), and Undo, which
takes back exactly what is still as the import left it (see `bot.storage.areas.imports`)."""

from __future__ import annotations

import time

from sqlalchemy import Connection, delete, select, update

from bot.storage.areas.imports import _key, _where
from bot.storage.base import Imported, ImportItem, ImportStatus
from bot.storage.engine import StoreEngine, threaded
from bot.storage.schema import hidden, import_items, imports, ratings, watchlist


class ImportChanges(StoreEngine):
    """Applying an import and taking it back."""

    @threaded
    def apply_import(self, import_id: int, items: list[ImportItem]) -> Imported | None:
        """Write a pending import's films in one transaction; None when it is not pending (it
        was applied or cancelled already: a second press, another replica)."""
        with self._write() as db:
            row = db.execute(
                update(imports)
                .where(imports.c.import_id == import_id, imports.c.status == ImportStatus.PENDING)
                .values(status=ImportStatus.APPLIED, pending=None, applied_at=time.time())
                .returning(imports.c.chat_id, imports.c.user_id)
            ).first()
            if row is None:
                return None
            chat_id, user_id = int(row[0]), int(row[1])
            return self._apply(db, import_id, chat_id, user_id, items)

    def _apply(
        self, db: Connection, import_id: int, chat_id: int, user_id: int, items: list[ImportItem]
    ) -> Imported:
        now = time.time()
        rated = dict(
            db.execute(
                select(ratings.c.movie_id, ratings.c.value).where(
                    ratings.c.chat_id == chat_id, ratings.c.user_id == user_id
                )
            ).all()
        )
        hidden_now = {
            m
            for (m,) in db.execute(
                select(hidden.c.movie_id).where(
                    hidden.c.chat_id == chat_id, hidden.c.user_id == user_id
                )
            )
        }
        saved_now = {
            m
            for (m,) in db.execute(
                select(watchlist.c.movie_id).where(
                    watchlist.c.chat_id == chat_id, watchlist.c.user_id == user_id
                )
            )
        }
        counts = {"rated": 0, "replaced": 0, "seen": 0, "saved": 0, "unchanged": 0}
        records = []
        for item in items:
            movie = item.movie_id
            key = _key(chat_id, user_id, movie)
            previous = rated.get(movie)
            was_hidden, was_saved = movie in hidden_now, movie in saved_now
            if item.kind == "r" and item.value is not None:
                if previous == item.value and not was_hidden:
                    counts["unchanged"] += 1
                else:
                    counts["replaced" if previous is not None else "rated"] += 1
                self._upsert(db, ratings, **key, value=item.value, rated_at=now, title=item.title)
                if was_hidden:
                    db.execute(delete(hidden).where(_where(hidden, chat_id, user_id, movie)))
                if was_saved:  # watched now: off the watchlist
                    db.execute(delete(watchlist).where(_where(watchlist, chat_id, user_id, movie)))
            elif item.kind == "h":
                if previous is not None or was_hidden:
                    counts["unchanged"] += 1
                    if previous is not None:
                        continue  # a rating says more than "seen"
                else:
                    self._add(db, hidden, **key)
                    counts["seen"] += 1
                if was_saved:
                    db.execute(delete(watchlist).where(_where(watchlist, chat_id, user_id, movie)))
            elif item.kind == "s":
                if previous is not None or was_hidden or was_saved:
                    counts["unchanged"] += 1
                    continue
                self._add(db, watchlist, **key, added_at=now)
                counts["saved"] += 1
            else:
                continue
            records.append(
                {
                    "import_id": import_id, "movie_id": movie, "chat_id": chat_id,
                    "user_id": user_id, "kind": item.kind, "value": item.value,
                    "rating10": item.rating10, "watched": item.watched, "previous": previous,
                    "was_hidden": int(was_hidden), "was_saved": int(was_saved),
                }
            )  # fmt: skip
        if records:
            db.execute(import_items.insert(), records)
        return Imported(**counts)

    @threaded
    def undo_import(self, import_id: int, user_id: int) -> int | None:
        """Take back an applied import of `user_id`'s; returns how many films changed back, or
        None when it is not theirs or not applied (undone already, another replica)."""
        with self._write() as db:
            row = db.execute(
                update(imports)
                .where(
                    imports.c.import_id == import_id,
                    imports.c.user_id == user_id,
                    imports.c.status == ImportStatus.APPLIED,
                )
                .values(status=ImportStatus.UNDONE)
                .returning(imports.c.chat_id)
            ).first()
            if row is None:
                return None
            chat_id = int(row[0])
            items = db.execute(
                select(
                    import_items.c.movie_id, import_items.c.kind, import_items.c.value,
                    import_items.c.previous, import_items.c.was_hidden, import_items.c.was_saved,
                ).where(import_items.c.import_id == import_id)
            ).all()  # fmt: skip
            changed = 0
            for movie, kind, value, previous, was_hidden, was_saved in items:
                key = _key(chat_id, user_id, movie)
                if kind == "r":
                    now = db.scalar(
                        select(ratings.c.value).where(_where(ratings, chat_id, user_id, movie))
                    )
                    if now is None or now != value:
                        continue  # rated again since (or forgotten): the person's, not ours
                    if previous is None:
                        db.execute(delete(ratings).where(_where(ratings, chat_id, user_id, movie)))
                    else:
                        db.execute(
                            update(ratings)
                            .where(_where(ratings, chat_id, user_id, movie))
                            .values(value=previous)
                        )
                    if was_hidden:
                        self._add(db, hidden, **key)
                    changed += 1
                elif kind == "h" and not was_hidden:
                    result = db.execute(
                        delete(hidden).where(_where(hidden, chat_id, user_id, movie))
                    )
                    changed += result.rowcount
                elif kind == "s" and not was_saved:
                    result = db.execute(
                        delete(watchlist).where(_where(watchlist, chat_id, user_id, movie))
                    )
                    changed += result.rowcount
                if was_saved and kind != "s":
                    self._add(db, watchlist, **key, added_at=time.time())
            db.execute(delete(import_items).where(import_items.c.import_id == import_id))
        return changed
