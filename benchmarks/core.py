"""Core benchmark: load, build, memory and `recommend` latency per store, against a SciPy floor.

    python benchmarks/core.py                 # ml-1m from MOVIELENS_DIR, plus the ml-32m-shaped run
    python benchmarks/core.py --no-scale      # ml-1m only
    python benchmarks/core.py --edge-only     # only the Edge shard build at ml-32m scale
    python benchmarks/core.py --edge-only --scale-users 20000 --scale-ratings 3200000  # quick

The floor is the same computation written directly with NumPy/SciPy (see `ScipyFloor`): what
`recommend` would cost with no vector engine and no per-call Python overhead. Ratios are taken
within one run: this machine is shared and noisy.
Memory is measured in a fresh child process that only opens the built index and answers queries,
so it is what the bot's process holds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from movierec.config import Settings  # noqa: E402
from movierec.data import load_dataset  # noqa: E402
from movierec.recommender import Recommender  # noqa: E402
from movierec.scoring import SCORINGS, cite  # noqa: E402
from movierec.vectors import RatingStats, build_user_vectors  # noqa: E402
from movierec.vectorstore.edge import EdgeStore  # noqa: E402


def percentiles(samples: list[float]) -> tuple[float, float]:
    values = np.array(samples) * 1000
    return float(np.percentile(values, 50)), float(np.percentile(values, 99))


def preference_sets(rec: Recommender, count: int, seed: int = 1) -> list[dict[int, float]]:
    """Random likes/dislikes among the 500 most rated films, 3 to 20 per set, like real chats."""
    rng = np.random.default_rng(seed)
    popular = [m.movie_id for m in rec.catalogue.popular(500, min_mean=0)]
    sets = []
    for _ in range(count):
        chosen = rng.choice(popular, size=int(rng.integers(3, 21)), replace=False)
        sets.append({int(m): float(rng.choice([-1.0, 1.0])) for m in chosen})
    return sets


def time_recommend(
    rec: Recommender, sets: list[dict[int, float]], scoring: str, explain: bool = True
) -> list[float]:
    rec.recommend(sets[0], scoring=scoring)  # warm up
    samples = []
    for prefs in sets:
        start = time.perf_counter()
        rec.recommend(prefs, limit=5, scoring=scoring, explain=explain)
        samples.append(time.perf_counter() - start)
    return samples


class ScipyFloor:
    """The same recommendation written directly with NumPy/SciPy: what `recommend` would cost with
    no vector engine and no per-call Python overhead. Everything that depends only on the data set
    is prepared once, as a fast implementation would:

    * each film's column of the user matrix (the users who rated it, with their `ratings` and
      unit-normalised `unit` values) and each user's row, as ready array views;
    * the popularity damping factor, the catalogue mask, each film's IDF^γ and each film's
      item-graph row (the blend's second signal), as ready arrays.

    Per query: the similarities are one bincount over the query films' concatenated columns (no
    sparse-matrix object), the neighbors the `k` best by (similarity rounded as the stores round
    it, descending; user id ascending) via partition over the users sharing a film with the query,
    the scores one bincount over the neighbors' concatenated rows, and the picks five argmax
    calls. The blend (`default`) adds the IDF-weighted query, one bincount over the query films'
    graph rows, and the two scalings to a best of 1.

    `recommend` returns what `Recommender.recommend` returns, so the two are compared for the same
    output: with `explain`, also each pick's support (neighbors who liked it) and its reasons
    (`movierec.scoring.people_credit` and `cite_apart`), read from the columns of the picks and
    the likes only, restricted to the neighbors; a pick no neighbor rated cites the like with the
    strongest graph edge to it. `explain=False` is the picks alone.
    """

    def __init__(self, rec: Recommender) -> None:
        v = rec.vectors
        self.columns = rec.manifest.columns
        shape = (len(v.user_ids), self.columns)
        self.film_columns = {}
        for name, values in (("ratings", np.asarray(v.values, np.float64)), ("unit", None)):
            values = v.unit_values() if values is None else values
            csc = sparse.csr_matrix((values, np.asarray(v.indices), v.indptr), shape=shape).tocsc()
            bounds = zip(csc.indptr[:-1].tolist(), csc.indptr[1:].tolist(), strict=True)
            self.film_columns[name] = [(csc.indices[a:b], csc.data[a:b]) for a, b in bounds]
        # each film's likers (users who rated it above their mean), for support and reasons
        self.likers = [users[values > 0] for users, values in self.film_columns["ratings"]]
        self.user_ids = v.user_ids
        self.lengths = np.diff(v.indptr)
        # each user's row: movie ids, and ratings as stored (float32), as `aggregate` reads them
        bounds = list(zip(v.indptr[:-1].tolist(), v.indptr[1:].tolist(), strict=True))
        self.row_movies = [np.asarray(v.indices[a:b], np.int64) for a, b in bounds]
        self.row_values = [v.values[a:b] for a, b in bounds]
        popularity = np.maximum(rec.popularity[: self.columns], 1.0)
        self.damping = {
            name: 1.0 / popularity**scoring.popularity_damping
            for name, scoring in SCORINGS.items()
            if scoring.popularity_damping
        }
        self.catalogue = np.zeros(self.columns, bool)
        ids = rec.catalogue.frame.index.to_numpy(np.int64)
        self.catalogue[ids[ids < self.columns]] = True
        idf = np.log1p(
            (len(v.user_ids) - rec.popularity[: self.columns] + 0.5)
            / (rec.popularity[: self.columns] + 0.5)
        )
        self.idf = {
            name: (idf**scoring.idf_power).tolist()
            for name, scoring in SCORINGS.items()
            if scoring.idf_power
        }
        g = rec.graph
        self.graph_rows = [
            (np.asarray(g.indices[a:b], np.int64), np.asarray(g.weights[a:b], np.float64))
            for a, b in zip(g.indptr[:-1].tolist(), g.indptr[1:].tolist(), strict=True)
        ]

    def recommend(
        self, prefs: dict[int, float], scoring_name: str, explain: bool = True
    ) -> list[int]:
        """The picks; with `explain`, their support and reasons in `self.explained` too."""
        scoring = SCORINGS[scoring_name]
        columns = self.film_columns[scoring.vector]
        idf = self.idf.get(scoring_name)
        query = {m: w * idf[m] for m, w in prefs.items()} if idf else prefs
        users = np.concatenate([columns[m][0] for m in query])
        contributions = np.concatenate([columns[m][1] * w for m, w in query.items()])
        sims = np.bincount(users, weights=contributions, minlength=len(self.user_ids))
        # A store only returns users sharing a film with the query; ranking just those also
        # spares partition the thousands of equal zeros that make it slow.
        touched = np.flatnonzero(sims)
        k = min(scoring.neighbors, len(touched))
        if len(touched) > k:  # keep the whole tie run at the cut (rounded as the stores round)
            kth = np.partition(sims[touched], len(touched) - k)[len(touched) - k]
            touched = touched[sims[touched] >= kth - 1e-4]
        top = touched[np.lexsort((self.user_ids[touched], -np.round(sims[touched], 4)))[:k]]
        movies = np.concatenate([self.row_movies[u] for u in top.tolist()])
        values = np.concatenate([self.row_values[u] for u in top.tolist()]) + scoring.seen_weight
        if scoring.similarity_power:
            weights = np.maximum(sims[top], 0.0) ** scoring.similarity_power
            values = values * np.repeat(weights, self.lengths[top])
        scores = np.bincount(movies, weights=values, minlength=self.columns)
        if scoring.name in self.damping:
            scores *= self.damping[scoring.name]
        raters = np.bincount(movies, minlength=self.columns)
        mask = raters >= scoring.min_support
        if scoring.graph_weight:
            rows = [self.graph_rows[m] for m in prefs if m < len(self.graph_rows)]
            graph = np.bincount(
                np.concatenate([r[0] for r in rows]),
                weights=np.concatenate([r[1] for r in rows]),
                minlength=self.columns,
            )
            mask |= graph > 0
        mask &= self.catalogue
        mask[list(prefs)] = False
        if scoring.graph_weight:
            w = scoring.graph_weight
            scores = (1 - w) * _unit(scores, mask) + w * _unit(graph, mask)
        # The best five by (score, lower id): argmax returns the first of equal maxima.
        remaining = np.where(mask, scores, -np.inf)
        picks = []
        for _ in range(5):
            best = int(remaining.argmax())
            if remaining[best] == -np.inf:
                break
            picks.append(best)
            remaining[best] = -np.inf
        if explain:
            power = scoring.similarity_power
            weights = np.maximum(sims[top], 0.0) ** power if power else None
            self.explained = self._explain(prefs, picks, top, weights, raters)
        return picks

    def _explain(
        self,
        prefs: dict[int, float],
        picks: list[int],
        top: np.ndarray,
        weights: np.ndarray | None,
        raters: np.ndarray,
    ) -> tuple[list[int], list[tuple[int, ...]]]:
        """(support, reasons) of the picks: who among the neighbors liked each pick and like,
        from those films' likers (one gather for all of them), and the credits a
        neighbor-weighted product of the two."""
        likes = [m for m, w in prefs.items() if w > 0]
        position = np.full(len(self.user_ids), -1, np.int64)
        position[top] = np.arange(len(top))
        films = picks + likes
        fans = [self.likers[m] for m in films]
        at = position[np.concatenate(fans)]
        row = np.repeat(np.arange(len(films)), [len(f) for f in fans])
        kept = at >= 0
        liked = np.zeros((len(films), len(top)))
        liked[row[kept], at[kept]] = 1.0
        support = liked[: len(picks)].sum(axis=1).astype(int).tolist()
        if not likes:
            return support, [() for _ in picks]
        supporters = liked[: len(picks)] * (1.0 if weights is None else weights)
        reasons = cite(supporters @ liked[len(picks) :].T, likes)
        for i, film in enumerate(picks):
            if not reasons[i] and not raters[film] and self.graph_rows:
                reasons[i] = self._graph_reason(likes, film)
        return support, reasons

    def _graph_reason(self, likes: list[int], film: int) -> tuple[int, ...]:
        """The like whose graph row weighs `film` most (the earlier like on a tie)."""
        best, reason = 0.0, ()
        for like in likes:
            indices, weights = self.graph_rows[like]
            hits = np.flatnonzero(indices == film)
            if len(hits) and weights[hits[0]] > best:
                best, reason = float(weights[hits[0]]), (like,)
        return reason


def _unit(scores: np.ndarray, mask: np.ndarray) -> np.ndarray:
    best = scores[mask].max(initial=0.0)
    return scores / best if best > 0 else scores


def time_pair(
    rec: Recommender,
    floor: ScipyFloor,
    sets: list[dict[int, float]],
    scoring: str,
    explain: bool = True,
) -> tuple[list[float], list[float]]:
    """`recommend` and the floor on the same preference sets, alternately query by query: a noisy
    moment of this shared machine then slows both alike, so their ratio holds within one run.
    Each query runs once, as in the bot (a repeat would find its data in the CPU caches)."""
    rec.recommend(sets[0], scoring=scoring)  # warm up both
    floor.recommend(sets[0], scoring, explain)
    edge, floored = [], []
    for prefs in sets:
        start = time.perf_counter()
        rec.recommend(prefs, limit=5, scoring=scoring, explain=explain)
        middle = time.perf_counter()
        floor.recommend(prefs, scoring, explain)
        edge.append(middle - start)
        floored.append(time.perf_counter() - middle)
    return edge, floored


def same_output(rec: Recommender, floor: ScipyFloor, prefs: dict[int, float], scoring: str) -> bool:
    """Whether `recommend` and the floor give the same picks, support and reasons."""
    picks = rec.recommend(prefs, scoring=scoring)
    ids = floor.recommend(prefs, scoring)
    support, reasons = floor.explained
    return [(p.movie_id, p.support, p.because) for p in picks] == list(
        zip(ids, support, reasons, strict=True)
    )


def child_memory(home: Path, data_dir: Path) -> dict:
    """Open the built edge index in a fresh process, answer 200 queries, report its memory."""
    code = f"""
