"""`movierec evaluate`: how good are the picks, measured the way the bot is used.

Protocol (see docs/evaluation.md):

* **Split by user, seeded.** 10% of the users are held out as the test set and 10% of the rest as
  the validation set; the index (Qdrant vectors, popularity counts, the EASE matrix) is built from
  the remaining users only, so no held-out rating can leak into what the recommenders know.
* **Reveal.** For each held-out user, `N` of their ratings (seeded per user) are revealed: 4–5
  stars as a like (+1), 1–2 stars as a dislike (−1). A revealed 3-star rating carries no sign: it is
  not in the query, but the film counts as seen (never picked, never a target),
  as in the bot, where a person who has seen a film is never offered it.
* **Targets.** The user's remaining ratings of 4 stars or more. Users with fewer than `N + 1`
  ratings, no target, or no signed reveal are skipped (the bot refuses an empty query too).
* **Metrics.** Precision@5 (the five picks the bot shows), NDCG@10 (binary relevance), Recall@20
  (hits over `min(20, targets)`, so that people with hundreds of liked films do not sink it),
  catalogue coverage (distinct films among everybody's five picks / films in the catalogue) and the
  mean popularity of the five picks (training ratings per picked film).

Baselines on the same split: the most popular films, the `seed` scoring and EASE (Steck 2019), a
closed-form linear item model that is hard to beat on MovieLens; its λ is tuned on validation.
The scoring grid (neighbours × similarity weighting × vector × popularity damping) is measured on
validation; the default was chosen there and confirmed on test.
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import math
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from tqdm.auto import tqdm

from movierec.scoring import SCORINGS, Scoring, aggregate, candidate_mask, rank
from movierec.store.base import Neighbours
from movierec.vectors import VECTOR_NAMES

REVEALS = (5, 10, 20)
LAMBDAS = (100.0, 500.0, 2000.0, 5000.0, 10000.0, 20000.0, 50000.0, 100000.0)
GRID_NEIGHBOURS = (10, 20, 50, 100, 200)
GRID_POWERS = (0.0, 1.0, 2.0)
GRID_DAMPING = (0.0, 0.25, 0.5)
GRID_SEEN = (0.0, 1.0)
SELECT_REVEALS = 10  # the grid and λ are chosen at this N
PICKS = 20  # the longest list any metric looks at
SHOWN = 5  # what the bot shows: precision, coverage and popularity look at these
LIKE, DISLIKE = 4.0, 2.0

Ranker = Callable[["Case"], np.ndarray]
EASES = {"ease": False, "ease-seen": True}  # EASE variants: is every revealed film a +1?


# ----------------------------------------------------------------------------- split and reveal
@dataclass(frozen=True)
class Split:
    """Training ratings (what every recommender may see) and the two held-out user sets."""

    train: pd.DataFrame
    held_out: pd.DataFrame  # ratings of validation and test users, never indexed
    validation_users: np.ndarray
    test_users: np.ndarray


def split_users(
    ratings: pd.DataFrame,
    seed: int = 0,
    test_fraction: float = 0.1,
    validation_fraction: float = 0.1,
) -> Split:
    """Hold out whole users: `test_fraction` of all, then `validation_fraction` of the rest."""
    users = np.unique(ratings["user_id"].to_numpy(np.int64))
    rng = np.random.default_rng(seed)
    shuffled = rng.permutation(users)
    n_test = max(1, round(len(users) * test_fraction))
    n_validation = max(1, round((len(users) - n_test) * validation_fraction))
    if n_test + n_validation >= len(users):
        raise ValueError("too few users to hold out a test and a validation set")
    test = np.sort(shuffled[:n_test])
    validation = np.sort(shuffled[n_test : n_test + n_validation])
    held = ratings["user_id"].isin(np.concatenate([test, validation])).to_numpy()
    return Split(
        train=ratings[~held].reset_index(drop=True),
        held_out=ratings[held].reset_index(drop=True),
        validation_users=validation,
        test_users=test,
    )


@dataclass(frozen=True)
class Case:
    """One held-out user at one reveal count: what they told us and what we hope to find."""

    user_id: int
    query: dict[int, float]  # signed reveals: movie id -> +1 / -1
    revealed: frozenset[int]  # every revealed film, 3-star ones included
    targets: frozenset[int]  # remaining ratings >= 4 stars


def make_cases(
    ratings: pd.DataFrame,
    users: Iterable[int],
    n_reveal: int,
    seed: int = 0,
) -> list[Case]:
    """Reveal `n_reveal` random ratings per user, seeded by user so subsampling changes nothing."""
    wanted = {int(u) for u in users}
    frame = ratings[ratings["user_id"].isin(wanted)]
    cases = []
    for user_id, group in frame.groupby("user_id", sort=True):
        movies = group["movie_id"].to_numpy(np.int64)
        stars = group["rating"].to_numpy(np.float64)
        if len(movies) < n_reveal + 1:
            continue
        rng = np.random.default_rng([seed, int(user_id), n_reveal])
        chosen = np.zeros(len(movies), bool)
        chosen[rng.choice(len(movies), n_reveal, replace=False)] = True
        query = {int(m): 1.0 for m in movies[chosen & (stars >= LIKE)]}
        query |= {int(m): -1.0 for m in movies[chosen & (stars <= DISLIKE)]}
        targets = frozenset(int(m) for m in movies[~chosen & (stars >= LIKE)])
        if not targets or not query:
            continue
        cases.append(Case(int(user_id), query, frozenset(int(m) for m in movies[chosen]), targets))
    return cases


# ----------------------------------------------------------------------------- metrics
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


@dataclass
class Tally:
    """Running sums for one (method, N) cell of the table."""

    users: int = 0
    precision: float = 0.0
    ndcg: float = 0.0
    recall: float = 0.0
    popularity: float = 0.0
    shown: int = 0
    picked: set[int] = field(default_factory=set)
    per_user: dict[int, tuple[float, float]] = field(default_factory=dict)  # (P@5, NDCG@10)

    def add(self, picks: np.ndarray, case: Case, popularity: np.ndarray) -> None:
        ids = [int(m) for m in picks]
        precision, ndcg = precision_at_k(ids, case.targets, 5), ndcg_at_k(ids, case.targets, 10)
        self.users += 1
        self.precision += precision
        self.ndcg += ndcg
        self.per_user[case.user_id] = (precision, ndcg)
        self.recall += recall_at_k(ids, case.targets, 20)
        top = ids[:SHOWN]
        self.picked.update(top)
        self.shown += len(top)
        self.popularity += float(sum(popularity[m] if m < len(popularity) else 0 for m in top))

    def row(self, catalogue_size: int, **labels: object) -> dict:
        """Means over users; coverage and popularity over everybody's five shown picks."""
        n = max(self.users, 1)
        return {
            **labels,
            "users": self.users,
            "precision@5": self.precision / n,
            "ndcg@10": self.ndcg / n,
            "recall@20": self.recall / n,
            "coverage": len(self.picked) / max(catalogue_size, 1),
            "popularity": self.popularity / max(self.shown, 1),
        }


