"""The scoring step on hand-made neighborhoods whose answers are known."""

from __future__ import annotations

import numpy as np
import pytest

from movierec.scoring import (
    APART_SHARE,
    SCORINGS,
    VETO_SHARE,
    MovieScores,
    NeighborRows,
    Scoring,
    aggregate,
    candidate_mask,
    cite_apart,
    combine_group,
    get_scoring,
    people_credit,
    rank,
)
from movierec.vectors import UserVectors
from movierec.vectorstore.base import Neighbors

# Three users over movies 1..4 (z-values chosen by hand).
VECTORS = UserVectors(
    user_ids=np.array([10, 20, 30]),
    indptr=np.array([0, 2, 5, 6]),
    indices=np.array([1, 2, 1, 3, 4, 4]),
    values=np.array([1.0, -1.0, 2.0, 0.5, -0.5, 3.0]),
)


def test_seed_sums_plain_ratings_of_the_neighbors() -> None:
    neighbors = Neighbors(np.array([20, 10]), np.array([4.0, 1.0]))
    scores = aggregate(neighbors, VECTORS, SCORINGS["seed"], n_columns=5)
    assert scores.scores.tolist() == [0.0, 3.0, -1.0, 0.5, -0.5]
    assert scores.raters.tolist() == [0, 2, 1, 1, 1]
    assert scores.support.tolist() == [0, 2, 0, 1, 0]
    assert scores.neighbors == 2


def test_similarity_weighting_and_popularity_damping() -> None:
    neighbors = Neighbors(np.array([20, 10]), np.array([4.0, -1.0]))
    weighted = Scoring(similarity_power=1.0)
    scores = aggregate(neighbors, VECTORS, weighted, n_columns=5)
    assert scores.scores.tolist() == [0.0, 8.0, 0.0, 2.0, -2.0]  # negative similarity weighs 0
    damped = Scoring(similarity_power=1.0, popularity_damping=1.0)
    popularity = np.array([0, 4, 1, 2, 8], float)
    scores = aggregate(neighbors, VECTORS, damped, n_columns=5, popularity=popularity)
    assert scores.scores.tolist() == [0.0, 2.0, 0.0, 1.0, -0.25]


def test_rank_breaks_score_ties_by_lower_movie_id_and_pages() -> None:
    scores = np.array([0, 5, 7, 5, 5, 1, 7], float)
    mask = np.ones(7, bool)
    mask[0] = False
    assert rank(scores, mask, 4).tolist() == [2, 6, 1, 3]
    assert rank(scores, mask, 2, offset=4).tolist() == [4, 5]
    assert rank(scores, candidate_mask(np.ones(7, int), exclude=[2, 99]), 2).tolist() == [6, 1]


def test_rank_keeps_boundary_ties_when_precutting_many_candidates() -> None:
    scores = np.zeros(1000)
    scores[[900, 10, 500]] = 1.0
    assert rank(scores, np.ones(1000, bool), 2).tolist() == [10, 500]


def member(scores: list[float]) -> MovieScores:
    array = np.array(scores, float)
    return MovieScores(array, (array != 0).astype(int), 20)


def test_group_rule_normalises_members_and_vetoes() -> None:
    members = {
        "ann": member([0, 10, 8, 2, 6]),  # best 10
        "bob": member([0, 1, 0.5, 1, 0.9]),  # best 1: counts as much as Ann
        "cy": member([0, 4, -3, 4, 4]),  # film 2 below -VETO_SHARE of her best: vetoed
    }
    picks = combine_group(members, exclude=[], limit=3)
    ids = [movie for movie, _, _ in picks]
    assert ids == [1, 4, 3]
    # Without Cy, film 2 is in the pair's top three: it is her share that keeps it out.
    pair = combine_group({k: members[k] for k in ("ann", "bob")}, exclude=[], limit=3)
    assert [movie for movie, _, _ in pair] == [1, 4, 2]
    # Just above the veto line it is back: the rule is the share, not any negative score.
    members["cy"] = member([0, 4, -0.99 * VETO_SHARE * 4, 4, 4])
    assert 2 in [movie for movie, _, _ in combine_group(members, exclude=[], limit=5)]
    assert picks[0][1] == pytest.approx((1.0 + 1.0 + 1.0) / 3)
    assert picks[2][2] == ("bob", "cy")  # Ann's share of film 3 is 0.2 < MATCH_SHARE


def test_group_excludes_rated_films_and_respects_allowed() -> None:
    members = {"ann": member([0, 5, 4, 3]), "bob": member([0, 5, 4, 3])}
    assert [m for m, _, _ in combine_group(members, exclude=[1], limit=5)] == [2, 3]
    allowed = np.array([False, True, False, True])
    assert [m for m, _, _ in combine_group(members, [], 5, allowed=allowed)] == [1, 3]


