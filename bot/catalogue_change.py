"""A start-up step after the catalogue changed (a new data set): stored ratings follow their
films to the new catalogue's ids."""

from __future__ import annotations

import logging

from bot.context import Services

log = logging.getLogger("bot")


async def adopt_catalogue(svc: Services) -> int:
    """After the catalogue changed (a new data set): move stored ratings of films that are no
    longer known to the same film in the new catalogue, matched by exact title and year
    (MovieLens ids are stable across its releases, so most films need nothing). Films with no
    match stay, shown as "no longer in the catalogue" and ignored in scoring."""
    titles = svc.rec.catalogue.titles()
    by_title = {t: m for m, t in titles.items()}
    stored = await svc.storage.stored_titles(list(titles))
    mapping = {old: by_title[t] for old, t in stored.items() if t and t in by_title}
    moved = await svc.storage.remap_movies(mapping) if mapping else 0
    if stored:
        log.info(
            "ratings of films outside the catalogue",
            extra={"films": len(stored), "remapped": len(mapping), "ratings_moved": moved},
        )
    return moved
