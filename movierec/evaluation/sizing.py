"""How big a run is: the `--quick` grids, and the cap on films for the dense baselines.

EASE, RP3beta, ItemKNN and GF-CF (and the study's item graph) hold films × films float64
matrices: 8·n² bytes each, several at once while tuning. ml-1m's 3,706 training films cost 110 MB
a matrix; the 9,000 of ml-latest-small 650 MB; ml-32m's 84,000 would need 56 GB. So those
baselines only see the `max_films` most rated training films (a note in the report says so when
it bites), and a baseline that still runs out of memory is skipped with a note instead of ending
the run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd

# 8 · 4000² = 128 MB per dense matrix; ml-1m (3,706 training films) is never restricted.
MAX_DENSE_FILMS = 4000

T = TypeVar("T")


@dataclass(frozen=True)
class Quick:
    """`movierec evaluate --quick`: small grids around the shipped default and the baselines'
    ml-1m optima, fewer held-out users, a smaller dense cap, no iALS. CI-sized on ml-latest-small
    (docs/evaluation.md gives times); good for re-tuning near the default, not for a wide search.
    The baselines' grids still span their optima on ml-latest-small and ml-1m (a cheap point
    each: a baseline stuck on an edge would flatter the default); generated data without tastes
    pushes them to their most-popular ends, and the report flags those edges."""

    max_users: int = 300
    max_films: int = 2500
    lambdas: tuple[float, ...] = (500.0, 2000.0, 10000.0, 50000.0, 200000.0)
    scorings: Mapping[str, Sequence[Any]] = field(
        default_factory=lambda: {
            "neighbors": (50, 100, 200),
            "vectors": ("unit",),
            "powers": (1.0, 2.0),
            "damping": (0.0, 0.25, 0.5),
            "seen": (0.0, 1.0),
        }
    )
    baselines: Mapping[str, Mapping[str, Sequence[Any]]] = field(
        default_factory=lambda: {
            "rp3beta": {
                "alpha": (0.25, 0.5, 0.75, 1.0, 1.25),
                "beta": (0.15, 0.3, 0.45, 0.6, 0.75),
                "neighbors": (200,),
            },
            "itemknn": {"shrink": (25.0, 100.0, 500.0, 2000.0), "neighbors": (200,)},
        }
    )
    study: Mapping[str, Sequence[Any]] = field(
        default_factory=lambda: {"idf_power": (0.5, 1.0, 1.5, 2.0), "graph_neighbors": (200,)}
    )


QUICK = Quick()


def most_rated(
    train: pd.DataFrame, limit: int | None, methods: str
) -> tuple[pd.DataFrame, str | None]:
    """The training ratings of the `limit` most rated films (ties: lower movie id), and the note a
    person reads when that drops any film; `limit` None or above the catalogue keeps everything.

    Why: the dense baselines' memory grows with films², and the most rated films are the ones
    held-out people mostly like, so the comparison stays meaningful while the memory is bounded.
    """
    counts = train["movie_id"].value_counts()
    if limit is None or len(counts) <= limit:
        return train, None
    order = np.lexsort((counts.index.to_numpy(), -counts.to_numpy()))
    kept = counts.index.to_numpy()[order[:limit]]
    frame = train[train["movie_id"].isin(kept)]
    share = len(frame) / len(train)
    note = (
        f"{methods}: restricted to the {limit:,} most rated of {len(counts):,} training films "
        f"({share:.0%} of the training ratings; films × films matrices; --max-films to change)"
    )
    return frame.reset_index(drop=True), note


def guarded(name: str, step: Callable[[], T], notes: list[str]) -> T | None:
    """`step()`, or None with a note when it runs out of memory: one baseline too big for this
    machine must not cost the whole evaluation, and a person must see why its rows are missing."""
    try:
        return step()
    except MemoryError:
        notes.append(f"{name}: skipped, out of memory (lower --max-films)")
        return None
