"""Issue 14, item 2: a candidate default that blends the people-like-you score with an item graph.

The product's default asks Qdrant for the people nearest to the reveals and sums what they rated.
RP3beta, the strongest baseline here, walks a film → person → film graph instead. The two make
different mistakes, so the candidate adds them, each scaled to a best score of 1 for this person:

    blend = (1 − w) · user / max(user) + w · graph / max(graph)

* `user`: the default's aggregation (`movierec.scoring.aggregate`) over the Qdrant neighbours,
  with the query's films weighted by IDF^γ (IDF as Qdrant's `Modifier.IDF` computes it, from the
  number of training users who rated the film): a shared taste for a rarely seen film says more
  about two people than one for a blockbuster. γ = 0 is the shipped query. The weighting is in the
  query vector only, so the product could adopt it without re-indexing.
  Each neighbour's weight, similarity^p, may also be divided by (films they rated)^ρ, so that
  people who rated everything do not add a little to every film.
* `graph`: RP3beta's pruned item graph queried with every reveal as seen (its best form).

The product's `default` scoring is this blend at the point this search found on ml-1m
(`movierec.scoring`, with the graph of `movierec.graph` built in the index); the study stays so
that the blend can be re-tuned on the data set a bot serves. Two small differences from the
product: here a 3★ reveal counts as seen in the graph's query (the bot only knows likes and
dislikes), and the graph is built from the training matrix directly, never from a sample.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from movierec.evaluation.baselines import Ranker, RP3beta
from movierec.evaluation.metrics import PICKS, ResultRow, Tally
from movierec.evaluation.run import Tuned, coordinate_search, on_edges
from movierec.evaluation.split import Case
from movierec.graph import ALPHA, BETA, SUCCESSORS
from movierec.scoring import SCORINGS, Scoring, aggregate, idf, rank, unit
from movierec.store.base import Neighbors
from movierec.vectors import VECTOR_UNIT

NAME = "blend"
# Searched one parameter at a time; `graph_weight` is tried in full at every point (it is cheap).
# A first search on ml-1m over similarity power 1–4, damping 0–0.5, IDF power 0–1 and graph
# neighbours 25–400 ended on the edges at 1, 0.5, 1 and 400: these grids reach past them.
GRID: dict[str, tuple] = {
    "neighbours": (50, 100, 200, 400),
    "similarity_power": (0.0, 0.5, 1.0, 2.0, 3.0),
    "popularity_damping": (0.25, 0.375, 0.5, 0.625, 0.75, 1.0),
    "idf_power": (0.5, 0.75, 1.0, 1.25, 1.5, 2.0),
    # (0, 0.25, 0.5, 0.75, 1) measured on ml-1m: every ρ > 0 lost NDCG@10 (−0.005 to −0.04)
    "row_power": (0.0,),
    "alpha": (0.25, 0.5, 0.75, 1.0, 1.25),
    "beta": (0.1, 0.25, 0.4, 0.55, 0.7, 0.85),
    "graph_neighbours": (50, 100, 200, 400, 800, None),
}
# Where a partial grid fixes the parameters it leaves out: the shipped default and its graph.
FIXED: dict[str, Any] = {
    "neighbours": SCORINGS["default"].neighbors,
    "similarity_power": SCORINGS["default"].similarity_power,
    "popularity_damping": SCORINGS["default"].popularity_damping,
    "idf_power": SCORINGS["default"].idf_power,
    "row_power": 0.0,
    "alpha": ALPHA,
    "beta": BETA,
    "graph_neighbours": SUCCESSORS,
}
WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)

if TYPE_CHECKING:
    from movierec.recommender import Recommender


class Blender:
    """Both halves of the blend for one index; neighbours and graphs are cached across the search
    (a case's Qdrant neighbours at the largest k serve every smaller k: the store's order is total).
    """

    def __init__(self, rec: Recommender, graph_base: RP3beta, allowed: np.ndarray) -> None:
        self.rec = rec
        self.columns = rec.manifest.columns
        self.allowed = allowed[: self.columns]
        self.idf = idf(rec.popularity[: self.columns], len(rec.vectors))
        self.graph_base = graph_base
        self.largest = max(GRID["neighbours"])
        self._near: dict[tuple[frozenset[int], int, float], Neighbors] = {}
        self._graphs: dict[tuple[float, float, int | None], RP3beta] = {}

    def graph(self, alpha: float, beta: float, neighbours: int | None) -> RP3beta:
        key = (alpha, beta, neighbours)
        if key not in self._graphs:
            if len(self._graphs) >= 4:
                self._graphs.pop(next(iter(self._graphs)))
            self._graphs[key] = self.graph_base.fit(alpha, beta, neighbours)
        return self._graphs[key]

    def query(self, case: Case, idf_power: float) -> dict[int, float]:
        if not idf_power:
            return case.query
        return {
            m: w * (self.idf[m] ** idf_power if m < self.columns else 1.0)
            for m, w in case.query.items()
        }

    def neighbours(self, case: Case, k: int, idf_power: float) -> Neighbors:
        key = (case.revealed, case.user_id, idf_power)
        if key not in self._near:
            largest = max(k, self.largest)
            self._near[key] = self.rec.store.neighbors(
                self.query(case, idf_power), largest, VECTOR_UNIT
            )
        near = self._near[key]
        return Neighbors(near.ids[:k], near.similarities[:k])

    def parts(
        self, case: Case, params: Mapping[str, Any]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(user score, graph score, candidate mask), each score scaled to a best candidate of 1."""
        scoring = Scoring(
            NAME,
            neighbors=params["neighbours"],
            vector=VECTOR_UNIT,
            similarity_power=params["similarity_power"],
            popularity_damping=params["popularity_damping"],
            seen_weight=SCORINGS["default"].seen_weight,
        )
        near = self.neighbours(case, params["neighbours"], params["idf_power"])
        if params["row_power"]:
            # each neighbour's weight sim^p times (films they rated)^−ρ: folded into sim
            indptr, _, _ = self.rec.vectors.rows(near.ids)
            scale = np.maximum(np.diff(indptr), 1).astype(np.float64) ** (
                -params["row_power"] / params["similarity_power"]
            )
            near = Neighbors(near.ids, near.similarities * scale)
        user = aggregate(near, self.rec.vectors, scoring, self.columns, self.rec.popularity)
        graph = self.graph(params["alpha"], params["beta"], params["graph_neighbours"])
        item = graph.scores(case.seen())[: self.columns]
        item = np.where(np.isfinite(item), item, 0.0)
        mask = self.allowed & ((user.raters > 0) | (item > 0))
        revealed = np.fromiter((m for m in case.revealed if m < self.columns), np.int64)
        mask[revealed] = False
        return unit(user.scores, mask), unit(item, mask), mask

    def ranker(self, params: Mapping[str, Any], weight: float) -> Ranker:
        def picks(case: Case) -> np.ndarray:
            user, item, mask = self.parts(case, params)
            return rank((1.0 - weight) * user + weight * item, mask, PICKS)

        return picks


