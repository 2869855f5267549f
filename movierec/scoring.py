"""Turning neighbors into picks: the scoring step, its named variants, and the group rule.

The neighbors come from Qdrant; what we do with them is a `Scoring`. Variants are parameters of one
aggregation, not copies of it:

* `neighbors`: how many similar users to consult;
* `vector`: which named vector the similarity search uses (`ratings`: raw dot product of
  z-normalised ratings, the seed; `unit`: unit-normalised rows, i.e. cosine similarity);
* `similarity_power`: each neighbor's ratings count with weight `max(similarity, 0) ** p`
  (0 = every neighbor counts once, the seed);
* `popularity_damping`: a movie's score is divided by `(number of ratings it has) ** d`, so that
  films everybody has seen do not win every list by sheer volume;
* `min_support`: a pick must be rated by at least this many neighbors;
* `seen_weight`: added to every neighbor's z-rating before summing, so that having watched a film
  counts too, not only how far above the mean it was rated (0 = the seed);
* `idf_power`: the person's films are weighted by IDF^γ in the Qdrant query (IDF as Qdrant's
  `Modifier.IDF` computes it from how many people rated the film): sharing a taste for a rarely
  seen film says more about two people than sharing one for a blockbuster (0 = unweighted);
* `graph_weight`: the share of the item graph (`movierec.graph`, films like yours) in the final
  score, blended with the neighbors' score (people like you); each signal is first scaled to a
  best candidate of 1 for this person: `(1 − w) · user / max(user) + w · graph / max(graph)`.
  Candidates are the films a neighbor rated or the graph reaches. 0 = the neighbors alone.

`seed` is the reference algorithm (the seed table's) and stays selectable, exactly, forever.
`default` is what the bot and the CLI use; it was chosen by measurement on validation users (see
docs/evaluation.md): the blend is ahead of every tuned baseline (RP3beta, EASE, iALS, ItemKNN) on
ml-1m. `neighbors` keeps the neighbor-only scoring that was the default before the blend.

Group rule (movie nights): each member is scored on their own neighbors; a member's scores are
divided by their own best score so that everybody weighs the same however many films they rated;
a film's group score is the mean of the members' shares. A film is never picked if any member rated
it (a dislike is a veto), and it is vetoed when any member's share is below `-VETO_SHARE`: people
with that member's taste clearly dislike it. A pick "matches" a member whose share is at least
`MATCH_SHARE`.

Fair across weeks: a member's fit with a night's winner is their share of it (their score over
their best candidate's, -1..1). A member whose taste the last `FAIR_WINDOW` winners fitted less
than the group's mean fit counts a little more next time: weight `1 + k * deficit`, the deficit
being the mean, over those nights, of how far their fit fell short of that night's mean fit (0
when it did not); the group score is then the weighted mean of the shares (`combine_group`'s
`weights`). `FAIR_K` was chosen on validation groups (`movierec.evaluation.nights`).

Reasons ("because you liked Alien"): a pick's supporters are the neighbors who rated it above their
mean (positive z, the same people `support` counts). Each of the person's likes is credited with
the summed scoring weights of the supporters who also liked it (positive z: `people_credit`).
This reads the neighbors' CSR rows that `aggregate` already sliced and keeps in
`MovieScores.rows`, only for the handful of films that were picked, so it needs no extra search
and no store query. In a blend each like's credit is weighed with its graph edge to the pick by
what each signal gave the pick (`Recommender._explained`), and one like is cited per pick,
spread over the likes (`cite_apart`); a like with no credit is never cited, so a pick nothing
explains cites nothing rather than an invented reason.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TypeVar

import numpy as np

from movierec.vectors import VECTOR_NAMES, VECTOR_RATINGS, VECTOR_UNIT, UserVectors
from movierec.vectorstore.base import Neighbors

VETO_SHARE = 0.25
MATCH_SHARE = 0.25
FAIR_WINDOW = 5  # nights of history the fairness rule looks back at
FAIR_K = 16.0  # weight = 1 + FAIR_K * deficit (chosen on validation groups: docs/evaluation.md)
# A pick cites a like no earlier pick cites when that like has at least this share of the best
# like's credit for it (`cite_apart`): specific reasons over one repeated line.
APART_SHARE = 0.3
# `rank` finds up to this many picks by repeated argmax (one pass each over the scores) on arrays
# up to this long (ml-1m, ml-latest: 4,000-200,000 ids), and by partition + sort otherwise;
# measured on ml-1m: 11 µs against 37 µs for five picks.
FEW_PICKS = 10
FEW_PICKS_COLUMNS = 250_000

# Whatever identifies a group member (the bot: Telegram user ids); picks name members by it.
Member = TypeVar("Member", bound=Hashable)


@dataclass(frozen=True)
class Scoring:
    """Parameters of the aggregation; see the module docstring for what each one means."""

    name: str = "custom"
    neighbors: int = 20
    vector: str = VECTOR_RATINGS
    similarity_power: float = 0.0
    popularity_damping: float = 0.0
    min_support: int = 1
    seen_weight: float = 0.0
    idf_power: float = 0.0
    graph_weight: float = 0.0

    def __post_init__(self) -> None:
        if self.vector not in VECTOR_NAMES:
            raise ValueError(f"vector must be one of {VECTOR_NAMES}, not {self.vector!r}")
        if not 1 <= self.neighbors <= 10_000:
            raise ValueError("neighbors must be between 1 and 10000")
        if min(self.similarity_power, self.popularity_damping, self.seen_weight) < 0:
            raise ValueError("similarity_power, popularity_damping and seen_weight must be >= 0")
        if self.min_support < 1:
            raise ValueError("min_support must be >= 1")
        if self.idf_power < 0 or not 0 <= self.graph_weight <= 1:
            raise ValueError("idf_power must be >= 0 and graph_weight between 0 and 1")


SCORINGS: dict[str, Scoring] = {
    "seed": Scoring("seed", neighbors=20, vector=VECTOR_RATINGS),
    # The study's optimum on ml-1m validation is 200 neighbors; 150 scores the same there (NDCG@10
    # 0.5474 against 0.5482, P@5 0.568 against 0.569) and keeps `recommend` under 1 ms.
    "default": Scoring(
        "default",
        neighbors=150,
        vector=VECTOR_UNIT,
        similarity_power=0.5,
        popularity_damping=0.625,
        seen_weight=1.0,
        idf_power=1.5,
        graph_weight=0.6,
    ),
    "neighbors": Scoring(
        "neighbors",
        neighbors=100,
        vector=VECTOR_UNIT,
        similarity_power=2.0,
        popularity_damping=0.25,
        seen_weight=1.0,
    ),
}


def get_scoring(scoring: str | Scoring, neighbors: int | None = None) -> Scoring:
    """Resolve a scoring by name (or pass one through), optionally overriding `neighbors`."""
    if isinstance(scoring, str):
        try:
            scoring = SCORINGS[scoring]
        except KeyError:
            names = ", ".join(sorted(SCORINGS))
            raise ValueError(f"unknown scoring {scoring!r}; choose one of: {names}") from None
    return replace(scoring, neighbors=neighbors) if neighbors else scoring


@dataclass(frozen=True)
class NeighborRows:
    """The consulted neighbors' ratings as CSR arrays, with the weight each neighbor had in the
    scores; kept by `aggregate` (the arrays exist anyway) so that `people_credit` can read them
    later without asking the store or the matrix again."""

    indptr: np.ndarray  # len(weights) + 1 offsets into movie_ids / values
    movie_ids: np.ndarray
    values: np.ndarray  # z-normalised ratings, before `seen_weight`
    weights: np.ndarray  # per neighbor: max(similarity, 0) ** power, or 1 when power is 0
    columns: int = 0  # one past the largest movie id (sizes `people_credit`'s lookup table)


@dataclass(frozen=True)
class MovieScores:
    """Dense per-movie-id arrays for one person: summed score, neighbors who rated it, and
    neighbors who rated it above the global mean (the "support" shown to people).

    `rows` are the neighbors' ratings behind these sums, for `people_credit`; None when the
    scores were made some other way (tests, combined groups), and then picks carry no reasons.
    """

    scores: np.ndarray
    raters: np.ndarray
    neighbors: int
    rows: NeighborRows | None = None
    reach: np.ndarray | None = None  # films the item graph scored (a blend), else None
    # A blend's two signals before they were added (per film: people x people_scale, graph x
    # graph_scale): what each contributed to a pick, for its reason. None when not a blend.
    people: np.ndarray | None = None
    graph: np.ndarray | None = None
    scales: tuple[float, float] = (1.0, 0.0)

    @cached_property
    def support(self) -> np.ndarray:
        """Per film, the neighbors who rated it above their mean, counted from `rows` on first
        use: a recommendation needs it for its few picks only, which `people_credit` gets from the
        pass it makes anyway (one bincount over every neighbor rating saved)."""
        if self.rows is None:
            return np.zeros(len(self.scores), np.int64)
        liked = self.rows.values > 0
        return np.bincount(self.rows.movie_ids, weights=liked, minlength=len(self.scores))

    def candidates(self, min_support: int = 1) -> np.ndarray:
        """Films these scores can rank: rated by `min_support` neighbors or reached by the graph."""
        mask = self.raters >= min_support
        return mask | self.reach if self.reach is not None else mask


def idf(popularity: np.ndarray, people: int) -> np.ndarray:
    """Qdrant's IDF per movie id: ln(1 + (N − n + 0.5) / (n + 0.5)), n = the film's raters."""
    n = popularity.astype(np.float64)
    weights: np.ndarray = np.log1p((people - n + 0.5) / (n + 0.5))
    return weights


def blend(user: MovieScores, graph: np.ndarray, weight: float, allowed: np.ndarray) -> MovieScores:
    """`user` with its scores replaced by the blend of the module docstring; `allowed` (films that
    may be picked at all: catalogue, not rated by the person) is where each signal's best is read,
    so that a filter narrows the list without changing how the two signals are weighed."""
    reach = graph > 0
    candidates = user.raters > 0
    candidates |= reach
    candidates &= allowed
    # (1 - w) · scores / best + w · graph / best', in place: two passes instead of six
    people_scale = (1.0 - weight) / _best(user.scores, candidates)
    graph_scale = weight / _best(graph, candidates)
    combined = user.scores * people_scale
    combined += graph * graph_scale
    return replace(
        user,
        scores=combined,
        reach=reach,
        people=user.scores,
        graph=graph,
        scales=(people_scale, graph_scale),
    )


def unit(scores: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Scores divided by the best one among `mask` (left alone when that best is not positive)."""
    return scores / _best(scores, mask)


