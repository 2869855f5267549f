"""The item graph (`movierec.graph`): RP3beta's formula on a matrix small enough to write down,
pruning, reading rows, and the sample it falls back to past the product budget."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from movierec.graph import GraphParams, ItemGraph, build_graph, products
from movierec.vectors import RatingStats, UserVectors, build_user_vectors

# three people: 1 rated films 1 and 2, 2 rated 1, 2 and 3, 3 rated 2 and 3
RATINGS = [(1, 1, 5.0), (1, 2, 3.0), (2, 1, 4.0), (2, 2, 1.0), (2, 3, 5.0)]
RATINGS += [(3, 2, 2.0), (3, 3, 4.0)]


def vectors_of(rows: list[tuple[int, int, float]]) -> UserVectors:
    frame = pd.DataFrame(rows, columns=["user_id", "movie_id", "rating"])
    return build_user_vectors(frame, RatingStats.of(frame))


def expected_weight(i: int, j: int, alpha: float, beta: float) -> float:
    """W_ij = deg(i)^-α · Σ_u X_ui X_uj deg(u)^-α · deg(j)^-β, by hand from RATINGS."""
    seen = {u: {m for uu, m, _ in RATINGS if uu == u} for u in (1, 2, 3)}
    degree = {m: sum(m in films for films in seen.values()) for m in (1, 2, 3)}
    walk = sum(len(films) ** -alpha for films in seen.values() if i in films and j in films)
    return degree[i] ** -alpha * walk * degree[j] ** -beta


@pytest.mark.parametrize(("alpha", "beta"), [(0.75, 0.55), (1.0, 0.0), (0.5, 1.0)])
def test_every_edge_is_rp3betas_weight_and_no_film_points_to_itself(
    alpha: float, beta: float
) -> None:
    graph = build_graph(vectors_of(RATINGS), 4, alpha=alpha, beta=beta)
    assert graph.columns == 4 and graph.edges == 6  # 3 films, each to the two others
    for i in (1, 2, 3):
        row = graph.scores([i], 4)
        assert row[i] == 0.0 and row[0] == 0.0
        for j in {1, 2, 3} - {i}:
            assert row[j] == pytest.approx(expected_weight(i, j, alpha, beta), rel=1e-6)
    both = graph.scores([1, 3], 4)
    assert both == pytest.approx(graph.scores([1], 4) + graph.scores([3], 4))
    assert graph.scores([99, -1], 4).tolist() == [0.0] * 4  # unknown films read nothing


def test_pruning_keeps_each_films_strongest_successors_best_first() -> None:
    rng = np.random.default_rng(7)
    rows = [(u, int(m), 4.0) for u in range(1, 80) for m in rng.choice(30, 8, replace=False)]
    vectors = vectors_of(rows)
    full = build_graph(vectors, 30)
    pruned = build_graph(vectors, 30, successors=3)
    for film in range(30):
        whole = full.scores([film], 30)
        kept = pruned.scores([film], 30)
        assert np.count_nonzero(kept) == min(3, np.count_nonzero(whole))
        if np.count_nonzero(kept):  # the three kept are the three largest of the full row
            assert kept[kept > 0].min() >= np.sort(whole)[-3] - 1e-12
        start, stop = pruned.indptr[film], pruned.indptr[film + 1]
        weights = pruned.weights[start:stop]
        assert list(weights) == sorted(weights, reverse=True)


def test_over_budget_the_graph_is_built_from_a_seeded_sample(tmp_path: Path) -> None:
    rng = np.random.default_rng(8)
    rows = [(u, int(m), 4.0) for u in range(1, 120) for m in rng.choice(50, 30, replace=False)]
    vectors = vectors_of(rows)
    exact = build_graph(vectors, 50)
    assert not exact.params.sampled and exact.params.ratings == vectors.nnz
    budget = products(vectors) / 5
    sampled = build_graph(vectors, 50, budget=budget, max_films=20, capped=10)
    again = build_graph(vectors, 50, budget=budget, max_films=20, capped=10)
    assert sampled.params.sampled and sampled.params.films <= 20
    assert sampled.params.ratings < vectors.nnz
    assert np.array_equal(sampled.indices, again.indices)  # seeded
    sampled.save(tmp_path / "graph")
    loaded = ItemGraph.load(tmp_path / "graph")
    assert loaded.params == sampled.params
    assert np.array_equal(loaded.indptr, sampled.indptr)
    assert np.allclose(loaded.scores([1, 2], 50), sampled.scores([1, 2], 50))


def test_edge_weights_are_each_likes_edge_to_each_pick() -> None:
    # film 1 -> 2 (0.5), 1 -> 3 (0.2); film 2 -> 3 (0.9); film 3 -> 2 (0.5); film 0: no edges
    graph = ItemGraph(
        indptr=np.array([0, 0, 2, 3, 4]),
        indices=np.array([2, 3, 3, 2], np.int32),
        weights=np.array([0.5, 0.2, 0.9, 0.5], np.float32),
        params=GraphParams(),
    )
    found = graph.edge_weights([1, 2, 3], [3, 2])  # picks x likes
    assert np.allclose(found, [[0.2, 0.9, 0.0], [0.5, 0.0, 0.5]])
    assert not graph.edge_weights([0, 99, -1], [2]).any()  # no row, unknown films
    assert graph.edge_weights([], [2]).shape == (1, 0)
