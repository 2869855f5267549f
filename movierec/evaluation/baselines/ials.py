"""iALS (Hu, Koren, Volinsky 2008) through the `implicit` package, trained on 4–5 stars only.

A held-out person is not in the model, so they are folded in from their reveals exactly as a bot
would have to: `recalculate_user` solves their factors against the fixed film factors. `implicit`'s
regularisation is not scaled by the number of interactions, so useful values are in the hundreds,
far above the usual grids; the grid reaches them.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import scipy.sparse as sp

from movierec.evaluation.split import LIKE

GRID: dict[str, tuple] = {
    "factors": (8, 16, 32, 64, 128, 256),  # 512 measured once on ml-1m: slower and worse
    "regularization": (10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0),
    "alpha": (0.3, 1.0, 3.0, 10.0, 30.0),
}
QUERIES = ("liked", "seen")
ITERATIONS = 15


class IALS:
    """The unfitted model holds the liked-films matrix; `fit` returns a fitted copy."""

    def __init__(self, train: pd.DataFrame, n_columns: int, seed: int = 0) -> None:
        liked = train[train["rating"] >= LIKE]
        users, rows = np.unique(liked["user_id"].to_numpy(np.int64), return_inverse=True)
        cols = liked["movie_id"].to_numpy(np.int64)
        matrix = sp.csr_matrix(
            (np.ones(len(cols), np.float32), (rows, cols)), shape=(len(users), n_columns)
        )
        matrix.data[:] = 1.0
        self.items = np.flatnonzero(np.asarray(matrix.sum(axis=0)).ravel() > 0)
        self.position = np.full(n_columns, -1, np.int64)
        self.position[self.items] = np.arange(len(self.items))
        self.matrix = matrix[:, self.items].tocsr()
        self.n_columns = n_columns
        self.seed = seed
        self.model = None
        self.params: dict[str, object] = {}

    def fit(self, factors: int, regularization: float, alpha: float) -> IALS:
        from implicit.cpu.als import AlternatingLeastSquares
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1, "blas"):  # implicit's own threads; BLAS threads only fight them
            model = AlternatingLeastSquares(
                factors=factors,
                regularization=regularization,
                alpha=alpha,
                iterations=ITERATIONS,
                random_state=self.seed,
            )
            model.fit(self.matrix, show_progress=False)
        fitted = copy.copy(self)
        fitted.model = model
        fitted.params = {"factors": factors, "regularization": regularization, "alpha": alpha}
        return fitted

    def scores(self, query: dict[int, float]) -> np.ndarray:
        """Fold the person in from the positive entries of `query`, then score every film."""
        assert self.model is not None, "call fit first"
        cols = [
            self.position[m]
            for m, w in query.items()
            if w > 0 and m < self.n_columns and self.position[m] >= 0
        ]
        dense = np.full(self.n_columns, -np.inf)
        if not cols:
            dense[self.items] = 0.0
            return dense
        row = sp.csr_matrix(
            (np.ones(len(cols), np.float32), (np.zeros(len(cols), np.int64), np.sort(cols))),
            shape=(1, len(self.items)),
        )
        from threadpoolctl import threadpool_limits

        # One thread each for OpenMP and BLAS: together they oversubscribe and a fold-in that
        # takes a millisecond takes a quarter of a second.
        self.model.num_threads = 1
        with threadpool_limits(1, "blas"):
            user = np.asarray(self.model.recalculate_user(0, row)).ravel()
            dense[self.items] = self.model.item_factors @ user
        return dense