def _best(scores: np.ndarray, mask: np.ndarray) -> float:
    """The best score among `mask`, or 1 when it is not positive (nothing to scale by)."""
    best = float(np.max(scores, where=mask, initial=0.0))  # no gather of the masked scores
    return best if best > 0 else 1.0


def aggregate(
    neighbors: Neighbors,
    vectors: UserVectors,
    scoring: Scoring,
    n_columns: int,
    popularity: np.ndarray | None = None,
    damping: np.ndarray | None = None,
) -> MovieScores:
    """Sum the neighbors' (weighted) z-ratings per movie with NumPy, no Python loop per rating.

    `damping`, if given, is `max(popularity, 1) ** popularity_damping` already computed (a
    long-lived caller keeps it: on ml-32m's 290,000 columns the power costs milliseconds)."""
    indptr, movie_ids, values = vectors.rows(neighbors.ids)
    lengths = np.diff(indptr)
    rated = values + scoring.seen_weight if scoring.seen_weight else values
    if scoring.similarity_power:
        weights = np.maximum(neighbors.similarities, 0.0) ** scoring.similarity_power
        contributions = np.repeat(weights, lengths) * rated
    else:  # the seed's arithmetic, untouched: its reference table is exact to 1e-5
        weights = np.ones(len(lengths))
        contributions = rated.astype(np.float64)
    scores = np.bincount(movie_ids, weights=contributions, minlength=n_columns)
    raters = np.bincount(movie_ids, minlength=n_columns)
    if scoring.popularity_damping and damping is not None:
        scores = scores / damping[:n_columns]
    elif scoring.popularity_damping and popularity is not None:
        scores = scores / np.maximum(popularity[:n_columns], 1.0) ** scoring.popularity_damping
    rows = NeighborRows(indptr, movie_ids, values, weights, n_columns)
    return MovieScores(scores, raters, len(neighbors), rows)


