"""What an evaluation produces: its rows and its whole result, as plain data.

These types sit at the bottom of the evaluation so that everything can hand them around (the
metrics fill them, the tuner and the orchestrator collect them, the report reads them) without any
module importing the one that made them: a table is data, not a run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Metric(StrEnum):
    """The reported metrics; the value is the column name (and the JSON key)."""

    PRECISION = "precision@5"
    NDCG = "ndcg@10"
    RECALL = "recall@20"
    COVERAGE = "coverage"
    POPULARITY = "popularity"
    CANON_SHARE = "top100-share"  # shown picks among the 100 most rated training films
    OUTSIDE_PRECISION = "precision@5-outside-top100"  # hits outside those 100, over 5
    POPULARITY_RANK = "popularity-rank"  # mean rank of the shown picks, 1 = most rated


@dataclass(frozen=True)
class ResultRow:
    """One cell of a table: a method (with its parameters) measured on some users at some N.

    `split` and `reveals` are None for tuning rows, which are all on validation at SELECT_REVEALS.
    """

    method: str
    users: int
    precision: float
    ndcg: float
    recall: float
    coverage: float
    popularity: float
    split: str | None = None
    reveals: int | None = None
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    canon_share: float = 0.0
    outside_precision: float = 0.0
    popularity_rank: float = 0.0

    def value(self, metric: Metric) -> float:
        return {
            Metric.PRECISION: self.precision,
            Metric.NDCG: self.ndcg,
            Metric.RECALL: self.recall,
            Metric.COVERAGE: self.coverage,
            Metric.POPULARITY: self.popularity,
            Metric.CANON_SHARE: self.canon_share,
            Metric.OUTSIDE_PRECISION: self.outside_precision,
            Metric.POPULARITY_RANK: self.popularity_rank,
        }[metric]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape `--json` has always printed: labels, parameters, then the metrics."""
        labels: dict[str, Any] = {}
        if self.split is not None:
            labels["split"] = self.split
        labels["method"] = self.method
        if self.reveals is not None:
            labels["reveals"] = self.reveals
        return {
            **labels,
            **self.params,
            "users": self.users,
            **{str(m): self.value(m) for m in Metric},
        }


@dataclass(frozen=True)
class MarginRow:
    """`method` minus `versus` on one metric, over the users both answered, with a 95% interval."""

    split: str
    reveals: int
    versus: str
    metric: Metric
    difference: float
    relative: float  # difference / versus's mean
    ci95: float  # half-width: the interval is difference ± ci95
    method: str = "default"

    def to_dict(self) -> dict[str, Any]:
        return {
            "split": self.split,
            "reveals": self.reveals,
            "versus": self.versus,
            "metric": str(self.metric),
            "difference": self.difference,
            "relative": self.relative,
            "ci95": self.ci95,
            "method": self.method,
        }


@dataclass(frozen=True)
class Tuned:
    """A method's best setting on validation, the points tried, and the parameters whose best
    value sits at an end of its grid (the true optimum may lie beyond: widen that grid)."""

    method: str
    params: Mapping[str, Any]  # the model's parameters and the query form
    row: ResultRow
    tried: tuple[ResultRow, ...]
    edges: tuple[str, ...] = ()
    grid: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    seconds: float = 0.0  # building, fitting and measuring every point tried

    def model_params(self) -> dict[str, Any]:
        return {k: v for k, v in self.params.items() if k != "query"}

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "params": dict(self.params),
            "edges": list(self.edges),
            "grid": {k: list(v) for k, v in self.grid.items()},
            "validation": self.row.to_dict(),
            "tried": [r.to_dict() for r in self.tried],
            "seconds": self.seconds,
        }


@dataclass
class Evaluation:
    """A whole `movierec evaluate` run: what `report` prints and `--json` dumps."""

    dataset: str
    seed: int
    users: dict[str, int]
    ease_lambda: dict[str, float]  # per EASE variant, tuned on validation
    chosen: ResultRow  # the grid's best scoring on validation
    default: dict[str, Any]  # SCORINGS["default"] as shipped
    results: list[ResultRow]  # one row per (split, method, N)
    grid: list[ResultRow]  # validation, N = SELECT_REVEALS
    lambdas: list[ResultRow]
    margins: list[MarginRow] = field(default_factory=list)  # default vs every baseline, paired
    tuned: list[Tuned] = field(default_factory=list)  # EASE and the item/factor baselines
    study: dict[str, Any] = field(default_factory=dict)  # what the study's candidate precomputes
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # what was restricted or skipped, and why

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "seed": self.seed,
            "users": self.users,
            "ease_lambda": self.ease_lambda,
            "chosen": self.chosen.to_dict(),
            "default": self.default,
            "results": [r.to_dict() for r in self.results],
            "grid": [r.to_dict() for r in self.grid],
            "lambdas": [r.to_dict() for r in self.lambdas],
            "margins": [m.to_dict() for m in self.margins],
            "tuned": [t.to_dict() for t in self.tuned],
            "study": self.study,
            "seconds": self.seconds,
            "notes": self.notes,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)
