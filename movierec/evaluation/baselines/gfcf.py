"""GF-CF (Shen et al., CIKM 2021, "How Powerful is Graph Convolution for Recommendation?"): a
graph filter in closed form, no training loop.

With R the users × films training matrix (every rating as seen, or only the 4–5 star ones),
D_u and D_i its row and column sums and R̃ = D_u^−½ R D_i^−½, a person with row r scores

    s = r · R̃ᵀR̃  +  α · r · D_i^−½ V_k V_kᵀ D_i^½

the normalised item-item filter plus α times the ideal low-pass filter, V_k the top-k right
singular vectors of R̃ (`scipy.sparse.linalg.svds`). A held-out person is folded in with their
reveals as r (the query row), exactly like the other item-item models, so both terms are one
films × films matrix: W = R̃ᵀR̃ + α D_i^−½ V_k V_kᵀ D_i^½, held dense (the films cap applies).
A film or person without any rating in the signal has degree 0; its inverse is taken as 0.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import svds

from movierec.evaluation.baselines.common import ItemItem, train_matrix
from movierec.evaluation.split import LIKE

GRID: dict[str, tuple] = {
    "alpha": (0.0, 0.1, 0.3),  # 0: the linear filter alone
    "factors": (32, 64),
    "signal": ("seen", "liked"),  # the training matrix: every rating, or 4–5 stars only
}
QUERIES = ("signed", "seen")
SIGNALS = ("seen", "liked")


def inverse_root(degree: np.ndarray) -> np.ndarray:
    """degree^−½, with 0 where the degree is 0 (nobody in the signal: no weight, not inf)."""
    out = np.zeros(len(degree))
    positive = degree > 0
    out[positive] = degree[positive] ** -0.5
    return out


def normalised(matrix: sp.csr_matrix) -> tuple[sp.csr_matrix, np.ndarray]:
    """R̃ = D_u^−½ R D_i^−½ and the films' degrees."""
    users = np.asarray(matrix.sum(axis=1)).ravel()
    items = np.asarray(matrix.sum(axis=0)).ravel()
    scaled = sp.diags(inverse_root(users)) @ matrix @ sp.diags(inverse_root(items))
    return sp.csr_matrix(scaled), items


def top_right_vectors(matrix: sp.csr_matrix, k: int, seed: int = 0) -> np.ndarray:
    """The `k` right singular vectors of the largest singular values, as rows (k × films)."""
    k = min(k, min(matrix.shape) - 1)
    _, values, vt = svds(matrix, k=k, random_state=seed)
    return np.asarray(vt[np.argsort(-values)])


class GFCF(ItemItem):
    """The unfitted model holds both signals' R̃ (over the films with any training rating);
    `fit` returns a fitted copy."""

    def __init__(self, train: pd.DataFrame, n_columns: int) -> None:
        seen = train_matrix(train, n_columns)
        items = np.flatnonzero(np.asarray(seen.sum(axis=0)).ravel() > 0)
        super().__init__(items, n_columns)
        liked = train_matrix(train[train["rating"] >= LIKE], n_columns)
        self._matrices = {
            "seen": normalised(seen[:, items].tocsr()),
            # users without a 4–5 star rating are zero rows of R: they add nothing
            "liked": normalised(liked[:, items].tocsr()),
        }
        self._grams: dict[str, np.ndarray] = {}
        self._vectors: dict[tuple[str, int], np.ndarray] = {}
        self.params: dict[str, object] = {}

    def gram(self, signal: str) -> np.ndarray:
        """R̃ᵀR̃, dense; the last one kept (a search moves one parameter at a time)."""
        if signal not in self._grams:
            tilde, _ = self._matrices[signal]
            self._grams.clear()
            self._grams[signal] = (tilde.T @ tilde).toarray()
        return self._grams[signal]

    def vectors(self, signal: str, factors: int) -> np.ndarray:
        key = (signal, factors)
        if key not in self._vectors:
            self._vectors[key] = top_right_vectors(self._matrices[signal][0], factors)
        return self._vectors[key]

    def fit(self, alpha: float, factors: int, signal: str) -> GFCF:
        if signal not in SIGNALS:
            raise ValueError(f"unknown training signal {signal!r}")
        weights = self.gram(signal).copy()
        if alpha:
            _, degree = self._matrices[signal]
            vt = self.vectors(signal, factors)
            left = (vt * inverse_root(degree)[np.newaxis, :]).T  # D_i^−½ V_k: films × k
            right = vt * np.sqrt(degree)[np.newaxis, :]  # V_kᵀ D_i^½: k × films
            weights += alpha * (left @ right)
        model = copy.copy(self)
        model._grams, model._vectors = {}, {}  # the fitted model keeps its weights only
        model.weights = weights
        model.params = {"alpha": alpha, "factors": factors, "signal": signal}
        return model
