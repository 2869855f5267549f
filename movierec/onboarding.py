"""The first minute: which film to ask a new person about next.

A fixed list of the most popular films wastes questions: many people have seen none of them, and
three Star Wars films say the same thing three times. Each question here is chosen from the
answers so far to be both likely *seen* and *informative*, the two halves of the usual
active-learning criteria for collaborative filtering (popularity × entropy, Rashid et al. 2002;
"divisive among the current neighbours", Elahi et al. 2016):

    score(film) = seen(film) × (0.25 + divisive(film)) × (1 − overlap(film, asked))²

* Before the person has liked or disliked anything, `seen` is the share of all users who rated
  the film and `divisive` is how split they are on it (4·p·(1−p), p = share who rated it above
  their mean).
* After a like or a dislike, the same two quantities are read among the person's current
  neighbours (the recommender's own neighbour search, the same call that makes the picks): a film
  those people have seen and disagree about tells the most about which of them the person is like.
* `overlap` is the largest rater-set cosine between the film and a film already asked (computed
  over a pool of the few hundred best-known films): a second Star Wars film after the first adds
  little.

"Haven't seen" answers cost nothing but a question; they steer the next ones away from films like
them. The person can stop at any time (the bot offers its picks from the first answer on).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from movierec.recommender import PreferencesError, Recommender

POOL = 300  # the best-known films a question is chosen from
MIN_MEAN = 3.0  # not a film most people disliked: a question should be pleasant to answer
BASE = 0.25  # how much a film everyone agrees on still tells (it confirms a neighbourhood)

Answer = float | None  # +1 liked, -1 disliked, 0 seen (no opinion), None: haven't seen


@dataclass
class Onboarding:
    """Chooses the next questions for a person from their answers so far."""

    rec: Recommender
    pool_size: int = POOL

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
        (sign of the z-rating), as a sparse matrix over the pool's films."""
        vectors = self.rec.vectors
        column = np.full(int(self.rec.manifest.columns), -1, dtype=np.int64)
        column[self.pool] = np.arange(len(self.pool))
        lengths = np.diff(vectors.indptr)
        rows = np.repeat(np.arange(len(lengths)), lengths)
        cols = column[vectors.indices]
        keep = cols >= 0
        signs = np.sign(vectors.values[keep]).astype(np.float32)
        signs[signs == 0] = 0.5  # exactly at the mean: seen, neither side
        shape = (len(lengths), len(self.pool))
        return sp.csc_matrix((signs, (rows[keep], cols[keep])), shape=shape)

    def _marked(self, liked_only: bool) -> sp.csc_matrix:
        """users × pool, 1 where the user saw (or liked) the film."""
        marked = self._raters.copy()
        marked.data = (marked.data > 0.75 if liked_only else marked.data != 0).astype(np.float32)
        marked.eliminate_zeros()
        return marked

    @cached_property
    def _overlap(self) -> np.ndarray:
        """pool × pool cosine between rater sets (who saw both)."""
        seen = self._marked(liked_only=False)
        gram = (seen.T @ seen).toarray()
        norms = np.sqrt(np.maximum(np.diag(gram), 1.0))
        cosine: np.ndarray = gram / norms[:, None] / norms[None, :]
        return cosine

    @cached_property
    def _global(self) -> tuple[np.ndarray, np.ndarray]:
        """(seen share, liked share among those who saw) per pool film, over everyone."""
        seen = np.asarray(self._marked(liked_only=False).sum(axis=0)).ravel()
        liked = np.asarray(self._marked(liked_only=True).sum(axis=0)).ravel()
        users = max(self._raters.shape[0], 1)
        return seen / users, liked / np.maximum(seen, 1)

    def next_questions(self, answers: Mapping[int, Answer], count: int = 1) -> list[int]:
        """The next `count` films to ask about, best first (none already answered)."""
        seen_share, liked_share = self._local(answers) or self._global
        divisive = 4.0 * liked_share * (1.0 - liked_share)
        score = seen_share * (BASE + divisive)
        position = {int(m): i for i, m in enumerate(self.pool)}
        asked = [position[m] for m in answers if m in position]
        closeness = self._overlap[:, asked].max(axis=1) if asked else np.zeros(len(self.pool))
        chosen: list[int] = []
        for _ in range(count):
            total = score * (1.0 - np.clip(closeness, 0.0, 1.0)) ** 2
            total[asked] = -1.0
            total[[position[m] for m in chosen]] = -1.0
            best = int(np.argmax(total))
            if total[best] < 0:
                break
            chosen.append(int(self.pool[best]))
            closeness = np.maximum(closeness, self._overlap[:, best])
        return chosen

    def _local(self, answers: Mapping[int, Answer]) -> tuple[np.ndarray, np.ndarray] | None:
        """Seen and liked shares among the person's neighbours, once they liked or disliked
        something (None before that)."""
        signed = {int(m): float(v) for m, v in answers.items() if v}
        if not signed:
            return None
        try:
            scores = self.rec.movie_scores(signed)
        except PreferencesError:
            return None
        consulted = max(scores.neighbors, 1)
        seen = scores.raters[self.pool] / consulted
        liked = scores.support[self.pool] / np.maximum(scores.raters[self.pool], 1)
        return seen.astype(float), liked.astype(float)


def preferences(answers: Mapping[int, Answer]) -> dict[int, float]:
    """The likes and dislikes among a person's answers: what the recommender is given."""
    return {int(m): float(v) for m, v in answers.items() if v}