def _liked_by(rows: NeighborRows, targets: np.ndarray) -> np.ndarray:
    """neighbors x targets: 1.0 where the neighbor rated the target film above their mean.

    A boolean table over movie ids, read at every neighbor rating with one `take`: 10-20x faster
    than a `searchsorted` of every rating into the targets, even at ml-32m's 290,000 columns
    (measured: ~60 µs against 0.7-1.3 ms). Only the ratings that hit a target are then looked at.
    The targets (picks and likes) are usually a handful, deduplicated in Python: an `np.unique`
    call costs more than that.
    """
    unique = sorted({int(t) for t in targets})
    index = {movie: i for i, movie in enumerate(unique)}
    widest = rows.columns or int(rows.movie_ids.max(initial=0)) + 1  # rows made without columns
    table = np.zeros(max(unique[-1] + 1, widest), bool)
    table[unique] = True
    hits = np.flatnonzero(table.take(rows.movie_ids))
    hits = hits[rows.values[hits] > 0]
    at = np.searchsorted(np.asarray(unique), rows.movie_ids[hits])
    owner = np.searchsorted(rows.indptr, hits, side="right") - 1  # the row each hit lies in
    matrix = np.zeros((len(rows.weights), len(unique)))
    matrix[owner, at] = 1.0
    return matrix[:, [index[int(t)] for t in targets]]


