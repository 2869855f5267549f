"""Scoring held-out users in bulk: every method on every case, into one `Tally` per method.

Two ways, with the same result: any `Ranker` case by case (`run_rankers`), or a grid of
neighbor-only `Scoring`s with one Qdrant request per (case, vector) shared by every scoring of the
grid (`grid_tallies`), which is what makes a grid of hundreds of scorings affordable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
from tqdm.auto import tqdm

from movierec.evaluation.baselines import Ranker
from movierec.evaluation.metrics import PICKS, Tally
from movierec.evaluation.split import Case
from movierec.scoring import Scoring, aggregate, candidate_mask, rank
from movierec.vectors import VECTOR_NAMES
from movierec.vectorstore.base import Neighbors

if TYPE_CHECKING:
    from movierec.recommender import Recommender


def run_rankers(
    rankers: Mapping[str, Ranker],
    cases: Sequence[Case],
    popularity: np.ndarray,
    progress: bool = False,
    desc: str = "",
) -> dict[str, Tally]:
    """Every ranker on every case, case by case (so a progress bar means something)."""
    tallies = {name: Tally() for name in rankers}
    for case in tqdm(cases, desc=desc, unit="user", disable=not progress, leave=False):
        for name, ranker in rankers.items():
            tallies[name].add(ranker(case), case, popularity)
    return tallies


def grid_tallies(
    rec: Recommender,
    cases: Sequence[Case],
    scorings: Sequence[Scoring],
    allowed: np.ndarray,
    progress: bool = False,
    desc: str = "Scoring grid",
) -> dict[Scoring, Tally]:
    """Every scoring of the grid on every case, asking Qdrant once per (case, vector).

    The store's neighbor order is total (similarity, then user id), so the k best are the first k
    of the largest request; each scoring then aggregates exactly what `recommend` would.
    """
    if any(s.graph_weight or s.idf_power for s in scorings):
        raise ValueError("the grid shortcut reads the neighbors only: no graph, no IDF query")
    tallies = {s: Tally() for s in scorings}
    vectors = [v for v in VECTOR_NAMES if any(s.vector == v for s in scorings)]  # may omit one
    largest = {v: max(s.neighbors for s in scorings if s.vector == v) for v in vectors}
    columns = rec.manifest.columns
    for case in tqdm(cases, desc=desc, unit="user", disable=not progress, leave=False):
        found = {v: rec.store.neighbors(case.query, k, v) for v, k in largest.items()}
        for scoring in scorings:
            near = found[scoring.vector]
            k = scoring.neighbors
            subset = Neighbors(near.ids[:k], near.similarities[:k])
            scores = aggregate(subset, rec.vectors, scoring, columns, rec.popularity)
            mask = candidate_mask(scores.raters, case.revealed, scoring.min_support)
            mask &= allowed[:columns]
            tallies[scoring].add(rank(scores.scores, mask, PICKS), case, rec.popularity)
    return tallies
