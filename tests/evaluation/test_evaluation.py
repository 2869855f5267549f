"""The evaluation harness: metrics on hand-made lists, the split, EASE, the tuned baselines, the
study's blend, and small runs end to end."""

from __future__ import annotations

import itertools
import json
import math
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from movierec.cli import main as cli_main
from movierec.data import load_dataset
from movierec.evaluation import report, study
from movierec.evaluation.baselines import Ease, RP3beta, ease_weights, item_ranker
from movierec.evaluation.batch import grid_tallies
from movierec.evaluation.methods import scoring_ranker
from movierec.evaluation.metrics import Tally, ndcg_at_k, precision_at_k, recall_at_k
from movierec.evaluation.results import Metric, ResultRow
from movierec.evaluation.run import run_evaluation
from movierec.evaluation.sizing import QUICK, guarded, most_rated
from movierec.evaluation.split import Case, make_cases, split_users
from movierec.evaluation.tuning import coordinate_search, grid_scorings, on_edges
from movierec.graph import ALPHA, BETA, SUCCESSORS
from movierec.recommender import Recommender
from movierec.scoring import SCORINGS, Scoring, aggregate, idf
from movierec.vectors import UserVectors
from movierec.vectorstore.base import Neighbors
from tests.conftest import ML1M

N_MOVIES = 40


