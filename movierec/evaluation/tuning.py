"""Choosing every tunable setting: the scoring grid, EASE's λ, the baselines' grids.

Everything tunable is chosen on the validation users at N = SELECT_REVEALS by NDCG@10 (ties:
Precision@5, then the simpler setting); the test users only ever report. A best value at an end of
its grid is flagged (`Tuned.edges`): the optimum may lie beyond, and a baseline stuck on an edge
would flatter the default.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from movierec.evaluation.baselines import EASES, Ease, Ranker, ease_ranker, item_ranker
from movierec.evaluation.batch import run_rankers
from movierec.evaluation.methods import Family
from movierec.evaluation.results import ResultRow, Tuned
from movierec.evaluation.split import Case
from movierec.scoring import Scoring
from movierec.vectors import VECTOR_NAMES

LAMBDAS = (100.0, 500.0, 2000.0, 5000.0, 10000.0, 20000.0, 50000.0, 100000.0)
GRID_NEIGHBOURS = (10, 20, 50, 100, 200)
GRID_POWERS = (0.0, 1.0, 2.0)
GRID_DAMPING = (0.0, 0.25, 0.5)
GRID_SEEN = (0.0, 1.0)


# ----------------------------------------------------------------------------- the scoring grid
def grid_scorings(
    neighbors: Sequence[int] = GRID_NEIGHBOURS,
    vectors: Sequence[str] = VECTOR_NAMES,
    powers: Sequence[float] = GRID_POWERS,
    damping: Sequence[float] = GRID_DAMPING,
    seen: Sequence[float] = GRID_SEEN,
) -> list[Scoring]:
    """The full product of the people-only scoring's parameters (it is cheap: `grid_tallies`)."""
    return [
        Scoring(f"{v}-k{k}-p{p:g}-d{d:g}-s{w:g}", k, v, p, d, seen_weight=w)
        for v, p, d, w, k in itertools.product(vectors, powers, damping, seen, neighbors)
    ]


def scoring_params(scoring: Scoring) -> dict[str, Any]:
    return {
        "neighbors": scoring.neighbors,
        "vector": scoring.vector,
        "similarity_power": scoring.similarity_power,
        "popularity_damping": scoring.popularity_damping,
        "min_support": scoring.min_support,
        "seen_weight": scoring.seen_weight,
        "idf_power": scoring.idf_power,
        "graph_weight": scoring.graph_weight,
    }


def select_best(rows: Sequence[ResultRow]) -> ResultRow:
    """Highest NDCG@10, then Precision@5 (then the simpler scoring: fewer neighbors)."""
    return max(rows, key=lambda r: (r.ndcg, r.precision, -(r.params.get("neighbors") or 0)))


# ----------------------------------------------------------------------------- searching a grid
def on_edges(grid: Mapping[str, Sequence[Any]], best: Mapping[str, Any]) -> tuple[str, ...]:
    """Parameters of `best` at the first or last value of a grid with more than one value.

    None (no pruning) is the end of its scale, not a choice of grid: nothing lies beyond it; nor
    does anything lie beyond a grid of named choices (GF-CF's training signal): only numbers count.
    """
    return tuple(
        name
        for name, values in grid.items()
        if len(values) > 1
        and all(isinstance(v, int | float) or v is None for v in values)
        and best[name] is not None
        and best[name] in (values[0], values[-1])
    )


