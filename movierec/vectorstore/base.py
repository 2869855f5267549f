"""What every vector store offers the recommender, and the deterministic neighbor cut they share.

A store answers one question: "which users are most similar to this query?" It returns user ids
and similarities only. The neighbors' ratings come from the memory-mapped CSR copy of the same user
vectors that the index step writes beside the collection (`movierec.vectors.UserVectors`): asking
Qdrant for 20 vectors costs more, through Python objects, than the search itself, while slicing 20
CSR rows costs microseconds.

Ties: Qdrant orders equal scores arbitrarily (by internal offset), which would make picks depend on
the store and on insertion order. Every store therefore asks for a few more points than needed and
cuts after sorting by (score descending, user id ascending); if the cut falls inside a run of equal
scores that may continue past what was fetched, it fetches more.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from movierec.vectors import UserVectors

# Extra points fetched beyond k so that ties at the boundary can be broken by user id.
TIE_MARGIN = 8


# Similarities are float32 sums inside Qdrant: equal in exact arithmetic can differ in the last
# bits. Ordering compares them rounded to this many decimals, so such ties still go to the lower id.
TIE_DECIMALS = 4


@dataclass(frozen=True)
class Neighbors:
    """The k most similar users, best first."""

    ids: np.ndarray  # int64 user ids
    similarities: np.ndarray  # float64 dot products with the query

    def __len__(self) -> int:
        return len(self.ids)


def cut_neighbors(fetch: Callable[[int], tuple[np.ndarray, np.ndarray]], k: int) -> Neighbors:
    """Fetch the top `k` by (score desc, id asc), enlarging the request while ties straddle the cut.

    `fetch(limit)` returns up to `limit` (ids, scores) in the store's own order.
    """
    if k <= 0:
        return Neighbors(np.zeros(0, np.int64), np.zeros(0))
    limit = k + TIE_MARGIN
    while True:
        ids, scores = fetch(limit)
        rounded = np.round(scores, TIE_DECIMALS)
        if (rounded[1:] < rounded[:-1]).all():  # the store's order, and no tie anywhere: done
            return Neighbors(ids=ids[:k], similarities=scores[:k])
        order = np.lexsort((ids, -rounded))
        exhausted = len(ids) < limit
        if exhausted or len(ids) <= k or rounded[order[k - 1]] != rounded[order[-1]]:
            chosen = order[:k]
            return Neighbors(ids=ids[chosen], similarities=scores[chosen])
        limit *= 4


def points_arrays(points: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """(ids, scores) of scored points, whichever client returned them."""
    ids = np.fromiter((p.id for p in points), np.int64, len(points))
    scores = np.fromiter((p.score for p in points), np.float64, len(points))
    return ids, scores


def query_arrays(preferences: Mapping[int, float]) -> tuple[list[int], list[float]]:
    """Sorted (movie ids, weights) of a preference dict, the sparse query vector."""
    items = sorted((int(k), float(v)) for k, v in preferences.items())
    return [k for k, _ in items], [v for _, v in items]


class VectorStore(Protocol):
    """The two stores (Qdrant Edge and qdrant-client) implement this."""

    def upload(
        self,
        vectors: UserVectors,
        payloads: Mapping[int, dict] | None = None,
        *,
        progress: bool = False,
    ) -> None:
        """Write every user as a point with the `ratings` and `unit` named sparse vectors."""

    def neighbors(self, preferences: Mapping[int, float], k: int, using: str) -> Neighbors:
        """The `k` users most similar to `preferences` by dot product on vector `using`."""

    def count(self) -> int:
        """Number of points (users) in the collection."""

    def close(self) -> None:
        """Release files, locks and connections."""
