"""movierec/evaluation/batch.py: the grid's shortcut against the product's own ranking."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from movierec.data import load_dataset
from movierec.evaluation.batch import grid_tallies
from movierec.evaluation.methods import scoring_ranker
from movierec.evaluation.metrics import Tally
from movierec.evaluation.split import make_cases, split_users
from movierec.evaluation.tuning import grid_scorings
from movierec.recommender import Recommender
from movierec.scoring import SCORINGS
from tests.support.datasets import N_MOVIES


def test_grid_shortcut_picks_exactly_what_recommend_picks(two_tastes: Path, tmp_path: Path) -> None:
    data = load_dataset(two_tastes)
    split = split_users(data.ratings, seed=0)
    cases = make_cases(split.held_out, split.test_users, 5)
    assert cases
    scorings = [SCORINGS["seed"], SCORINGS["neighbors"], *grid_scorings((3, 10), damping=(0.5,))]
    allowed = np.zeros(N_MOVIES + 1, bool)
    allowed[1:] = True
    with Recommender.build(split.train, data.movies, tmp_path / "index") as rec:
        grid = grid_tallies(rec, cases, scorings, allowed)
        for scoring in scorings:
            direct = Tally()
            for case in cases:
                direct.add(scoring_ranker(rec, scoring)(case), case, rec.popularity)
            assert grid[scoring].per_user == direct.per_user, scoring.name
            assert grid[scoring].picked == direct.picked
