"""movierec/evaluation/tuning.py: the coordinate search and its edges."""

from __future__ import annotations

from collections.abc import Callable

from movierec.evaluation.results import ResultRow
from movierec.evaluation.tuning import coordinate_search, on_edges


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
    named = {"signal": ("seen", "liked"), "k": (32, 64)}
    assert on_edges(named, {"signal": "liked", "k": 32}) == ("k",)  # a named choice has no edge
