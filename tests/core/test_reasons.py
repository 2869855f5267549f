"""Reasons for picks ("because you liked ..."): always the person's own likes, the right ones on
data where the answer is known by construction, and per member in movie nights."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

from bot.features.picks import views as picks_views
from movierec.recommender import Recommender
from movierec.scoring import SCORINGS, Scoring, aggregate
from tests.conftest import SEED_PREFERENCES, SEED_TABLE

STAR_WARS = (260, 1196, 1210)  # A New Hope, The Empire Strikes Back, Return of the Jedi
TOY_STORY = 1

# The synthetic table: films A and B split the users into two camps; the pick P is loved by the
# A camp (and one B fan), Q by the B camp only; F is disliked by everybody.
A, B, P, Q, F = 1, 2, 3, 4, 5
A_FANS = {"A": 5, "B": 3, "P": 5, "Q": 2, "F": 1}
B_FANS = {"A": 3, "B": 5, "P": 2, "Q": 5, "F": 1}
IDS = {"A": A, "B": B, "P": P, "Q": Q, "F": F}


def likes_of(preferences: dict[int, float]) -> set[int]:
    return {m for m, v in preferences.items() if v > 0}


@pytest.fixture(scope="module")
def camps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recommender]:
    """Users 1-4 are A fans, 5-7 B fans; user 5 loves P too. Mean rating 3.29: 5s are above
    everybody's mean, 1-3 below, so P's supporters are users 1-5 (four A fans, one B fan)."""
    rows = []
    for user in range(1, 8):
        ratings = dict(A_FANS if user <= 4 else B_FANS)
        if user == 5:
            ratings["P"] = 5
        rows += [(user, IDS[name], float(stars)) for name, stars in ratings.items()]
    ratings_df = pd.DataFrame(rows, columns=["user_id", "movie_id", "rating"])
    movies = pd.DataFrame(
        {
            "title": [f"Film {name} (2000)" for name in IDS],
            "year": pd.array([2000] * 5, dtype="Int64"),
            "genres": [("Drama",)] * 5,
        },
        index=pd.Index(list(IDS.values()), name="movie_id"),
    )
    rec = Recommender.build(ratings_df, movies, tmp_path_factory.mktemp("camps") / "index")
    yield rec
    rec.close()


@pytest.mark.parametrize("scoring", ["seed", "default"])
def test_a_pick_cites_the_like_its_supporters_share(camps: Recommender, scoring: str) -> None:
    """B comes first in the person's order, so only the supporters' votes can make P cite A."""
    picks = {p.movie_id: p for p in camps.recommend({B: 1, A: 1}, limit=5, scoring=scoring)}
    assert set(picks) == {P, Q, F}
    assert picks[P].support == 5
    assert picks[P].because == (A,)  # four A fans against one B fan: B is not worth citing
    assert picks[Q].because == (B,)
    if scoring == "seed":
        assert picks[F].because == ()  # nobody liked F: no supporters, no invented reason
    else:  # the graph brought F in (everyone who saw A and B saw F): the like whose edge did
        (source,) = picks[F].because
        assert source in (A, B) and camps.graph.edge_weights([source], [F])[0, 0] > 0


def test_group_reasons_name_each_matching_members_own_like(camps: Recommender) -> None:
    """Ann likes B and A (in that order): P fits her because of A, the like its supporters share;
    Ben only has B to be explained by."""
    members = {"ann": {B: 1, A: 1}, "ben": {B: 1}}
    picks = camps.recommend_group(members, limit=5)  # default: dissimilar users weigh 0
    by_id = {p.movie_id: p for p in picks}
    assert "ann" in by_id[P].matches and dict(by_id[P].because_by)["ann"] == (A,)
    assert dict(by_id[Q].because_by)["ben"] == (B,)
    for pick in picks:
        assert [key for key, _ in pick.because_by] == list(pick.matches)
        assert all(set(because) <= set(members[key]) for key, because in pick.because_by)
        assert pick.because == ()  # a group has no single person's likes


def test_star_wars_and_toy_story_fans_hear_about_their_own_likes(
    recommender: Recommender,
) -> None:
    prefs = {**dict.fromkeys(STAR_WARS, 1.0), TOY_STORY: 1.0}
    for scoring in ("seed", "default"):
        picks = recommender.recommend(prefs, limit=10, scoring=scoring)
        assert len(picks) == 10
        for pick in picks:
            assert pick.because, f"{pick.title} has no reason"
            assert set(pick.because) <= set(prefs) and 1 <= len(pick.because) <= 2
            assert len(set(pick.because)) == len(pick.because)


def test_reasons_are_always_among_the_likes_and_never_change_the_scores(
    recommender: Recommender,
) -> None:
    rng = np.random.default_rng(10)
    popular = [m.movie_id for m in recommender.catalogue.popular(300, min_mean=0)]
    for _ in range(30):
        chosen = rng.choice(popular, size=int(rng.integers(1, 15)), replace=False)
        prefs = {int(m): float(rng.choice([-1.0, 1.0, 0.5])) for m in chosen}
        for scoring in ("seed", "default"):
            picks = recommender.recommend(prefs, limit=8, scoring=scoring)
            bare = recommender.recommend(prefs, limit=8, scoring=scoring, explain=False)
            assert [(p.movie_id, p.score, p.support) for p in picks] == [
                (p.movie_id, p.score, p.support) for p in bare
            ]
            assert all(p.because == () for p in bare)
            for pick in picks:
                assert set(pick.because) <= likes_of(prefs) and len(pick.because) <= 2


def test_only_dislikes_give_no_reasons(tiny_recommender: Recommender) -> None:
    picks = tiny_recommender.recommend({2858: -1, 1: -1, 296: -1}, limit=5)
    assert len(picks) == 5 and all(p.because == () for p in picks)


def test_seed_picks_keep_their_scores_and_cite_seed_likes(recommender: Recommender) -> None:
    picks = recommender.recommend(SEED_PREFERENCES, limit=5, scoring="seed")
    assert [p.title for p in picks] == [title for title, _ in SEED_TABLE]
    assert all(
        abs(p.score - score) <= 1e-6 for p, (_, score) in zip(picks, SEED_TABLE, strict=True)
    )
    assert all(p.because and set(p.because) <= likes_of(SEED_PREFERENCES) for p in picks)


def test_group_reasons_follow_matches_with_each_members_likes(recommender: Recommender) -> None:
    members = {
        "ann": {1214: 1, 1200: 1, 2858: -1},  # Alien, Aliens; not American Beauty
        "ben": {6: 1, 2571: 1},  # Heat, The Matrix
        "cy": {2858: 1, 1: -1},
        "dee": {1: -1},  # only a dislike: may match, but has nothing to cite
    }
    picks = recommender.recommend_group(members, limit=8)
    assert len(picks) == 8
    for pick in picks:
        assert [key for key, _ in pick.because_by] == list(pick.matches)
        for key, because in pick.because_by:
            assert len(because) <= 1 and set(because) <= likes_of(members[key])
            assert key != "dee" or because == ()
    assert any(because for p in picks for _, because in p.because_by)
    bare = recommender.recommend_group(members, limit=8, explain=False)
    assert [(p.movie_id, p.score, p.matches) for p in bare] == [
        (p.movie_id, p.score, p.matches) for p in picks
    ]
    assert all(p.because_by == () for p in bare)


def test_reasons_cost_no_store_query(
    recommender: Recommender, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reasons read the rows `aggregate` kept: one neighbor search per recommendation."""
    calls = []
    original = recommender.store.neighbors

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(recommender.store, "neighbors", counted)
    picks = recommender.recommend({260: 1, 1: 1}, limit=5)
    assert len(calls) == 1 and all(p.because for p in picks)


