"""The item graph: for every film, the films its viewers also watched, as RP3beta weighs them.

The default scoring blends two signals (`movierec.scoring`): the Qdrant neighbors' ratings (people
like you) and this graph (films like yours). RP3beta (Paudel et al. 2017) is a three-step random
walk film → person → film with the destination's popularity divided out. With X the binary users ×
films matrix of every rating, the weight of the edge i → j is

    W_ij = deg(i)^−α · Σ_u X_ui X_uj deg(u)^−α · deg(j)^−β

and each film keeps only its `successors` strongest edges (a pruned graph is small and fast to
read). On ml-1m this graph alone beats every other baseline, and blended with the neighbors it
beats them all by 6–17% (docs/evaluation.md).

Built once, inside the index build, from the same user rows Qdrant holds, in blocks of films (a
block's rows of XᵀD·X computed sparse, made dense, pruned per row), so memory never holds more
than one block. Its cost is the number of products Σ_u deg(u)² — 4·10⁸ on ml-1m (a second or two),
6·10¹⁰ at ml-32m's shape (far too slow). When a data set is over `PRODUCT_BUDGET` the graph is
built exactly the same way from a seeded sample of the ratings: the `MAX_FILMS` most-rated films,
each person's ratings thinned to about `CAPPED_RATINGS` films, and, if still over budget, a share
of the people. It is then RP3beta of that sample: rarely rated films keep no edges (the neighbor
signal still ranks them) and a heavy rater's every pair no longer costs a product each.

Saved as CSR arrays over movie ids (`indptr` int64, `indices` int32, `weights` float32) and
memory-mapped on open: a query touches only its films' rows.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import scipy.sparse as sp

from movierec.vectors import UserVectors

ALPHA = 0.75  # tuned on ml-1m validation users (docs/evaluation.md)
BETA = 0.55
SUCCESSORS = 800
PRODUCT_BUDGET = 5e8  # Σ deg(u)² above which the graph is built from a sample (ml-1m: 3.5e8)
MAX_FILMS = 20_000  # the most-rated films that get edges when the data set is over budget
CAPPED_RATINGS = 200  # about how many films of each person count when over budget
BLOCK_CELLS = 25_000_000  # dense cells (float32: 100 MB) per block of rows
SEED = 14


@dataclass(frozen=True)
class GraphParams:
    """How a graph was built; stored next to it so an index says what it holds."""

    alpha: float = ALPHA
    beta: float = BETA
    successors: int = SUCCESSORS
    films: int = 0  # films with edges
    people: int = 0  # people whose ratings were read
    ratings: int = 0  # ratings read (all of them unless the data set was over budget)
    sampled: bool = False


@dataclass(frozen=True)
class ItemGraph:
    """Pruned RP3beta edges as CSR over movie ids: row i lists film i's successors."""

    indptr: np.ndarray
    indices: np.ndarray
    weights: np.ndarray
    params: GraphParams

    @property
    def columns(self) -> int:
        return len(self.indptr) - 1

    @property
    def edges(self) -> int:
        return len(self.indices)

    def scores(self, films: Iterable[int], n_columns: int) -> np.ndarray:
        """Σ of the rows of `films` (every film a person rated counts as seen, liked or not: for
        the graph that is the best reading of a reveal, measured), `n_columns` long."""
        bounds = [
            (int(self.indptr[m]), int(self.indptr[m + 1])) for m in films if 0 <= m < self.columns
        ]
        if not bounds:
            return np.zeros(n_columns)
        # a slice per film (a person rates tens of films): cheaper than one fancy-index gather
        indices = np.concatenate([self.indices[a:b] for a, b in bounds])
        weights = np.concatenate([self.weights[a:b] for a, b in bounds])
        return np.bincount(indices, weights=weights, minlength=n_columns)[:n_columns]

    def edge_weights(self, sources: Sequence[int], targets: Sequence[int]) -> np.ndarray:
        """targets x sources: the weight of each source's edge to each target (0 where the
        source's row does not lead there): what each of a person's likes gave a pick's graph
        score. The sources' rows are read as one concatenation and searched once: a Python loop
        per like cost more than the search (callers bound the number of sources)."""
        found = np.zeros((len(targets), len(sources)))
        bounds = [
            (i, int(self.indptr[s]), int(self.indptr[s + 1]))
            for i, s in enumerate(sources)
            if 0 <= s < self.columns
        ]
        if not bounds or not len(targets):
            return found
        indices = np.concatenate([self.indices[a:b] for _, a, b in bounds])
        weights = np.concatenate([self.weights[a:b] for _, a, b in bounds])
        owner = np.repeat([i for i, _, _ in bounds], [b - a for _, a, b in bounds])
        wanted = np.asarray(targets, np.int64)
        order = np.argsort(wanted, kind="stable")
        at = np.searchsorted(wanted[order], indices)
        at[at == len(wanted)] = 0
        hits = wanted[order][at] == indices
        found[order[at[hits]], owner[hits]] = weights[hits]
        return found

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / "indptr.npy", self.indptr.astype(np.int64))
        np.save(directory / "indices.npy", self.indices.astype(np.int32))
        np.save(directory / "weights.npy", self.weights.astype(np.float32))
        (directory / "params.json").write_text(_json(self.params))

    @classmethod
    def load(cls, directory: Path, *, mmap: bool = True) -> ItemGraph:
        mode: Literal["r"] | None = "r" if mmap else None
        params = GraphParams(**json.loads((directory / "params.json").read_text()))
        return cls(
            indptr=np.load(directory / "indptr.npy"),
            indices=np.asarray(np.load(directory / "indices.npy", mmap_mode=mode)),
            weights=np.asarray(np.load(directory / "weights.npy", mmap_mode=mode)),
            params=params,
        )


