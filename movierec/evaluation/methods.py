"""Which methods an evaluation measures: the shipped scorings, exactly as the bot calls them, and
the tunable baseline families, each with how to build it, its grid and its query forms.

A method is a `Ranker` (a `Case` → the movie ids it would show). Naming them in one registry keeps
the orchestrator, the command line (`--skip`, `--fast`) and the tuner agreeing on what exists.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from movierec.evaluation.baselines import (
    GFCF,
    IALS,
    ItemKNN,
    Ranker,
    RP3beta,
    gfcf,
    ials,
    itemknn,
    popular_ranker,
    rp3beta,
)
from movierec.evaluation.metrics import PICKS
from movierec.evaluation.split import Case
from movierec.scoring import SCORINGS, Scoring

if TYPE_CHECKING:
    from movierec.recommender import Recommender

SHIPPED = ("seed", "default", "neighbors")  # the named scorings of `movierec.scoring`


@dataclass(frozen=True)
class Family:
    """A tunable baseline: how to build it from the training ratings, its grid (searched one
    parameter at a time) and the query forms tried at every point of it."""

    name: str
    build: Callable[[pd.DataFrame, int], Any]  # (train, columns) -> model with fit(**params)
    grid: Mapping[str, Sequence[Any]]
    queries: Sequence[str]
    dense: bool = False  # holds films × films matrices: trained on the most rated films only


FAMILIES: dict[str, Family] = {
    "rp3beta": Family("rp3beta", RP3beta, rp3beta.GRID, rp3beta.QUERIES, dense=True),
    "itemknn": Family("itemknn", ItemKNN, itemknn.GRID, itemknn.QUERIES, dense=True),
    "gfcf": Family("gfcf", GFCF, gfcf.GRID, gfcf.QUERIES, dense=True),
    "ials": Family("ials", IALS, ials.GRID, ials.QUERIES),
}
SLOW = ("ials",)  # minutes on ml-1m; the others take seconds


def scoring_ranker(rec: Recommender, scoring: Scoring) -> Ranker:
    """A named or custom scoring exactly as the bot calls it (`Recommender.recommend`)."""

    def picks(case: Case) -> np.ndarray:
        found = rec.recommend(case.query, PICKS, exclude=case.revealed, scoring=scoring)
        return np.array([p.movie_id for p in found], np.int64)

    return picks


def shipped_rankers(rec: Recommender, allowed: np.ndarray) -> dict[str, Ranker]:
    """Most-popular and the shipped scorings, which need no tuning."""
    return {
        "popular": popular_ranker(rec.popularity, allowed),
        **{name: scoring_ranker(rec, SCORINGS[name]) for name in SHIPPED},
    }
