"""Reading a Letterboxd or IMDb export (or this project's own) safely: bytes in, rows out.

The file comes from a stranger, so every limit is checked before it can cost anything: its size
(Telegram lets a bot download at most 20 MB), a ZIP's member names (no absolute or `..` paths),
its declared and actual unpacked sizes (a ZIP bomb stops at the first byte past the limit), the
number of rows, the encoding (strict UTF-8), the columns. A cell that is a spreadsheet formula
(`=HYPERLINK(...)`) is never read as a title: its row is skipped and counted. Each refusal is an
`ExportError` with a `Problem` the caller turns into one sentence; nothing is half-read.

Formats, as their services export them (headers checked on current exports):

* Letterboxd: a ZIP with `ratings.csv` (Date, Name, Year, Letterboxd URI, Rating 0.5-5),
  `watched.csv`, `watchlist.csv`, `diary.csv` and `reviews.csv` (… Rating, Rewatch, Tags,
  Watched Date), `likes/films.csv`; or one of those CSVs alone.
* IMDb: `ratings.csv` (Const, Your Rating 1-10, Date Rated, Title, Original Title, URL, Title
  Type, IMDb Rating, Runtime (mins), Year, Genres, Num Votes, Release Date, Directors) and the
  watchlist export (Position, Const, Created, Modified, Description, Title, …). TV series,
  episodes and other non-films are skipped and counted.
* This project's `/export`: Letterboxd's import columns (Title, Year, Rating, imdbID,
  WatchedDate; the watchlist without Rating) and a JSON file with the MovieLens ids.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum, IntEnum
from pathlib import PurePosixPath

MAX_BYTES = 20 * 1024 * 1024  # Telegram's download limit for bots
MAX_UNPACKED = 60 * 1024 * 1024  # what a ZIP may unpack to, in all (Letterboxd's are < 5 MB)
MAX_MEMBERS = 2_000
MAX_ROWS = 20_000  # films in one export (a very keen person has a few thousand)
MAX_CELL = 1_000  # characters of a title kept

LIKE_FROM, DISLIKE_TO = 7, 4  # out of 10: >= 7 (3.5 stars) a like, <= 4 (2 stars) a dislike

# Letterboxd's files, in the order their facts win (ratings.csv has the current rating).
LETTERBOXD_FILES = (
    "ratings.csv",
    "reviews.csv",
    "diary.csv",
    "likes/films.csv",
    "watched.csv",
    "watchlist.csv",
)
NOT_FILMS = {
    "tv series",
    "tv mini series",
    "tv episode",
    "tv miniseries",
    "podcast series",
    "podcast episode",
    "video game",
    "music video",
    "tvseries",
    "tvminiseries",
    "tvepisode",
    "videogame",
}
_FORMULA = ("=", "+", "@")
_YEAR = re.compile(r"^\s*(\d{4})")
_CONST = re.compile(r"^\s*tt(\d{1,10})\s*$")


class Problem(Enum):
    """Why a file cannot be read (the bot says each in one sentence)."""

    TOO_BIG = "too_big"
    EMPTY = "empty"
    NOT_AN_EXPORT = "not_an_export"  # not a CSV, ZIP or JSON this reads
    BAD_ZIP = "bad_zip"
    UNSAFE_ZIP = "unsafe_zip"  # absolute or `..` member paths
    ZIP_BOMB = "zip_bomb"
    NOTHING_IN_ZIP = "nothing_in_zip"  # a ZIP without any Letterboxd or IMDb file
    COLUMNS = "columns"  # a CSV, but not with an export's columns
    NOT_UTF8 = "not_utf8"
    TOO_MANY_ROWS = "too_many_rows"
    NO_FILMS = "no_films"  # readable, but not one film row in it


class ExportError(ValueError):
    """A file that is refused as a whole, with the reason."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


class Kind(IntEnum):
    """What a row says about a film; when one film has several rows, the highest wins."""

    WATCHLIST = 0
    SEEN = 1  # watched, no rating
    LIKED = 2  # Letterboxd's heart without a rating
    RATED = 3


