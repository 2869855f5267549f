"""Running the methods: the scoring grid, tuning every baseline on validation, the whole evaluation.

Everything tunable is chosen on the validation users at N = SELECT_REVEALS by NDCG@10 (ties:
Precision@5, then the simpler setting); the test users only ever report.
"""

from __future__ import annotations

import functools
import itertools
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from movierec.evaluation.baselines import (
    EASES,
    IALS,
    Ease,
    ItemKNN,
    Ranker,
    RP3beta,
    ease_ranker,
    ials,
    item_ranker,
    itemknn,
    popular_ranker,
    rp3beta,
)
from movierec.evaluation.metrics import PICKS, ResultRow, Tally
from movierec.evaluation.report import MarginRow, margin_rows
from movierec.evaluation.sizing import MAX_DENSE_FILMS, guarded, most_rated
from movierec.evaluation.split import (
    REVEALS,
    SELECT_REVEALS,
    Case,
    make_cases,
    split_users,
    subsample,
)
from movierec.scoring import SCORINGS, Scoring, aggregate, candidate_mask, rank
from movierec.store.base import Neighbors
from movierec.vectors import VECTOR_NAMES

LAMBDAS = (100.0, 500.0, 2000.0, 5000.0, 10000.0, 20000.0, 50000.0, 100000.0)
GRID_NEIGHBOURS = (10, 20, 50, 100, 200)
GRID_POWERS = (0.0, 1.0, 2.0)
GRID_DAMPING = (0.0, 0.25, 0.5)
GRID_SEEN = (0.0, 1.0)

if TYPE_CHECKING:
    from movierec.recommender import Recommender


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
    "ials": Family("ials", IALS, ials.GRID, ials.QUERIES),
}
SLOW = ("ials",)  # minutes on ml-1m; the others take seconds


# ----------------------------------------------------------------------------- running rankers
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


def scoring_ranker(rec: Recommender, scoring: Scoring) -> Ranker:
    """A named or custom scoring exactly as the bot calls it (`Recommender.recommend`)."""

    def picks(case: Case) -> np.ndarray:
        found = rec.recommend(case.query, PICKS, exclude=case.revealed, scoring=scoring)
        return np.array([p.movie_id for p in found], np.int64)

    return picks


# ----------------------------------------------------------------------------- the scoring grid
def grid_scorings(
    neighbours: Sequence[int] = GRID_NEIGHBOURS,
    vectors: Sequence[str] = VECTOR_NAMES,
    powers: Sequence[float] = GRID_POWERS,
    damping: Sequence[float] = GRID_DAMPING,
    seen: Sequence[float] = GRID_SEEN,
) -> list[Scoring]:
    return [
        Scoring(f"{v}-k{k}-p{p:g}-d{d:g}-s{w:g}", k, v, p, d, seen_weight=w)
        for v, p, d, w, k in itertools.product(vectors, powers, damping, seen, neighbours)
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


def grid_tallies(
    rec: Recommender,
    cases: Sequence[Case],
    scorings: Sequence[Scoring],
    allowed: np.ndarray,
    progress: bool = False,
    desc: str = "Scoring grid",
) -> dict[Scoring, Tally]:
    """Every scoring of the grid on every case, asking Qdrant once per (case, vector).

    The store's neighbour order is total (similarity, then user id), so the k best are the first k
    of the largest request; each scoring then aggregates exactly what `recommend` would.
    """
    if any(s.graph_weight or s.idf_power for s in scorings):
        raise ValueError("the grid shortcut reads the neighbours only: no graph, no IDF query")
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


def select_best(rows: Sequence[ResultRow]) -> ResultRow:
    """Highest NDCG@10, then Precision@5 (then the simpler scoring: fewer neighbours)."""
    return max(rows, key=lambda r: (r.ndcg, r.precision, -r.params.get("neighbors", 0)))


# ----------------------------------------------------------------------------- tuning
@dataclass(frozen=True)
class Tuned:
    """A baseline's best setting on validation, the points tried, and the parameters whose best
    value sits at an end of its grid (the true optimum may lie beyond: widen that grid)."""

    method: str
    params: Mapping[str, Any]  # the model's parameters and the query form
    row: ResultRow
    tried: tuple[ResultRow, ...]
    edges: tuple[str, ...] = ()
    grid: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    seconds: float = 0.0  # building, fitting and measuring every point tried

    def model_params(self) -> dict[str, Any]:
        return {k: v for k, v in self.params.items() if k != "query"}

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "params": dict(self.params),
            "edges": list(self.edges),
            "grid": {k: list(v) for k, v in self.grid.items()},
            "validation": self.row.to_dict(),
            "tried": [r.to_dict() for r in self.tried],
            "seconds": self.seconds,
        }


