"""Exports shaped as Letterboxd and IMDb write them, from real catalogue films (tests only)."""

from __future__ import annotations

import csv
import io
import zipfile

from movierec.history.export import plain_title
from movierec.recommender import Catalogue

LETTERBOXD = ["Date", "Name", "Year", "Letterboxd URI", "Rating"]
LETTERBOXD_PLAIN = ["Date", "Name", "Year", "Letterboxd URI"]
IMDB = [
    "Const", "Your Rating", "Date Rated", "Title", "Original Title", "URL", "Title Type",
    "IMDb Rating", "Runtime (mins)", "Year", "Genres", "Num Votes", "Release Date", "Directors",
]  # fmt: skip


def table(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def zipped(files: dict[str, bytes], root: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(root + name, content)
    return out.getvalue()


def letterboxd_row(catalogue: Catalogue, movie_id: int, stars: float | None) -> list[str]:
    movie = catalogue.get(movie_id)
    assert movie is not None
    row = ["2024-03-01", plain_title(movie.title), str(movie.year), f"https://boxd.it/{movie_id}"]
    return row + ([] if stars is None else [f"{stars:g}"])


def letterboxd_zip(
    catalogue: Catalogue,
    rated: dict[int, float],
    watched: list[int] = (),  # type: ignore[assignment]
    watchlist: list[int] = (),  # type: ignore[assignment]
    extra_rated: list[list[str]] = (),  # type: ignore[assignment]
) -> bytes:
    """Letterboxd's export: ratings.csv, watched.csv (every watched film), watchlist.csv."""
    ratings = [letterboxd_row(catalogue, m, s) for m, s in rated.items()] + list(extra_rated)
    seen = [letterboxd_row(catalogue, m, None) for m in [*rated, *watched]]
    wanted = [letterboxd_row(catalogue, m, None) for m in watchlist]
    return zipped(
        {
            "ratings.csv": table(LETTERBOXD, ratings),
            "watched.csv": table(LETTERBOXD_PLAIN, seen),
            "watchlist.csv": table(LETTERBOXD_PLAIN, wanted),
            "diary.csv": table([*LETTERBOXD, "Rewatch", "Tags", "Watched Date"], []),
            "likes/films.csv": table(LETTERBOXD_PLAIN, []),
        },
        root="letterboxd-ann-2026-12-07-10-00-utc/",
    )


def imdb_csv(catalogue: Catalogue, rated: dict[int, int], tv: int = 0) -> bytes:
    rows = []
    for movie_id, score in rated.items():
        movie = catalogue.get(movie_id)
        links = catalogue.links(movie_id)
        assert movie is not None
        const = links.imdb.rstrip("/").rsplit("/", 1)[1] if links and links.imdb else ""
        title = plain_title(movie.title)
        rows.append([const, str(score), "2024-03-01", title, title, "", "Movie", "7.5", "120",
                     str(movie.year), "Drama", "1000", "", ""])  # fmt: skip
    for number in range(tv):
        rows.append([f"tt99{number:05d}", "9", "2024-03-01", f"Show {number}", "", "", "TV Series",
                     "8", "50", "2010", "Drama", "10", "", ""])  # fmt: skip
    return table(IMDB, rows)