def tune_blend(
    blender: Blender,
    validation: Sequence[Case],
    popularity: np.ndarray,
    catalogue_size: int,
    grid: Mapping[str, Sequence[Any]] | None = None,
    weights: Sequence[float] = WEIGHTS,
    progress: bool = False,
) -> Tuned:
    """The blend's best parameters on validation; every graph weight is tried at every point.

    A `grid` naming only some parameters fixes the others at `FIXED`.
    """
    if grid is None:
        grid = GRID
    grid = {name: tuple(grid.get(name, (FIXED[name],))) for name in GRID}

    def measure(params: dict[str, Any]) -> list[ResultRow]:
        tallies = [Tally() for _ in weights]
        for case in tqdm(validation, desc=NAME, unit="user", disable=not progress, leave=False):
            user, item, mask = blender.parts(case, params)  # once for every weight
            for w, tally in zip(weights, tallies, strict=True):
                tally.add(rank((1.0 - w) * user + w * item, mask, PICKS), case, popularity)
        return [
            t.row(catalogue_size, NAME, params={**params, "graph_weight": w})
            for w, t in zip(weights, tallies, strict=True)
        ]

    best, tried = coordinate_search(grid, measure)
    full_grid = {**grid, "graph_weight": tuple(weights)}
    return Tuned(
        NAME, dict(best.params), best, tuple(tried), on_edges(full_grid, best.params), full_grid
    )


@dataclass(frozen=True)
class GraphCost:
    """What the blend would need precomputed: the pruned graph's size and build time."""

    films: int
    edges: int
    megabytes: float  # as CSR: float32 weights, int32 columns, int64 row pointers
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "films": self.films,
            "edges": self.edges,
            "megabytes": self.megabytes,
            "seconds": self.seconds,
        }


def graph_cost(
    train: pd.DataFrame, columns: int, alpha: float, beta: float, neighbours: int | None
) -> GraphCost:
    """Build the pruned graph from scratch, as an index build would, and measure it."""
    started = time.perf_counter()
    graph = RP3beta(train, columns).fit(alpha, beta, neighbours)
    assert graph.weights is not None
    edges = int(np.count_nonzero(graph.weights))
    seconds = time.perf_counter() - started
    films = len(graph.items)
    megabytes = (edges * (4 + 4) + (films + 1) * 8) / 2**20
    return GraphCost(films, edges, round(megabytes, 2), round(seconds, 2))
