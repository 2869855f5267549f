"""movierec/evaluation/study.py: the blend of the neighbors and the item graph, and the shipped
default at its tuned point."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from movierec.data import load_dataset
from movierec.evaluation import study
from movierec.evaluation.baselines import RP3beta, item_ranker
from movierec.evaluation.methods import scoring_ranker
from movierec.evaluation.split import make_cases, split_users
from movierec.graph import ALPHA, BETA, SUCCESSORS
from movierec.recommender import Recommender
from movierec.scoring import SCORINGS, idf


def test_the_shipped_default_is_the_studys_blend_at_its_tuned_point(
    two_tastes: Path, tmp_path: Path
) -> None:
    """The study at the default's point (its graph RP3beta of the training matrix at the index's
    α, β and successors) picks what `recommend` picks: the evaluation measures what ships."""
    data = load_dataset(two_tastes)
    split = split_users(data.ratings, seed=0)
    cases = make_cases(split.held_out, split.test_users, 5)
    # the bot knows likes and dislikes only; the study also reads 3-star reveals as seen
    signed = [c for c in cases if c.revealed == set(c.query)]
    assert len(signed) >= 5
    default = SCORINGS["default"]
    assert default.graph_weight > 0 and default.idf_power > 0
    with Recommender.build(split.train, data.movies, tmp_path / "index") as rec:
        columns = rec.manifest.columns
        allowed = np.zeros(columns, bool)
        allowed[1:] = True
        candidate = study.Study(rec, RP3beta(split.train, columns), allowed, default.neighbors)
        assert {
            **{name: getattr(default, name) for name in study.SCORING_PARAMS},
            "alpha": ALPHA,
            "beta": BETA,
            "graph_neighbors": SUCCESSORS,
        } == study.FIXED
        assert study.scoring_at(study.FIXED, default.graph_weight) == replace(default, name="blend")
        as_shipped = scoring_ranker(rec, default)
        for case in signed:
            expected = candidate.ranker(study.FIXED, default.graph_weight)(case).tolist()
            assert as_shipped(case).tolist() == expected


def test_the_blends_ends_are_the_neighbors_and_the_item_graph(
    two_tastes: Path, tmp_path: Path
) -> None:
    data = load_dataset(two_tastes)
    split = split_users(data.ratings, seed=0)
    cases = make_cases(split.held_out, split.test_users, 5)
    with Recommender.build(split.train, data.movies, tmp_path / "index") as rec:
        columns = rec.manifest.columns
        allowed = np.zeros(columns, bool)
        allowed[1:] = True
        base = RP3beta(split.train, columns)
        neighbors = SCORINGS["neighbors"]
        candidate = study.Study(rec, base, allowed, largest=200)
        params = {
            **{name: getattr(neighbors, name) for name in study.SCORING_PARAMS},
            "alpha": 0.75,
            "beta": 0.5,
            "graph_neighbors": 10,
        }
        graph = base.fit(0.75, 0.5, 10)
        rp3 = item_ranker(graph, allowed, "seen")
        as_shipped = scoring_ranker(rec, neighbors)
        for case in cases:
            # 100 neighbors of 160 rated every film, so the candidates are the neighbors'
            assert candidate.ranker(params, 0.0)(case).tolist() == as_shipped(case).tolist()
            positive = int((graph.scores(case.seen())[1:] > 0).sum()) - len(case.revealed)
            n = min(max(positive, 0), 20)
            assert candidate.ranker(params, 1.0)(case)[:n].tolist() == rp3(case)[:n].tolist()
            assert not set(candidate.ranker(params, 0.5)(case).tolist()) & case.revealed
        # the largest request serves every smaller k: the first k of it are the k nearest
        case = cases[0]
        near = candidate.neighbors(case, replace(neighbors, neighbors=7))
        direct = rec.store.neighbors(case.query, 7, neighbors.vector)
        assert near.ids.tolist() == direct.ids.tolist()
    # Qdrant's IDF: rare films weigh more, a film everybody rated weighs ln(1 + 0.5 / (N + 0.5))
    assert idf(np.array([0, 10, 100]), 100).tolist() == pytest.approx(
        [math.log1p(100.5 / 0.5), math.log1p(90.5 / 10.5), math.log1p(0.5 / 100.5)]
    )
