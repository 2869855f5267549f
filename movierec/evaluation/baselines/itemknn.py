"""ItemKNN: films similar by the cosine of their raters, shrunk towards zero when few people
rated both (Sarwar et al. 2001; the shrink term as in Koren 2008).

S_ij = |raters(i) ∩ raters(j)| / (√deg(i) √deg(j) + shrink), each film keeping its `neighbors`
most similar films; a person's score for j is the sum of S_ij over their revealed films i.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from movierec.evaluation.baselines.common import ItemItem, prune_rows, train_matrix

GRID: dict[str, tuple] = {
    "shrink": (0.0, 10.0, 25.0, 50.0, 100.0, 200.0, 500.0),
    "neighbors": (25, 50, 100, 200, 400, 800, None),  # None: no pruning
}
QUERIES = ("signed", "seen")


class ItemKNN(ItemItem):
    """The unfitted model holds the co-occurrence counts; `fit` returns a fitted copy."""

    def __init__(self, train: pd.DataFrame, n_columns: int) -> None:
        matrix = train_matrix(train, n_columns)
        items = np.flatnonzero(np.asarray(matrix.sum(axis=0)).ravel() > 0)
        super().__init__(items, n_columns)
        x = matrix[:, items].tocsr()
        self.gram = (x.T @ x).toarray()
        self.norms = np.sqrt(np.diag(self.gram))
        self.params: dict[str, object] = {}

    def fit(self, shrink: float, neighbors: int | None) -> ItemKNN:
        weights = np.outer(self.norms, self.norms)  # in place below: one dense matrix, not three
        weights += shrink
        np.divide(self.gram, weights, out=weights)
        np.fill_diagonal(weights, 0.0)
        model = copy.copy(self)
        model.weights = prune_rows(weights, neighbors)
        model.params = {"shrink": shrink, "neighbors": neighbors}
        return model