def on_edges(grid: Mapping[str, Sequence[Any]], best: Mapping[str, Any]) -> tuple[str, ...]:
    """Parameters of `best` at the first or last value of a grid with more than one value.

    None (no pruning) is the end of its scale, not a choice of grid: nothing lies beyond it.
    """
    return tuple(
        name
        for name, values in grid.items()
        if len(values) > 1 and best[name] is not None and best[name] in (values[0], values[-1])
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


# ----------------------------------------------------------------------------- the whole run
@dataclass
class Evaluation:
    dataset: str
    seed: int
    users: dict[str, int]
    ease_lambda: dict[str, float]  # per EASE variant, tuned on validation
    chosen: ResultRow  # the grid's best scoring on validation
    default: dict[str, Any]  # SCORINGS["default"] as shipped
    results: list[ResultRow]  # one row per (split, method, N)
    grid: list[ResultRow]  # validation, N = SELECT_REVEALS
    lambdas: list[ResultRow]
    margins: list[MarginRow] = field(default_factory=list)  # default vs every baseline, paired
    tuned: list[Tuned] = field(default_factory=list)  # EASE and the item/factor baselines
    study: dict[str, Any] = field(default_factory=dict)  # what the study's candidate precomputes
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # what was restricted or skipped, and why

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "seed": self.seed,
            "users": self.users,
            "ease_lambda": self.ease_lambda,
            "chosen": self.chosen.to_dict(),
            "default": self.default,
            "results": [r.to_dict() for r in self.results],
            "grid": [r.to_dict() for r in self.grid],
            "lambdas": [r.to_dict() for r in self.lambdas],
            "margins": [m.to_dict() for m in self.margins],
            "tuned": [t.to_dict() for t in self.tuned],
            "study": self.study,
            "seconds": self.seconds,
            "notes": self.notes,
        }

    def to_json(self) -> str:
        import json

        return json.dumps(self.to_dict(), indent=2)


def dense_methods(families: Mapping[str, Any], study: bool | Mapping[str, Sequence[Any]]) -> str:
    """The methods the films cap applies to in this run, for its note."""
    names = [*EASES, *(n for n in families if FAMILIES[n].dense)]
    return ", ".join([*names, "blend"] if study else names)


