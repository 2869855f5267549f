"""The first minute: which film to ask a new person about next.

A fixed list of the most popular films wastes questions: many people have seen none of them, and
three Star Wars films say the same thing three times. Each question here is chosen from the
answers so far, in two phases.

1. **Cover**, until the person has seen a film asked (every answer so far "haven't seen"): the
   film most often seen among the known users who have seen *none* of the films asked either
   (they count 1, everybody else 0). A question nobody can answer teaches nothing, and before the
   first "seen" the answers are always the same, so this phase is one fixed list for everybody:
   the greedy cover of "has seen at least one", each film's reach scaled by (1 − overlap) with
   the films already in the list (so the first list is American Beauty, Return of the Jedi and
   The Godfather, not two Star Wars films). These questions show three films at once ("seen any
   of these?", `question_size`): no six single films reach 95% of ml-1m's held-out people (93.4%
   at best), six questions of this kind reach 98.7% (docs/evaluation.md).
2. **Inform**, from the first 👍 / 👎 on: a film both likely *seen* and *informative*, the two
   halves of the usual active-learning criteria for collaborative filtering (popularity ×
   entropy, Rashid et al. 2002; "divisive among the people like you", Elahi et al. 2016):

       score(film) = seen(film)³ × (0.5 + divisive(film)) × (1 − overlap(film, asked))⁴

   * `seen` and `divisive` (4·p·(1−p), p = share who rated it above their mean) are read over
     all known users, each weighted by how much they are like the person so far: a user who saw
     a film the person hasn't (or the reverse) counts a tenth, one who disliked what the person
     liked counts 0.3. So the next film is one the person's current neighbors have seen, and
     one that tells those neighbors apart.
   * `overlap` is the largest rater-set cosine between the film and a film already asked (over a
     pool of the 300 best-known films): a second Star Wars film after the first adds little.

The exponents and weights were chosen on validation users (`movierec evaluate --onboarding`,
docs/evaluation.md), never on the test users. The person can stop at any time: the bot offers its
picks from the first answer on. The bot's buttons give +1, −1 or None; 0 ("seen, no opinion") is
accepted and counts as seen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from movierec.recommender import Recommender

POOL = 300  # the best-known films a question is chosen from
BLOCK = 20_000  # users read at a time when the answers matrix is built
MIN_MEAN = 3.0  # not a film most people disliked: a question should be pleasant to answer
BASE = 0.5  # how much a film everyone agrees on still tells (it confirms a neighborhood)
LIKED_POWER = 0.0  # > 0 favours films people liked: a 👍 tells the recommender more than a 👎
SEEN_POWER = 3.0  # > 1 favours films people have seen over informative ones (chosen on validation)
OVERLAP_POWER = 4.0  # how hard a film like one already asked is pushed down
MISMATCH = 0.1  # a user who saw a film the person hasn't (or the reverse) counts this much
SIGN_MISMATCH = 0.3  # a user who disliked what the person liked (or the reverse)
COVER: float | None = 0.0  # before anything was seen: weight of users who saw a film asked
BATCH = 3  # films one question shows while every answer so far is "haven't seen"
COVER_OVERLAP = 1.0  # cover phase: how hard a film like one already in the list is pushed down

Answer = float | None  # +1 liked, -1 disliked, 0 seen (no opinion), None: haven't seen


@dataclass
class Onboarding:
    """Chooses the next questions for a person from their answers so far."""

    rec: Recommender
    pool_size: int = POOL
    seen_power: float = SEEN_POWER
    overlap_power: float = OVERLAP_POWER
    base: float = BASE
    liked_power: float = LIKED_POWER
    mismatch: float = MISMATCH
    sign_mismatch: float = SIGN_MISMATCH
    cover: float | None = COVER
    batch: int = BATCH
    cover_overlap: float = COVER_OVERLAP

    @cached_property
    def pool(self) -> np.ndarray:
        """The candidate films: the most rated ones, with a mean that is not a dislike."""
        catalogue = self.rec.catalogue
        popularity = self.rec.popularity
        ids = np.flatnonzero(popularity > 0)
        ids = np.array([m for m in ids if int(m) in catalogue], dtype=np.int64)
        means = self.rec.index.mean_rating[ids]
        ids = ids[means >= MIN_MEAN]
        order = np.argsort(-popularity[ids], kind="stable")
        return ids[order[: self.pool_size]]

    @cached_property
    def _raters(self) -> sp.csc_matrix:
        """users × pool: +1 where the user rated the film above their mean, -1 below, 0 not seen
        (sign of the z-rating), as a sparse matrix over the pool's films.

        Read in blocks of users, so that a 32-million-rating catalogue never needs more than a
        block's worth of temporary arrays (the pool's entries are a few percent of the ratings)."""
        vectors = self.rec.vectors
        column = np.full(int(self.rec.manifest.columns), -1, dtype=np.int32)
        column[self.pool] = np.arange(len(self.pool), dtype=np.int32)
        indptr = np.asarray(vectors.indptr)
        users = len(indptr) - 1
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for first in range(0, users, BLOCK):
            last = min(first + BLOCK, users)
            start, end = int(indptr[first]), int(indptr[last])
            cols = column[np.asarray(vectors.indices[start:end])]
            keep = np.flatnonzero(cols >= 0)
            owner = np.searchsorted(indptr[first : last + 1], keep + start, side="right") - 1
            signs = np.sign(np.asarray(vectors.values[start:end])[keep]).astype(np.float32)
            signs[signs == 0] = 0.5  # exactly at the mean: seen, neither side
            parts.append((owner + first, cols[keep], signs))
        rows = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int64)
        cols_all = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.int32)
        data = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, np.float32)
        shape = (users, len(self.pool))
        return sp.csc_matrix((data, (rows, cols_all)), shape=shape)

    @cached_property
    def _seen(self) -> sp.csc_matrix:
        """users × pool, 1 where the user saw the film."""
        return self._marked(liked_only=False)

    @cached_property
    def _liked(self) -> sp.csc_matrix:
        """users × pool, 1 where the user liked the film (rated it above their mean)."""
        return self._marked(liked_only=True)

    def _marked(self, liked_only: bool) -> sp.csc_matrix:
        """users × pool, 1 where the user saw (or liked) the film."""
        marked = self._raters.copy()
        marked.data = (marked.data > 0.75 if liked_only else marked.data != 0).astype(np.float32)
        marked.eliminate_zeros()
        return marked

    @cached_property
    def _overlap(self) -> np.ndarray:
        """pool × pool cosine between rater sets (who saw both)."""
        seen = self._seen
        gram = (seen.T @ seen).toarray()
        norms = np.sqrt(np.maximum(np.diag(gram), 1.0))
        cosine: np.ndarray = gram / norms[:, None] / norms[None, :]
        return cosine

    def next_question(self, answers: Mapping[int, Answer]) -> list[int]:
        """The films the next question shows (`question_size` of them): "seen any of these?"
        until the person has seen a film asked, then one film at a time."""
        return self.next_questions(answers, question_size(answers, self.batch))

    def next_questions(self, answers: Mapping[int, Answer], count: int = 1) -> list[int]:
        """The next `count` films to ask about, best first (none already answered)."""
        if self.cover is not None and all(v is None for v in answers.values()):
            chosen = self._cover(answers, count)
            if len(chosen) == count:
                return chosen
            answers = {**answers, **dict.fromkeys(chosen)}
            return chosen + self._informative(answers, count - len(chosen))
        return self._informative(answers, count)

    def _cover(self, answers: Mapping[int, Answer], count: int) -> list[int]:
        """Before the person has seen any film asked: the film most seen among the users who have
        seen none of them either (a greedy cover of "has seen at least one"); within one list, a
        film's reach scaled by (1 − overlap)^`cover_overlap` with the films already in it."""
        seen = self._seen
        position = {int(m): i for i, m in enumerate(self.pool)}
        asked = [position[m] for m in answers if m in position]
        unseen = np.ones(seen.shape[0])
        if asked:
            unseen[np.unique(seen[:, asked].indices)] = self.cover or 0.0
        chosen: list[int] = []
        for _ in range(count):
            reach = np.asarray(seen.T @ unseen).ravel()
            if self.cover_overlap and chosen:
                closeness = np.clip(self._overlap[:, chosen].max(axis=1), 0.0, 1.0)
                reach *= (1.0 - closeness) ** self.cover_overlap
            reach[asked + chosen] = -1.0
            best = int(np.argmax(reach))
            if reach[best] <= 0:
                break
            chosen.append(best)
            unseen[seen[:, best].indices] = self.cover or 0.0
        return [int(self.pool[c]) for c in chosen]

    def _informative(self, answers: Mapping[int, Answer], count: int) -> list[int]:
        """Likely seen and telling apart the people who answered like the person so far."""
        weights = self.weights(answers)
        seen_share, liked_share = self._shares(weights)
        divisive = 4.0 * liked_share * (1.0 - liked_share)
        score = seen_share**self.seen_power * (self.base + divisive) * liked_share**self.liked_power
        position = {int(m): i for i, m in enumerate(self.pool)}
        asked = [position[m] for m in answers if m in position]
        closeness = self._overlap[:, asked].max(axis=1) if asked else np.zeros(len(self.pool))
        chosen: list[int] = []
        for _ in range(count):
            total = score * (1.0 - np.clip(closeness, 0.0, 1.0)) ** self.overlap_power
            total[asked] = -1.0
            total[[position[m] for m in chosen]] = -1.0
            best = int(np.argmax(total))
            if total[best] < 0:
                break
            chosen.append(int(self.pool[best]))
            closeness = np.maximum(closeness, self._overlap[:, best])
        return chosen

    def weights(self, answers: Mapping[int, Answer]) -> np.ndarray:
        """How much each known user is like the person, given the answers so far: every answer
        that user would have given differently divides their weight (a soft neighborhood)."""
        raters = self._raters
        weights = np.ones(raters.shape[0])
        position = {int(m): i for i, m in enumerate(self.pool)}
        for movie, given in answers.items():
            column = position.get(int(movie))
            if column is None:
                continue
            start, end = raters.indptr[column], raters.indptr[column + 1]
            users, signs = raters.indices[start:end], raters.data[start:end]
            if given is None:  # hasn't seen it: unlike the people who did
                weights[users] *= self.mismatch
                continue
            factor = np.full(raters.shape[0], self.mismatch)  # didn't see it: unlike the person
            if given:
                agree = np.sign(signs) == np.sign(given)
                factor[users] = np.where(agree, 1.0, self.sign_mismatch)
            else:
                factor[users] = 1.0
            weights *= factor
        return weights

    def _shares(self, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(weighted share who saw each pool film, weighted share who liked it of those)."""
        total = max(float(weights.sum()), 1e-12)
        seen = self._seen.T @ weights
        liked = self._liked.T @ weights
        return np.asarray(seen).ravel() / total, np.asarray(liked).ravel() / np.maximum(seen, 1e-12)


def question_size(answers: Mapping[int, Answer], batch: int = BATCH) -> int:
    """How many films the next question shows. While every answer is "haven't seen", one film
    per question cannot reach enough people: the best six single films any rule could pick leave
    6.6% of ml-1m's held-out people with nothing to answer (`benchmarks/onboarding_bound.py`).
    So those questions show a short list ("seen any of these?"), which costs one tap ("none of
    these") for someone who has seen none, and a single film per question follows."""
    return batch if all(v is None for v in answers.values()) else 1


def preferences(answers: Mapping[int, Answer]) -> dict[int, float]:
    """The likes and dislikes among a person's answers: what the recommender is given."""
    return {int(m): float(v) for m, v in answers.items() if v}
