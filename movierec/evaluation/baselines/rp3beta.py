"""RP3beta (Paudel et al. 2017): a three-step random walk film → person → film, with the
destination film's popularity divided out.

With X the binary training matrix, P_ui = X / deg(u) and P_iu = Xᵀ / deg(i), each raised to the
power α elementwise; W = P_iu · P_ui, then column j is divided by deg(j)^β and each film keeps only
its `neighbors` strongest successors (a pruned graph is the only kind a product could ship). For a
binary X this is W_ij = deg(i)^−α · Σ_u X_ui X_uj deg(u)^−α · deg(j)^−β, so the Gram matrix
Xᵀ diag(deg(u)^−α) X is computed once per α and every β and pruning reuse it.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from movierec.evaluation.baselines.common import ItemItem, prune_rows, train_matrix

GRID: dict[str, tuple] = {
    "alpha": (0.25, 0.5, 0.75, 1.0, 1.25, 1.5),
    "beta": (0.0, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9),
    "neighbors": (25, 50, 100, 200, 400, 800, None),  # None: no pruning
}
QUERIES = ("signed", "seen")


class RP3beta(ItemItem):
    """The unfitted model holds the training matrix; `fit` returns a fitted copy."""

    def __init__(self, train: pd.DataFrame, n_columns: int) -> None:
        matrix = train_matrix(train, n_columns)
        items = np.flatnonzero(np.asarray(matrix.sum(axis=0)).ravel() > 0)
        super().__init__(items, n_columns)
        self.x = matrix[:, items].tocsr()
        self.user_degree = np.asarray(self.x.sum(axis=1)).ravel()
        self.item_degree = np.asarray(self.x.sum(axis=0)).ravel()
        self._grams: dict[float, np.ndarray] = {}
        self.params: dict[str, object] = {}

    def gram(self, alpha: float) -> np.ndarray:
        """Xᵀ diag(deg(u)^−α) X, dense; the last two α are kept (a search moves one at a time)."""
        if alpha not in self._grams:
            scaled = self.x.multiply(self.user_degree[:, np.newaxis] ** -alpha).tocsr()
            gram = (scaled.T @ self.x).toarray()
            if len(self._grams) >= 2:
                self._grams.pop(next(iter(self._grams)))
            self._grams[alpha] = gram
        return self._grams[alpha]

    def fit(self, alpha: float, beta: float, neighbors: int | None) -> RP3beta:
        weights = self.gram(alpha) * (self.item_degree[:, np.newaxis] ** -alpha)
        weights *= self.item_degree[np.newaxis, :] ** -beta
        np.fill_diagonal(weights, 0.0)
        model = copy.copy(self)
        model._grams = {}  # the fitted model keeps its weights only, not the base's Gram cache
        model.weights = prune_rows(weights, neighbors)
        model.params = {"alpha": alpha, "beta": beta, "neighbors": neighbors}
        return model
