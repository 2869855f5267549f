"""`movierec evaluate` (movierec/cli.py): its options, a run on generated data, its refusals, and
`--quick` on ml-latest-small."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest

from movierec.cli import main as cli_main
from movierec.evaluation.sizing import QUICK
from tests.conftest import ML1M


def test_evaluate_help_lists_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["evaluate", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    options = ("--reveals", "--max-users", "--lambdas", "--skip", "--fast", "--plot", "--json")
    options += ("--quick", "--max-films")
    for option in (*options, "--seed"):
        assert option in out


# Not marked slow (2-3 s here): the inner loop's one whole evaluation, run.py end to end.
def test_evaluate_command_runs_on_generated_data(
    two_tastes: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MOVIELENS_DIR", str(two_tastes))
    monkeypatch.setenv("MOVIEREC_HOME", str(tmp_path / "home"))
    plot_path = tmp_path / "eval.png"
    argv = [
        "evaluate",
        "--reveals",
        "5",
        "--lambdas",
        "10",
        "--max-users",
        "10",
        "--fast",
        "--json",
    ]
    code = cli_main([*argv, "--plot", str(plot_path)])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["dataset"] == "tiny" and report["users"]["test"] == 10
    assert {r["reveals"] for r in report["results"]} == {5}
    assert "gfcf" in {r["method"] for r in report["results"]}
    assert {"top100-share", "precision@5-outside-top100", "popularity-rank"} <= set(
        report["results"][0]
    )
    assert plot_path.read_bytes()[:4] == b"\x89PNG"
    argv = ["evaluate", "--reveals", "5", "--lambdas", "10", "--max-users", "10"]
    assert cli_main([*argv, "--skip", "rp3beta", "itemknn", "ials", "--max-films", "30"]) == 0
    text = capsys.readouterr().out
    assert "Test split:" in text and "precision@5" in text and "default vs seed" in text
    assert "top-100" in text and "P@5 outside" in text and "pop. rank" in text
    note = "Note: ease, ease-seen, gfcf: restricted to the 30 most rated of 40 training films"
    assert note in text


def test_evaluate_refuses_bad_numbers_with_one_line(
    two_tastes: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MOVIELENS_DIR", str(two_tastes))
    assert cli_main(["evaluate", "--lambdas", "-1"]) == 2
    assert "--lambdas must be positive" in capsys.readouterr().err


@pytest.mark.slow
def test_evaluate_quick_on_ml_latest_small_is_ci_sized(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The whole `movierec evaluate --quick` on a real catalogue of 9,700 films (about 30 s here):
    every row present, every number a share, the default ahead of most-popular, and the note that
    the dense baselines saw only the most rated films."""
    data = ML1M.parent / "ml-latest-small"
    assert (data / "ratings.csv").is_file(), f"ml-latest-small not found at {data}"
    monkeypatch.setenv("MOVIELENS_DIR", str(data))
    monkeypatch.setenv("MOVIEREC_HOME", str(tmp_path / "home"))
    assert cli_main(["evaluate", "--quick", "--json"]) == 0  # its time: docs/evaluation.md
    report = json.loads(capsys.readouterr().out)
    assert report["dataset"] == "ml-latest-small"
    assert report["users"]["validation"] > 40 and report["users"]["test"] > 50
    cells = {(r["split"], r["method"], r["reveals"]): r for r in report["results"]}
    methods = (
        *("popular", "seed", "default", "neighbors"),
        *("ease", "ease-seen", "rp3beta", "itemknn", "gfcf"),
    )
    for key in itertools.product(("validation", "test"), methods, (5, 10, 20)):
        assert key in cells, key
    assert not any(m == "ials" for _, m, _ in cells)  # --quick skips the slow baseline
    for row in cells.values():
        for metric in ("precision@5", "ndcg@10", "recall@20", "coverage", "top100-share"):
            assert 0.0 <= row[metric] <= 1.0, (row["method"], metric)
        assert row["precision@5-outside-top100"] <= row["precision@5"], row["method"]
        assert row["popularity-rank"] >= 1.0, row["method"]
    for n in (5, 10, 20):
        default, popular = cells[("test", "default", n)], cells[("test", "popular", n)]
        assert default["precision@5"] > popular["precision@5"], n
        assert default["coverage"] > popular["coverage"], n
    assert len(report["grid"]) == math.prod(len(v) for v in QUICK.scorings.values())
    # ml-latest-small's training films far exceed the cap: one note says so
    (restricted,) = [n for n in report["notes"] if "most rated of" in n]
    expected = f"restricted to the {QUICK.max_films:,} most rated"
    assert restricted.startswith(f"ease, ease-seen, rp3beta, itemknn, gfcf: {expected}")