# ----------------------------------------------------------------------------- baselines
def train_matrix(train: pd.DataFrame, n_columns: int) -> sp.csr_matrix:
    """Binary users × movie-id matrix of the training ratings: any star is an interaction."""
    users, rows = np.unique(train["user_id"].to_numpy(np.int64), return_inverse=True)
    cols = train["movie_id"].to_numpy(np.int64)
    data = np.ones(len(cols), np.float64)
    matrix = sp.csr_matrix((data, (rows, cols)), shape=(len(users), n_columns))
    matrix.data[:] = 1.0  # duplicates summed: back to binary
    return matrix


def ease_weights(gram: np.ndarray, lam: float) -> np.ndarray:
    """EASE's closed form: P = (XᵀX + λI)⁻¹, B = −P / diag(P) column-wise, diag(B) = 0."""
    regularised = gram + lam * np.eye(len(gram))
    inverse = np.linalg.inv(regularised)
    weights = -inverse / np.diag(inverse)[np.newaxis, :]
    np.fill_diagonal(weights, 0.0)
    return weights


class Ease:
    """EASE over the movies that have training ratings; scores are returned per movie id."""

    def __init__(self, train: pd.DataFrame, n_columns: int) -> None:
        matrix = train_matrix(train, n_columns)
        self.items = np.flatnonzero(np.asarray(matrix.sum(axis=0)).ravel() > 0)
        compact = matrix[:, self.items]
        self.gram = np.asarray((compact.T @ compact).todense(), np.float64)
        self.position = np.full(n_columns, -1, np.int64)
        self.position[self.items] = np.arange(len(self.items))
        self.n_columns = n_columns
        self.weights: np.ndarray | None = None
        self.lam: float | None = None

    def fit(self, lam: float) -> Ease:
        """A fitted copy (sharing the Gram matrix), so that two λ can be held at once."""
        model = copy.copy(self)
        model.weights, model.lam = ease_weights(self.gram, lam), lam
        return model

    def scores(self, query: dict[int, float]) -> np.ndarray:
        """The signed reveal vector times B: liked films' neighbours up, disliked ones' down."""
        assert self.weights is not None, "call fit(λ) first"
        known = [(self.position[m], w) for m, w in query.items() if self.position[m] >= 0]
        dense = np.full(self.n_columns, -np.inf)
        if known:
            rows = np.array([p for p, _ in known])
            signs = np.array([w for _, w in known])
            dense[self.items] = signs @ self.weights[rows]
        else:
            dense[self.items] = 0.0
        return dense