def _json(params: GraphParams) -> str:
    return json.dumps(asdict(params), indent=2)


def products(vectors: UserVectors) -> float:
    """Σ deg(u)²: how many products the exact graph costs."""
    return _squared_degrees(vectors.indptr)


def _squared_degrees(indptr: np.ndarray) -> float:
    degree = np.diff(indptr).astype(np.float64)
    return float((degree**2).sum())


def _sample(
    matrix: sp.csr_matrix, budget: float, max_films: int, capped: int
) -> tuple[sp.csr_matrix, bool]:
    """The binary matrix itself when its Σ deg(u)² is within budget, else a seeded sample:
    the `max_films` most-rated films, each person's ratings thinned to about `capped`, and then
    a share of the people if the products are still over budget."""
    if _squared_degrees(matrix.indptr) <= budget:
        return matrix, False
    rng = np.random.default_rng(SEED)
    popularity = np.bincount(matrix.indices, minlength=matrix.shape[1])
    order = np.argsort(-popularity, kind="stable")[:max_films]
    kept_films = np.zeros(matrix.shape[1], bool)
    kept_films[order[popularity[order] > 0]] = True
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    degree_top = np.bincount(rows[kept_films[matrix.indices]], minlength=matrix.shape[0])
    keep_share = np.minimum(1.0, capped / np.maximum(degree_top, 1))[rows]
    keep = kept_films[matrix.indices] & (rng.random(len(rows)) < keep_share)
    thinned = np.bincount(rows[keep], minlength=matrix.shape[0]).astype(np.float64)
    products = float((thinned**2).sum())
    if products > budget:
        people = rng.random(matrix.shape[0]) < budget / products
        keep &= people[rows]
    data = np.ones(int(keep.sum()), np.float32)
    sampled = sp.csr_matrix((data, (rows[keep], matrix.indices[keep])), shape=matrix.shape)
    return sampled, True


def binary_matrix(vectors: UserVectors, n_columns: int) -> sp.csr_matrix:
    """people × movie ids, 1 wherever a person rated a film (any star counts as watched)."""
    data = np.ones(vectors.nnz, np.float32)
    indices = np.asarray(vectors.indices, np.int32)
    return sp.csr_matrix((data, indices, vectors.indptr), shape=(len(vectors), n_columns))