def write_two_tastes(folder: Path, users: int = 200, seed: int = 3) -> Path:
    """A MovieLens-layout CSV data set with two tastes: taste A loves films 1–20 and dislikes 21–40,
    taste B the opposite. Each person rated 24 random films, a few at 3 stars."""
    rng = np.random.default_rng(seed)
    rows = []
    for user in range(1, users + 1):
        taste_a = user % 2 == 0
        for movie in rng.choice(np.arange(1, N_MOVIES + 1), 24, replace=False):
            liked = (movie <= N_MOVIES // 2) == taste_a
            stars = rng.choice([4, 5]) if liked else rng.choice([1, 2])
            if rng.random() < 0.1:
                stars = 3
            rows.append((user, int(movie), float(stars), 0))
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=["userId", "movieId", "rating", "timestamp"]).to_csv(
        folder / "ratings.csv", index=False
    )
    pd.DataFrame(
        {
            "movieId": range(1, N_MOVIES + 1),
            "title": [f"Film {i} (2000)" for i in range(1, N_MOVIES + 1)],
            "genres": ["Drama"] * N_MOVIES,
        }
    ).to_csv(folder / "movies.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def two_tastes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_two_tastes(tmp_path_factory.mktemp("two-tastes") / "tiny")


# ----------------------------------------------------------------------------- metrics
def test_precision_counts_hits_in_the_first_k_over_k() -> None:
    assert precision_at_k([1, 2, 3, 4, 5, 6], {2, 5, 6, 9}, 5) == pytest.approx(2 / 5)
    assert precision_at_k([2, 5], {2, 5}, 5) == pytest.approx(2 / 5)  # a short list is not rewarded
    assert precision_at_k([7, 8, 9], {1}, 5) == 0.0


def test_ndcg_discounts_by_rank_and_is_one_for_an_ideal_list() -> None:
    # hit at rank 2 only, two targets: DCG = 1/log2(3), ideal = 1 + 1/log2(3)
    expected = (1 / math.log2(3)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k([1, 2, 3], {2, 5}, 10) == pytest.approx(expected)
    assert ndcg_at_k([5, 2, 3], {2, 5}, 10) == pytest.approx(1.0)
    assert ndcg_at_k([3, 5, 2], {2, 5}, 10) < ndcg_at_k([5, 3, 2], {2, 5}, 10)
    assert ndcg_at_k([1, 2], set(), 10) == 0.0
    # more targets than k: the ideal list is k hits
    assert ndcg_at_k(list(range(10)), set(range(100)), 10) == pytest.approx(1.0)


def test_recall_is_normalised_by_the_smaller_of_k_and_the_targets() -> None:
    assert recall_at_k([1, 2, 3], {1, 3, 7}, 20) == pytest.approx(2 / 3)
    assert recall_at_k(list(range(20)), set(range(40)), 20) == pytest.approx(1.0)
    assert recall_at_k(list(range(30)), {25}, 20) == 0.0  # beyond the cut-off
    assert recall_at_k([1], set(), 20) == 0.0


def test_tally_coverage_and_popularity_look_at_the_five_shown_picks() -> None:
    popularity = np.arange(20, dtype=np.int64) * 10
    tally = Tally()
    case = Case(1, {1: 1.0}, frozenset({1}), frozenset({2, 3}))
    tally.add(np.array([2, 4, 6, 8, 10, 12]), case, popularity)
    tally.add(
        np.array([2, 3, 5, 7, 9]), Case(2, {1: 1.0}, frozenset({1}), frozenset({9})), popularity
    )
    row = tally.row(catalogue_size=20, method="m")
    assert row.users == 2 and row.method == "m"
    assert tally.mean(Metric.NDCG) == row.ndcg and tally.mean(Metric.RECALL) == row.recall
    with pytest.raises(ValueError, match="per-user"):
        tally.mean(Metric.COVERAGE)  # a property of everybody's picks together, not a mean
    assert set(tally.per_user) == {1, 2} and tally.per_user[2][Metric.PRECISION] == pytest.approx(
        1 / 5
    )
    assert row.value(Metric.PRECISION) == row.precision == pytest.approx((1 / 5 + 1 / 5) / 2)
    assert row.coverage == pytest.approx(len({2, 4, 6, 8, 10, 3, 5, 7, 9}) / 20)  # 12 not shown
    assert row.popularity == pytest.approx(10 * (2 + 4 + 6 + 8 + 10 + 2 + 3 + 5 + 7 + 9) / 10)


# ----------------------------------------------------------------------------- seen weight
def test_seen_weight_adds_a_per_rater_bonus_and_leaves_support_alone() -> None:
    """The Scoring parameter this work added: 0 (seed) changes nothing, w adds w per rater."""
    vectors = UserVectors(
        user_ids=np.array([10, 20, 30]),
        indptr=np.array([0, 2, 5, 6]),
        indices=np.array([1, 2, 1, 3, 4, 4]),
        values=np.array([1.0, -1.0, 2.0, 0.5, -0.5, 3.0]),
    )
    near = Neighbors(np.array([20, 10]), np.array([4.0, 1.0]))
    plain = aggregate(near, vectors, Scoring(), n_columns=5)
    assert plain.scores.tolist() == [0.0, 3.0, -1.0, 0.5, -0.5]
    seen = aggregate(near, vectors, Scoring(seen_weight=1.0), n_columns=5)
    assert seen.scores.tolist() == [0.0, 5.0, 0.0, 1.5, 0.5]  # + 1 per neighbor who rated it
    weighted = aggregate(near, vectors, Scoring(similarity_power=1.0, seen_weight=0.5), n_columns=5)
    assert weighted.scores.tolist() == [0.0, 4 * 2.5 + 1 * 1.5, 1 * -0.5, 4 * 1.0, 4 * 0.0]
    assert seen.support.tolist() == plain.support.tolist() == [0, 2, 0, 1, 0]
    assert SCORINGS["seed"].seen_weight == 0.0
    with pytest.raises(ValueError, match="seen_weight"):
        Scoring(seen_weight=-1.0)


# ----------------------------------------------------------------------------- reveal protocol
def test_reveals_sign_likes_and_dislikes_and_hide_three_star_films() -> None:
    stars = [5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5, 4]
    ratings = pd.DataFrame(
        {"user_id": 7, "movie_id": np.arange(100, 112), "rating": np.array(stars, np.float32)}
    )
    by_movie = dict(zip(range(100, 112), stars, strict=True))
    for n in (3, 6, 9):
        (case,) = make_cases(ratings, [7], n, seed=1)
        assert len(case.revealed) == n
        assert set(case.query) <= case.revealed
        for movie in case.revealed:
            if by_movie[movie] == 3:
                assert movie not in case.query
            else:
                assert case.query[movie] == (1.0 if by_movie[movie] >= 4 else -1.0)
        assert case.targets == {m for m, s in by_movie.items() if s >= 4} - case.revealed
        assert make_cases(ratings, [7], n, seed=1) == [case]  # seeded
    assert make_cases(ratings, [7], 12, seed=1) == []  # fewer than N + 1 ratings


def test_users_with_no_target_or_no_signed_reveal_are_skipped() -> None:
    only_dislikes = pd.DataFrame({"user_id": 1, "movie_id": range(10), "rating": 1.0})
    only_threes = pd.DataFrame({"user_id": 2, "movie_id": range(10), "rating": 3.0})
    frame = pd.concat([only_dislikes, only_threes])
    assert make_cases(frame, [1, 2], 5) == []


# ----------------------------------------------------------------------------- split
def test_the_index_never_holds_a_held_out_users_ratings(two_tastes: Path, tmp_path: Path) -> None:
    data = load_dataset(two_tastes)
    split = split_users(data.ratings, seed=5)
    held = set(split.test_users) | set(split.validation_users)
    assert len(split.test_users) == 20 and len(split.validation_users) == 18
    assert not set(split.test_users) & set(split.validation_users)
    assert not held & set(split.train["user_id"])
    assert set(split.held_out["user_id"]) == held
    assert len(split.train) + len(split.held_out) == len(data.ratings)
    with Recommender.build(split.train, data.movies, tmp_path / "index") as rec:
        indexed = set(rec.vectors.user_ids.tolist())
        assert indexed == set(split.train["user_id"].tolist())
        assert not indexed & held
        assert rec.popularity.sum() == len(split.train)  # counts come from training users only
    again = split_users(data.ratings, seed=5)
    assert np.array_equal(again.test_users, split.test_users)
    assert not np.array_equal(split_users(data.ratings, seed=6).test_users, split.test_users)


# ----------------------------------------------------------------------------- EASE
def test_ease_matches_per_column_ridge_regressions() -> None:
    """EASE's closed form equals, column by column, ridge regression of the item on all others."""
    rng = np.random.default_rng(0)
    x = (rng.random((30, 6)) < 0.4).astype(float)
    lam = 2.5
    weights = ease_weights(x.T @ x, lam)
    assert np.allclose(np.diag(weights), 0.0)
    for j in range(6):
        others = [i for i in range(6) if i != j]
        a = x[:, others]
        expected = np.linalg.solve(a.T @ a + lam * np.eye(5), a.T @ x[:, j])
        assert np.allclose(weights[others, j], expected)


def test_ease_scores_the_signed_reveals_by_movie_id() -> None:
    train = pd.DataFrame(
        {
            "user_id": [1, 1, 2, 2, 2, 3, 3],
            "movie_id": [10, 30, 10, 30, 50, 30, 50],
            "rating": [5.0, 4, 1, 2, 5, 4, 4],
        }
    )
    ease = Ease(train, n_columns=60).fit(1.0)
    assert ease.items.tolist() == [10, 30, 50]
    x = np.array([[1, 1, 0], [1, 1, 1], [0, 1, 1]], float)
    b = ease_weights(x.T @ x, 1.0)
    scores = ease.scores({10: 1.0, 50: -1.0, 20: 1.0})  # 20 has no training rating: ignored
    assert np.allclose(scores[[10, 30, 50]], b[0] - b[2])
    assert np.isneginf(scores[20]) and np.isneginf(scores[59])


# ----------------------------------------------------------------------------- end to end
def test_grid_shortcut_picks_exactly_what_recommend_picks(two_tastes: Path, tmp_path: Path) -> None:
    data = load_dataset(two_tastes)
    split = split_users(data.ratings, seed=0)
    cases = make_cases(split.held_out, split.test_users, 5)
    assert cases
    scorings = [SCORINGS["seed"], SCORINGS["neighbors"], *grid_scorings((3, 10), damping=(0.5,))]
    allowed = np.zeros(N_MOVIES + 1, bool)
    allowed[1:] = True
    with Recommender.build(split.train, data.movies, tmp_path / "index") as rec:
        grid = grid_tallies(rec, cases, scorings, allowed)
        for scoring in scorings:
            direct = Tally()
            for case in cases:
                direct.add(scoring_ranker(rec, scoring)(case), case, rec.popularity)
            assert grid[scoring].per_user == direct.per_user, scoring.name
            assert grid[scoring].picked == direct.picked


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
        "ials",
    )
    methods += ("blend",)
    assert {m for _, m, _ in cells} >= set(methods)
    tuned = {t.method: t for t in result.tuned}
    assert set(tuned) == {"ease", "ease-seen", "rp3beta", "itemknn", "ials", "blend"}
    assert tuned["blend"].params["graph_weight"] in study.WEIGHTS
    assert result.study["graph"]["edges"] <= result.study["graph"]["films"] * 10
    assert tuned["rp3beta"].params["neighbors"] == 10 and "neighbors" not in tuned["rp3beta"].edges
    assert tuned["rp3beta"].params["query"] in ("signed", "seen")
    assert tuned["ials"].params["query"] in ("liked", "seen")
    for t in tuned.values():  # every winner was measured, and a 2-value grid's winner is on an edge
        assert t.row in t.tried
        assert {k for k, v in t.grid.items() if len(v) == 2} <= set(t.edges) <= set(t.grid)
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
    baselines = ("seed", "neighbors", "ease", "ease-seen", "rp3beta", "itemknn", "ials")
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


# ----------------------------------------------------------------------------- CLI
def test_evaluate_help_lists_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["evaluate", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    options = ("--reveals", "--max-users", "--lambdas", "--skip", "--fast", "--plot", "--json")
    options += ("--quick", "--max-films")
    for option in (*options, "--seed"):
        assert option in out


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
    assert plot_path.read_bytes()[:4] == b"\x89PNG"
    argv = ["evaluate", "--reveals", "5", "--lambdas", "10", "--max-users", "10"]
    assert cli_main([*argv, "--skip", "rp3beta", "itemknn", "ials", "--max-films", "30"]) == 0
    text = capsys.readouterr().out
    assert "Test split:" in text and "precision@5" in text and "default vs seed" in text
    assert "Note: ease, ease-seen: restricted to the 30 most rated of 40 training films" in text


def test_evaluate_refuses_bad_numbers_with_one_line(
    two_tastes: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MOVIELENS_DIR", str(two_tastes))
    assert cli_main(["evaluate", "--lambdas", "-1"]) == 2
    assert "--lambdas must be positive" in capsys.readouterr().err


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
    methods = ("popular", "seed", "default", "neighbors", "ease", "ease-seen", "rp3beta", "itemknn")
    for key in itertools.product(("validation", "test"), methods, (5, 10, 20)):
        assert key in cells, key
    assert not any(m == "ials" for _, m, _ in cells)  # --quick skips the slow baseline
    for row in cells.values():
        for metric in ("precision@5", "ndcg@10", "recall@20", "coverage"):
            assert 0.0 <= row[metric] <= 1.0, (row["method"], metric)
    for n in (5, 10, 20):
        default, popular = cells[("test", "default", n)], cells[("test", "popular", n)]
        assert default["precision@5"] > popular["precision@5"], n
        assert default["coverage"] > popular["coverage"], n
    assert len(report["grid"]) == math.prod(len(v) for v in QUICK.scorings.values())
    # ml-latest-small's training films far exceed the cap: one note says so
    (restricted,) = [n for n in report["notes"] if "most rated of" in n]
    expected = f"restricted to the {QUICK.max_films:,} most rated"
    assert restricted.startswith(f"ease, ease-seen, rp3beta, itemknn: {expected}")


def test_most_rated_keeps_the_most_rated_films_and_says_what_it_dropped() -> None:
    train = pd.DataFrame(
        {"user_id": [1, 2, 3, 1, 2, 1, 4], "movie_id": [7, 7, 7, 5, 5, 9, 3], "rating": 4.0}
    )
    kept, note = most_rated(train, 2, "ease")
    assert sorted(set(kept["movie_id"])) == [5, 7] and len(kept) == 5
    assert note == (
        "ease: restricted to the 2 most rated of 4 training films (71% of the training ratings; "
        "films × films matrices; --max-films to change)"
    )
    tied, _ = most_rated(train, 3, "ease")  # 9 and 3 both have one rating: the lower id stays
    assert sorted(set(tied["movie_id"])) == [3, 5, 7]
    assert most_rated(train, 4, "ease") == (train, None)
    assert most_rated(train, None, "ease") == (train, None)


def test_a_baseline_out_of_memory_is_skipped_with_a_note() -> None:
    notes: list[str] = []

    def too_big() -> None:
        raise MemoryError

    assert guarded("rp3beta", too_big, notes) is None
    assert guarded("itemknn", lambda: 3, notes) == 3
    assert notes == ["rp3beta: skipped, out of memory (lower --max-films)"]


# ----------------------------------------------------------------------------- tuning
def row_of(method: str, ndcg: float, params: dict) -> ResultRow:
    return ResultRow(method, 1, 0.0, ndcg, 0.0, 0.0, 0.0, params=params)


def test_coordinate_search_climbs_to_the_top_and_says_when_it_is_on_an_edge() -> None:
    grid = {"a": (0, 1, 2, 3, 4), "b": (10, 20, 30)}
    calls: list[dict] = []

    def measure(top: dict) -> Callable[[dict], list[ResultRow]]:
        def rows(params: dict) -> list[ResultRow]:
            calls.append(params)
            distance = abs(params["a"] - top["a"]) + abs(params["b"] - top["b"]) / 10
            return [row_of("m", 1.0 - distance, params)]

        return rows

    best, tried = coordinate_search(grid, measure({"a": 1, "b": 20}))
    assert best.params == {"a": 1, "b": 20} and best in tried
    assert on_edges(grid, best.params) == ()
    assert len(calls) == len({tuple(c.values()) for c in calls})  # each point measured once
    best, _ = coordinate_search(grid, measure({"a": 4, "b": 10}))
    assert best.params == {"a": 4, "b": 10}
    assert on_edges(grid, best.params) == ("a", "b")
    assert on_edges({"a": (4,)}, {"a": 4}) == ()  # a single value is no edge
    assert on_edges({"k": (10, 100, None)}, {"k": None}) == ()  # no pruning: nothing beyond


# ----------------------------------------------------------------------------- the blend
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


# ----------------------------------------------------------------------------- layering
def test_the_evaluation_core_imports_neither_the_report_nor_matplotlib() -> None:
    """Each module imported alone, in a fresh interpreter: measuring needs no plotting library
    (matplotlib is an optional extra) and nothing below the report imports it."""
    modules = ("results", "split", "metrics", "methods", "batch", "tuning", "study", "run")
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    for name in modules:
        code = (
            f"import sys, movierec.evaluation.{name}; "
            "print(sorted(m for m in ('matplotlib', 'movierec.evaluation.report') "
            "if m in sys.modules))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        ).stdout
        assert out.strip() == "[]", name
    code = "import sys, movierec.evaluation.report; print('matplotlib' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "False"  # only `plot` imports it
