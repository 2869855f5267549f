"""Filters from free words: a phrase table in five languages, titles that are not filters, odd
input, and masks on the real ml-1m and ml-latest-small catalogues checked against counts computed
from the raw files without the loader."""

from __future__ import annotations

import csv
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from movierec.data import load_movies
from movierec.filters import (
    GENRES,
    KNOWN_TITLES,
    Filter,
    GenreLabel,
    Parsed,
    YearKind,
    YearLabel,
    filter_like_titles,
    parse_filter,
    title_key,
    typed_title,
)
from tests.conftest import ML1M

ML_LATEST = ML1M.parent / "ml-latest-small"
CH = "Children's"
LATEST = 2018
RECENT = LATEST - 10

# text, genres, year_from, year_to, complete
PHRASES: list[tuple[str, set[str], int | None, int | None, bool]] = [
    # English: genres and synonyms
    ("comedy", {"Comedy"}, None, None, True),
    ("Comedies", {"Comedy"}, None, None, True),
    ("something funny", {"Comedy"}, None, None, True),
    ("HUMOUR please", {"Comedy"}, None, None, True),
    ("humor", {"Comedy"}, None, None, True),
    ("scary", {"Horror"}, None, None, True),
    ("spooky films", {"Horror"}, None, None, True),
    ("horror", {"Horror"}, None, None, True),
    ("cartoons", {"Animation"}, None, None, True),
    ("an animated movie", {"Animation"}, None, None, True),
    ("anime", {"Animation"}, None, None, True),
    ("animation", {"Animation"}, None, None, True),
    ("kids", {CH}, None, None, True),
    ("something for the family", {CH}, None, None, True),
    ("children's films", {CH}, None, None, True),
    ("romantic", {"Romance"}, None, None, True),
    ("a love story", {"Romance"}, None, None, True),
    ("love stories", {"Romance"}, None, None, True),
    ("war movies", {"War"}, None, None, True),
    ("westerns", {"Western"}, None, None, True),
    ("docs", {"Documentary"}, None, None, True),
    ("a documentary", {"Documentary"}, None, None, True),
    ("musicals", {"Musical"}, None, None, True),
    ("noir", {"Film-Noir"}, None, None, True),
    ("film-noir", {"Film-Noir"}, None, None, True),
    ("film noir", {"Film-Noir"}, None, None, True),
    ("sci-fi", {"Sci-Fi"}, None, None, True),
    ("SciFi", {"Sci-Fi"}, None, None, True),
    ("sci fi", {"Sci-Fi"}, None, None, True),
    ("science fiction", {"Sci-Fi"}, None, None, True),
    ("sf", {"Sci-Fi"}, None, None, True),
    ("thrillers", {"Thriller"}, None, None, True),
    ("suspense", {"Thriller"}, None, None, True),
    ("crime", {"Crime"}, None, None, True),
    ("gangster movies", {"Crime"}, None, None, True),
    ("action", {"Action"}, None, None, True),
    ("adventure", {"Adventure"}, None, None, True),
    ("dramas", {"Drama"}, None, None, True),
    ("fantasy", {"Fantasy"}, None, None, True),
    ("mystery", {"Mystery"}, None, None, True),
    ("a detective film", {"Mystery"}, None, None, True),
    ("IMAX", {"IMAX"}, None, None, True),
    ("comedy or horror", {"Comedy", "Horror"}, None, None, True),
    ("romantic comedy", {"Romance", "Comedy"}, None, None, True),
    ("rom-com", {"Romance", "Comedy"}, None, None, True),
    # English: decades, ranges, bounds
    ("90s sci-fi", {"Sci-Fi"}, 1990, 1999, True),
    ("80s", set(), 1980, 1989, True),
    ("80's", set(), 1980, 1989, True),
    ("'80s", set(), 1980, 1989, True),
    ("’80s", set(), 1980, 1989, True),
    ("1980s", set(), 1980, 1989, True),
    ("the eighties", set(), 1980, 1989, True),
    ("Eighties", set(), 1980, 1989, True),
    ("00s", set(), 2000, 2009, True),
    ("10s", set(), 2010, 2019, True),
    ("20s", set(), 2020, 2029, True),
    ("30s", set(), 1930, 1939, True),
    ("1920s", set(), 1920, 1929, True),
    ("2000s", set(), 2000, 2009, True),
    ("something funny from the 90s", {"Comedy"}, 1990, 1999, True),
    ("before 1980", set(), None, 1979, True),
    ("after 2010", set(), 2011, None, True),
    ("since 2010", set(), 2010, None, True),
    ("from 2000", set(), 2000, 2000, True),
    ("films from 2015", set(), 2015, 2015, True),
    ("comedy 2015", {"Comedy"}, 2015, 2015, True),
    ("2010 onwards", set(), 2010, None, True),
    ("2010+", set(), 2010, None, True),
    ("from 2000 to 2005", set(), 2000, 2005, True),
    ("2000-2005", set(), 2000, 2005, True),
    ("2000–2005", set(), 2000, 2005, True),
    ("2000 - 2005", set(), 2000, 2005, True),
    ("2000 to 2005", set(), 2000, 2005, True),
    ("between 2000 and 2005", set(), 2000, 2005, True),
    ("1995-99", set(), 1995, 1999, True),
    ("2005-2000", set(), 2000, 2005, True),
    ("until 2000", set(), None, 2000, True),
    ("up to 2000", set(), None, 2000, True),
    ("pre-1980 horror", {"Horror"}, None, 1979, True),
    ("before the 80s", set(), None, 1979, True),
    ("after the 80s", set(), 1990, None, True),
    ("early 90s", set(), 1990, 1994, True),
    ("mid-90s", set(), 1993, 1996, True),
    ("late 80s thrillers", {"Thriller"}, 1985, 1989, True),
    ("recent horror", {"Horror"}, RECENT, LATEST, True),
    ("new comedies", {"Comedy"}, RECENT, LATEST, True),
    ("newer films", set(), RECENT, LATEST, True),
    ("old westerns", {"Western"}, None, 1970, True),
    ("classics", set(), None, 1970, True),
    ("80s and 90s", set(), 1980, 1999, True),
    ("80s 2010s", set(), 1980, 2019, True),  # the spanning range
    ("90s before 1995", set(), 1990, 1994, True),  # bounds intersect the span
    ("after 2000 until 2005", set(), 2001, 2005, True),
    ("before 1980 after 2010", set(), 2011, 1979, True),  # contradiction: kept, impossible
    ("recommend me something good please", set(), None, None, True),  # a plain request
    ("after 2000-2005", set(), 2006, None, True),
    ("что-нибудь, фильм из", set(), None, None, True),  # fillers only, in every language
    ("algo, una película de los", set(), None, None, True),
    ("um filme dos", set(), None, None, True),
    ("etwas, Film aus den der die", set(), None, None, True),
    # Russian
    ("комедия", {"Comedy"}, None, None, True),
    ("комедии", {"Comedy"}, None, None, True),
    ("посоветуй комедию", {"Comedy"}, None, None, True),
    ("что-нибудь смешное", {"Comedy"}, None, None, True),
    ("ужасы", {"Horror"}, None, None, True),
    ("ужастик", {"Horror"}, None, None, True),
    ("мультфильм", {"Animation"}, None, None, True),
    ("мультики", {"Animation"}, None, None, True),
    ("фантастика", {"Sci-Fi"}, None, None, True),
    ("научная фантастика", {"Sci-Fi"}, None, None, True),
    ("боевик", {"Action"}, None, None, True),
    ("драма", {"Drama"}, None, None, True),
    ("триллер", {"Thriller"}, None, None, True),
    ("вестерны", {"Western"}, None, None, True),
    ("военный фильм", {"War"}, None, None, True),
    ("документальное кино", {"Documentary"}, None, None, True),
    ("мюзикл", {"Musical"}, None, None, True),
    ("детектив", {"Mystery"}, None, None, True),
    ("романтика", {"Romance"}, None, None, True),
    ("мелодрама", {"Romance"}, None, None, True),
    ("фильм для детей", {CH}, None, None, True),
    ("Комедии 80-х", {"Comedy"}, 1980, 1989, True),
    ("фильмы 80-е", set(), 1980, 1989, True),
    ("в 80-е годы", set(), 1980, 1989, True),
    ("что-нибудь из восьмидесятых", set(), 1980, 1989, True),
    ("фильмы 80-90-х", set(), 1980, 1999, True),
    ("конца 90-х", set(), 1995, 1999, True),
    ("ужастик после 2010", {"Horror"}, 2011, None, True),
    ("до 1980", set(), None, 1979, True),
    ("с 2010", set(), 2010, None, True),
    ("с 2000 по 2005", set(), 2000, 2005, True),
    ("между 2000 и 2005", set(), 2000, 2005, True),
    ("новые мультики", {"Animation"}, RECENT, LATEST, True),
    ("старые комедии", {"Comedy"}, None, 1970, True),
    # Spanish
    ("comedia", {"Comedy"}, None, None, True),
    ("comedias", {"Comedy"}, None, None, True),
    ("una película de terror", {"Horror"}, None, None, True),
    ("algo de miedo", {"Horror"}, None, None, True),
    ("animación", {"Animation"}, None, None, True),
    ("dibujos animados", {"Animation"}, None, None, True),
    ("ciencia ficción", {"Sci-Fi"}, None, None, True),
    ("una romántica", {"Romance"}, None, None, True),
    ("películas de guerra", {"War"}, None, None, True),
    ("un documental", {"Documentary"}, None, None, True),
    ("suspenso", {"Thriller"}, None, None, True),
    ("comedias de los años 80", {"Comedy"}, 1980, 1989, True),
    ("los 80", set(), 1980, 1989, True),
    ("los ochenta", set(), 1980, 1989, True),
    ("finales de los 90", set(), 1995, 1999, True),
    ("antes de 1980", set(), None, 1979, True),
    ("después de 2010", set(), 2011, None, True),
    ("desde 2010", set(), 2010, None, True),
    ("entre 2000 y 2005", set(), 2000, 2005, True),
    # Portuguese (Brazil)
    ("comédia", {"Comedy"}, None, None, True),
    ("um filme de terror", {"Horror"}, None, None, True),
    ("animação", {"Animation"}, None, None, True),
    ("desenho", {"Animation"}, None, None, True),
    ("ficção científica", {"Sci-Fi"}, None, None, True),
    ("romance", {"Romance"}, None, None, True),
    ("filmes de guerra", {"War"}, None, None, True),
    ("documentário", {"Documentary"}, None, None, True),
    ("suspense dos anos 90", {"Thriller"}, 1990, 1999, True),
    ("anos 80", set(), 1980, 1989, True),
    ("anos 2000", set(), 2000, 2009, True),
    ("início dos anos 90", set(), 1990, 1994, True),
    ("antes de 1980", set(), None, 1979, True),
    ("depois de 2010", set(), 2011, None, True),
    ("entre 2000 e 2005", set(), 2000, 2005, True),
    # German
    ("Komödie", {"Comedy"}, None, None, True),
    ("Komödien", {"Comedy"}, None, None, True),
    ("etwas Lustiges", {"Comedy"}, None, None, True),
    ("Horror", {"Horror"}, None, None, True),
    ("ein Gruselfilm", {"Horror"}, None, None, True),
    ("Zeichentrick", {"Animation"}, None, None, True),
    ("Animationsfilm", {"Animation"}, None, None, True),
    ("Science-Fiction", {"Sci-Fi"}, None, None, True),
    ("Liebesfilm", {"Romance"}, None, None, True),
    ("Krieg", {"War"}, None, None, True),
    ("Kriegsfilm", {"War"}, None, None, True),
    ("Dokumentarfilm", {"Documentary"}, None, None, True),
    ("Dokumentation", {"Documentary"}, None, None, True),
    ("Krimi", {"Crime"}, None, None, True),
    ("Western", {"Western"}, None, None, True),
    ("Komödien aus den 80ern", {"Comedy"}, 1980, 1989, True),
    ("80er", set(), 1980, 1989, True),
    ("80er Jahre", set(), 1980, 1989, True),
    ("die Achtziger", set(), 1980, 1989, True),
    ("Mitte der 80er", set(), 1983, 1986, True),
    ("vor 1980", set(), None, 1979, True),
    ("nach 2010", set(), 2011, None, True),
    ("seit 2010", set(), 2010, None, True),
    ("zwischen 2000 und 2005", set(), 2000, 2005, True),
    # Partly understood: the filter is kept, the rest reported
    ("comedy with Jim Carrey", {"Comedy"}, None, None, False),
    ("no horror", set(), None, None, False),  # a filter cannot exclude; not turned into Horror
    ("без ужасов", set(), None, None, False),
]