def people_credit(
    rows: NeighborRows, likes: Sequence[int], picks: Sequence[int]
) -> tuple[np.ndarray, list[int]]:
    """(credit, support) of the picks before any like is cited: credit is picks x likes, the
    summed weight of each pick's supporters who liked each like too; support per pick."""
    like_ids = np.asarray(likes, np.int64)
    liked = _liked_by(rows, np.concatenate((np.asarray(picks, np.int64), like_ids)))
    supporters, fans = liked[:, : len(picks)], liked[:, len(picks) :]
    support = supporters.sum(axis=0).astype(np.int64).tolist()
    if not len(like_ids):
        return np.zeros((len(picks), 0)), support
    return (supporters * rows.weights[:, None]).T @ fans, support


def cite_apart(credit: np.ndarray, likes: Sequence[int]) -> list[tuple[int, ...]]:
    """One like per pick (rows in rank order, non-negative credits), spread over the likes: each
    pick cites its best-credited like, unless an earlier pick cites that one already and
    another like not yet cited has at least `APART_SHARE` of the best credit, which it cites
    instead. So five picks cite one film only when nothing else explains them (the same line
    under every pick tells a person nothing); a pick without credit cites nothing."""
    reasons: list[tuple[int, ...]] = []
    cited: set[int] = set()
    for row in credit.tolist():
        best = max(row, default=0.0)
        if best <= 0:
            reasons.append(())
            continue
        order = sorted(range(len(row)), key=lambda i: -row[i])  # stable: earlier like first
        choice = order[0]
        if likes[choice] in cited:
            fresh = [i for i in order if likes[i] not in cited and row[i] >= APART_SHARE * best]
            choice = fresh[0] if fresh else choice
        cited.add(int(likes[choice]))
        reasons.append((int(likes[choice]),))
    return reasons


def candidate_mask(raters: np.ndarray, exclude: Iterable[int], min_support: int = 1) -> np.ndarray:
    """Movies rated by at least `min_support` neighbors and not excluded."""
    return without(raters >= min_support, exclude)


def without(mask: np.ndarray, exclude: Iterable[int]) -> np.ndarray:
    """`mask` (changed in place) with the excluded movie ids it covers turned off."""
    excluded = np.fromiter((m for m in exclude if 0 <= m < len(mask)), np.int64)
    mask[excluded] = False
    return mask


def rank(scores: np.ndarray, mask: np.ndarray, limit: int, offset: int = 0) -> np.ndarray:
    """Movie ids of the best `limit` candidates after `offset`, by score then lower id."""
    wanted = offset + limit
    if wanted <= 0:
        return np.zeros(0, np.int64)
    if wanted <= FEW_PICKS and len(scores) <= FEW_PICKS_COLUMNS:
        return _rank_by_argmax(scores, mask, offset, wanted)
    candidates = np.flatnonzero(mask)
    if not len(candidates):
        return np.zeros(0, np.int64)
    values = scores[candidates]
    if len(candidates) > 4 * wanted:  # cheap pre-cut; keeps every tie of the boundary score
        threshold = np.partition(values, len(values) - wanted)[len(values) - wanted]
        keep = values >= threshold
        candidates, values = candidates[keep], values[keep]
    order = np.lexsort((candidates, -values))
    return candidates[order][offset:wanted]


