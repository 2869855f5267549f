"""MovieLens loading: one loader for the `.dat` (ml-1m), CSV (ml-latest-small, ml-25m, ml-32m) and
`u.data` (ml-100k) layouts.

Everything downstream sees the same frames:

* ratings: `user_id` (int32), `movie_id` (int32), `rating` (float32)
* movies: indexed by `movie_id`, with `title` (as MovieLens writes it), `year` (Int64, may be
  missing), `genres` (a tuple of strings), and `imdb_id` / `tmdb_id` (Int64, missing unless the
  data set has `links.csv`: ml-latest-small, ml-25m, ml-32m)
* users: indexed by `user_id`, with whatever attributes the data set has (ml-1m: gender, age,
  occupation, zip); empty for the CSV layouts, which have none.

The `::` separator would force pandas onto its slow python engine, so `.dat` files are read as
bytes, the separator is swapped for a tab and the fast C parser does the rest.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

_YEAR_RE = re.compile(r"\((\d{4})(?:[-–]\d{0,4})?\)\s*$")


class MissingDataError(FileNotFoundError):
    """No MovieLens files where we looked; the message says where to put them."""


class Layout(Enum):
    DAT = "dat"  # ml-1m, ml-10m: ratings.dat, movies.dat, users.dat, '::'-separated, latin-1
    CSV = "csv"  # ml-latest-small, ml-25m, ml-32m: ratings.csv, movies.csv with a header
    U_DATA = "u.data"  # ml-100k: u.data (tab), u.item ('|'), u.user ('|')


_LAYOUT_FILES: dict[Layout, tuple[str, ...]] = {
    Layout.DAT: ("ratings.dat", "movies.dat"),
    Layout.CSV: ("ratings.csv", "movies.csv"),
    Layout.U_DATA: ("u.data", "u.item"),
}


def detect_layout(path: Path) -> Layout:
    """Say which MovieLens layout `path` holds, or explain what is missing."""
    path = Path(path)
    for layout, files in _LAYOUT_FILES.items():
        if all((path / name).is_file() for name in files):
            return layout
    raise MissingDataError(
        f"No MovieLens data in {path}: expected ratings.dat + movies.dat (ml-1m), "
        "ratings.csv + movies.csv (ml-latest-small, ml-25m, ml-32m) or u.data + u.item (ml-100k). "
        "Run `movierec download`, or unzip the archive from grouplens.org/datasets/movielens "
        "there by hand and set MOVIELENS_DIR to that folder."
    )


def data_files(path: Path) -> list[Path]:
    """The files whose contents define the data set (what the fingerprint covers)."""
    layout = detect_layout(path)
    return [Path(path) / name for name in _LAYOUT_FILES[layout]]


def fingerprint(path: Path) -> str:
    """A cheap identity of the data set: names, sizes and modification times of its files.

    Hashing gigabytes on every start would defeat "reopened instantly"; a changed file changes its
    size or mtime, and that is enough to trigger a rebuild.
    """
    digest = hashlib.sha256()
    for file in data_files(path):
        stat = file.stat()
        digest.update(f"{file.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


def _read_separated(
    file: Path,
    separator: bytes,
    names: list[str],
    dtype: Mapping[str, Any],
    usecols: list[int] | None = None,
) -> pd.DataFrame:
    """Parse a multi-character-separated file with pandas' C engine."""
    raw = file.read_bytes()
    if separator != b"\t":
        raw = raw.replace(separator, b"\t")
    return pd.read_csv(
        io.BytesIO(raw),
        sep="\t",
        names=names,
        header=None,
        quoting=3,  # titles contain quotes that are not CSV quoting
        dtype=dtype,
        usecols=usecols,
    )


