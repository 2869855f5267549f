"""Loaders for every layout, on generated files (exact expectations) and on the shared copies."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from movierec.data import (
    Layout,
    MissingDataError,
    detect_layout,
    fingerprint,
    load_dataset,
    load_movies,
    load_ratings,
    parse_year,
)
from movierec.vectors import RatingStats, build_user_vectors
from tests.conftest import ML1M
from tests.support.datasets import write_csv, write_dat

SHARED = ML1M.parent


def test_dat_layout_is_parsed_exactly(tmp_path: Path) -> None:
    folder = write_dat(tmp_path / "ml-1m")
    assert detect_layout(folder) is Layout.DAT
    data = load_dataset(folder)
    assert data.ratings.to_dict("list") == {
        "user_id": [1, 1, 2],
        "movie_id": [10, 20, 10],
        "rating": [5.0, 3.0, 1.0],
    }
    assert data.ratings.dtypes.tolist() == [np.int32, np.int32, np.float32]
    assert data.movies.loc[10, "title"] == "Cité des enfants perdus, La (1995)"  # latin-1
    assert data.movies.loc[20, "genres"] == ("Action", "Sci-Fi", "Thriller")
    assert data.movies.loc[30, "title"] == '"Quoted" Title: Part 2 (2001)'
    assert data.users.loc[2, "age"] == 56 and data.users.loc[1, "gender"] == "F"


def test_csv_layout_is_parsed_exactly(tmp_path: Path) -> None:
    folder = write_csv(tmp_path / "ml-latest-small")
    assert detect_layout(folder) is Layout.CSV
    data = load_dataset(folder)
    assert data.ratings["rating"].tolist() == [4.5, 0.5]
    assert data.movies.loc[10, "title"] == "Good, the Bad and the Ugly, The (1966)"
    assert data.movies.loc[30, "genres"] == () and pd.isna(data.movies.loc[30, "year"])
    assert data.movies.loc[40, "year"] == 2001
    assert data.users.empty


@pytest.mark.parametrize(
    ("name", "ratings", "users", "movies"),
    [
        ("ml-1m", 1_000_209, 6_040, 3_883),
        ("ml-latest-small", 100_836, 610, 9_742),
        ("ml-100k", 100_000, 943, 1_682),
    ],
)
def test_shared_copies_load_with_their_documented_sizes(
    name: str, ratings: int, users: int, movies: int
) -> None:
    data = load_dataset(SHARED / name)
    assert len(data.ratings) == ratings
    assert data.ratings["user_id"].nunique() == users
    assert len(data.movies) == movies


def test_ml1m_global_statistics_match_pandas_float64() -> None:
    ratings = load_ratings(ML1M)
    stats = RatingStats.of(ratings)
    raw = pd.read_csv(ML1M / "ratings.dat", sep="::", engine="python", header=None, nrows=50_000)
    assert stats.mean == pytest.approx(3.581564453029317, abs=1e-12)
    assert stats.std == pytest.approx(1.117101845373258, abs=1e-12)
    assert ratings["rating"].iloc[:50_000].tolist() == raw[2].astype(float).tolist()


def test_missing_data_says_where_to_put_it(tmp_path: Path) -> None:
    with pytest.raises(MissingDataError, match="MOVIELENS_DIR"):
        detect_layout(tmp_path)


def test_fingerprint_changes_when_a_file_changes(tmp_path: Path) -> None:
    folder = write_dat(tmp_path / "d")
    before = fingerprint(folder)
    assert fingerprint(folder) == before
    with (folder / "ratings.dat").open("ab") as handle:
        handle.write(b"3::20::4::0\n")
    assert fingerprint(folder) != before


def test_years_are_read_from_titles() -> None:
    assert parse_year("Heat (1995)") == 1995
    assert parse_year("Babylon 5") is None
    assert parse_year("Big Bang Theory, The (2007-)") == 2007


def test_user_vectors_are_z_normalised_rows(tmp_path: Path) -> None:
    data = load_dataset(write_dat(tmp_path / "d"))
    stats = RatingStats.of(data.ratings)
    vectors = build_user_vectors(data.ratings, stats)
    assert list(vectors.user_ids) == [1, 2]
    indices, values = vectors.row(0)
    assert list(indices) == [10, 20]
    assert values == pytest.approx([(5 - 3) / stats.std, (3 - 3) / stats.std])
    assert np.linalg.norm(vectors.unit_values()[:1]) == pytest.approx(1.0)
    indptr, movies, rows = vectors.rows(np.array([2, 1, 7]))
    assert list(indptr) == [0, 1, 3, 3] and list(movies) == [10, 10, 20]  # 7 is unknown: empty
    assert rows[0] == pytest.approx((1 - 3) / stats.std)


def test_load_movies_of_a_missing_folder_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(MissingDataError):
        load_movies(tmp_path / "nowhere")