def _excluded(mask: np.ndarray, case: Case) -> np.ndarray:
    ids = np.fromiter((m for m in case.revealed if m < len(mask)), np.int64)
    mask[ids] = False
    return mask


def popular_ranker(popularity: np.ndarray, allowed: np.ndarray) -> Ranker:
    """Most rated training films the user has not revealed."""

    def picks(case: Case) -> np.ndarray:
        mask = _excluded(allowed & (popularity > 0), case)
        return rank(popularity.astype(np.float64), mask, PICKS)

    return picks


def ease_ranker(ease: Ease, allowed: np.ndarray, seen: bool = False) -> Ranker:
    """EASE on the signed reveals (`ease`), or with every revealed film as +1 (`ease-seen`): EASE
    learns from who watched what, whatever the stars, so a seen film is evidence however rated."""

    def picks(case: Case) -> np.ndarray:
        query = dict.fromkeys(case.revealed, 1.0) if seen else case.query
        scores = ease.scores(query)
        return rank(scores, _excluded(allowed & np.isfinite(scores), case), PICKS)

    return picks


def scoring_ranker(rec, scoring: Scoring) -> Ranker:  # rec: Recommender
    """A named or custom scoring exactly as the bot calls it (`Recommender.recommend`)."""

    def picks(case: Case) -> np.ndarray:
        found = rec.recommend(case.query, PICKS, exclude=case.revealed, scoring=scoring)
        return np.array([p.movie_id for p in found], np.int64)

    return picks


# ----------------------------------------------------------------------------- the scoring grid
def grid_scorings(
    neighbours: Sequence[int] = GRID_NEIGHBOURS,
    vectors: Sequence[str] = VECTOR_NAMES,
    powers: Sequence[float] = GRID_POWERS,
    damping: Sequence[float] = GRID_DAMPING,
    seen: Sequence[float] = GRID_SEEN,
) -> list[Scoring]:
    return [
        Scoring(f"{v}-k{k}-p{p:g}-d{d:g}-s{w:g}", k, v, p, d, seen_weight=w)
        for v, p, d, w, k in itertools.product(vectors, powers, damping, seen, neighbours)
    ]