@pytest.mark.parametrize(("text", "genres", "year_from", "year_to", "complete"), PHRASES)
def test_phrase_table(
    text: str, genres: set[str], year_from: int | None, year_to: int | None, complete: bool
) -> None:
    parsed = parse_filter(text)
    assert replace(parsed.filter, recent=False) == Filter(frozenset(genres), year_from, year_to)
    assert parsed.filter.recent is ((year_from, year_to) == (RECENT, LATEST))
    assert parsed.complete is complete, parsed


def test_partly_understood_phrases_report_the_words_as_typed() -> None:
    assert parse_filter("comedy with Jim Carrey!").rest == "Jim Carrey"
    assert parse_filter("Комедии с Джимом Керри").rest == "Джимом Керри"
    assert parse_filter("no horror please").rest == "no horror"


def test_recent_follows_the_catalogue() -> None:
    assert parse_filter("recent", latest_year=2023).filter == Filter(
        year_from=2013, year_to=2023, recent=True
    )
    assert parse_filter("recent", latest_year=2000).filter.year_from == 1990  # ml-1m
    assert parse_filter("recent").filter.year_from == 2008  # ml-latest-small's 2018 by default


def test_recent_narrowed_by_other_years_is_no_longer_recent() -> None:
    """Its label says "recent" only while the years are the catalogue's last ten."""
    narrowed = parse_filter("recent until 2020", latest_year=2023).filter
    assert (narrowed.year_from, narrowed.year_to, narrowed.recent) == (2013, 2020, False)
    assert parse_filter("recent 90s", latest_year=2023).filter.impossible
    assert parse_filter("since 2013", latest_year=2023).filter.recent is False
    labels = parse_filter("new comedies", latest_year=2023).filter.labels()
    assert labels[-1] == YearLabel(YearKind.RECENT, 2013, 2023)


