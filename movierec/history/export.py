"""A person's films written back out: a CSV Letterboxd's importer accepts and the same as JSON.

Letterboxd's import format (letterboxd.com/about/importing-data): a CSV whose header names the
columns it has, among them Title, Year, Rating (0.5-5 in halves), imdbID and WatchedDate. The
ratings file has rated and watched films (Rating empty for watched without one); the watchlist
file has no Rating column, as Letterboxd's watchlist import expects. A title that starts like a
spreadsheet formula (=, +, -, @) is written with a leading apostrophe, so no spreadsheet runs
it; `movierec.history.read` takes the apostrophe off again. The JSON holds the same films with
the MovieLens ids, so it comes back exactly.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from movierec.titles import display_title

_YEAR = re.compile(r"\s*\((\d{4})(?:[-–]\d{0,4})?\)\s*$")
_PARENS = re.compile(r"\s*\([^()]*\)")


@dataclass(frozen=True)
class Entry:
    """One film a person has: rated (rating10 1-10), seen (no rating) or on their watchlist."""

    movie_id: int
    title: str  # as the catalogue writes it: "Matrix, The (1999)"
    year: int | None
    kind: str  # "rated", "seen", "watchlist"
    rating10: int | None = None
    imdb: int | None = None
    watched: str | None = None  # ISO date


def plain_title(title: str) -> str:
    """ "Matrix, The (1999)" -> "The Matrix"; "Amélie (Fabuleux destin d'Amélie Poulain, Le)
    (2001)" -> "Amélie": the main title as people write it."""
    body = _YEAR.sub("", title)
    return display_title(_PARENS.sub("", body).strip() or body.strip())


def _safe(cell: str) -> str:
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") else cell


def _stars(rating10: int | None) -> str:
    if rating10 is None:
        return ""
    stars = rating10 / 2
    return str(int(stars)) if stars == int(stars) else str(stars)


def export_csv(entries: Iterable[Entry], *, watchlist: bool = False) -> bytes:
    """Letterboxd's import CSV of the rated and seen films, or of the watchlist."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    if watchlist:
        writer.writerow(["Title", "Year", "imdbID"])
    else:
        writer.writerow(["Title", "Year", "Rating", "imdbID", "WatchedDate"])
    for entry in entries:
        if (entry.kind == "watchlist") != watchlist:
            continue
        imdb = f"tt{entry.imdb:07d}" if entry.imdb is not None else ""
        year = "" if entry.year is None else str(entry.year)
        title = _safe(plain_title(entry.title))
        if watchlist:
            writer.writerow([title, year, imdb])
        else:
            writer.writerow([title, year, _stars(entry.rating10), imdb, entry.watched or ""])
    return out.getvalue().encode("utf-8")


def export_json(entries: Iterable[Entry]) -> bytes:
    films = [
        {
            "movie_id": e.movie_id,
            "title": plain_title(e.title),
            "catalogue_title": e.title,
            "year": e.year,
            "kind": e.kind,
            "rating10": e.rating10,
            "imdb": f"tt{e.imdb:07d}" if e.imdb is not None else None,
            "watched": e.watched,
        }
        for e in entries
    ]
    document = {"format": "movierec", "version": 1, "films": films}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