def build_graph(
    vectors: UserVectors,
    n_columns: int,
    *,
    alpha: float = ALPHA,
    beta: float = BETA,
    successors: int = SUCCESSORS,
    budget: float = PRODUCT_BUDGET,
    max_films: int = MAX_FILMS,
    capped: int = CAPPED_RATINGS,
) -> ItemGraph:
    """The pruned RP3beta graph of these people's ratings (or of a sample: see the docstring)."""
    x, sampled = _sample(binary_matrix(vectors, n_columns), budget, max_films, capped)
    people = np.diff(x.indptr)
    films_degree = np.bincount(x.indices, minlength=n_columns).astype(np.float64)
    films = np.flatnonzero(films_degree > 0)
    x = x[:, films].tocsr()  # only films with raters: dense blocks over these columns
    with np.errstate(divide="ignore"):
        person_weight = np.where(people > 0, people.astype(np.float64) ** -alpha, 0.0)
    weighted = sp.diags(person_weight.astype(np.float32)) @ x
    transposed = x.T.tocsr()
    row_scale = (films_degree[films] ** -alpha).astype(np.float32)
    column_scale = (films_degree[films] ** -beta).astype(np.float32)
    keep = min(successors, max(len(films) - 1, 0))
    block = max(1, int(BLOCK_CELLS // max(len(films), 1)))
    counts = np.zeros(n_columns + 1, np.int64)
    parts_idx: list[np.ndarray] = []
    parts_w: list[np.ndarray] = []
    for start in range(0, len(films), block):
        stop = min(start + block, len(films))
        dense = (transposed[start:stop] @ weighted).toarray()
        dense *= row_scale[start:stop, None]
        dense *= column_scale[None, :]
        dense[np.arange(stop - start), np.arange(start, stop)] = 0.0  # no edge to itself
        idx, w = _top(dense, keep)
        counts[films[start:stop] + 1] = (w > 0).sum(axis=1)
        parts_idx.append(films[idx[w > 0]].astype(np.int32))
        parts_w.append(w[w > 0].astype(np.float32))
    indptr = np.cumsum(counts)
    params = GraphParams(
        alpha,
        beta,
        successors,
        films=len(films),
        people=int((people > 0).sum()),
        ratings=int(x.nnz),
        sampled=sampled,
    )
    return ItemGraph(
        indptr,
        np.concatenate(parts_idx) if parts_idx else np.zeros(0, np.int32),
        np.concatenate(parts_w) if parts_w else np.zeros(0, np.float32),
        params,
    )


def _top(dense: np.ndarray, keep: int) -> tuple[np.ndarray, np.ndarray]:
    """Column positions and weights of every row's `keep` largest entries, best first."""
    if keep <= 0:
        empty = np.zeros((len(dense), 0))
        return empty.astype(np.int64), empty
    if keep < dense.shape[1]:
        idx = np.argpartition(-dense, keep - 1, axis=1)[:, :keep]
    else:
        idx = np.broadcast_to(np.arange(dense.shape[1]), dense.shape).copy()
    w = np.take_along_axis(dense, idx, axis=1)
    order = np.argsort(-w, axis=1, kind="stable")
    return np.take_along_axis(idx, order, axis=1), np.take_along_axis(w, order, axis=1)


def main(argv: list[str] | None = None) -> int:
    """`python -m movierec.graph STAGING COLUMNS BUDGET`: the index build's child process (see
    `movierec.index`): the graph of STAGING/vectors, saved into STAGING/graph."""
    staging, columns, budget = argv if argv is not None else sys.argv[1:]
    os.nice(10)  # the Edge upload beside it is the build's critical path; this one has slack
    root = Path(staging)
    build_graph(UserVectors.load(root / "vectors"), int(columns), budget=float(budget)).save(
        root / "graph"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