TITLES = [
    "Alien",
    "The Matrix",
    "Heat",
    "Toy Story 2",
    "2001: A Space Odyssey",
    "2001",
    "1941",
    "Die Hard",
    "Casablanca",
    "Love Actually",
    "War of the Worlds",
    "Horror of Dracula",
    "Western Union",
    "Scary Movie",
    "Love Story",
    "The Kid",
    "The War",
    "In Love and War",
    "Star Wars",
    "No Country for Old Men",
    "Before Sunrise",
    "New York, New York",
]


@pytest.mark.parametrize("title", TITLES)
def test_titles_are_not_filters(title: str) -> None:
    parsed = parse_filter(title)
    assert not parsed.complete, parsed


def test_a_lone_year_is_a_title_but_a_year_with_company_is_a_filter() -> None:
    assert parse_filter("2001").filter.is_empty()
    assert parse_filter("2001").rest == "2001"
    assert parse_filter("2001: A Space Odyssey").filter.is_empty()
    assert parse_filter("films from 2001").filter == Filter(year_from=2001, year_to=2001)
    assert parse_filter("sci-fi 2001").filter == Filter(frozenset({"Sci-Fi"}), 2001, 2001)


def test_title_like_texts_still_carry_their_filter_for_commands() -> None:
    """`/rec scary movie` asks for horror; plain "Scary Movie" is looked up as a film."""
    parsed = parse_filter("Scary Movie")
    assert parsed.title_like and not parsed.complete and parsed.rest == ""
    assert parsed.filter.genres == {"Horror"}
    assert parse_filter("scary movies").complete  # not the title
    assert parse_filter("a scary movie please").complete
    assert parse_filter("kid").complete  # one word is the genre
    assert not parse_filter("The Kid").complete
    assert parse_filter("Scary Movie", titles=()).complete  # the title list is what decides


