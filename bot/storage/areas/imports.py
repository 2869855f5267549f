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

from sqlalchemy import ColumnElement, Table, and_, or_, select, update

from bot.storage.base import ImportInfo, ImportStatus
from bot.storage.engine import StoreEngine, threaded
from bot.storage.schema import import_items, imports

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
    """Uploaded histories: pending summaries, cancelled or applied (applying and Undo are
    `bot.storage.areas.import_changes`), and what the applied ones set."""

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