def grid_tallies(
    rec,  # Recommender
    cases: Sequence[Case],
    scorings: Sequence[Scoring],
    allowed: np.ndarray,
    progress: bool = False,
    desc: str = "Scoring grid",
) -> dict[Scoring, Tally]:
    """Every scoring of the grid on every case, asking Qdrant once per (case, vector).

    The store's neighbour order is total (similarity, then user id), so the k best are the first k
    of the largest request; each scoring then aggregates exactly what `recommend` would.
    """
    tallies = {s: Tally() for s in scorings}
    largest = {v: max(s.neighbors for s in scorings if s.vector == v) for v in VECTOR_NAMES}
    largest = {v: k for v, k in largest.items() if any(s.vector == v for s in scorings)}
    columns = rec.manifest.columns
    for case in tqdm(cases, desc=desc, unit="user", disable=not progress, leave=False):
        found = {v: rec.store.neighbours(case.query, k, v) for v, k in largest.items()}
        for scoring in scorings:
            near = found[scoring.vector]
            k = scoring.neighbors
            subset = Neighbours(near.ids[:k], near.similarities[:k])
            scores = aggregate(subset, rec.vectors, scoring, columns, rec.popularity)
            mask = candidate_mask(scores.raters, case.revealed, scoring.min_support)
            mask &= allowed[:columns]
            tallies[scoring].add(rank(scores.scores, mask, PICKS), case, rec.popularity)
    return tallies


def select_best(rows: Sequence[dict]) -> dict:
    """Highest NDCG@10, then Precision@5 (then the simpler scoring: fewer neighbours)."""
    return max(rows, key=lambda r: (r["ndcg@10"], r["precision@5"], -r.get("neighbors", 0)))


# ----------------------------------------------------------------------------- the whole run
@dataclass
class Evaluation:
    dataset: str
    seed: int
    users: dict[str, int]
    ease_lambda: dict[str, float]  # per EASE variant, tuned on validation
    chosen: dict  # the grid's best scoring on validation
    default: dict  # SCORINGS["default"] as shipped
    results: list[dict]  # one row per (split, method, N)
    grid: list[dict]  # validation, N = SELECT_REVEALS
    lambdas: list[dict]
    margins: list[dict] = field(default_factory=list)  # default vs seed and EASE, paired
    seconds: float = 0.0

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)


def _subsample(users: np.ndarray, limit: int | None, seed: int) -> np.ndarray:
    if limit is None or len(users) <= limit:
        return users
    return np.sort(np.random.default_rng([seed, 1]).choice(users, limit, replace=False))


def _run(
    rankers: dict[str, Ranker],
    cases: Sequence[Case],
    popularity: np.ndarray,
    progress: bool,
    desc: str,
) -> dict[str, Tally]:
    tallies = {name: Tally() for name in rankers}
    for case in tqdm(cases, desc=desc, unit="user", disable=not progress, leave=False):
        for name, ranker in rankers.items():
            tallies[name].add(ranker(case), case, popularity)
    return tallies


def _tune_ease(
    ease: Ease,
    validation: Sequence[Case],
    allowed: np.ndarray,
    popularity: np.ndarray,
    catalogue_size: int,
    lambdas: Sequence[float],
    progress: bool,
) -> tuple[dict[str, float], list[dict]]:
    """λ per EASE variant by NDCG@10 on validation (one matrix inversion per λ serves both)."""
    rows = []
    for lam in lambdas:
        fitted = ease.fit(lam)
        rankers = {name: ease_ranker(fitted, allowed, seen) for name, seen in EASES.items()}
        done = _run(rankers, validation, popularity, progress, f"EASE λ={lam:g}")
        rows += [t.row(catalogue_size, method=name, **{"lambda": lam}) for name, t in done.items()]
    best = {
        name: float(select_best([r for r in rows if r["method"] == name])["lambda"])
        for name in EASES
    }
    return best, rows