def test_known_titles_cover_the_shared_catalogues() -> None:
    """Every ml-1m / ml-latest-small title made of filter words is in the built-in list."""
    found = set()
    for folder in (ML1M, ML_LATEST):
        found |= filter_like_titles(load_movies(folder)["title"])
    multi_word = {key for key in found if len(key.split()) >= 2}
    assert {"scary movie", "the kid", "the war", "love story", "true crime"} <= found
    assert multi_word <= KNOWN_TITLES
    assert "kids" in found and "kids" not in KNOWN_TITLES  # one word: the genre wins


def test_title_helpers() -> None:
    assert typed_title("Kid, The (1921)") == "The Kid"
    assert typed_title("Cité des enfants perdus, La (1995)") == "La Cité des enfants perdus"
    assert typed_title("Seven (Se7en) (1995)") == "Seven"
    assert title_key("The Matrix!") == "the matrix"
    assert title_key("Shoot 'Em Up") == "shoot em up"
    assert title_key("Scary Movie") == "scary movie"


ODD = [
    "",
    " ",
    "\n\t",
    "🎬🍿😱",
    "😱 horror 😱",
    "\u200fкомедия\u200f",  # RTL marks
    "ко\u200dмедия",  # a zero-width joiner inside the word
    "２０１０ comedy",  # full-width digits are not a year
    "comedy ٢٠١٠",  # Arabic-Indic digits are not a year
    "comedy ۱۹۹۰s",
    "SELECT * FROM movies; DROP TABLE users;--",
    "'; DELETE FROM ratings WHERE '1'='1",
    "<b>horror</b> &amp; <script>",
    "a" * 4000,
    ("comedy 1990s before 1980 " * 200)[:4000],
    "9" * 4000,
    "- - - – — ―",
    "'''''",
    "80-" * 1000,
    "between and to before after since",
    "\x00\x01\x7f",
    "\ud800",  # a lone surrogate
    "0000 9999 1879 2100",
    "early",
    "mid-",
    "Ⅸ Ⅹ ⅩⅩ",
]