@dataclass(frozen=True)
class Row:
    """One film of an export: what the file says, nothing else."""

    title: str
    year: int | None
    kind: Kind
    rating10: int | None = None  # 1-10 (Letterboxd's half stars doubled)
    original: str | None = None  # IMDb's Original Title when it differs
    imdb: int | None = None  # tt0133093 -> 133093
    movie_id: int | None = None  # this project's own export
    watched: str | None = None  # an ISO date, when the file has one


@dataclass(frozen=True)
class Export:
    source: str  # "letterboxd", "imdb" or "movierec"
    rows: list[Row]
    not_films: int = 0  # TV series, episodes, games skipped
    formulas: int = 0  # rows with spreadsheet formulas instead of values, skipped
    unreadable: int = 0  # rows without a title, skipped
    files: tuple[str, ...] = field(default=())


def opinion_of(rating10: int | None) -> float | None:
    """How the recommender reads a rating: +1 like (>= 7/10, 3.5 stars), -1 dislike (<= 4/10,
    2 stars), None in between (seen, not scored)."""
    if rating10 is None:
        return None
    if rating10 >= LIKE_FROM:
        return 1.0
    if rating10 <= DISLIKE_TO:
        return -1.0
    return None


def read_export(name: str, data: bytes) -> Export:
    """The rows of an uploaded file (`name` as the person's app sent it), or ExportError."""
    if len(data) > MAX_BYTES:
        raise ExportError(Problem.TOO_BIG)
    if not data.strip():
        raise ExportError(Problem.EMPTY)
    lower = name.lower()
    if data[:4] == b"PK\x03\x04" or lower.endswith(".zip"):
        return _read_zip(data)
    text = _decode(data)
    if lower.endswith(".json") or text.lstrip()[:1] == "{":
        return _read_json(text)
    return _finish(_read_csv(PurePosixPath(lower).name, text))


# ---------------------------------------------------------------------- containers
def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise ExportError(Problem.NOT_AN_EXPORT)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExportError(Problem.NOT_UTF8) from None


def _read_zip(data: bytes) -> Export:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ExportError(Problem.BAD_ZIP) from None
    if len(members) > MAX_MEMBERS:
        raise ExportError(Problem.ZIP_BOMB)
    for member in members:
        path = member.filename.replace("\\", "/")
        if path.startswith("/") or ".." in path.split("/") or re.match(r"^[A-Za-z]:", path):
            raise ExportError(Problem.UNSAFE_ZIP)
    if sum(m.file_size for m in members) > MAX_UNPACKED:
        raise ExportError(Problem.ZIP_BOMB)
    files = {m.filename.lower(): m for m in members if not m.is_dir()}
    root = _common_root(files)
    wanted = [f"{root}{known}" for known in LETTERBOXD_FILES if f"{root}{known}" in files]
    if not wanted:  # an IMDb export zipped, or any one CSV
        wanted = [n for n in files if n.endswith(".csv") and n.count("/") == root.count("/")]
    if not wanted:
        raise ExportError(Problem.NOTHING_IN_ZIP)
    budget = MAX_UNPACKED
    parts: list[Export] = []
    for member_name in wanted:
        try:
            with archive.open(files[member_name]) as stream:
                content = stream.read(budget + 1)  # never more than the limit, whatever it says
        except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError):
            raise ExportError(Problem.BAD_ZIP) from None
        if len(content) > budget:
            raise ExportError(Problem.ZIP_BOMB)
        budget -= len(content)
        if not content.strip():
            continue
        parts.append(_read_csv(member_name[len(root) :], _decode(content)))
    if not parts:
        raise ExportError(Problem.EMPTY)
    return _finish(_merge_parts(parts))


