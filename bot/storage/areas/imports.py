"""Imports of a person's film history (Letterboxd, IMDb, this bot's own /export).

An import is first a pending summary (the matched films as the feature's JSON, nothing applied),
then applied in one transaction: each film's rating, "seen" mark (a hidden film: never suggested
again, not scored) or watchlist entry is written, and `import_items` keeps what the import set
and what it replaced. Undo, even days later, takes back exactly what is still as the import left
it and restores what it replaced; a film the person has rated again since is theirs and stays.

Replicas: applying, cancelling and undoing are conditional updates of the import's status, so
the same press delivered twice (or to two replicas) changes the ratings once. The same file
(by SHA-256) sent again while a pending or applied import of it exists is that import.
"""

from __future__ import annotations

import secrets
import time

from sqlalchemy import ColumnElement, Connection, Table, and_, delete, or_, select, update

from bot.storage.base import Imported, ImportInfo, ImportItem, ImportStatus
from bot.storage.engine import StoreEngine, threaded
from bot.storage.schema import hidden, import_items, imports, ratings, watchlist

PG_IMPORT_LOCK = 0x6D6F7669 + 7  # one person's uploads take turns (PostgreSQL)
PENDING_DAYS = 2  # a summary nobody confirmed is forgotten (its unsure titles with it)
MAX_IMPORT_ID = 99_999_999  # eight digits, as button data carries numbers
_COLUMNS = (
    imports.c.import_id,
    imports.c.chat_id,
    imports.c.user_id,
    imports.c.status,
    imports.c.counts,
    imports.c.pending,
    imports.c.created_at,
    imports.c.applied_at,
)


def _info(row: tuple) -> ImportInfo:
    return ImportInfo(
        int(row[0]), int(row[1]), int(row[2]), ImportStatus(row[3]), row[4], row[5],
        float(row[6]), None if row[7] is None else float(row[7]),
    )  # fmt: skip


def _key(chat_id: int, user_id: int, movie_id: int) -> dict[str, int]:
    return {"chat_id": chat_id, "user_id": user_id, "movie_id": movie_id}


def _where(table: Table, chat_id: int, user_id: int, movie_id: int) -> ColumnElement[bool]:
    c = table.c
    return and_(c.chat_id == chat_id, c.user_id == user_id, c.movie_id == movie_id)


class Imports(StoreEngine):
    """Uploaded histories: pending summaries, what each applied import changed, Undo."""

    @threaded
    def start_import(
        self, chat_id: int, user_id: int, digest: str, counts: str, pending: str
    ) -> ImportInfo:
        """A pending import of a file, replacing the person's other pending ones; when a
        pending or applied import of the same file exists, that one is returned instead."""
        with self._write() as db:
            self._advisory_lock(db, PG_IMPORT_LOCK)
            same = db.execute(
                select(*_COLUMNS)
                .where(
                    imports.c.user_id == user_id,
                    imports.c.digest == digest,
                    imports.c.status.in_([ImportStatus.PENDING, ImportStatus.APPLIED]),
                )
                .order_by(imports.c.created_at.desc())
            ).first()
            if same is not None and not (
                same[3] == ImportStatus.PENDING and same[6] < time.time() - PENDING_DAYS * 86_400
            ):
                return _info(tuple(same))
            now = time.time()
            mine = imports.c.user_id == user_id
            stale = imports.c.created_at < now - PENDING_DAYS * 86_400  # anybody's, forgotten
            db.execute(
                update(imports)
                .where(or_(mine, stale), imports.c.status == ImportStatus.PENDING)
                .values(status=ImportStatus.CANCELLED, pending=None)
            )
            while True:  # a random id (a button carries it): another on the rare clash
                import_id = secrets.randbelow(MAX_IMPORT_ID) + 1
                if self._add(
                    db, imports, import_id=import_id, chat_id=chat_id, user_id=user_id,
                    digest=digest, status=ImportStatus.PENDING, counts=counts, pending=pending,
                    created_at=now,
                ):  # fmt: skip
                    break
        return ImportInfo(
            import_id, chat_id, user_id, ImportStatus.PENDING, counts, pending, now, None
        )

    @threaded
    def get_import(self, import_id: int) -> ImportInfo | None:
        rows = self._rows(select(*_COLUMNS).where(imports.c.import_id == import_id))
        return _info(tuple(rows[0])) if rows else None

    @threaded
    def update_pending(self, import_id: int, pending: str) -> bool:
        """The pending films after a decision on an unsure one; False once it is not pending."""
        with self._write() as db:
            result = db.execute(
                update(imports)
                .where(imports.c.import_id == import_id, imports.c.status == ImportStatus.PENDING)
                .values(pending=pending)
            )
            return result.rowcount > 0

    @threaded
    def update_counts(self, import_id: int, counts: str) -> None:
        """The summary's numbers after the import (how many films it applied)."""
        with self._write() as db:
            db.execute(
                update(imports).where(imports.c.import_id == import_id).values(counts=counts)
            )

    @threaded
    def cancel_import(self, import_id: int) -> bool:
        with self._write() as db:
            result = db.execute(
                update(imports)
                .where(imports.c.import_id == import_id, imports.c.status == ImportStatus.PENDING)
                .values(status=ImportStatus.CANCELLED, pending=None)
            )
            return result.rowcount > 0

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

    @threaded
    def applied_imports(self, chat_id: int, user_id: int) -> list[ImportInfo]:
        """A person's applied imports in a chat, newest first (for /ratings' Undo)."""
        rows = self._rows(
            select(*_COLUMNS)
            .where(
                imports.c.chat_id == chat_id,
                imports.c.user_id == user_id,
                imports.c.status == ImportStatus.APPLIED,
            )
            .order_by(imports.c.applied_at.desc())
        )
        return [_info(tuple(row)) for row in rows]

    @threaded
    def imported_facts(
        self, chat_id: int, user_id: int
    ) -> dict[int, tuple[str, float | None, int | None, str | None]]:
        """movie id -> (kind, value, rating10, watched) as the person's newest applied import
        set it, for /export (the file's own rating and date come back out)."""
        rows = self._rows(
            select(
                import_items.c.movie_id, import_items.c.kind, import_items.c.value,
                import_items.c.rating10, import_items.c.watched,
            )
            .join(imports, imports.c.import_id == import_items.c.import_id)
            .where(
                import_items.c.chat_id == chat_id,
                import_items.c.user_id == user_id,
                imports.c.status == ImportStatus.APPLIED,
            )
            .order_by(imports.c.applied_at)
        )  # fmt: skip
        return {int(m): (k, v, r, w) for m, k, v, r, w in rows}
