"""The held-out users and what each of them reveals: the protocol every method is measured under.

Splitting by *user* (not by rating) is what makes the numbers mean "a new person talks to the bot":
nothing a recommender knows may come from a held-out user, and the reveals are drawn per user with a
seed of their own so that subsampling users never changes anybody's query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

REVEALS = (5, 10, 20)
SELECT_REVEALS = 10  # every tuned parameter is chosen at this N, on validation
LIKE, DISLIKE = 4.0, 2.0


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


def subsample(users: np.ndarray, limit: int | None, seed: int) -> np.ndarray:
    """At most `limit` users, seeded, so that a quick run is a subset of the full one."""
    if limit is None or len(users) <= limit:
        return users
    return np.sort(np.random.default_rng([seed, 1]).choice(users, limit, replace=False))


@dataclass(frozen=True)
class Case:
    """One held-out user at one reveal count: what they told us and what we hope to find."""

    user_id: int
    query: dict[int, float]  # signed reveals: movie id -> +1 / -1
    revealed: frozenset[int]  # every revealed film, 3-star ones included
    targets: frozenset[int]  # remaining ratings >= 4 stars

    def liked(self) -> dict[int, float]:
        """Only the liked reveals, as +1: the query of models trained on 4–5 stars only."""
        return {m: 1.0 for m, w in self.query.items() if w > 0}

    def seen(self) -> dict[int, float]:
        """Every revealed film as +1: how models trained on who-watched-what read a person."""
        return dict.fromkeys(self.revealed, 1.0)


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
    for key, group in frame.groupby("user_id", sort=True):
        user_id = int(str(key))
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
