"""Reading Letterboxd / IMDb exports (every bad input refused with its reason), matching them to
ml-1m, and writing them back out so that they come back the same."""

from __future__ import annotations

import io
import zipfile

import pytest

from movierec.history import (
    MAX_BYTES,
    MAX_ROWS,
    Entry,
    ExportError,
    Kind,
    Matcher,
    Problem,
    export_csv,
    export_json,
    opinion_of,
    read_export,
)
from movierec.recommender import Recommender

LB_HEADER = "Date,Name,Year,Letterboxd URI,Rating\n"
IMDB_HEADER = (
    "Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,"
    "Runtime (mins),Year,Genres,Num Votes,Release Date,Directors\n"
)


def zipped(files: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.fixture(scope="module")
def matcher(recommender: Recommender) -> Matcher:
    return Matcher(recommender.catalogue.frame)


def test_the_mapping_is_the_recommenders() -> None:
    assert [opinion_of(r) for r in (10, 7, 6, 5, 4, 1, None)] == [1, 1, None, None, -1, -1, None]


def test_a_letterboxd_zip_merges_its_files(matcher: Matcher) -> None:
    data = zipped(
        {
            "ratings.csv": LB_HEADER + "2020-01-01,The Matrix,1999,https://boxd.it/a,4.5\n"
            "2020-01-02,Titanic,1997,https://boxd.it/b,1.5\n",
            "watched.csv": "Date,Name,Year,Letterboxd URI\n2020-01-01,The Matrix,1999,u\n"
            "2020-01-03,Heat,1995,u\n",
            "watchlist.csv": "Date,Name,Year,Letterboxd URI\n2020-01-04,Alien,1979,u\n",
            "likes/films.csv": "Date,Name,Year,Letterboxd URI\n2020-01-05,Fargo,1996,u\n",
            "diary.csv": "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"
            "2020-01-01,The Matrix,1999,u,3,,,2019-12-31\n",
        }
    )
    export = read_export("letterboxd-ann.zip", data)
    assert export.source == "letterboxd" and len(export.rows) == 5
    result = matcher.match(export)
    by_id = {m.movie_id: m for m in result.matched}
    assert by_id[2571].row.rating10 == 9 and by_id[2571].opinion == 1.0  # ratings.csv wins
    assert by_id[2571].row.watched == "2020-01-01"  # the first file with a date
    assert by_id[1721].opinion == -1.0
    assert by_id[6].row.kind is Kind.SEEN and by_id[1214].row.kind is Kind.WATCHLIST
    assert by_id[608].row.kind is Kind.LIKED


def test_imdb_by_const_then_title_skipping_tv(matcher: Matcher) -> None:
    text = IMDB_HEADER + (
        "tt0133093,9,2020-01-01,Matrix,The Matrix,u,Movie,8.7,136,1999,Sci-Fi,1,1999-03-31,W\n"
        "tt9999999,3,2020-01-01,Heat,Heat,u,Movie,8.3,170,1995,Crime,1,1995-12-15,M\n"
        "tt0903747,10,2020-01-01,Breaking Bad,Breaking Bad,u,TV Series,9.5,49,2008,Drama,1,,\n"
        "tt0959621,9,2020-01-01,Pilot,Pilot,u,TV Episode,8,58,2008,Drama,1,,\n"
        "tt1375666,6,2020-01-01,Inception,Inception,u,Movie,8.8,148,2010,Sci-Fi,1,,\n"
    )
    export = read_export("ratings.csv", text.encode())
    assert export.source == "imdb" and export.not_films == 2
    result = matcher.match(export)
    assert {m.movie_id for m in result.matched} == {2571, 6}
    assert result.missing == 1 and result.newer == 1  # Inception is newer than ml-1m


def test_titles_match_through_noise(matcher: Matcher) -> None:
    rows = [
        ("Matrix, The", 1999, 2571),  # library style
        ("Amelie", 2000, None),  # not in ml-1m (2001), a year off: nothing wrong offered
        ("Star Wars", 1977, 260),  # subtitle left out
        ("Twelve Monkeys", 1995, 32),
        ("Se7en", 1996, 47),  # the alternate title, year off by one
        ("good the bad and the ugly", 1966, 1201),
        ("Shawshank Redemption", 1994, 318),
        ("Dracula", 1992, 1339),  # "Bram Stoker's Dracula" without the possessive
        ("National Lampoon's Vacation", 1983, 2795),  # and a possessive the catalogue lacks
        ("Death Wish 2", 1982, 3431),  # "II"
        ("Interview with the Vampire: The Vampire Chronicles", 1994, 253),  # a subtitle more
    ]
    body = "".join(f'2020-01-01,"{t}",{y},u,4\n' for t, y, _ in rows)
    export = read_export("ratings.csv", (LB_HEADER + body).encode())
    found = {m.row.title: m.movie_id for m in matcher.match(export).matched}
    for title, _, want in rows:
        assert found.get(title) == want, title


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("x.csv", b"", Problem.EMPTY),
        ("x.csv", b"   \n", Problem.EMPTY),
        ("x.csv", b"a,b,c\n1,2,3\n", Problem.COLUMNS),
        ("x.csv", LB_HEADER.encode() + b"2020,Am\xe9lie,2001,u,4\n", Problem.NOT_UTF8),
        ("x.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00", Problem.NOT_AN_EXPORT),
        ("x.zip", b"PK\x03\x04 not really", Problem.BAD_ZIP),
        ("x.csv", b"x" * (MAX_BYTES + 1), Problem.TOO_BIG),
        (
            "x.csv",
            (LB_HEADER + '2020,=HYPERLINK("http://e"),2000,u,4\n').encode(),
            Problem.NO_FILMS,
        ),
        ("x.json", b'{"films": "no"}', Problem.COLUMNS),
    ],
)
def test_bad_files_are_refused_whole(name: str, data: bytes, problem: Problem) -> None:
    with pytest.raises(ExportError) as refused:
        read_export(name, data)
    assert refused.value.problem is problem


