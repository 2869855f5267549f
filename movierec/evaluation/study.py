"""Re-tuning the shipped default, the blend of people like you and films like yours.

The default scoring (`movierec.scoring`, `SCORINGS["default"]`) adds the Qdrant neighbors' score
and the item graph's, each scaled to a best candidate of 1 for this person:

    blend = (1 − w) · user / max(user) + w · graph / max(graph)

The study searches that `Scoring` over its parameters (neighbors, similarity power, popularity
damping, query IDF power, graph weight `w`) and, beside them, the item graph's own (RP3beta's α, β
and how many successors each film keeps), which the product fixes when it builds the index
(`movierec.graph`). Every score is the product's: its query weighting, `aggregate` and `blend`;
the study only caches what a grid reuses (a case's neighbors at the largest k serve every smaller
k, the store's order being total; a graph serves every point that shares its α, β, successors).

The default is this blend at the point the search found on ml-1m; the study stays so that the
blend can be re-tuned on the data set a bot serves. Two differences from the product: here a 3★
reveal counts as seen in the graph's query (the bot only knows likes and dislikes), and the graph
is RP3beta of the training matrix directly, never of a sample.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from movierec.evaluation.baselines import Ranker, RP3beta, excluded
from movierec.evaluation.metrics import PICKS, Tally
from movierec.evaluation.results import ResultRow, Tuned
from movierec.evaluation.split import Case
from movierec.evaluation.tuning import coordinate_search, on_edges
from movierec.graph import ALPHA, BETA, SUCCESSORS
from movierec.scoring import SCORINGS, MovieScores, Scoring, aggregate, blend, idf, rank
from movierec.vectorstore.base import Neighbors

NAME = "blend"
# The `Scoring` parameters searched; the graph weight is tried in full at every point (it is cheap).
SCORING_PARAMS = ("neighbors", "similarity_power", "popularity_damping", "idf_power")
# Searched one parameter at a time. A first search on ml-1m over similarity power 1–4, damping
# 0–0.5, IDF power 0–1 and graph neighbors 25–400 ended on the edges at 1, 0.5, 1 and 400: these
# grids reach past them. (Dividing each neighbor's weight by (films they rated)^ρ was measured on
# ml-1m too: every ρ in 0.25–1 lost NDCG@10, −0.005 to −0.04.)
GRID: dict[str, tuple] = {
    "neighbors": (50, 100, 200, 400),
    "similarity_power": (0.0, 0.5, 1.0, 2.0, 3.0),
    "popularity_damping": (0.25, 0.375, 0.5, 0.625, 0.75, 1.0),
    "idf_power": (0.5, 0.75, 1.0, 1.25, 1.5, 2.0),
    "alpha": (0.25, 0.5, 0.75, 1.0, 1.25),
    "beta": (0.1, 0.25, 0.4, 0.55, 0.7, 0.85),
    "graph_neighbors": (50, 100, 200, 400, 800, None),
}
# Where a partial grid fixes the parameters it leaves out: the shipped default and its graph.
FIXED: dict[str, Any] = {
    **{name: getattr(SCORINGS["default"], name) for name in SCORING_PARAMS},
    "alpha": ALPHA,
    "beta": BETA,
    "graph_neighbors": SUCCESSORS,
}
WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
GRAPHS_KEPT = 4  # fitted graphs cached at once (films × films each)

if TYPE_CHECKING:
    from movierec.recommender import Recommender


def scoring_at(params: Mapping[str, Any], weight: float) -> Scoring:
    """The shipped default with a grid point's parameters and graph weight `weight`."""
    chosen = {name: params[name] for name in SCORING_PARAMS}
    return replace(SCORINGS["default"], name=NAME, graph_weight=weight, **chosen)


class Study:
    """The blend of one index at any grid point, with what the search reuses cached."""

    def __init__(
        self, rec: Recommender, graph_base: RP3beta, allowed: np.ndarray, largest: int
    ) -> None:
        self.rec = rec
        self.columns = rec.manifest.columns
        self.allowed = allowed[: self.columns]
        self.idf = idf(rec.popularity, len(rec.vectors))  # as `Recommender` weighs its query
        self.graph_base = graph_base
        self.largest = largest  # neighbors asked for: the grid's most
        self.near: dict[tuple[frozenset[int], int, float], Neighbors] = {}
        self.graphs: dict[tuple[float, float, int | None], RP3beta] = {}

    def graph(self, alpha: float, beta: float, neighbors: int | None) -> RP3beta:
        key = (alpha, beta, neighbors)
        if key not in self.graphs:
            if len(self.graphs) >= GRAPHS_KEPT:
                self.graphs.pop(next(iter(self.graphs)))
            self.graphs[key] = self.graph_base.fit(alpha, beta, neighbors)
        return self.graphs[key]

    def neighbors(self, case: Case, scoring: Scoring) -> Neighbors:
        key = (case.revealed, case.user_id, scoring.idf_power)
        if key not in self.near:
            query = case.query
            if scoring.idf_power:
                query = {m: w * float(self.idf[m]) ** scoring.idf_power for m, w in query.items()}
            k = max(scoring.neighbors, self.largest)
            self.near[key] = self.rec.store.neighbors(query, k, scoring.vector)
        near = self.near[key]
        return Neighbors(near.ids[: scoring.neighbors], near.similarities[: scoring.neighbors])

    def parts(
        self, case: Case, params: Mapping[str, Any]
    ) -> tuple[MovieScores, np.ndarray, np.ndarray]:
        """(the neighbors' scores, the graph's, the films that may be picked) at one point:
        everything a graph weight does not change."""
        scoring = scoring_at(params, 0.0)
        near = self.neighbors(case, scoring)
        user = aggregate(near, self.rec.vectors, scoring, self.columns, self.rec.popularity)
        graph = self.graph(params["alpha"], params["beta"], params["graph_neighbors"])
        item = graph.scores(case.seen())[: self.columns]
        item = np.where(np.isfinite(item), item, 0.0)
        return user, item, excluded(self.allowed.copy(), case)

    def ranker(self, params: Mapping[str, Any], weight: float) -> Ranker:
        def picks(case: Case) -> np.ndarray:
            return blended(*self.parts(case, params), weight)

        return picks


def blended(user: MovieScores, item: np.ndarray, allowed: np.ndarray, weight: float) -> np.ndarray:
    """The picks of `movierec.scoring.blend` at graph weight `weight`, among `allowed`."""
    scores = blend(user, item, weight, allowed)
    return rank(scores.scores, scores.candidates() & allowed, PICKS)


def tune(
    study: Study,
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
            parts = study.parts(case, params)  # once for every weight
            for w, tally in zip(weights, tallies, strict=True):
                tally.add(blended(*parts, w), case, popularity)
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
    train: pd.DataFrame, columns: int, alpha: float, beta: float, neighbors: int | None
) -> GraphCost:
    """Build the pruned graph from scratch, as an index build would, and measure it."""
    started = time.perf_counter()
    graph = RP3beta(train, columns).fit(alpha, beta, neighbors)
    assert graph.weights is not None
    edges = int(np.count_nonzero(graph.weights))
    seconds = time.perf_counter() - started
    films = len(graph.items)
    megabytes = (edges * (4 + 4) + (films + 1) * 8) / 2**20
    return GraphCost(films, edges, round(megabytes, 2), round(seconds, 2))