@pytest.mark.parametrize("text", ODD)
def test_odd_input_never_raises(text: str) -> None:
    parsed = parse_filter(text)
    assert isinstance(parsed, Parsed)
    assert isinstance(parsed.rest, str)
    assert all(isinstance(label, GenreLabel | YearLabel) for label in parsed.filter.labels())


def test_odd_input_specifics() -> None:
    assert not parse_filter("").complete and parse_filter("").filter.is_empty()
    assert not parse_filter("🎬🍿😱").complete
    assert parse_filter("😱 horror 😱").filter.genres == {"Horror"}
    assert parse_filter("\u200fкомедия\u200f").complete
    assert parse_filter("ко\u200dмедия").filter.genres == {"Comedy"}
    assert parse_filter("２０１０ comedy").filter == Filter(frozenset({"Comedy"}))
    assert parse_filter("２０１０ comedy").rest == "２０１０"
    assert parse_filter("comedy ٢٠١٠").filter.year_from is None
    assert not parse_filter("SELECT * FROM movies; DROP TABLE users;--").complete
    assert parse_filter("0000 9999 1879 2100").filter.is_empty()  # not years
    long = parse_filter("horror " * 570)  # 3,990 characters
    assert long.complete and long.filter.genres == {"Horror"}
    assert parse_filter(None).filter.is_empty()  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def ml1m_movies() -> pd.DataFrame:
    return load_movies(ML1M)


