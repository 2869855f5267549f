"""IMDb / TMDB links for catalogues that have none (ml-1m), borrowed from ml-latest-small.

ml-1m has no `links.csv`, but its movie ids are the ids later MovieLens releases use for the same
films, so ml-latest-small's `links.csv` (about 76% of ml-1m's films) gives them their IMDb and
TMDB ids. Each borrowed id is checked before it is used: the film under that id in
ml-latest-small's `movies.csv` must have the same year (±1; releases fix years) or the same
title once the year is gone, so a reused or renumbered id never gives a wrong link.

Where the links come from, first found wins:

* `MOVIELENS_LINKS` (`Settings.links_dir`): a folder holding ml-latest-small's `links.csv` and
  `movies.csv` (or the `links.csv` itself);
* the folder `ml-latest-small` beside the data set (`../shared/data/ml-latest-small` next to
  `../shared/data/ml-1m`, or the downloads folder next to a downloaded ml-1m);
* when the data set itself was downloaded (no `MOVIELENS_DIR`), ml-latest-small is downloaded
  into the downloads folder with `movierec.download` (the same GroupLens archive, checksum
  verified against GroupLens' published MD5). A failure leaves the catalogue without links; it
  never stops the start.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path

import pandas as pd

from movierec.config import Settings
from movierec.data import LINK_COLUMNS, load_links, parse_year

FALLBACK = "ml-latest-small"

log = logging.getLogger("movierec")

_YEAR = re.compile(r"\s*\(\d{4}(?:[-–]\d{0,4})?\)\s*$")
_WORD = re.compile(r"[^\w]+")


def _plain(title: str) -> str:
    """A title without its year, accents, punctuation or case: "Matrix, The (1999)" -> "matrix
    the"."""
    text = unicodedata.normalize("NFKD", _YEAR.sub("", str(title)))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _WORD.sub(" ", text.casefold()).strip()


def has_links(movies: pd.DataFrame) -> bool:
    """True when any film of the catalogue has an IMDb or TMDB id."""
    return all(c in movies for c in LINK_COLUMNS) and bool(
        movies[list(LINK_COLUMNS)].notna().to_numpy().any()
    )


def fallback_dir(settings: Settings, data_dir: Path, *, allow_download: bool) -> Path | None:
    """The folder with ml-latest-small's links for a catalogue without links, or None."""
    if settings.links_dir is not None:
        folder = Path(settings.links_dir)
        return folder.parent if folder.name == "links.csv" else folder
    beside = Path(data_dir).parent / FALLBACK
    if (beside / "links.csv").is_file():
        return beside
    local = settings.downloads_dir / FALLBACK
    if (local / "links.csv").is_file():
        return local
    if not allow_download:
        return None
    from movierec.download import DownloadError, download  # network code only when needed

    try:
        return download(FALLBACK, dest=settings.downloads_dir, progress=False)
    except DownloadError as error:
        log.warning("no IMDb/TMDB links for this catalogue: %s", error)
        return None


def borrow_links(movies: pd.DataFrame, source: Path) -> pd.DataFrame:
    """`movies` with `imdb_id` / `tmdb_id` taken from the data set at `source` for the ids whose
    film there is the same film (same year ±1, or the same plain title); the others stay
    without links."""
    links = load_links(source)
    movies = movies.copy()
    for column in LINK_COLUMNS:
        if column not in movies:
            movies[column] = pd.array([pd.NA] * len(movies), dtype="Int64")
    if links is None:
        return movies
    try:
        frame = pd.read_csv(source / "movies.csv", dtype={"movieId": "Int64"}, encoding="utf-8")
        theirs = pd.DataFrame(
            {"title": frame["title"].astype(str).to_numpy()},
            index=frame["movieId"].astype("int64").to_numpy(),
        )
    except (OSError, ValueError, KeyError):  # no movies.csv: nothing to check the links by
        log.warning("%s has links.csv but no readable movies.csv: links not borrowed", source)
        return movies
    theirs = theirs[~theirs.index.duplicated()]
    theirs["year"] = [parse_year(t) for t in theirs["title"]]
    years: dict[int, int | None] = dict(zip(theirs.index, theirs["year"], strict=True))
    names: dict[int, str] = dict(zip(theirs.index, theirs["title"], strict=True))
    same = []
    for movie_id, title, year in zip(movies.index, movies["title"], movies["year"], strict=True):
        if movie_id not in links.index or movie_id not in names:
            continue
        other = years[movie_id]
        close = not pd.isna(year) and other is not None and abs(int(year) - other) <= 1
        if close or _plain(str(title)) == _plain(names[movie_id]):
            same.append(movie_id)
    for column in LINK_COLUMNS:
        movies.loc[same, column] = links.loc[same, column].astype("Int64")
        movies[column] = movies[column].astype("Int64")
    return movies


def with_links(
    movies: pd.DataFrame, settings: Settings, data_dir: Path, *, allow_download: bool
) -> pd.DataFrame:
    """The catalogue as it is when it has links; else with links borrowed from ml-latest-small
    when they can be found (see the module's notes)."""
    if has_links(movies):
        return movies
    source = fallback_dir(settings, data_dir, allow_download=allow_download)
    if source is None or not (source / "links.csv").is_file():
        return movies
    if source.resolve() == Path(data_dir).resolve():
        return movies
    borrowed = borrow_links(movies, source)
    log.info(
        "IMDb/TMDB links for %d of %d films from %s",
        int(borrowed["imdb_id"].notna().sum()),
        len(borrowed),
        source.name,
    )
    return borrowed