def test_scoring_names_and_validation() -> None:
    assert get_scoring("seed") == Scoring("seed", neighbors=20, vector="ratings")
    assert get_scoring("seed", neighbors=7).neighbors == 7
    with pytest.raises(ValueError, match="unknown scoring"):
        get_scoring("best")
    with pytest.raises(ValueError, match="vector"):
        Scoring(vector="dense")
    with pytest.raises(ValueError, match="neighbors"):
        Scoring(neighbors=0)


def neighbor_rows(ratings: list[dict[int, float]], weights: list[float]) -> NeighborRows:
    """CSR rows (movie ids ascending, as the user vectors store them) of hand-made neighbors."""
    lengths = [len(r) for r in ratings]
    return NeighborRows(
        indptr=np.concatenate(([0], np.cumsum(lengths))).astype(np.int64),
        movie_ids=np.array([m for r in ratings for m in sorted(r)], np.int64),
        values=np.array([r[m] for r in ratings for m in sorted(r)]),
        weights=np.array(weights, float),
    )


def reasons(rows: NeighborRows, likes: list[int], picks: list[int]) -> list[tuple[int, ...]]:
    credit, _ = people_credit(rows, likes, picks)
    return cite_apart(credit, likes)


def test_a_pick_cites_the_like_its_supporters_share() -> None:
    # Pick 9: supporters are neighbors 0-2 (neighbor 3 rated it below the mean).
    rows = neighbor_rows(
        [
            {1: 1.0, 2: 0.5, 9: 1.0},
            {1: 0.5, 3: 1.0, 9: 0.2},
            {1: 2.0, 2: -1.0, 3: 0.1, 9: 1.5},
            {2: 2.0, 3: 2.0, 9: -1.0},
        ],
        [1, 1, 1, 1],
    )
    credit, support = people_credit(rows, [2, 3, 1], [9])
    assert credit.tolist() == [[1.0, 2.0, 3.0]] and support == [3]  # 1 -> 3 supporters, ...
    assert reasons(rows, [2, 3, 1], [9]) == [(1,)]
    assert reasons(rows, [2], [9]) == [(2,)]  # one supporter is enough for the only like
    assert reasons(rows, [4], [9]) == [()]  # no supporter rated it: no reason
    assert reasons(rows, [1], [7, 9]) == [(), (1,)]  # 7: nobody supports it
    assert reasons(rows, [], [9]) == [()]
    assert people_credit(rows, [], [7, 9])[1] == [0, 3]  # support: the neighbors above the mean


def test_reasons_are_spread_over_the_likes_and_ties_go_to_the_persons_order() -> None:
    rows = neighbor_rows([{1: 1.0, 9: 1.0}, {2: 1.0, 9: 1.0}, {3: 1.0, 9: 1.0}], [1, 1, 1])
    assert reasons(rows, [3, 1, 2], [9]) == [(3,)]  # all equal: the person's order decides
    assert reasons(rows, [2, 1, 3], [9]) == [(2,)]
    likes = [100, 200, 300]
    credit = np.array([[9.0, 4.0, 0.0], [9.0, 4.0, 1.0], [9.0, 1.0, 2.0], [0.0, 0.0, 0.0]])
    # the second pick's runner-up has 4/9 of the best (over APART_SHARE): cited instead; the
    # third pick's best alternative (2/9) is under it, so it cites the best like again
    assert APART_SHARE < 4 / 9 and APART_SHARE > 2 / 9
    assert cite_apart(credit, likes) == [(100,), (200,), (100,), ()]
    assert cite_apart(np.ones((5, 1)), [7]) == [(7,)] * 5  # one like: the same reason, rightly


def test_rank_by_argmax_orders_like_partition_and_sort(monkeypatch: pytest.MonkeyPatch) -> None:
    """A first page is ranked by repeated argmax, later ones by partition + sort: same order
    (score, then lower id), same handling of masks and of fewer candidates than asked."""
    rng = np.random.default_rng(5)
    cases = []
    for size in (3, 50, 4000):
        scores = rng.integers(-3, 4, size=size).astype(float)  # many equal scores
        mask = rng.random(size) < 0.3
        for limit, offset in ((5, 0), (3, 2), (10, 0), (5, 5)):
            cases.append((scores, mask, limit, offset, rank(scores, mask, limit, offset).tolist()))
    monkeypatch.setattr("movierec.scoring.FEW_PICKS", 0)  # partition + sort only
    for scores, mask, limit, offset, by_argmax in cases:
        assert rank(scores, mask, limit, offset).tolist() == by_argmax
        assert all(mask[m] for m in by_argmax)


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
