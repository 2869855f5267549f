"""movierec/evaluation/run.py (and the report of its result): a whole evaluation of two clear
tastes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from movierec.data import load_dataset
from movierec.evaluation import report, study
from movierec.evaluation.run import run_evaluation
from movierec.evaluation.split import split_users
from movierec.evaluation.tuning import grid_scorings
from movierec.recommender import Recommender


@pytest.mark.slow
def test_run_evaluation_on_two_tastes(
    two_tastes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = load_dataset(two_tastes)
    built: list[Recommender] = []
    original = Recommender.build

    def spy(*args, **kwargs) -> Recommender:
        rec = original(*args, **kwargs)
        built.append(rec)
        return rec

    monkeypatch.setattr(Recommender, "build", spy)
    result = run_evaluation(
        data.ratings,
        data.movies,
        seed=0,
        reveals=(5, 10),
        lambdas=(1.0, 50.0),
        scorings=grid_scorings((5, 20), powers=(0.0, 1.0), damping=(0.0,)),
        baselines={
            "rp3beta": {"alpha": (0.5, 1.0), "beta": (0.0, 0.5), "neighbors": (10,)},
            "itemknn": {"shrink": (0.0, 10.0), "neighbors": (10, None)},
            "gfcf": {"alpha": (0.0, 0.3), "factors": (4,), "signal": ("seen", "liked")},
            "ials": {"factors": (4,), "regularization": (0.1, 10.0), "alpha": (1.0,)},
        },
        study={"neighbors": (20,), "idf_power": (0.0, 0.5), "graph_neighbors": (10,)},
        workdir=tmp_path,
    )
    split = split_users(data.ratings, seed=0)
    (rec,) = built
    held = set(split.test_users) | set(split.validation_users)
    assert not set(rec.vectors.user_ids.tolist()) & held
    assert result.users["test"] == 20 and result.users["validation"] == 18
    assert set(result.ease_lambda) == {"ease", "ease-seen"}
    assert set(result.ease_lambda.values()) <= {1.0, 50.0}
    assert len(result.grid) == 2 * 2 * 2 * 2 and result.chosen in result.grid
    cells = {(r.split, r.method, r.reveals): r for r in result.results}
    methods = (
        "popular",
        "seed",
        "default",
        "neighbors",
        "ease",
        "ease-seen",
        "rp3beta",
        "itemknn",
        "gfcf",
        "ials",
    )
    methods += ("blend",)
    assert {m for _, m, _ in cells} >= set(methods)
    tuned = {t.method: t for t in result.tuned}
    assert set(tuned) == {"ease", "ease-seen", "rp3beta", "itemknn", "gfcf", "ials", "blend"}
    assert tuned["blend"].params["graph_weight"] in study.WEIGHTS
    assert result.study["graph"]["edges"] <= result.study["graph"]["films"] * 10
    assert tuned["rp3beta"].params["neighbors"] == 10 and "neighbors" not in tuned["rp3beta"].edges
    assert tuned["rp3beta"].params["query"] in ("signed", "seen")
    assert tuned["ials"].params["query"] in ("liked", "seen")
    assert "signal" not in tuned["gfcf"].edges  # a named choice has no edge
    for t in tuned.values():  # every winner was measured; a 2-number grid's winner is on an edge
        assert t.row in t.tried
        numeric = {k for k, v in t.grid.items() if len(v) == 2 and not isinstance(v[0], str)}
        assert numeric <= set(t.edges) <= set(t.grid)
    for n in (5, 10):
        test = {m: cells[("test", m, n)] for m in methods}
        # two clear tastes: neighbors find the right half of the catalogue, popularity cannot
        assert test["seed"].precision > test["popular"].precision + 0.2
        assert test["default"].ndcg > test["popular"].ndcg + 0.2
        # everybody watched random films, so only a model of the likes sees the tastes
        assert test["ials"].ndcg > test["popular"].ndcg + 0.2
        for row in test.values():
            assert 0 < row.users <= 20
            assert 0.0 <= row.precision <= 1.0 and 0.0 <= row.coverage <= 1.0
    baselines = ("seed", "neighbors", "ease", "ease-seen", "rp3beta", "itemknn", "gfcf", "ials")
    assert {(m.method, m.versus, m.metric) for m in report.margins(result, "test", 10)} == {
        (method, versus, metric)
        for method, against in (("default", baselines), ("blend", ("default", *baselines)))
        for versus in against
        for metric in ("precision@5", "ndcg@10")
    }
    assert "default" in report.format_table(result)
    png = report.plot(result, tmp_path / "img" / "plot.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads(result.to_json())["ease_lambda"] == result.ease_lambda