def run_evaluation(
    ratings: pd.DataFrame,
    movies: pd.DataFrame,
    *,
    dataset: str = "ratings",
    seed: int = 0,
    reveals: Sequence[int] = REVEALS,
    max_users: int | None = 600,
    lambdas: Sequence[float] = LAMBDAS,
    scorings: Sequence[Scoring] | None = None,
    baselines: Mapping[str, Mapping[str, Sequence[Any]] | None] | None = None,
    study: bool | Mapping[str, Sequence[Any]] = False,
    store: str = "edge",
    workdir: Path | None = None,
    progress: bool = False,
    max_films: int | None = MAX_DENSE_FILMS,
) -> Evaluation:
    """Split, build an index from the training users only, tune on validation, report on test.

    `baselines` names the extra families to tune (rp3beta, itemknn, ials), each with its own grid
    or None for the family's default grid; None means all of them on their default grids.
    `study` adds issue 14's candidate (`study.py`), tuned on validation over its grid (or the one
    given), with its margins against the default and every baseline. The baselines that hold
    films × films matrices see the `max_films` most rated training films only (None: all).
    """
    from movierec.recommender import Recommender

    started = time.perf_counter()
    families = {name: None for name in FAMILIES} if baselines is None else dict(baselines)
    unknown = set(families) - set(FAMILIES)
    if unknown:
        raise ValueError(f"unknown baselines: {', '.join(sorted(unknown))}")
    split = split_users(ratings, seed)
    validation_users = subsample(split.validation_users, max_users, seed)
    test_users = subsample(split.test_users, max_users, seed + 1)
    grid = list(scorings) if scorings is not None else grid_scorings()
    catalogue_size = len(movies)
    notes: list[str] = []
    dense_train, restricted = most_rated(split.train, max_films, dense_methods(families, study))
    notes += [restricted] if restricted else []
    with tempfile.TemporaryDirectory(prefix="movierec-eval-", dir=workdir) as tmp:
        rec = Recommender.build(split.train, movies, Path(tmp) / "index", store=store)
        try:
            columns = rec.manifest.columns
            popularity = rec.popularity
            allowed = np.zeros(columns, bool)
            ids = movies.index.to_numpy(np.int64)
            allowed[ids[ids < columns]] = True
            validation = make_cases(split.held_out, validation_users, SELECT_REVEALS, seed)

            # EASE: λ by NDCG@10 on validation at N = 10.
            eased = guarded(
                "ease, ease-seen",
                functools.partial(
                    run_ease,
                    dense_train,
                    columns,
                    validation,
                    allowed,
                    popularity,
                    catalogue_size,
                    lambdas,
                    progress,
                ),
                notes,
            )
            tuned = list(eased.tuned) if eased else []

            # The scoring grid on validation at N = 10.
            tallies = grid_tallies(rec, validation, grid, allowed, progress)
            grid_rows = [
                t.row(catalogue_size, s.name, params=scoring_params(s)) for s, t in tallies.items()
            ]
            chosen = select_best(grid_rows)
            chosen_scoring = next(s for s in grid if s.name == chosen.method)

            rankers: dict[str, Ranker] = {
                "popular": popular_ranker(popularity, allowed),
                "seed": scoring_ranker(rec, SCORINGS["seed"]),
                "default": scoring_ranker(rec, SCORINGS["default"]),
                "neighbors": scoring_ranker(rec, SCORINGS["neighbors"]),
                **(eased.rankers if eased else {}),
            }
            # the grid's best is a people-only scoring: reported unless `neighbors` already is it
            if scoring_params(chosen_scoring) != scoring_params(SCORINGS["neighbors"]):
                rankers["chosen"] = scoring_ranker(rec, chosen_scoring)

            # The other baselines, each at its best on validation.
            for name, family_grid in families.items():
                family = FAMILIES[name]
                found = guarded(
                    name,
                    functools.partial(
                        tune_family,
                        family,
                        dense_train if family.dense else split.train,
                        columns,
                        validation,
                        allowed,
                        popularity,
                        catalogue_size,
                        family_grid,
                        progress,
                    ),
                    notes,
                )
                if found is not None:
                    best_of, model = found
                    tuned.append(best_of)
                    rankers[name] = item_ranker(model, allowed, best_of.params["query"])

            study_info: dict[str, Any] = {}
            if study:
                from movierec.evaluation import study as blend

                study_started = time.perf_counter()
                blender = blend.Blender(rec, RP3beta(dense_train, columns), allowed)
                study_grid = None if study is True else study
                best_blend = blend.tune_blend(
                    blender, validation, popularity, catalogue_size, study_grid, progress=progress
                )
                tuned.append(replace(best_blend, seconds=time.perf_counter() - study_started))
                params = best_blend.params
                rankers[blend.NAME] = blender.ranker(params, params["graph_weight"])
                cost = blend.graph_cost(
                    dense_train,
                    columns,
                    params["alpha"],
                    params["beta"],
                    params["graph_neighbours"],
                )
                study_info = {"graph": cost.to_dict()}

            results: list[ResultRow] = []
            margins: list[MarginRow] = []
            held = (("validation", validation_users), ("test", test_users))
            for (split_name, users), n in itertools.product(held, reveals):
                cases = make_cases(split.held_out, users, n, seed)
                done = run_rankers(rankers, cases, popularity, progress, f"{split_name} N={n}")
                results += [
                    t.row(catalogue_size, name, split=split_name, reveals=n)
                    for name, t in done.items()
                ]
                versus = ("seed", "neighbors", *EASES, *families)
                margins += margin_rows(done, "default", versus, split_name, n)
                if study:
                    margins += margin_rows(done, "blend", ("default", *versus), split_name, n)
        finally:
            rec.close()
    return Evaluation(
        dataset=dataset,
        seed=seed,
        users={
            "train": int(split.train["user_id"].nunique()),
            "validation": len(validation_users),
            "test": len(test_users),
        },
        ease_lambda=eased.best_lambda if eased else {},
        chosen=chosen,
        default={"method": "default", **scoring_params(SCORINGS["default"])},
        results=results,
        grid=grid_rows,
        lambdas=eased.rows if eased else [],
        margins=margins,
        tuned=tuned,
        study=study_info,
        seconds=time.perf_counter() - started,
        notes=notes,
    )
