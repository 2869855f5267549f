"""Film facts: what TMDB says of a film (JSON, written and read by `bot.films`), with the time it
was fetched, so a card shows them at once and they expire; beside them the film's titles in other
languages, for the title search. Nothing about anyone: the rows are shared by every chat and
replica, and `delete_user` has nothing to remove here."""

from __future__ import annotations

import time

from sqlalchemy import delete, select

from bot.storage.engine import StoreEngine, threaded
from bot.storage.schema import film_facts, film_titles

_FACTS = select(film_facts.c.movie_id, film_facts.c.facts, film_facts.c.fetched_at)


class Films(StoreEngine):
    """Cached film facts: (JSON, fetched at) per movie id."""

    @threaded
    def film_facts(self, movie_ids: list[int]) -> dict[int, tuple[str, float]]:
        """The stored facts of these films (those with any), with when each was fetched."""
        if not movie_ids:
            return {}
        rows = self._rows(_FACTS.where(film_facts.c.movie_id.in_(sorted(set(movie_ids)))))
        return {int(m): (str(facts), float(at)) for m, facts, at in rows}

    @threaded
    def save_film_facts(
        self,
        movie_id: int,
        facts: str,
        fetched_at: float | None = None,
        titles: dict[str, str] | None = None,
    ) -> None:
        """Store (or replace) a film's facts; "" records that TMDB has no such film. `titles`
        (language -> title), when given, replace the film's stored titles."""
        at = time.time() if fetched_at is None else fetched_at
        with self._write() as db:
            self._upsert(db, film_facts, movie_id=movie_id, facts=facts, fetched_at=at)
            if titles is not None:
                db.execute(delete(film_titles).where(film_titles.c.movie_id == movie_id))
                rows = [
                    {"movie_id": movie_id, "language": code, "title": title}
                    for code, title in sorted(titles.items())
                    if title
                ]
                if rows:
                    db.execute(film_titles.insert(), rows)

    @threaded
    def film_titles(self, language: str) -> list[tuple[int, str]]:
        """Every stored title in one language (ISO 639-1): (movie id, title)."""
        statement = select(film_titles.c.movie_id, film_titles.c.title).where(
            film_titles.c.language == language
        )
        return [(int(m), str(t)) for m, t in self._rows(statement)]

    @threaded
    def forget_film_facts(self, older_than: float) -> int:
        """Remove facts fetched before `older_than` (a Unix time); how many went."""
        with self._write() as db:
            old = select(film_facts.c.movie_id).where(film_facts.c.fetched_at < older_than)
            db.execute(delete(film_titles).where(film_titles.c.movie_id.in_(old)))
            statement = delete(film_facts).where(film_facts.c.fetched_at < older_than)
            return db.execute(statement).rowcount