def _common_root(names: Iterable[str]) -> str:
    """ "letterboxd-ann-2026-12-07/" when every member is inside that one folder, else ""."""
    firsts = {n.split("/", 1)[0] + "/" if "/" in n else "" for n in names}
    return firsts.pop() if len(firsts) == 1 else ""


def _merge_parts(parts: Sequence[Export]) -> Export:
    return Export(
        parts[0].source,
        [row for part in parts for row in part.rows],
        sum(p.not_films for p in parts),
        sum(p.formulas for p in parts),
        sum(p.unreadable for p in parts),
        tuple(f for p in parts for f in p.files),
    )


def _finish(export: Export) -> Export:
    """One row per film (the highest kind wins, then the first file's), within the limits."""
    best: dict[tuple[object, ...], Row] = {}
    for row in export.rows:
        key: tuple[object, ...] = (
            ("m", row.movie_id)
            if row.movie_id is not None
            else ("i", row.imdb)
            if row.imdb is not None
            else ("t", row.title.casefold().strip(), row.year)
        )
        kept = best.get(key)
        if kept is None or row.kind > kept.kind:
            if kept is not None and kept.watched and not row.watched:
                row = replace(row, watched=kept.watched)
            best[key] = row
        elif kept.watched is None and row.watched:
            best[key] = replace(kept, watched=row.watched)
    rows = list(best.values())
    if not rows:
        raise ExportError(Problem.NO_FILMS)
    return replace(export, rows=rows)


# ---------------------------------------------------------------------- CSV
def _records(text: str) -> tuple[list[str], Iterator[list[str]]]:
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
    except csv.Error:
        raise ExportError(Problem.NOT_AN_EXPORT) from None
    if header is None:
        raise ExportError(Problem.EMPTY)
    return [h.strip().lower() for h in header], reader


def _read_csv(name: str, text: str) -> Export:
    header, reader = _records(text)
    columns = {h: i for i, h in enumerate(header) if h}
    if "const" in columns and "title" in columns:
        source, parse = "imdb", _imdb_row
    elif "name" in columns and "year" in columns:
        source, parse = "letterboxd", _letterboxd_row
    elif "title" in columns and ("year" in columns or "imdbid" in columns):
        source, parse = "movierec", _import_row
    else:
        raise ExportError(Problem.COLUMNS)
    rows: list[Row] = []
    not_films = formulas = unreadable = 0
    try:
        for count, record in enumerate(reader, 1):
            if count > MAX_ROWS:
                raise ExportError(Problem.TOO_MANY_ROWS)
            if not any(cell.strip() for cell in record):
                continue
            if any(cell.lstrip().startswith(_FORMULA) for cell in record):
                formulas += 1
                continue
            cells = {h: record[i].strip() if i < len(record) else "" for h, i in columns.items()}
            parsed = parse(name, cells)
            if parsed is None:
                not_films += 1
            elif not parsed.title:
                unreadable += 1
            else:
                rows.append(parsed)
    except csv.Error:
        raise ExportError(Problem.NOT_AN_EXPORT) from None
    return Export(source, rows, not_films, formulas, unreadable, (name,))


def _year(text: str) -> int | None:
    found = _YEAR.match(text or "")
    year = int(found.group(1)) if found else None
    return year if year is not None and 1870 <= year <= 2100 else None


def _number(text: str) -> float | None:
    try:
        value = float((text or "").replace(",", "."))
    except ValueError:
        return None
    return value if value == value else None  # NaN


def _title(text: str) -> str:
    text = text.strip()
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):  # escaped by an export (ours)
        text = text[1:]
    return text[:MAX_CELL]


def _date(text: str) -> str | None:
    text = (text or "").strip()
    return text[:10] if re.match(r"^\d{4}-\d{2}-\d{2}", text) else None


