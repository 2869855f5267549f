"""EASE (Steck 2019): a closed-form linear item model that is hard to beat on MovieLens."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from movierec.evaluation.baselines.common import ItemItem, Ranker, item_ranker, train_matrix

EASES = {"ease": False, "ease-seen": True}  # EASE variants: is every revealed film a +1?


def ease_weights(gram: np.ndarray, lam: float) -> np.ndarray:
    """EASE's closed form: P = (XᵀX + λI)⁻¹, B = −P / diag(P) column-wise, diag(B) = 0."""
    regularised = gram.copy()  # λ added on the diagonal in place: no identity matrix allocated
    regularised.flat[:: len(gram) + 1] += lam
    weights = np.linalg.inv(regularised)
    del regularised  # three dense matrices at a time, not five: this one is films × films
    weights /= -np.diag(weights)[np.newaxis, :]
    np.fill_diagonal(weights, 0.0)
    return weights


class Ease(ItemItem):
    """EASE over the movies that have training ratings; scores are returned per movie id."""

    def __init__(self, train: pd.DataFrame, n_columns: int) -> None:
        matrix = train_matrix(train, n_columns)
        items = np.flatnonzero(np.asarray(matrix.sum(axis=0)).ravel() > 0)
        super().__init__(items, n_columns)
        compact = matrix[:, self.items]
        self.gram = np.asarray((compact.T @ compact).todense(), np.float64)
        self.lam: float | None = None

    def fit(self, lam: float) -> Ease:
        """A fitted copy (sharing the Gram matrix), so that two λ can be held at once."""
        model = copy.copy(self)
        model.weights, model.lam = ease_weights(self.gram, lam), lam
        return model


def ease_ranker(ease: Ease, allowed: np.ndarray, seen: bool = False) -> Ranker:
    """EASE on the signed reveals (`ease`), or with every revealed film as +1 (`ease-seen`): EASE
    learns from who watched what, whatever the stars, so a seen film is evidence however rated."""
    return item_ranker(ease, allowed, "seen" if seen else "signed")