def run_evaluation(
    ratings: pd.DataFrame,
    movies: pd.DataFrame,
    *,
    dataset: str = "ratings",
    seed: int = 0,
    reveals: Sequence[int] = REVEALS,
    max_users: int | None = 600,
    lambdas: Sequence[float] = LAMBDAS,
    scorings: Sequence[Scoring] | None = None,
    store: str = "edge",
    workdir: Path | None = None,
    progress: bool = False,
) -> Evaluation:
    """Split, build an index from the training users only, tune on validation, report on test."""
    from movierec.recommender import Recommender

    started = time.perf_counter()
    split = split_users(ratings, seed)
    validation_users = _subsample(split.validation_users, max_users, seed)
    test_users = _subsample(split.test_users, max_users, seed + 1)
    grid = list(scorings) if scorings is not None else grid_scorings()
    catalogue_size = len(movies)
    with tempfile.TemporaryDirectory(prefix="movierec-eval-", dir=workdir) as tmp:
        rec = Recommender.build(split.train, movies, Path(tmp) / "index", store=store)
        try:
            columns = rec.manifest.columns
            popularity = rec.popularity
            allowed = np.zeros(columns, bool)
            ids = movies.index.to_numpy(np.int64)
            allowed[ids[ids < columns]] = True
            validation = make_cases(split.held_out, validation_users, SELECT_REVEALS, seed)

            # EASE: λ by NDCG@10 on validation at N = 10.
            ease = Ease(split.train, columns)
            best_lambda, lambda_rows = _tune_ease(
                ease, validation, allowed, popularity, catalogue_size, lambdas, progress
            )

            # The scoring grid on validation at N = 10.
            tallies = grid_tallies(rec, validation, grid, allowed, progress)
            grid_rows = [
                t.row(catalogue_size, method=s.name, **_params(s)) for s, t in tallies.items()
            ]
            chosen = select_best(grid_rows)
            chosen_scoring = next(s for s in grid if s.name == chosen["method"])

            rankers: dict[str, Ranker] = {
                "popular": popular_ranker(popularity, allowed),
                "seed": scoring_ranker(rec, SCORINGS["seed"]),
                "default": scoring_ranker(rec, SCORINGS["default"]),
                **{
                    name: ease_ranker(ease.fit(best_lambda[name]), allowed, seen)
                    for name, seen in EASES.items()
                },
            }
            if _params(chosen_scoring) != _params(SCORINGS["default"]):
                rankers["chosen"] = scoring_ranker(rec, chosen_scoring)
            results: list[dict] = []
            margin_rows: list[dict] = []
            held = (("validation", validation_users), ("test", test_users))
            for (split_name, users), n in itertools.product(held, reveals):
                cases = make_cases(split.held_out, users, n, seed)
                done = _run(rankers, cases, popularity, progress, f"{split_name} N={n}")
                results += [
                    t.row(catalogue_size, split=split_name, method=name, reveals=n)
                    for name, t in done.items()
                ]
                margin_rows += _margin_rows(done, split_name, n)
        finally:
            rec.close()
    return Evaluation(
        dataset=dataset,
        seed=seed,
        users={
            "train": int(split.train["user_id"].nunique()),
            "validation": len(validation_users),
            "test": len(test_users),
        },
        ease_lambda=best_lambda,
        chosen=chosen,
        default={"method": "default", **_params(SCORINGS["default"])},
        results=results,
        grid=grid_rows,
        lambdas=lambda_rows,
        margins=margin_rows,
        seconds=time.perf_counter() - started,
    )


def _params(scoring: Scoring) -> dict:
    return {
        "neighbors": scoring.neighbors,
        "vector": scoring.vector,
        "similarity_power": scoring.similarity_power,
        "popularity_damping": scoring.popularity_damping,
        "min_support": scoring.min_support,
        "seen_weight": scoring.seen_weight,
    }


# ----------------------------------------------------------------------------- output
COLUMNS = ("precision@5", "ndcg@10", "recall@20", "coverage", "popularity")