def _letterboxd_row(name: str, cells: dict[str, str]) -> Row:
    stars = _number(cells.get("rating", ""))
    rating10 = round(stars * 2) if stars is not None and 0.5 <= stars <= 5 else None
    if rating10 is not None:
        kind = Kind.RATED
    elif "watchlist" in name:
        kind = Kind.WATCHLIST
    elif name.startswith("likes") or "likes/" in name:
        kind = Kind.LIKED
    else:
        kind = Kind.SEEN
    watched = _date(cells.get("watched date", "")) or (
        None if kind is Kind.WATCHLIST else _date(cells.get("date", ""))
    )
    return Row(_title(cells.get("name", "")), _year(cells.get("year", "")), kind, rating10,
               watched=watched)  # fmt: skip


def _imdb_row(name: str, cells: dict[str, str]) -> Row | None:
    if cells.get("title type", "").strip().lower() in NOT_FILMS:
        return None
    const = _CONST.match(cells.get("const", ""))
    score = _number(cells.get("your rating", ""))
    rating10 = round(score) if score is not None and 1 <= score <= 10 else None
    if rating10 is not None:
        kind = Kind.RATED
    elif "position" in cells or "watchlist" in name:
        kind = Kind.WATCHLIST
    else:
        kind = Kind.SEEN
    title = _title(cells.get("title", ""))
    original = _title(cells.get("original title", "")) or None
    return Row(
        title or (original or ""),
        _year(cells.get("year", "")) or _year(cells.get("release date", "")),
        kind,
        rating10,
        original=original if original and original != title else None,
        imdb=int(const.group(1)) if const else None,
        watched=_date(cells.get("date rated", "")) if rating10 is not None else None,
    )


def _import_row(name: str, cells: dict[str, str]) -> Row:
    """Letterboxd's import columns (this project's /export): with Rating, ratings and watched
    films; without, a watchlist."""
    const = _CONST.match(cells.get("imdbid", ""))
    stars = _number(cells.get("rating", ""))
    rating10 = round(stars * 2) if stars is not None and 0.5 <= stars <= 5 else None
    if "rating" not in cells or "watchlist" in name:
        kind = Kind.WATCHLIST
    else:
        kind = Kind.RATED if rating10 is not None else Kind.SEEN
    return Row(
        _title(cells.get("title", "")),
        _year(cells.get("year", "")),
        kind,
        rating10,
        imdb=int(const.group(1)) if const else None,
        watched=_date(cells.get("watcheddate", "")),
    )


# ---------------------------------------------------------------------- JSON (ours)
_JSON_KINDS = {"rated": Kind.RATED, "seen": Kind.SEEN, "watchlist": Kind.WATCHLIST}


def _read_json(text: str) -> Export:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise ExportError(Problem.NOT_AN_EXPORT) from None
    films = document.get("films") if isinstance(document, dict) else None
    if not isinstance(films, list):
        raise ExportError(Problem.COLUMNS)
    if len(films) > MAX_ROWS:
        raise ExportError(Problem.TOO_MANY_ROWS)
    rows, unreadable = [], 0
    for film in films:
        kind = _JSON_KINDS.get(str(film.get("kind"))) if isinstance(film, dict) else None
        title = film.get("title") if isinstance(film, dict) else None
        if kind is None or not isinstance(title, str) or not title.strip():
            unreadable += 1
            continue
        rating = film.get("rating10")
        movie_id, imdb, year = film.get("movie_id"), film.get("imdb"), film.get("year")
        watched = film.get("watched")
        rows.append(
            Row(
                title.strip()[:MAX_CELL],
                year if isinstance(year, int) and 1870 <= year <= 2100 else None,
                kind,
                rating if isinstance(rating, int) and 1 <= rating <= 10 else None,
                imdb=_imdb_number(imdb),
                movie_id=movie_id if isinstance(movie_id, int) and movie_id > 0 else None,
                watched=_date(watched) if isinstance(watched, str) else None,
            )
        )
    return _finish(Export("movierec", rows, unreadable=unreadable, files=("json",)))


def _imdb_number(value: object) -> int | None:
    if isinstance(value, str):
        found = _CONST.match(value)
        return int(found.group(1)) if found else None
    return None