def coordinate_search(
    grid: Mapping[str, Sequence[Any]],
    measure: Callable[[dict[str, Any]], list[ResultRow]],
    rounds: int = 3,
) -> tuple[ResultRow, list[ResultRow]]:
    """Best row over the grid, sweeping one parameter at a time from the middle of every grid
    until a whole round changes nothing: a full product of three 6-value grids of model fits is
    too slow, and these surfaces are smooth enough for a line search to find the top."""
    point = {name: values[len(values) // 2] for name, values in grid.items()}
    measured: dict[tuple, list[ResultRow]] = {}
    tried: list[ResultRow] = []

    def rows_at(p: dict[str, Any]) -> list[ResultRow]:
        key = tuple(p[name] for name in grid)
        if key not in measured:
            measured[key] = measure(dict(p))
            tried.extend(measured[key])
        return measured[key]

    best = select_best(rows_at(point))
    for _ in range(rounds):
        before = dict(point)
        for name, values in grid.items():
            if len(values) < 2:
                continue
            for value in values:
                candidate = select_best(rows_at({**point, name: value}))
                if (candidate.ndcg, candidate.precision) > (best.ndcg, best.precision):
                    best = candidate
            point = {k: best.params[k] for k in grid}
        if point == before:
            break
    return best, tried


# ----------------------------------------------------------------------------- the baselines
def tune_family(
    family: Family,
    train: pd.DataFrame,
    columns: int,
    validation: Sequence[Case],
    allowed: np.ndarray,
    popularity: np.ndarray,
    catalogue_size: int,
    grid: Mapping[str, Sequence[Any]] | None = None,
    progress: bool = False,
) -> tuple[Tuned, Any]:
    """The family's best (parameters, query form) on validation, and that model, fitted."""
    started = time.perf_counter()
    grid = dict(grid if grid is not None else family.grid)
    base = family.build(train, columns)

    def measure(params: dict[str, Any]) -> list[ResultRow]:
        model = base.fit(**params)
        rankers = {form: item_ranker(model, allowed, form) for form in family.queries}
        label = ", ".join(f"{k}={v}" for k, v in params.items())
        done = run_rankers(rankers, validation, popularity, progress, f"{family.name} {label}")
        return [
            t.row(catalogue_size, family.name, params={**params, "query": form})
            for form, t in done.items()
        ]

    best, tried = coordinate_search(grid, measure)
    tuned = Tuned(
        family.name,
        dict(best.params),
        best,
        tuple(tried),
        on_edges(grid, best.params),
        grid,
    )
    model = base.fit(**tuned.model_params())
    return replace(tuned, seconds=time.perf_counter() - started), model


def tune_ease(
    ease: Ease,
    validation: Sequence[Case],
    allowed: np.ndarray,
    popularity: np.ndarray,
    catalogue_size: int,
    lambdas: Sequence[float],
    progress: bool,
) -> tuple[dict[str, float], list[ResultRow]]:
    """λ per EASE variant by NDCG@10 on validation (one matrix inversion per λ serves both)."""
    rows = []
    for lam in lambdas:
        fitted = ease.fit(lam)
        rankers = {name: ease_ranker(fitted, allowed, seen) for name, seen in EASES.items()}
        done = run_rankers(rankers, validation, popularity, progress, f"EASE λ={lam:g}")
        rows += [t.row(catalogue_size, name, params={"lambda": lam}) for name, t in done.items()]
        del fitted, rankers  # the next λ's inversion must not sit beside this one's weights
    best = {
        name: float(select_best([r for r in rows if r.method == name]).params["lambda"])
        for name in EASES
    }
    return best, rows


def ease_tuned(name: str, seen: bool, rows: Sequence[ResultRow], lambdas: Sequence[float]) -> Tuned:
    """An EASE variant's λ sweep in the shape of the other baselines' searches, edges included."""
    mine = tuple(r for r in rows if r.method == name)
    best = select_best(mine)
    grid = {"lambda": tuple(lambdas)}
    params = {"lambda": best.params["lambda"], "query": "seen" if seen else "signed"}
    return Tuned(name, params, best, mine, on_edges(grid, best.params), grid)


@dataclass(frozen=True)
class EaseResult:
    """Both EASE variants tuned on validation: their λ, the sweep, and their rankers."""

    best_lambda: dict[str, float]
    rows: list[ResultRow]
    tuned: list[Tuned]
    rankers: dict[str, Ranker]


def run_ease(
    train: pd.DataFrame,
    columns: int,
    validation: Sequence[Case],
    allowed: np.ndarray,
    popularity: np.ndarray,
    catalogue_size: int,
    lambdas: Sequence[float],
    progress: bool,
) -> EaseResult:
    """Tune both variants, then fit each best λ once (both variants usually share it: one films ×
    films matrix held for the rest of the run instead of two)."""
    ease = Ease(train, columns)
    best, rows = tune_ease(ease, validation, allowed, popularity, catalogue_size, lambdas, progress)
    tuned = [ease_tuned(name, seen, rows, lambdas) for name, seen in EASES.items()]
    fitted = {lam: ease.fit(lam) for lam in sorted(set(best.values()))}
    rankers = {name: ease_ranker(fitted[best[name]], allowed, seen) for name, seen in EASES.items()}
    return EaseResult(best, rows, tuned, rankers)