def format_table(evaluation: Evaluation, split: str = "test") -> str:
    """The results of one split as a plain-text table, one block per reveal count."""
    rows = [r for r in evaluation.results if r["split"] == split]
    header = f"{'N':>3}  {'method':<9}{'users':>6}" + "".join(f"{c:>13}" for c in COLUMNS)
    lines = [header, "-" * len(header)]
    for n in sorted({r["reveals"] for r in rows}):
        for r in (r for r in rows if r["reveals"] == n):
            values = "".join(
                f"{r[c]:>13.1f}" if c == "popularity" else f"{r[c]:>13.4f}" for c in COLUMNS
            )
            lines.append(f"{n:>3}  {r['method']:<9}{r['users']:>6}{values}")
    return "\n".join(lines)


def paired_difference(ours: Tally, theirs: Tally, metric: int) -> tuple[float, float]:
    """Mean per-user difference (metric 0 = P@5, 1 = NDCG@10) and its 95% half-width.

    Both methods answered the same users, so the paired spread is what tells a real margin from
    noise; it is far smaller than the spread of either method alone.
    """
    users = sorted(ours.per_user.keys() & theirs.per_user.keys())
    if not users:
        return 0.0, math.inf
    diffs = np.array([ours.per_user[u][metric] - theirs.per_user[u][metric] for u in users])
    spread = diffs.std(ddof=1) / math.sqrt(len(diffs)) if len(diffs) > 1 else math.inf
    return float(diffs.mean()), float(1.96 * spread)


def margins(evaluation: Evaluation, split: str = "test", n: int | None = None) -> list[dict]:
    """The default against seed and EASE (at N = `n`, or every N): absolute, relative, paired CI."""
    return [
        m for m in evaluation.margins if m["split"] == split and (n is None or m["reveals"] == n)
    ]


def _margin_rows(tallies: dict[str, Tally], split: str, n: int) -> list[dict]:
    rows = []
    for other in ("seed", *EASES):
        if "default" not in tallies or other not in tallies:
            continue
        for index, metric in enumerate(("precision@5", "ndcg@10")):
            diff, half = paired_difference(tallies["default"], tallies[other], index)
            base = tallies[other].row(1)[metric]
            rows.append(
                {
                    "split": split,
                    "reveals": n,
                    "versus": other,
                    "metric": metric,
                    "difference": diff,
                    "relative": diff / base if base else math.inf,
                    "ci95": half,
                }
            )
    return rows