def raw_ml1m() -> list[tuple[int, int | None, set[str]]]:
    """ml-1m's movies.dat read by hand: (id, year, genres), independent of the loader."""
    rows = []
    for line in (ML1M / "movies.dat").read_bytes().decode("latin-1").splitlines():
        movie_id, title, genres = line.split("::")
        year = re.search(r"\((\d{4})\)\s*$", title)
        rows.append((int(movie_id), int(year.group(1)) if year else None, set(genres.split("|"))))
    return rows


def ids_of(mask: np.ndarray) -> set[int]:
    return {int(i) for i in np.flatnonzero(mask)}


@pytest.mark.parametrize(
    ("text", "genres", "lo", "hi"),
    [
        ("comedy", {"Comedy"}, None, None),
        ("kids", {"Children's"}, None, None),
        ("90s sci-fi", {"Sci-Fi"}, 1990, 1999),
        ("horror or film noir", {"Horror", "Film-Noir"}, None, None),
        ("before 1950", set(), None, 1949),
        ("westerns 1960-1975", {"Western"}, 1960, 1975),
        ("80s", set(), 1980, 1989),
    ],
)
def test_mask_on_ml1m_selects_exactly_the_matching_films(
    ml1m_movies: pd.DataFrame, text: str, genres: set[str], lo: int | None, hi: int | None
) -> None:
    size = 4000
    expected = {
        movie_id
        for movie_id, year, movie_genres in raw_ml1m()
        if (not genres or movie_genres & genres)
        and (lo is None or (year is not None and year >= lo))
        and (hi is None or (year is not None and year <= hi))
    }
    mask = parse_filter(text).filter.mask(ml1m_movies, size)
    assert mask.shape == (size,) and mask.dtype == bool
    assert ids_of(mask) == expected
    assert 0 < len(expected) < len(ml1m_movies)


def test_mask_edges_on_ml1m(ml1m_movies: pd.DataFrame) -> None:
    all_ids = {movie_id for movie_id, _, _ in raw_ml1m()}
    assert ids_of(Filter().mask(ml1m_movies, 4000)) == all_ids  # unfiltered: the catalogue
    assert not Filter().mask(ml1m_movies, 4000)[0]  # id 0 is not a film
    impossible = parse_filter("before 1980 after 2010").filter
    assert impossible.impossible and not impossible.mask(ml1m_movies, 4000).any()
    assert not parse_filter("IMAX").filter.mask(ml1m_movies, 4000).any()  # no IMAX in ml-1m
    small = parse_filter("comedy").filter.mask(ml1m_movies, 100)  # ids beyond size are dropped
    assert len(small) == 100
    assert ids_of(small) == {i for i, _, g in raw_ml1m() if i < 100 and "Comedy" in g}
    assert Filter().mask(ml1m_movies, 0).shape == (0,)


def test_mask_accepts_float_years_and_list_or_string_genres() -> None:
    frame = pd.DataFrame(
        {
            "title": ["A (1995)", "B", "C (2001)", "D (1990)"],
            "year": [1995.0, np.nan, 2001.0, 1990.0],
            "genres": [["Comedy"], ("Comedy",), "Drama|Comedy", None],
        },
        index=pd.Index([1, 2, 3, 5], name="movie_id"),
    )
    assert ids_of(parse_filter("comedy").filter.mask(frame, 6)) == {1, 2, 3}
    assert ids_of(parse_filter("90s").filter.mask(frame, 6)) == {1, 5}  # no year: never in
    assert ids_of(parse_filter("90s comedy").filter.mask(frame, 6)) == {1}