def _clean_ratings(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[["user_id", "movie_id", "rating"]]
    frame = frame.dropna()
    return pd.DataFrame(
        {
            "user_id": frame["user_id"].to_numpy(np.int32),
            "movie_id": frame["movie_id"].to_numpy(np.int32),
            "rating": frame["rating"].to_numpy(np.float32),
        }
    )


def load_ratings(path: Path) -> pd.DataFrame:
    """All ratings of the data set at `path`, as `user_id`, `movie_id`, `rating`."""
    path = Path(path)
    layout = detect_layout(path)
    if layout is Layout.CSV:
        frame = pd.read_csv(
            path / "ratings.csv",
            usecols=["userId", "movieId", "rating"],
            dtype={"userId": np.int32, "movieId": np.int32, "rating": np.float32},
            engine="c",
        ).rename(columns={"userId": "user_id", "movieId": "movie_id"})
    else:  # ratings.dat ('::') and ml-100k's u.data (tab): same columns, other separator
        name, separator = ("ratings.dat", b"::") if layout is Layout.DAT else ("u.data", b"\t")
        frame = _read_separated(
            path / name,
            separator,
            ["user_id", "movie_id", "rating", "timestamp"],
            usecols=[0, 1, 2],
            dtype={"user_id": np.int32, "movie_id": np.int32, "rating": np.float32},
        )
    return _clean_ratings(frame)


def parse_year(title: str) -> int | None:
    """The release year MovieLens appends to titles ("Heat (1995)" -> 1995), if any."""
    match = _YEAR_RE.search(title)
    return int(match.group(1)) if match else None


def _finish_movies(ids: pd.Series, titles: pd.Series, genres: pd.Series) -> pd.DataFrame:
    titles = titles.fillna("").astype(str).str.strip()
    genre_tuples = [
        tuple(g for g in str(value).split("|") if g and g != "(no genres listed)")
        for value in genres.fillna("")
    ]
    movies = pd.DataFrame(
        {
            "movie_id": ids.to_numpy(np.int32),
            "title": titles.to_numpy(object),
            "year": pd.array([parse_year(t) for t in titles], dtype="Int64"),
            "genres": genre_tuples,
        }
    )
    return movies.drop_duplicates("movie_id").set_index("movie_id").sort_index()


_U_ITEM_GENRES = [
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
]


LINK_COLUMNS = ("imdb_id", "tmdb_id")


def _positive_ids(values: pd.Series) -> pd.Series:
    """Whole positive numbers as Int64; anything else (empty, "n/a", 0, 1.5) becomes missing, so
    that no link is ever made from it."""
    numbers = pd.to_numeric(values, errors="coerce")
    valid = numbers.notna() & (numbers > 0) & (numbers % 1 == 0)
    return numbers.where(valid).astype("Int64")


def load_links(path: Path) -> pd.DataFrame | None:
    """`links.csv` (movieId, imdbId, tmdbId) as `imdb_id` / `tmdb_id` indexed by `movie_id`, or
    None when the data set has none (ml-1m, ml-100k).

    Read as text: imdbId is zero-padded ("0114709") and tmdbId is sometimes empty; a malformed
    row or a missing column loses that row's or column's links, never the whole catalogue.
    """
    file = Path(path) / "links.csv"
    if not file.is_file():
        return None
    frame = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8")
    if "movieId" not in frame:
        return None
    empty = pd.Series([""] * len(frame), index=frame.index)
    links = pd.DataFrame(
        {
            "movie_id": _positive_ids(frame["movieId"]),
            "imdb_id": _positive_ids(frame.get("imdbId", empty)),
            "tmdb_id": _positive_ids(frame.get("tmdbId", empty)),
        }
    )
    links = links.dropna(subset=["movie_id"]).drop_duplicates("movie_id")
    return links.astype({"movie_id": np.int64}).set_index("movie_id")


def _with_links(movies: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The catalogue with `imdb_id` / `tmdb_id` columns, all missing when there is no links.csv,
    so that every layout yields the same columns."""
    links = load_links(path)
    for column in LINK_COLUMNS:
        if links is None:
            movies[column] = pd.array([pd.NA] * len(movies), dtype="Int64")
        else:
            movies[column] = links[column].reindex(movies.index).astype("Int64")
    return movies


def load_movies(path: Path) -> pd.DataFrame:
    """The catalogue: `title`, `year`, `genres`, `imdb_id`, `tmdb_id`, indexed by `movie_id`.

    The links are read here, with the movies, because the index never stores the catalogue: a
    reopened index reloads it from the data directory, so the links come back without a rebuild.
    """
    path = Path(path)
    return _with_links(_read_movies(path), path)


def _read_movies(path: Path) -> pd.DataFrame:
    layout = detect_layout(path)
    if layout is Layout.DAT:
        raw = (path / "movies.dat").read_bytes().decode("latin-1")
        rows = [line.split("::") for line in raw.splitlines() if line.strip()]
        frame = pd.DataFrame(rows, columns=["movie_id", "title", "genres"])
        return _finish_movies(frame["movie_id"].astype(int), frame["title"], frame["genres"])
    if layout is Layout.CSV:
        frame = pd.read_csv(path / "movies.csv", dtype={"movieId": np.int64}, encoding="utf-8")
        return _finish_movies(frame["movieId"], frame["title"], frame["genres"])
    frame = pd.read_csv(
        path / "u.item", sep="|", header=None, encoding="latin-1", quoting=3, dtype=str
    )
    flags = frame.iloc[:, 5:24].astype(int).to_numpy()
    genres = pd.Series(
        ["|".join(g for g, on in zip(_U_ITEM_GENRES, row, strict=True) if on) for row in flags]
    )
    return _finish_movies(frame[0].astype(int), frame[1], genres)


def load_users(path: Path) -> pd.DataFrame:
    """User attributes when the data set has them (ml-1m, ml-100k); an empty frame otherwise."""
    path = Path(path)
    if (path / "users.dat").is_file():
        frame = _read_separated(
            path / "users.dat",
            b"::",
            ["user_id", "gender", "age", "occupation", "zip"],
            dtype={
                "user_id": np.int64,
                "gender": str,
                "age": np.int64,
                "occupation": np.int64,
                "zip": str,
            },
        )
        return frame.set_index("user_id")
    if (path / "u.user").is_file():
        frame = pd.read_csv(
            path / "u.user",
            sep="|",
            header=None,
            names=["user_id", "age", "gender", "occupation", "zip"],
            dtype={
                "user_id": np.int64,
                "age": np.int64,
                "gender": str,
                "occupation": str,
                "zip": str,
            },
        )
        return frame.set_index("user_id")
    return pd.DataFrame(index=pd.Index([], name="user_id", dtype=np.int64))


@dataclass
class Dataset:
    """A loaded MovieLens data set (its fingerprint is `fingerprint(path)`, taken by the index
    before loading, so it is not stat-ed again here)."""

    path: Path
    ratings: pd.DataFrame
    movies: pd.DataFrame
    users: pd.DataFrame

    @property
    def name(self) -> str:
        return self.path.name


def load_dataset(path: Path) -> Dataset:
    """Load ratings, movies and users from a MovieLens directory of any supported layout."""
    path = Path(path)
    return Dataset(
        path=path,
        ratings=load_ratings(path),
        movies=load_movies(path),
        users=load_users(path),
    )
