"""`movierec evaluate`: the whole run, from the ratings to an `Evaluation`.

Split by user, build an index from the training users only, tune every tunable method on the
validation users (`tuning`, `study`), then score every method on both held-out sets at every N
(`batch`) with paired margins; printing and plotting are `report`'s.
"""

from __future__ import annotations

import functools
import itertools
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from movierec.evaluation import study as blend
from movierec.evaluation.baselines import EASES, Ranker, RP3beta, item_ranker
from movierec.evaluation.batch import grid_tallies, run_rankers
from movierec.evaluation.methods import FAMILIES, scoring_ranker, shipped_rankers
from movierec.evaluation.metrics import margin_rows
from movierec.evaluation.results import Evaluation, MarginRow, ResultRow
from movierec.evaluation.sizing import MAX_DENSE_FILMS, guarded, most_rated
from movierec.evaluation.split import REVEALS, SELECT_REVEALS, make_cases, split_users, subsample
from movierec.evaluation.tuning import (
    LAMBDAS,
    grid_scorings,
    run_ease,
    scoring_params,
    select_best,
    tune_family,
)
from movierec.scoring import SCORINGS, Scoring


def dense_methods(families: Mapping[str, Any], study: bool | Mapping[str, Sequence[Any]]) -> str:
    """The methods the films cap applies to in this run, for its note."""
    names = [*EASES, *(n for n in families if FAMILIES[n].dense)]
    return ", ".join([*names, blend.NAME] if study else names)


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

    `baselines` names the extra families to tune (rp3beta, itemknn, gfcf, ials), each with its
    own grid or None for the family's default grid; None means all of them on their default grids.
    `study` adds the blend re-tuned (`study.py`) on validation over its grid (or the one given),
    with its margins against the default and every baseline. The baselines that hold films ×
    films matrices see the `max_films` most rated training films only (None: all).
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
                **shipped_rankers(rec, allowed),
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
                study_started = time.perf_counter()
                study_grid = blend.GRID if study is True else study
                largest = max(study_grid.get("neighbors", (blend.FIXED["neighbors"],)))
                candidate = blend.Study(rec, RP3beta(dense_train, columns), allowed, largest)
                best_blend = blend.tune(
                    candidate, validation, popularity, catalogue_size, study_grid, progress=progress
                )
                tuned.append(replace(best_blend, seconds=time.perf_counter() - study_started))
                params = best_blend.params
                rankers[blend.NAME] = candidate.ranker(params, params["graph_weight"])
                cost = blend.graph_cost(
                    dense_train,
                    columns,
                    params["alpha"],
                    params["beta"],
                    params["graph_neighbors"],
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
                    margins += margin_rows(done, blend.NAME, ("default", *versus), split_name, n)
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
