"""What every baseline shares: the training matrix, the item-item scorer and the ranker shape.

A ranker is a function from a `Case` to the movie ids it would show, best first, never a revealed
film: the same contract `Recommender.recommend` follows, so every method is measured alike.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import scipy.sparse as sp

from movierec.evaluation.metrics import PICKS
from movierec.evaluation.split import Case
from movierec.scoring import rank

Ranker = Callable[[Case], np.ndarray]
QUERIES = ("signed", "seen")  # how an item-item model may read a person's reveals
PRUNE_BLOCK = 512  # rows pruned at a time: two temporaries of this many rows, not of the matrix


def train_matrix(train: pd.DataFrame, n_columns: int) -> sp.csr_matrix:
    """Binary users × movie-id matrix of the training ratings: any star is an interaction."""
    users, rows = np.unique(train["user_id"].to_numpy(np.int64), return_inverse=True)
    cols = train["movie_id"].to_numpy(np.int64)
    data = np.ones(len(cols), np.float64)
    matrix = sp.csr_matrix((data, (rows, cols)), shape=(len(users), n_columns))
    matrix.data[:] = 1.0  # duplicates summed: back to binary
    return matrix


def excluded(mask: np.ndarray, case: Case) -> np.ndarray:
    """`mask` with every revealed film switched off: nobody is offered what they told us about."""
    ids = np.fromiter((m for m in case.revealed if m < len(mask)), np.int64)
    mask[ids] = False
    return mask


def query_of(case: Case, form: str) -> dict[int, float]:
    """The reveals as a model reads them: signed (+1 / −1), every reveal as seen (+1), or the
    liked ones only (+1), for a model that learnt from 4–5 stars alone."""
    if form == "signed":
        return case.query
    if form == "seen":
        return case.seen()
    if form == "liked":
        return case.liked()
    raise ValueError(f"unknown query form {form!r}")


class ItemItem:
    """A dense item × item weight matrix over the films that have training ratings, scored by
    movie id: a person's score is the sum of their revealed films' rows (signed)."""

    def __init__(
        self, items: np.ndarray, n_columns: int, weights: np.ndarray | None = None
    ) -> None:
        self.items = items
        self.position = np.full(n_columns, -1, np.int64)
        self.position[items] = np.arange(len(items))
        self.n_columns = n_columns
        self.weights = weights

    def scores(self, query: dict[int, float]) -> np.ndarray:
        """The query vector times the weights; −inf for films the model has never seen."""
        assert self.weights is not None, "fit the model first"
        known = [
            (self.position[m], w)
            for m, w in query.items()
            if m < self.n_columns and self.position[m] >= 0
        ]
        dense = np.full(self.n_columns, -np.inf)
        if known:
            rows = np.array([p for p, _ in known])
            signs = np.array([w for _, w in known])
            dense[self.items] = signs @ self.weights[rows]
        else:
            dense[self.items] = 0.0
        return dense


def item_ranker(model: ItemItem, allowed: np.ndarray, form: str = "signed") -> Ranker:
    """Picks of an item-item model queried with the reveals read as `form`."""

    def picks(case: Case) -> np.ndarray:
        scores = model.scores(query_of(case, form))
        return rank(scores, excluded(allowed & np.isfinite(scores), case), PICKS)

    return picks


def prune_rows(weights: np.ndarray, k: int | None) -> np.ndarray:
    """Keep the `k` largest entries of every row (a film's `k` nearest films), zero the rest, in
    place; None keeps everything. The product could only ship a graph pruned like this."""
    if k is None or k >= weights.shape[1]:
        return weights
    for start in range(0, len(weights), PRUNE_BLOCK):  # row blocks: the temporaries stay small
        block = weights[start : start + PRUNE_BLOCK]
        cut = np.argpartition(-block, k, axis=1)[:, k:]
        np.put_along_axis(block, cut, 0.0, axis=1)
    return weights