def test_aggregate_keeps_the_neighbors_rows_and_weights(recommender: Recommender) -> None:
    seed = SCORINGS["seed"]
    neighbors = recommender.store.neighbors({260: 1.0}, seed.neighbors, seed.vector)
    scores = aggregate(neighbors, recommender.vectors, seed, recommender.manifest.columns)
    assert scores.rows is not None and len(scores.rows.weights) == scores.neighbors == 20
    assert np.all(scores.rows.weights == 1.0)  # the seed counts every neighbor once


@pytest.fixture(scope="module")
def reach(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recommender]:
    """Users 1-3 rated A and X; user 4 rated A, G and H (a longer row: the least similar to
    someone who only rated A). With one neighbor, G and H are reached by the item graph alone."""
    rows = [(u, m, 5.0) for u in (1, 2, 3) for m in (1, 10)]
    rows += [(4, 1, 5.0), (4, 20, 5.0), (4, 30, 4.0), (5, 10, 1.0), (5, 30, 2.0)]
    ratings_df = pd.DataFrame(rows, columns=["user_id", "movie_id", "rating"])
    ids = [1, 10, 20, 30]
    movies = pd.DataFrame(
        {
            "title": [f"Film {m} (2000)" for m in ids],
            "year": pd.array([2000] * 4, dtype="Int64"),
            "genres": [("Drama",)] * 4,
        },
        index=pd.Index(ids, name="movie_id"),
    )
    rec = Recommender.build(ratings_df, movies, tmp_path_factory.mktemp("reach") / "index")
    yield rec
    rec.close()


def test_a_pick_only_the_graph_reached_cites_the_like_that_leads_to_it(
    reach: Recommender,
) -> None:
    one = Scoring("one", neighbors=1, vector="unit", seen_weight=1.0, graph_weight=0.5)
    picks = {p.movie_id: p for p in reach.recommend({1: 1.0}, limit=5, scoring=one)}
    assert set(picks) == {10, 20, 30}
    assert picks[10].support == 1 and picks[10].because == (1,)  # the one neighbor liked X
    for graph_only in (20, 30):  # no neighbor rated them: the graph edge A -> G is the reason
        assert picks[graph_only].support == 0 and picks[graph_only].because == (1,)
    without = Scoring("one", neighbors=1, vector="unit", seen_weight=1.0)
    assert {p.movie_id for p in reach.recommend({1: 1.0}, limit=5, scoring=without)} == {10}
    # a person whose only like leads nowhere in the graph gets no invented reason
    picks = reach.recommend({1: -1.0, 20: 1.0}, limit=5, scoring=one)
    for pick in picks:
        assert pick.because in ((), (20,))


def test_a_graph_pick_is_shown_with_its_reason_and_no_zero_count() -> None:
    from movierec.recommender import Pick

    graph_only = Pick(20, "Film G", 2000, ("Drama",), 0.9, 0, 200, (1,))
    liked = Pick(10, "Film X", 2000, ("Drama",), 0.8, 12, 200, (1,))
    shown = picks_views.picks([graph_only, liked], 0, reasons={20: ["Film A"], 10: ["Film A"]})
    first, second = shown.split("Film G")[1].split("Film X")
    assert "because you liked Film A" in first and "0 of" not in first
    assert "because you liked Film A" in second  # the light list: a reason a film, no counts