def _rank_by_argmax(scores: np.ndarray, mask: np.ndarray, offset: int, wanted: int) -> np.ndarray:
    """`rank` for a first page on a catalogue-sized array: one argmax per pick, which returns the
    lowest id among equal best scores, so the order is `rank`'s (score, then lower id)."""
    remaining = np.where(mask, scores, -np.inf)
    picks: list[int] = []
    for _ in range(wanted):
        best = int(remaining.argmax())
        if remaining[best] == -np.inf:
            break
        picks.append(best)
        remaining[best] = -np.inf
    return np.asarray(picks[offset:], np.int64)


def combine_group(
    members: Mapping[Member, MovieScores],
    exclude: Iterable[int],
    limit: int,
    offset: int = 0,
    allowed: np.ndarray | None = None,
    weights: Mapping[Member, float] | None = None,
) -> list[tuple[int, float, tuple[Member, ...]]]:
    """Apply the group rule of the module docstring: (movie id, group score, matching members).

    `allowed`, if given, is a boolean mask of movie ids that may be picked at all; `weights`
    (default 1 each) make the group score a weighted mean of the members' shares.
    """
    if not members:
        return []
    n_columns = max(len(s.scores) for s in members.values())
    mask = np.zeros(n_columns, bool)
    for scores in members.values():
        mask[: len(scores.raters)] |= scores.candidates()
    mask = without(mask, exclude)
    if allowed is not None:
        mask[: len(allowed)] &= allowed[:n_columns]
        mask[len(allowed) :] = False
    shares = {}
    for key, scores in members.items():
        padded = np.zeros(n_columns)
        padded[: len(scores.scores)] = scores.scores
        best = padded[mask].max(initial=0.0)
        shares[key] = padded / (best if best > 0 else 1.0)
    stacked = np.vstack(list(shares.values()))
    mask &= ~(stacked < -VETO_SHARE).any(axis=0)
    if weights:
        w = np.array([max(float(weights.get(k, 1.0)), 0.0) for k in shares])
        group_scores = (w[:, None] * stacked).sum(axis=0) / max(w.sum(), 1e-12)
    else:
        group_scores = stacked.mean(axis=0)
    picks = []
    for movie_id in rank(group_scores, mask, limit, offset):
        matches = tuple(k for k, share in shares.items() if share[movie_id] >= MATCH_SHARE)
        picks.append((int(movie_id), float(group_scores[movie_id]), matches))
    return picks


def member_fit(scores: MovieScores, movie_id: int, exclude: Iterable[int] = ()) -> float:
    """A member's share of a film: its score over their best candidate's (-1..1; 0 when the
    film is outside their scores)."""
    mask = without(scores.candidates().copy(), exclude)
    best = scores.scores[: len(mask)][mask].max(initial=0.0)
    if not 0 <= movie_id < len(scores.scores) or best <= 0:
        return 0.0
    return float(np.clip(scores.scores[movie_id] / best, -1.0, 1.0))


def fairness_weights(
    history: Sequence[Mapping[Member, float]],
    members: Iterable[Member],
    k: float = FAIR_K,
    window: int = FAIR_WINDOW,
) -> dict[Member, float]:
    """Each member's weight from the last `window` nights' fits (oldest first; each night: member
    -> fit with its winner): `1 + k * deficit` (see the module docstring). A member absent from
    a night is not counted for it; with no history everyone weighs 1."""
    deficits: dict[Member, list[float]] = {m: [] for m in members}
    for night in list(history)[-window:]:
        if not night:
            continue
        mean = sum(night.values()) / len(night)
        for member, fit in night.items():
            if member in deficits:
                deficits[member].append(max(mean - fit, 0.0))
    return {m: 1.0 + k * (sum(d) / len(d) if d else 0.0) for m, d in deficits.items()}
