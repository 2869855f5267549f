"""How many held-out people any k one-film questions can reach (docs/evaluation.md).

    python benchmarks/onboarding_bound.py [--seed 0]

Until a person has seen a film asked, every rule asks them the same films, so the share with "at
least one film seen" after k questions is the coverage of one set of k films. Printed per user set
and k: the greedy cover learned on the training users (what `movierec.onboarding` asks), the
greedy cover and the exact best set (an integer program, HiGHS) computed *on the held-out users
themselves*: bounds, not methods.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from movierec.config import Settings
from movierec.data import load_dataset
from movierec.download import resolve_data_dir
from movierec.evaluation.split import split_users


def seen_matrix(ratings: pd.DataFrame, films: np.ndarray) -> sp.csc_matrix:
    """people × films, 1 where the person rated the film."""
    _, rows = np.unique(ratings["user_id"].to_numpy(), return_inverse=True)
    cols = np.searchsorted(films, ratings["movie_id"].to_numpy())
    shape = (int(rows.max()) + 1, len(films))
    return sp.csc_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)


def greedy(seen: sp.csc_matrix, k: int) -> list[int]:
    alive = np.ones(seen.shape[0])
    chosen: list[int] = []
    for _ in range(k):
        gain = seen.T @ alive
        gain[chosen] = -1
        chosen.append(int(np.argmax(gain)))
        alive[seen[:, chosen[-1]].indices] = 0
    return chosen


def coverage(seen: sp.csc_matrix, chosen: list[int]) -> float:
    return float((np.asarray(seen[:, chosen].sum(axis=1)).ravel() > 0).mean())


def exact(seen: sp.csc_matrix, k: int) -> float:
    """max share covered by k films: max Σy, y_u ≤ Σ_f seen_uf·x_f, Σx = k, x binary."""
    people, films = seen.shape
    cost = np.concatenate([np.zeros(films), -np.ones(people)])
    reach = sp.hstack([-seen.tocsr(), sp.identity(people)])
    count = sp.hstack([sp.csr_matrix(np.ones((1, films))), sp.csr_matrix((1, people))])
    result = milp(
        cost,
        constraints=[LinearConstraint(reach, -np.inf, 0), LinearConstraint(count, k, k)],
        integrality=np.concatenate([np.ones(films), np.zeros(people)]),
        bounds=Bounds(0, 1),
    )
    return float(-result.fun / people)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    data = load_dataset(resolve_data_dir(Settings.from_env()))
    split = split_users(data.ratings, args.seed)
    films = np.unique(data.ratings["movie_id"].to_numpy())
    train = seen_matrix(split.train, films)
    held = split.held_out
    print("| users | k | greedy on training | greedy on these users | best k films |")
    print("|---|---|---|---|---|")
    for name, users in (("validation", split.validation_users), ("test", split.test_users)):
        seen = seen_matrix(held[held["user_id"].isin(users)], films)
        for k in (3, 6, 10):
            best = f"{exact(seen, k):.1%}" if k <= 6 else "not computed"
            print(
                f"| {name} | {k} | {coverage(seen, greedy(train, k)):.1%} | "
                f"{coverage(seen, greedy(seen, k)):.1%} | {best} |"
            )


if __name__ == "__main__":
    main()
