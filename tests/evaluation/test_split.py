"""movierec/evaluation/split.py: the reveal protocol (signs, 3-star films, seeding, skipped users)
and the split of people into training, validation and test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from movierec.data import load_dataset
from movierec.evaluation.split import make_cases, split_users
from movierec.recommender import Recommender


def test_reveals_sign_likes_and_dislikes_and_hide_three_star_films() -> None:
    stars = [5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5, 4]
    ratings = pd.DataFrame(
        {"user_id": 7, "movie_id": np.arange(100, 112), "rating": np.array(stars, np.float32)}
    )
    by_movie = dict(zip(range(100, 112), stars, strict=True))
    for n in (3, 6, 9):
        (case,) = make_cases(ratings, [7], n, seed=1)
        assert len(case.revealed) == n
        assert set(case.query) <= case.revealed
        for movie in case.revealed:
            if by_movie[movie] == 3:
                assert movie not in case.query
            else:
                assert case.query[movie] == (1.0 if by_movie[movie] >= 4 else -1.0)
        assert case.targets == {m for m, s in by_movie.items() if s >= 4} - case.revealed
        assert make_cases(ratings, [7], n, seed=1) == [case]  # seeded
    assert make_cases(ratings, [7], 12, seed=1) == []  # fewer than N + 1 ratings


def test_users_with_no_target_or_no_signed_reveal_are_skipped() -> None:
    only_dislikes = pd.DataFrame({"user_id": 1, "movie_id": range(10), "rating": 1.0})
    only_threes = pd.DataFrame({"user_id": 2, "movie_id": range(10), "rating": 3.0})
    frame = pd.concat([only_dislikes, only_threes])
    assert make_cases(frame, [1, 2], 5) == []


def test_the_index_never_holds_a_held_out_users_ratings(two_tastes: Path, tmp_path: Path) -> None:
    data = load_dataset(two_tastes)
    split = split_users(data.ratings, seed=5)
    held = set(split.test_users) | set(split.validation_users)
    assert len(split.test_users) == 20 and len(split.validation_users) == 18
    assert not set(split.test_users) & set(split.validation_users)
    assert not held & set(split.train["user_id"])
    assert set(split.held_out["user_id"]) == held
    assert len(split.train) + len(split.held_out) == len(data.ratings)
    with Recommender.build(split.train, data.movies, tmp_path / "index") as rec:
        indexed = set(rec.vectors.user_ids.tolist())
        assert indexed == set(split.train["user_id"].tolist())
        assert not indexed & held
        assert rec.popularity.sum() == len(split.train)  # counts come from training users only
    again = split_users(data.ratings, seed=5)
    assert np.array_equal(again.test_users, split.test_users)
    assert not np.array_equal(split_users(data.ratings, seed=6).test_users, split.test_users)