import json, sys, psutil
sys.path.insert(0, {str(ROOT)!r})
from pathlib import Path
from movierec.config import Settings
from movierec.recommender import Recommender
before = psutil.Process().memory_info().rss
rec = Recommender.open(Settings(home=Path({str(home)!r}), movielens_dir=Path({str(data_dir)!r})),
                       data_dir=Path({str(data_dir)!r}))
rec.match("the matrix")  # the title index is part of what the bot holds
for m in rec.catalogue.popular(200, min_mean=0):
    rec.recommend({{m.movie_id: 1.0}})
print(json.dumps({{"rss_mb": psutil.Process().memory_info().rss / 2**20,
    "peak_rss_mb": int(next(l.split()[1] for l in open("/proc/self/status")
                            if l.startswith("VmHWM:"))) / 1024,
    "python_baseline_mb": before / 2**20}}))
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    if result.returncode:
        return {"error": (result.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def bench_dataset(label: str, data_dir: Path, queries: int, with_server: bool) -> dict:
    report: dict = {"dataset": label}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        start = time.perf_counter()
        dataset = load_dataset(data_dir)
        report["load_s"] = time.perf_counter() - start
        report["ratings"] = len(dataset.ratings)
        del dataset
        start = time.perf_counter()
        rec = Recommender.open(Settings(home=home, movielens_dir=data_dir), data_dir=data_dir)
        report["load_and_build_edge_s"] = time.perf_counter() - start
        report["build_edge_s"] = report["load_and_build_edge_s"] - report["load_s"]
        rec.close()
        start = time.perf_counter()
        rec = Recommender.open(Settings(home=home, movielens_dir=data_dir), data_dir=data_dir)
        report["reopen_s"] = time.perf_counter() - start
        sets = preference_sets(rec, queries)
        floor = ScipyFloor(rec)
        for scoring in ("seed", "default", "neighbors"):
            edge, scipy_floor = time_pair(rec, floor, sets, scoring)
            p50, p99 = percentiles(edge)
            f50, f99 = percentiles(scipy_floor)
            report[f"{scoring}_edge_ms"] = {"p50": p50, "p99": p99}
            bare, bare_floor = map(percentiles, time_pair(rec, floor, sets, scoring, False))
            report[f"{scoring}_edge_without_reasons_ms"] = {"p50": bare[0], "p99": bare[1]}
            report[f"{scoring}_scipy_floor_ms"] = {"p50": f50, "p99": f99}
            report[f"{scoring}_scipy_floor_without_reasons_ms"] = {
                "p50": bare_floor[0],
                "p99": bare_floor[1],
            }
            report[f"{scoring}_edge_over_floor_p50"] = p50 / f50
            report[f"{scoring}_without_reasons_edge_over_floor_p50"] = bare[0] / bare_floor[0]
            report[f"{scoring}_edge_equals_floor_of_50"] = sum(
                same_output(rec, floor, s, scoring) for s in sets[:50]
            )
        if with_server:
            server_settings = Settings(
                home=home, movielens_dir=data_dir, store="qdrant", qdrant_url=":memory:"
            )
            start = time.perf_counter()
            server = Recommender.open(server_settings, data_dir=data_dir)
            report["build_qdrant_local_mode_s"] = time.perf_counter() - start
            p50, p99 = percentiles(time_recommend(server, sets[:20], "seed"))
            report["seed_qdrant_local_mode_ms"] = {"p50": p50, "p99": p99}
            server.close()
        rec.close()
        report["memory"] = child_memory(home, data_dir)
    return report


def synthetic_ratings(users: int, ratings: int, movies: int = 87_585) -> pd.DataFrame:
    """Ratings shaped like ml-32m: heavy-tailed user activity and movie popularity, exactly
    `ratings` distinct (user, movie) pairs, half-star ratings."""
    rng = np.random.default_rng(32)
    activity = rng.pareto(1.2, users) + 1
    per_user = np.clip(activity / activity.sum() * ratings, 20, movies // 4).astype(np.int64)
    popularity = 1.0 / np.arange(1, movies + 1) ** 0.8
    popularity /= popularity.sum()
    pairs = pd.DataFrame({"userId": np.zeros(0, np.int32), "movieId": np.zeros(0, np.int32)})
    while len(pairs) < ratings:  # duplicates are dropped, so top up until the target is met
        missing = ratings - len(pairs)
        scale = missing / per_user.sum() * 1.1
        counts = rng.binomial(per_user, min(scale, 1.0)) if scale < 1 else per_user
        batch = pd.DataFrame(
            {
                "userId": np.repeat(np.arange(1, users + 1, dtype=np.int32), counts),
                "movieId": (rng.choice(movies, size=int(counts.sum()), p=popularity) + 1).astype(
                    np.int32
                ),
            }
        )
        pairs = pd.concat([pairs, batch]).drop_duplicates(["userId", "movieId"])
    pairs = pairs.sample(n=ratings, random_state=32).sort_values(["userId", "movieId"])
    stars = np.clip(np.round(rng.normal(3.5, 1.0, len(pairs)) * 2) / 2, 0.5, 5.0)
    pairs["rating"] = stars.astype(np.float32)
    pairs["timestamp"] = 0
    return pairs


def synthetic_32m(folder: Path, users: int, ratings: int, movies: int = 87_585) -> Path:
    """`synthetic_ratings` written as an ml-32m-style CSV data set in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    synthetic_ratings(users, ratings, movies).to_csv(folder / "ratings.csv", index=False)
    pd.DataFrame(
        {
            "movieId": np.arange(1, movies + 1),
            "title": [f"Synthetic film {i} ({1900 + i % 120})" for i in range(1, movies + 1)],
            "genres": "Drama",
        }
    ).to_csv(folder / "movies.csv", index=False)
    return folder


def bench_edge_upload(users: int, ratings: int) -> dict:
    """Only the Edge shard of an ml-32m-shaped build, phase by phase (`EdgeStore.upload_seconds`).

    Skips the CSV round trip and the queries: this is the part of the build that the points
    construction and the shard's own indexing decide.
    """
    start = time.perf_counter()
    frame = synthetic_ratings(users, ratings).rename(
        columns={"userId": "user_id", "movieId": "movie_id"}
    )
    vectors = build_user_vectors(frame, RatingStats.of(frame))
    report: dict = {"users": len(vectors), "ratings": vectors.nnz}
    report["generate_s"] = time.perf_counter() - start
    del frame
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        store = EdgeStore.create(Path(tmp) / "shard")
        store.upload(vectors)
        report["edge_s"] = time.perf_counter() - start
        report["edge_phases_s"] = store.upload_seconds
        store.close()
        start = time.perf_counter()
        EdgeStore.open(Path(tmp) / "shard").close()
        report["reopen_s"] = time.perf_counter() - start
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_data = os.environ.get("MOVIELENS_DIR") or str(ROOT.parent / "shared/data/ml-1m")
    parser.add_argument("--data", type=Path, default=Path(default_data))
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--no-scale", action="store_true", help="skip the ml-32m-shaped run")
    parser.add_argument("--scale-users", type=int, default=200_000)
    parser.add_argument("--scale-ratings", type=int, default=32_000_000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--edge-only",
        action="store_true",
        help="time only the Edge shard build of the ml-32m-shaped set (--scale-* for its size)",
    )
    args = parser.parse_args()
    if args.edge_only:
        print(json.dumps(bench_edge_upload(args.scale_users, args.scale_ratings), indent=2))
        return
    reports = [bench_dataset(args.data.name, args.data, args.queries, with_server=True)]
    if not args.no_scale:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            folder = synthetic_32m(
                Path(tmp) / "synthetic-32m", args.scale_users, args.scale_ratings
            )
            print(
                f"generated ml-32m-shaped data in {time.perf_counter() - start:.1f} s",
                file=sys.stderr,
            )
            reports.append(bench_dataset("synthetic-32m", folder, args.queries, with_server=False))
    print(json.dumps(reports, indent=2))


if __name__ == "__main__":
    main()