def test_zip_limits() -> None:
    with pytest.raises(ExportError) as unsafe:
        read_export("a.zip", zipped({"../../etc/ratings.csv": LB_HEADER}))
    assert unsafe.value.problem is Problem.UNSAFE_ZIP
    bomb = zipped({"ratings.csv": LB_HEADER + "0" * (70 * 1024 * 1024)})
    assert len(bomb) < 200_000
    with pytest.raises(ExportError) as exploded:
        read_export("a.zip", bomb)
    assert exploded.value.problem is Problem.ZIP_BOMB
    with pytest.raises(ExportError) as nothing:
        read_export("a.zip", zipped({"deep/er/still/ratings.csv": LB_HEADER, "x/readme.txt": "x"}))
    assert nothing.value.problem is Problem.NOTHING_IN_ZIP
    rooted = zipped({"letterboxd-ann/ratings.csv": LB_HEADER + "2020,Heat,1995,u,4\n"})
    assert read_export("a.zip", rooted).rows[0].title == "Heat"


def test_too_many_rows_and_formula_cells() -> None:
    many = LB_HEADER + "2020,Heat,1995,u,4\n" * (MAX_ROWS + 1)
    with pytest.raises(ExportError) as refused:
        read_export("ratings.csv", many.encode())
    assert refused.value.problem is Problem.TOO_MANY_ROWS
    mixed = LB_HEADER + '2020,"=HYPERLINK(""http://evil"",""x"")",2000,u,4\n2020,Heat,1995,u,4\n'
    export = read_export("ratings.csv", mixed.encode())
    assert export.formulas == 1 and [r.title for r in export.rows] == ["Heat"]


def test_export_comes_back_the_same(matcher: Matcher, recommender: Recommender) -> None:
    catalogue = recommender.catalogue
    films = [(2571, "rated", 9), (1721, "rated", 2), (6, "seen", None), (1214, "watchlist", None)]
    films.append((1107, "rated", 7))  # a film without links in ml-1m: by title and year
    entries = []
    for movie_id, kind, rating in films:
        movie = catalogue.get(movie_id)
        assert movie is not None
        links = catalogue.links(movie_id)
        imdb = int(links.imdb.rstrip("/").rsplit("tt", 1)[1]) if links and links.imdb else None
        entries.append(Entry(movie_id, movie.title, movie.year, kind, rating, imdb, "2024-05-01"))
    ratings_csv = export_csv(entries)
    assert ratings_csv.startswith(
        b"Title,Year,Rating,imdbID,WatchedDate\r\nThe Matrix,1999,4.5,tt0133093"
    )
    watchlist_csv = export_csv(entries, watchlist=True)
    want = {(e.movie_id, e.kind if e.kind != "rated" else "rated", e.rating10) for e in entries}
    got = set()
    for name, data in (
        ("movierec-ratings.csv", ratings_csv),
        ("movierec-watchlist.csv", watchlist_csv),
    ):
        for m in matcher.match(read_export(name, data)).matched:
            kind = {Kind.RATED: "rated", Kind.SEEN: "seen", Kind.WATCHLIST: "watchlist"}[m.row.kind]
            got.add((m.movie_id, kind, m.row.rating10))
    assert got == want
    again = {
        (m.movie_id, m.row.rating10)
        for m in matcher.match(read_export("x.json", export_json(entries))).matched
    }
    assert again == {(e.movie_id, e.rating10) for e in entries}
    assert (
        export_csv([Entry(1, "=cmd (1999)", 1999, "rated", 8)]).splitlines()[1].startswith(b"'=cmd")
    )


def test_an_imdb_watchlist_goes_to_the_watchlist(matcher: Matcher) -> None:
    text = (
        "Position,Const,Created,Modified,Description,Title,Original Title,URL,Title Type,"
        "IMDb Rating,Runtime (mins),Year,Genres,Num Votes,Release Date,Directors,Your Rating,"
        "Date Rated\n"
        "1,tt0078748,2024-01-01,2024-01-01,,Alien,Alien,u,Movie,8.5,117,1979,Horror,1,,R,,\n"
        "2,tt0113277,2024-01-01,2024-01-01,,Heat,Heat,u,Movie,8.3,170,1995,Crime,1,,M,8,2024-02-01\n"
        "3,tt0944947,2024-01-01,2024-01-01,,Game of Thrones,,u,TV Series,9.2,57,2011,Drama,1,,,,\n"
    )
    export = read_export("watchlist.csv", text.encode())
    assert export.not_films == 1
    kinds = {m.movie_id: m.row.kind for m in matcher.match(export).matched}
    assert kinds == {1214: Kind.WATCHLIST, 6: Kind.RATED}
