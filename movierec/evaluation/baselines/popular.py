"""The most popular films: the floor every personal method has to clear."""

from __future__ import annotations

import numpy as np

from movierec.evaluation.baselines.common import Ranker, excluded
from movierec.evaluation.metrics import PICKS
from movierec.evaluation.split import Case
from movierec.scoring import rank


def popular_ranker(popularity: np.ndarray, allowed: np.ndarray) -> Ranker:
    """Most rated training films the user has not revealed."""

    def picks(case: Case) -> np.ndarray:
        mask = excluded(allowed & (popularity > 0), case)
        return rank(popularity.astype(np.float64), mask, PICKS)

    return picks
