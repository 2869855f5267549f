"""movierec/evaluation/baselines/: EASE's closed form and its scores."""

from __future__ import annotations

import numpy as np
import pandas as pd

from movierec.evaluation.baselines import Ease, ease_weights


def test_ease_matches_per_column_ridge_regressions() -> None:
    """EASE's closed form equals, column by column, ridge regression of the item on all others."""
    rng = np.random.default_rng(0)
    x = (rng.random((30, 6)) < 0.4).astype(float)
    lam = 2.5
    weights = ease_weights(x.T @ x, lam)
    assert np.allclose(np.diag(weights), 0.0)
    for j in range(6):
        others = [i for i in range(6) if i != j]
        a = x[:, others]
        expected = np.linalg.solve(a.T @ a + lam * np.eye(5), a.T @ x[:, j])
        assert np.allclose(weights[others, j], expected)


def test_ease_scores_the_signed_reveals_by_movie_id() -> None:
    train = pd.DataFrame(
        {
            "user_id": [1, 1, 2, 2, 2, 3, 3],
            "movie_id": [10, 30, 10, 30, 50, 30, 50],
            "rating": [5.0, 4, 1, 2, 5, 4, 4],
        }
    )
    ease = Ease(train, n_columns=60).fit(1.0)
    assert ease.items.tolist() == [10, 30, 50]
    x = np.array([[1, 1, 0], [1, 1, 1], [0, 1, 1]], float)
    b = ease_weights(x.T @ x, 1.0)
    scores = ease.scores({10: 1.0, 50: -1.0, 20: 1.0})  # 20 has no training rating: ignored
    assert np.allclose(scores[[10, 30, 50]], b[0] - b[2])
    assert np.isneginf(scores[20]) and np.isneginf(scores[59])
