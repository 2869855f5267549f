"""Every number the evaluation reports is computed here, and only here.

Precision@5 looks at the five picks the bot shows; NDCG@10 and Recall@20 at longer lists so that the
order below the fold still counts. Coverage and popularity describe the shown picks of everybody
together, which is why they are accumulated by a `Tally` rather than per user. So do the canon
measures: how many shown picks are among the `CANON` most rated training films (the films
anybody would name), Precision@5 counting only the hits outside them, and the picks' mean
popularity rank (1 = most rated). A margin between
two methods is paired over the users both answered (`margin_rows`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from movierec.evaluation.results import MarginRow, Metric, ResultRow
from movierec.evaluation.split import Case

PICKS = 20  # the longest list any metric looks at
SHOWN = 5  # what the bot shows: precision, coverage and popularity look at these
CANON = 100  # the canon: the most rated training films, which anybody could name unprompted
MARGIN_METRICS = (Metric.PRECISION, Metric.NDCG)


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


def popularity_ranks(popularity: np.ndarray) -> np.ndarray:
    """Every movie id's rank by its number of training ratings: 1 = most rated (ties: the lower
    id first, as `sizing.most_rated` breaks them); ids without ratings rank after all rated ones."""
    counts = np.asarray(popularity)
    order = np.lexsort((np.arange(len(counts)), -counts))
    ranks = np.empty(len(counts), np.int64)
    ranks[order] = np.arange(1, len(counts) + 1)
    return ranks


def canon_mask(popularity: np.ndarray, size: int = CANON) -> np.ndarray:
    """True for the `size` most rated training films (never a film nobody rated)."""
    return (popularity_ranks(popularity) <= size) & (np.asarray(popularity) > 0)


@dataclass
class Tally:
    """Running sums for one (method, N) cell of the table, and each user's own scores so that two
    methods can be compared user by user."""

    users: int = 0
    precision: float = 0.0
    ndcg: float = 0.0
    recall: float = 0.0
    popularity: float = 0.0
    outside_precision: float = 0.0
    canon_picks: int = 0
    rank_sum: float = 0.0
    shown: int = 0
    picked: set[int] = field(default_factory=set)
    per_user: dict[int, dict[Metric, float]] = field(default_factory=dict)
    # the ranks and canon of the popularity last seen (one array per run: computed once)
    _ranked: np.ndarray | None = field(default=None, repr=False, compare=False)
    _ranks: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    _canon: np.ndarray = field(default_factory=lambda: np.zeros(0, bool), repr=False)

    def _rank_by(self, popularity: np.ndarray) -> None:
        if self._ranked is not popularity:
            self._ranks = popularity_ranks(popularity)
            self._canon = (self._ranks <= CANON) & (np.asarray(popularity) > 0)
            self._ranked = popularity

    def add(self, picks: np.ndarray, case: Case, popularity: np.ndarray) -> None:
        self._rank_by(popularity)
        ids = [int(m) for m in picks]
        precision = precision_at_k(ids, case.targets, 5)
        ndcg = ndcg_at_k(ids, case.targets, 10)
        recall = recall_at_k(ids, case.targets, PICKS)
        top = ids[:SHOWN]
        known = len(popularity)
        in_canon = [m < known and bool(self._canon[m]) for m in top]
        hits = sum(1 for m, c in zip(top, in_canon, strict=True) if not c and m in case.targets)
        outside = hits / SHOWN
        self.users += 1
        self.precision += precision
        self.ndcg += ndcg
        self.recall += recall
        self.outside_precision += outside
        self.per_user[case.user_id] = {
            Metric.PRECISION: precision,
            Metric.NDCG: ndcg,
            Metric.RECALL: recall,
            Metric.OUTSIDE_PRECISION: outside,
        }
        self.picked.update(top)
        self.shown += len(top)
        self.popularity += float(sum(popularity[m] if m < known else 0 for m in top))
        self.canon_picks += sum(in_canon)
        # an id beyond the counts was never rated: it ranks after every rated film
        self.rank_sum += float(sum(self._ranks[m] if m < known else known + 1 for m in top))

    def mean(self, metric: Metric) -> float:
        """A per-user metric's mean over the users seen so far (0 with none)."""
        totals = {
            Metric.PRECISION: self.precision,
            Metric.NDCG: self.ndcg,
            Metric.RECALL: self.recall,
            Metric.OUTSIDE_PRECISION: self.outside_precision,
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
        """Means over users; coverage, popularity, the canon share and the popularity rank over
        everybody's five shown picks."""
        n = max(self.users, 1)
        shown = max(self.shown, 1)
        return ResultRow(
            method=method,
            users=self.users,
            precision=self.precision / n,
            ndcg=self.ndcg / n,
            recall=self.recall / n,
            coverage=len(self.picked) / max(catalogue_size, 1),
            popularity=self.popularity / shown,
            split=split,
            reveals=reveals,
            params=dict(params or {}),
            canon_share=self.canon_picks / shown,
            outside_precision=self.outside_precision / n,
            popularity_rank=self.rank_sum / shown,
        )


def paired_difference(ours: Tally, theirs: Tally, metric: Metric) -> tuple[float, float]:
    """Mean per-user difference of `metric` and its 95% half-width (normal approximation).

    Paired: every method answered the same users, so the spread of the per-user differences, far
    smaller than either method's own spread, is what tells a real margin from noise.
    """
    users = sorted(ours.per_user.keys() & theirs.per_user.keys())
    if not users:
        return 0.0, math.inf
    diffs = np.array([ours.per_user[u][metric] - theirs.per_user[u][metric] for u in users])
    spread = diffs.std(ddof=1) / math.sqrt(len(diffs)) if len(diffs) > 1 else math.inf
    return float(diffs.mean()), float(1.96 * spread)


def margin_rows(
    tallies: Mapping[str, Tally],
    ours: str,
    versus: Sequence[str],
    split: str,
    n: int,
    metrics: Sequence[Metric] = MARGIN_METRICS,
) -> list[MarginRow]:
    """`ours` against each of `versus` that ran, on each metric."""
    rows = []
    for other in versus:
        if ours not in tallies or other not in tallies:
            continue
        for metric in metrics:
            diff, half = paired_difference(tallies[ours], tallies[other], metric)
            base = tallies[other].mean(metric)
            rows.append(
                MarginRow(
                    split, n, other, metric, diff, diff / base if base else math.inf, half, ours
                )
            )
    return rows