def plot(evaluation: Evaluation, path: Path) -> Path:
    """NDCG@10 on validation (N = 10) against neighbours: a line per vector × similarity weighting,
    a panel per (seen weight, popularity damping); EASE and seed as horizontal references, the
    chosen scoring as a star."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = evaluation.grid
    dampings = sorted({r["popularity_damping"] for r in rows})
    seens = sorted({r["seen_weight"] for r in rows})
    fig, axes = plt.subplots(
        len(seens),
        len(dampings),
        figsize=(4.6 * len(dampings), 3.6 * len(seens)),
        sharey=True,
        squeeze=False,
    )
    cell = {
        r["method"]: r
        for r in evaluation.results
        if r["split"] == "validation" and r["reveals"] == SELECT_REVEALS
    }
    families = sorted({(r["vector"], r["similarity_power"]) for r in rows})
    neighbours = sorted({r["neighbors"] for r in rows})
    references = (("ease-seen", "black"), ("ease", "dimgrey"), ("seed", "darkgrey"))
    for (i, seen), (j, damping) in itertools.product(enumerate(seens), enumerate(dampings)):
        ax = axes[i][j]
        panel = [r for r in rows if r["seen_weight"] == seen and r["popularity_damping"] == damping]
        for vector, power in families:
            line = sorted(
                (r["neighbors"], r["ndcg@10"])
                for r in panel
                if r["vector"] == vector and r["similarity_power"] == power
            )
            style = "-" if vector == "unit" else "--"
            ax.plot(
                *zip(*line, strict=True), style, marker="o", ms=3, label=f"{vector}, sim^{power:g}"
            )
        for name, colour in references:
            if name in cell:
                ax.axhline(cell[name]["ndcg@10"], color=colour, linestyle=":", label=name)
        chosen = evaluation.chosen
        if chosen in panel:
            ax.plot(chosen["neighbors"], chosen["ndcg@10"], "*", color="red", ms=14, label="chosen")
        ax.set_xscale("log")
        ax.set_xticks(neighbours, [str(k) for k in neighbours])
        ax.minorticks_off()
        ax.set_title(f"seen weight {seen:g}, popularity damping {damping:g}", fontsize=10)
        ax.grid(alpha=0.3)
        if i == len(seens) - 1:
            ax.set_xlabel("neighbours")
        if j == 0:
            ax.set_ylabel(f"NDCG@10 (validation, N = {SELECT_REVEALS})")
    handles, labels = axes[0][0].get_legend_handles_labels()
    for ax in axes.flat:  # the star lives in one panel only
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    fig.legend(handles, labels, loc="lower center", ncol=5, fontsize=9, frameon=False)
    fig.suptitle(f"{evaluation.dataset}: scoring families against the number of neighbours")
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


# ----------------------------------------------------------------------------- CLI
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=0, help="split and reveal seed (default 0)")
    parser.add_argument(
        "--reveals",
        type=int,
        nargs="+",
        default=list(REVEALS),
        metavar="N",
        help="ratings revealed per held-out user (default: 5 10 20)",
    )
    parser.add_argument(
        "--max-users",
        type=int,
        default=600,
        help="at most this many validation and test users each, seeded (default 600; 0 = all)",
    )
    parser.add_argument(
        "--lambdas",
        type=float,
        nargs="+",
        default=list(LAMBDAS),
        metavar="λ",
        help="EASE regularisation values tried on validation",
    )
    parser.add_argument("--plot", type=Path, default=None, help="write the PNG plot here")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def main(args: argparse.Namespace) -> int:
    from movierec.config import Settings
    from movierec.data import load_dataset
    from movierec.download import resolve_data_dir

    if any(n < 1 for n in args.reveals) or args.max_users < 0:
        raise ValueError("--reveals must be at least 1 and --max-users not negative")
    if any(lam <= 0 for lam in args.lambdas):
        raise ValueError("--lambdas must be positive")
    settings = Settings.from_env()
    data_dir = resolve_data_dir(settings, progress=sys.stderr.isatty())
    dataset = load_dataset(data_dir)
    evaluation = run_evaluation(
        dataset.ratings,
        dataset.movies,
        dataset=dataset.name,
        seed=args.seed,
        reveals=sorted(set(args.reveals)),
        max_users=args.max_users or None,
        lambdas=args.lambdas,
        progress=sys.stderr.isatty(),
    )
    if args.plot is not None:
        plot(evaluation, args.plot)
    if args.json:
        print(evaluation.to_json())
        return 0
    print(_report(evaluation))
    return 0


def _report(evaluation: Evaluation) -> str:
    chosen = evaluation.chosen
    lines = [
        f"{evaluation.dataset}: {evaluation.users['train']:,} training users, "
        f"{evaluation.users['validation']} validation and {evaluation.users['test']} test users "
        f"(seed {evaluation.seed}); EASE λ: "
        + ", ".join(f"{k} {v:g}" for k, v in evaluation.ease_lambda.items()),
        f"best on validation (N = {SELECT_REVEALS}): {chosen['method']} "
        f"(NDCG@10 {chosen['ndcg@10']:.4f}, P@5 {chosen['precision@5']:.4f})",
        "",
        "Test split:",
        format_table(evaluation, "test"),
        "",
    ]
    lines.append("Margins of the default on test (paired over the same users):")
    for m in margins(evaluation):
        lines.append(
            f"default vs {m['versus']:<9} {m['metric']:<11} (N = {m['reveals']:>2}): "
            f"{m['difference']:+.4f} ({m['relative']:+.1%}), paired 95% CI ±{m['ci95']:.4f}"
        )
    lines.append(f"({evaluation.seconds:.0f} s)")
    return "\n".join(lines)
