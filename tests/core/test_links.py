"""IMDb / TMDB links from `links.csv`: exact URLs where the data set has ids, None everywhere else
(never a broken link), and still there after an index is reopened."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from movierec.config import Settings
from movierec.data import load_links, load_movies
from movierec.recommender import MovieLinks, Recommender
from tests.conftest import ML1M
from tests.support.datasets import small_data, write_csv

SMALL = ML1M.parent / "ml-latest-small"


def test_links_csv_is_read_with_padding_gaps_and_junk(tmp_path: Path) -> None:
    folder = write_csv(tmp_path / "d")
    (folder / "links.csv").write_text(
        "movieId,imdbId,tmdbId\n"
        "10,0060196,429\n"  # zero-padded, as MovieLens writes imdbId
        "30,0105946,\n"  # no TMDB id
        "40,10872600,194\n"  # eight digits: newer IMDb ids
        "40,0000001,1\n"  # a repeated movie keeps its first row
        "abc,0000002,2\n"  # junk row: dropped
        "99,0000003,3\n"  # not in movies.csv: ignored
    )
    movies = load_movies(folder)
    assert movies["imdb_id"].dtype == "Int64" and movies["tmdb_id"].dtype == "Int64"
    assert movies.loc[10, "imdb_id"] == 60196 and movies.loc[10, "tmdb_id"] == 429
    assert movies.loc[30, "imdb_id"] == 105946 and pd.isna(movies.loc[30, "tmdb_id"])
    assert movies.loc[40, "imdb_id"] == 10872600 and movies.loc[40, "tmdb_id"] == 194
    assert 99 not in movies.index
    links = load_links(folder)
    assert links is not None and sorted(links.index) == [10, 30, 40, 99]


def test_data_sets_without_links_get_empty_link_columns(tmp_path: Path) -> None:
    folder = write_csv(tmp_path / "d")
    assert load_links(folder) is None
    movies = load_movies(folder)
    assert movies["imdb_id"].isna().all() and movies["tmdb_id"].isna().all()


def test_movie_links_are_full_urls_or_nothing() -> None:
    assert MovieLinks.of(114709, 862) == MovieLinks(
        "https://www.imdb.com/title/tt0114709/", "https://www.themoviedb.org/movie/862"
    )
    assert MovieLinks.of(105946, None) == MovieLinks("https://www.imdb.com/title/tt0105946/", None)
    assert MovieLinks.of(None, 862) == MovieLinks(None, "https://www.themoviedb.org/movie/862")
    assert MovieLinks.of(None, None) is None


@pytest.fixture(scope="module")
def small_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert (SMALL / "links.csv").is_file(), f"ml-latest-small not found at {SMALL}"
    return tmp_path_factory.mktemp("home-small")


def open_small(home: Path) -> Recommender:
    return Recommender.open(Settings(home=home, movielens_dir=SMALL), data_dir=SMALL)


@pytest.mark.slow
def test_ml_latest_small_links_survive_a_reopen(small_home: Path) -> None:
    toy_story = MovieLinks(
        "https://www.imdb.com/title/tt0114709/", "https://www.themoviedb.org/movie/862"
    )
    with open_small(small_home) as rec:
        built = rec.manifest.built_at
        assert rec.catalogue.links(1) == toy_story
        picks = rec.recommend({1: 1, 260: 1}, limit=5)
        assert all(rec.catalogue.links(p.movie_id) is not None for p in picks)
    with open_small(small_home) as rec:
        assert rec.manifest.built_at == built  # reopened, not rebuilt
        assert rec.catalogue.links(1) == toy_story
        no_tmdb = rec.catalogue.links(791)  # ml-latest-small has no tmdbId for this one
        assert no_tmdb is not None and no_tmdb.tmdb is None
        assert no_tmdb.imdb is not None and no_tmdb.imdb.startswith("https://www.imdb.com/title/tt")
        assert rec.catalogue.links(999_999_999) is None
        with_links = sum(rec.catalogue.links(int(m)) is not None for m in rec.catalogue.frame.index)
        assert with_links == len(rec.catalogue)  # every film of ml-latest-small has an IMDb id


def test_no_links_csv_means_no_links(tmp_path: Path) -> None:
    data = small_data(tmp_path / "ml-gen")  # the ml-1m layout, generated: no links.csv
    with Recommender.open(Settings(home=tmp_path / "h", movielens_dir=data), data_dir=data) as rec:
        assert len(rec.catalogue) == 20
        assert all(rec.catalogue.links(m) is None for m in range(0, 22))


def test_a_hand_made_catalogue_without_link_columns_has_no_links(tmp_path: Path) -> None:
    ratings = pd.DataFrame({"user_id": [1, 1, 2], "movie_id": [1, 2, 1], "rating": [5.0, 3.0, 4.0]})
    movies = pd.DataFrame(
        {"title": ["One (2001)", "Two (2002)"], "year": [2001, 2002], "genres": [(), ()]},
        index=pd.Index([1, 2], name="movie_id"),
    )
    with Recommender.build(ratings, movies, tmp_path / "idx") as rec:
        assert rec.catalogue.get(1) is not None and rec.catalogue.links(1) is None


def test_ml1m_borrows_ml_latest_small_links(recommender: Recommender) -> None:
    """ml-1m's ids are the later releases' ids: ml-latest-small's links.csv (found beside the
    data set) gives about 76% of its films their IMDb and TMDB ids, each checked by year."""
    assert recommender.catalogue.links(2571) == MovieLinks(
        "https://www.imdb.com/title/tt0133093/", "https://www.themoviedb.org/movie/603"
    )
    frame = recommender.catalogue.frame
    linked = sum(recommender.catalogue.links(int(m)) is not None for m in frame.index)
    assert 0.74 < linked / len(frame) < 0.78
    assert recommender.catalogue.links(33) is None  # not in ml-latest-small


def test_a_borrowed_link_needs_the_same_film(tmp_path: Path) -> None:
    """An id whose film in ml-latest-small has another title and a year two apart gets no link;
    MOVIELENS_LINKS names the folder; a data set with its own links keeps them."""
    data = small_data(tmp_path / "ml-gen")
    source = tmp_path / "links-src"
    source.mkdir()
    # the generated films are "Film 1 (1981)", "Film 2 (1982)", ...
    (source / "movies.csv").write_text(
        "movieId,title,genres\n1,Film 1 (1982),Drama\n2,Something Else (1901),Drama\n"
        "3,Film 3 (1950),Drama\n"
    )
    (source / "links.csv").write_text(
        "movieId,imdbId,tmdbId\n1,0000011,11\n2,0000022,22\n3,0000033,\n"
    )
    first, second, third = (1,), (2,), (3,)
    settings = Settings(home=tmp_path / "h", movielens_dir=data, links_dir=source)
    with Recommender.open(settings, data_dir=data) as rec:
        assert rec.catalogue.links(first[0]) == MovieLinks(
            "https://www.imdb.com/title/tt0000011/", "https://www.themoviedb.org/movie/11"
        )
        assert rec.catalogue.links(second[0]) is None  # another film under that id
        third_links = rec.catalogue.links(third[0])  # same title, year far off: same film
        assert third_links is not None and third_links.tmdb is None
