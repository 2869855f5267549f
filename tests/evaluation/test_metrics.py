"""movierec/evaluation/metrics.py on hand-made lists whose answers are known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from movierec.evaluation.metrics import (
    Tally,
    canon_mask,
    ndcg_at_k,
    popularity_ranks,
    precision_at_k,
    recall_at_k,
)
from movierec.evaluation.results import Metric
from movierec.evaluation.split import Case


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


def test_popularity_ranks_put_the_most_rated_first_and_break_ties_by_lower_id() -> None:
    popularity = np.array([0, 5, 7, 5])
    assert popularity_ranks(popularity).tolist() == [4, 2, 1, 3]
    assert canon_mask(popularity, 2).tolist() == [False, True, True, False]
    # a film nobody rated is never canon, however small the catalogue
    assert canon_mask(popularity, 10).tolist() == [False, True, True, True]


def test_tally_canon_measures_split_the_shown_picks_at_the_100_most_rated() -> None:
    # ids 1..149 rated 1000 - id times: the canon is ids 1..100, id 0 is unrated (rank 150)
    popularity = np.array([0, *(1000 - m for m in range(1, 150))], dtype=np.int64)
    tally = Tally()
    first = Case(1, {1: 1.0}, frozenset({1}), frozenset({5, 101, 120}))
    tally.add(np.array([5, 101, 130, 120, 2, 7]), first, popularity)  # 7 is not shown
    second = Case(2, {1: 1.0}, frozenset({1}), frozenset({100, 160}))
    tally.add(np.array([100, 160, 0, 99, 150]), second, popularity)  # 160 beyond the counts
    row = tally.row(catalogue_size=200, method="m")
    # canon among the ten shown: 5, 2 | 100, 99
    assert row.canon_share == pytest.approx(4 / 10)
    # hits outside the canon: 101, 120 (of 5, 101, 120) | 160 (not 100): P@5 3/5 and 2/5
    assert tally.per_user[1][Metric.OUTSIDE_PRECISION] == pytest.approx(2 / 5)
    assert tally.per_user[2][Metric.OUTSIDE_PRECISION] == pytest.approx(1 / 5)
    assert row.outside_precision == pytest.approx((2 / 5 + 1 / 5) / 2)
    assert row.precision == pytest.approx((3 / 5 + 2 / 5) / 2)
    # ranks: 5 101 130 120 2 | 100, 160 and 150 (beyond the 150 counts) → 151, 0 → 150, 99
    assert row.popularity_rank == pytest.approx((358 + 100 + 151 + 150 + 99 + 151) / 10)
    assert row.value(Metric.POPULARITY_RANK) == row.popularity_rank
    assert row.to_dict()["top100-share"] == pytest.approx(0.4)