@pytest.fixture(scope="module")
def latest_movies() -> pd.DataFrame:
    return load_movies(ML_LATEST)


def raw_latest() -> list[tuple[int, int | None, set[str]]]:
    rows = []
    with (ML_LATEST / "movies.csv").open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            year = re.search(r"\((\d{4})\)\s*$", row["title"].strip())
            rows.append(
                (
                    int(row["movieId"]),
                    int(year.group(1)) if year else None,
                    set(row["genres"].split("|")),
                )
            )
    return rows


def test_children_matches_both_spellings(
    ml1m_movies: pd.DataFrame, latest_movies: pd.DataFrame
) -> None:
    size = 200_000
    kids = parse_filter("kids").filter
    assert kids.genres == {"Children's"}
    expected_latest = {i for i, _, g in raw_latest() if "Children" in g}
    expected_1m = {i for i, _, g in raw_ml1m() if "Children's" in g}
    assert len(expected_latest) > 600 and len(expected_1m) > 200
    assert ids_of(kids.mask(latest_movies, size)) == expected_latest
    assert ids_of(kids.mask(ml1m_movies, size)) == expected_1m


def test_latest_small_genres_and_no_genres(latest_movies: pd.DataFrame) -> None:
    size = 200_000
    raw = raw_latest()
    none_listed = {i for i, _, g in raw if g == {"(no genres listed)"}}
    assert len(none_listed) >= 30
    for text, genre in [("documentaries", "Documentary"), ("imax", "IMAX"), ("noir", "Film-Noir")]:
        expected = {i for i, _, g in raw if genre in g}
        assert expected and ids_of(parse_filter(text).filter.mask(latest_movies, size)) == expected
    every_genre = Filter(frozenset(GENRES)).mask(latest_movies, size)
    assert ids_of(every_genre) == {i for i, _, _ in raw} - none_listed
    # A year-only filter keeps films without genres, by their year.
    recent = parse_filter("after 2015").filter.mask(latest_movies, size)
    expected_recent = {i for i, y, _ in raw if y is not None and y >= 2016}
    assert ids_of(recent) == expected_recent
    assert ids_of(recent) & none_listed
    # The same when a frame still carries the "(no genres listed)" marker as a genre.
    marked = latest_movies.copy()
    marked["genres"] = [g if g else ("(no genres listed)",) for g in marked["genres"]]
    assert not (ids_of(parse_filter("drama").filter.mask(marked, size)) & none_listed)


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        (
            "comedy from the 90s",
            (GenreLabel(("Comedy",)), YearLabel(YearKind.DECADE, 1990, 1999)),
        ),
        (
            "horror sci-fi after 2010",
            (GenreLabel(("Horror", "Sci-Fi")), YearLabel(YearKind.FROM, 2011, None)),
        ),
        ("war action comedy", (GenreLabel(("Action", "Comedy", "War")),)),
        ("before 1980", (YearLabel(YearKind.TO, None, 1979),)),
        ("2000-2005", (YearLabel(YearKind.BETWEEN, 2000, 2005),)),
        ("films from 2015", (YearLabel(YearKind.YEAR, 2015, 2015),)),
        ("kids", (GenreLabel((CH,)),)),
        ("before 1980 after 2010", (YearLabel(YearKind.NONE, 2011, 1979),)),
        ("something", ()),
    ],
)
def test_labels(text: str, labels: tuple[GenreLabel | YearLabel, ...]) -> None:
    assert parse_filter(text).filter.labels() == labels


def test_filter_is_a_value() -> None:
    assert Filter().is_empty() and not Filter(year_to=1990).is_empty()
    assert not Filter(frozenset({"Drama"})).is_empty()
    assert parse_filter("комедии 90-х").filter == parse_filter("90s comedies").filter
    assert len({parse_filter("Komödie").filter, parse_filter("comedia").filter}) == 1
    assert not Filter(year_from=1990, year_to=1990).impossible
    assert Filter(year_from=1991, year_to=1990).impossible
