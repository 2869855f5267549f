"""movierec/evaluation/baselines/: EASE's and GF-CF's closed forms and their scores."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from movierec.data import load_ratings
from movierec.evaluation.baselines import GFCF, Ease, ease_weights
from tests.support.catalogue import write_catalogue


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


def gfcf_reference(x: np.ndarray, alpha: float, k: int, query: np.ndarray) -> np.ndarray:
    """GF-CF by its definition, densely: R̃ = D_u^−½ R D_i^−½, full SVD, both filters."""
    with np.errstate(divide="ignore"):
        du = np.where(x.sum(1) > 0, x.sum(1) ** -0.5, 0.0)
        di = np.where(x.sum(0) > 0, x.sum(0) ** -0.5, 0.0)
    tilde = du[:, None] * x * di[None, :]
    _, values, vt = np.linalg.svd(tilde)
    assert values[k - 1] - values[k] > 1e-6  # the top k are well defined
    ideal = np.diag(di) @ vt[:k].T @ vt[:k] @ np.diag(np.sqrt(x.sum(0)))
    return query @ (tilde.T @ tilde) + alpha * query @ ideal


def test_gfcf_scores_match_a_dense_reference_on_the_generated_catalogue(tmp_path: Path) -> None:
    train = load_ratings(write_catalogue(tmp_path / "catalogue", people=120))
    films = np.sort(train["movie_id"].unique())
    model = GFCF(train, n_columns=int(films.max()) + 1)
    assert model.items.tolist() == films.tolist()
    column = {m: j for j, m in enumerate(films)}
    query = {int(films[0]): 1.0, int(films[5]): -1.0, int(films[9]): 1.0}
    q = np.zeros(len(films))
    for m, w in query.items():
        q[column[m]] = w
    for signal, kept in (("seen", train), ("liked", train[train["rating"] >= 4])):
        x = np.zeros((train["user_id"].max(), len(films)))
        x[kept["user_id"] - 1, [column[m] for m in kept["movie_id"]]] = 1.0
        x = x[x.sum(1) > 0]
        for alpha in (0.0, 0.3):
            scores = model.fit(alpha=alpha, factors=6, signal=signal).scores(query)
            assert np.allclose(scores[films], gfcf_reference(x, alpha, 6, q))
            assert np.isneginf(scores[0])  # no film 0: never offered


def test_gfcf_by_hand_on_two_people() -> None:
    """R = [[1, 1, 0], [0, 1, 1]]: D_u = 2, 2 and D_i = 1, 2, 1, so R̃ᵀR̃ = [[½, ½/√2, 0],
    [½/√2, ½, ½/√2], [0, ½/√2, ½]]; with α = 0, revealing film 10 scores its row."""
    train = pd.DataFrame(
        {"user_id": [1, 1, 2, 2], "movie_id": [10, 20, 20, 30], "rating": [5.0, 3, 4, 2]}
    )
    model = GFCF(train, n_columns=40).fit(alpha=0.0, factors=1, signal="seen")
    scores = model.scores({10: 1.0})
    assert np.allclose(scores[[10, 20, 30]], [0.5, 0.5 / np.sqrt(2), 0.0])
    # 4–5 stars only: person 1 liked 10, person 2 liked 20; films 10 and 20 never share a person
    liked = GFCF(train, n_columns=40).fit(alpha=0.0, factors=1, signal="liked")
    assert np.allclose(liked.scores({10: 1.0})[[10, 20, 30]], [1.0, 0.0, 0.0])
