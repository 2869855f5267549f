"""Movie nights across weeks (movierec/evaluation/nights.py, `movierec evaluate --nights`): the
fairness rule's weights, a group's sequence of nights, the command on generated data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from movierec.cli import main as cli_main
from movierec.evaluation.nights import NightsRow, choose_k, run_nights
from movierec.evaluation.split import Case
from movierec.scoring import MovieScores, combine_group, fairness_weights, member_fit


def _scores(values: list[float]) -> MovieScores:
    scores = np.array(values)
    return MovieScores(scores, np.ones(len(scores), np.int64), 10)


def test_a_member_the_last_winners_fitted_least_counts_more() -> None:
    history = [{"ann": 1.0, "ben": 0.2}, {"ann": 0.8, "ben": 0.4}]
    weights = fairness_weights(history, ["ann", "ben", "cat"], k=2.0)
    assert weights["ann"] == 1.0 and weights["cat"] == 1.0  # above the mean; no history
    assert weights["ben"] == pytest.approx(1 + 2 * (0.4 + 0.2) / 2)
    assert fairness_weights([], ["ann"], k=2.0) == {"ann": 1.0}
    # only the last `window` nights count
    assert fairness_weights(history, ["ben"], k=2.0, window=1)["ben"] == pytest.approx(1.4)


def test_weights_move_the_group_pick_towards_the_member_who_lost() -> None:
    members = {"ann": _scores([0, 1.0, 0.0, 0.6]), "ben": _scores([0, 0.2, 1.0, 0.6])}
    assert combine_group(members, [], 1)[0][0] in (1, 3)
    assert member_fit(members["ben"], 1) == pytest.approx(0.2)
    picked = combine_group(members, [], 1, weights={"ann": 1.0, "ben": 5.0})[0][0]
    assert picked == 2


def test_a_group_s_nights_never_repeat_a_winner() -> None:
    case = Case(1, {9: 1.0}, frozenset({9}), frozenset({1, 2}))
    other = Case(2, {9: 1.0}, frozenset({9}), frozenset({3}))
    group = [
        (_scores([0, 0.9, 0.8, 0.1, 0.5, 0]), case),
        (_scores([0, 0.1, 0.2, 1, 0.5, 0]), other),
    ]
    per_member, _ = run_nights(group, 0.0, 3, limit=3)
    assert len(per_member) == 2 and per_member[0] > 0 and per_member[1] > 0


def test_k_is_the_best_worst_off_within_the_cost() -> None:
    base = NightsRow("validation", 0.0, 0.10, 0.40, 0.3, 10)
    rows = [
        NightsRow("validation", 1.0, 0.11, 0.399, 0.3, 10),
        NightsRow("validation", 2.0, 0.13, 0.30, 0.3, 10),  # costs too much
    ]
    assert choose_k(rows, base) == 1.0
    assert choose_k(rows[1:], base) == 0.0


def test_evaluate_nights_on_generated_data(
    two_tastes: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MOVIELENS_DIR", str(two_tastes))
    monkeypatch.setenv("MOVIEREC_HOME", str(tmp_path / "home"))
    assert cli_main(["evaluate", "--nights", "--groups", "5", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["nights"] == 10 and report["size"] == 4
    assert report["test_without"]["k"] == 0 and report["test_without"]["groups"] == 5
    assert len(report["validation"]) == 6
