"""Every number the evaluation reports is computed here, and only here.

Precision@5 looks at the five picks the bot shows; NDCG@10 and Recall@20 at longer lists so that the
order below the fold still counts. Coverage and popularity describe the shown picks of everybody
together, which is why they are accumulated by a `Tally` rather than per user.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from movierec.evaluation.split import Case

PICKS = 20  # the longest list any metric looks at
SHOWN = 5  # what the bot shows: precision, coverage and popularity look at these


class Metric(StrEnum):
    """The reported metrics; the value is the column name (and the JSON key)."""

    PRECISION = "precision@5"
    NDCG = "ndcg@10"
    RECALL = "recall@20"
    COVERAGE = "coverage"
    POPULARITY = "popularity"


def precision_at_k(picks: Sequence[int], targets: Iterable[int], k: int) -> float:
    """Hits among the first `k` picks over `k` (a short list is not rewarded for being short)."""
    wanted = set(targets)
    return sum(1 for m in list(picks)[:k] if m in wanted) / k


def recall_at_k(picks: Sequence[int], targets: Iterable[int], k: int) -> float:
    """Hits among the first `k` picks over `min(k, |targets|)`, so 1.0 is always reachable."""
    wanted = set(targets)
    if not wanted:
        return 0.0
    return sum(1 for m in list(picks)[:k] if m in wanted) / min(k, len(wanted))


def ndcg_at_k(picks: Sequence[int], targets: Iterable[int], k: int) -> float:
    """Binary-relevance NDCG: a hit at rank r earns 1/log2(r + 1); the ideal list is all hits."""
    wanted = set(targets)
    if not wanted:
        return 0.0
    dcg = sum(1.0 / math.log2(r + 2) for r, m in enumerate(list(picks)[:k]) if m in wanted)
    ideal = sum(1.0 / math.log2(r + 2) for r in range(min(k, len(wanted))))
    return dcg / ideal


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

    def value(self, metric: Metric) -> float:
        return {
            Metric.PRECISION: self.precision,
            Metric.NDCG: self.ndcg,
            Metric.RECALL: self.recall,
            Metric.COVERAGE: self.coverage,
            Metric.POPULARITY: self.popularity,
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


@dataclass
class Tally:
    """Running sums for one (method, N) cell of the table, and each user's own scores so that two
    methods can be compared user by user."""

    users: int = 0
    precision: float = 0.0
    ndcg: float = 0.0
    recall: float = 0.0
    popularity: float = 0.0
    shown: int = 0
    picked: set[int] = field(default_factory=set)
    per_user: dict[int, dict[Metric, float]] = field(default_factory=dict)

    def add(self, picks: np.ndarray, case: Case, popularity: np.ndarray) -> None:
        ids = [int(m) for m in picks]
        precision = precision_at_k(ids, case.targets, 5)
        ndcg = ndcg_at_k(ids, case.targets, 10)
        recall = recall_at_k(ids, case.targets, PICKS)
        self.users += 1
        self.precision += precision
        self.ndcg += ndcg
        self.recall += recall
        self.per_user[case.user_id] = {
            Metric.PRECISION: precision,
            Metric.NDCG: ndcg,
            Metric.RECALL: recall,
        }
        top = ids[:SHOWN]
        self.picked.update(top)
        self.shown += len(top)
        self.popularity += float(sum(popularity[m] if m < len(popularity) else 0 for m in top))

    def mean(self, metric: Metric) -> float:
        """A per-user metric's mean over the users seen so far (0 with none)."""
        totals = {
            Metric.PRECISION: self.precision,
            Metric.NDCG: self.ndcg,
            Metric.RECALL: self.recall,
        }
        if metric not in totals:
            raise ValueError(f"{metric} is not a per-user metric")
        return totals[metric] / max(self.users, 1)

    def row(
        self,
        catalogue_size: int,
        method: str,
        *,
        split: str | None = None,
        reveals: int | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> ResultRow:
        """Means over users; coverage and popularity over everybody's five shown picks."""
        n = max(self.users, 1)
        return ResultRow(
            method=method,
            users=self.users,
            precision=self.precision / n,
            ndcg=self.ndcg / n,
            recall=self.recall / n,
            coverage=len(self.picked) / max(catalogue_size, 1),
            popularity=self.popularity / max(self.shown, 1),
            split=split,
            reveals=reveals,
            params=dict(params or {}),
        )
