"""`movierec evaluate --onboarding`: how well the first questions learn a new person's taste.

Held-out test users answer the questions from their own ratings, as they would in the bot, whose
only buttons are 👍 / 👎 / "haven't seen": a film they rated 4–5★ is a 👍, 1–2★ a 👎, a film they
never rated "haven't seen", and a 3★ film ("it's OK"), which they did see but can only answer with
👍 or 👎, goes to the side of their own average: 👎 for the 95% of people whose mean is at least 3★
(it was one of their lesser films), 👍 for the others. After 3, 6 and 10 questions we report the
share of people who could answer at least one question, and Precision@5 / NDCG@10 of the five
picks the bot would then show (its picks from the signed answers, or the best-known films not
asked when nobody was liked or disliked), with every film asked excluded from the targets. The
baseline asks the fixed list of best-known, well-liked films (`Catalogue.popular`), in that order;
both use the same recommender built from the training users only.

A question shows several films while every answer so far is "haven't seen"
(`movierec.onboarding.question_size`), then one; the person answers each film shown. The fixed
list is asked in questions of the same sizes, so both show a person the same number of films.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from movierec.evaluation.metrics import ndcg_at_k, precision_at_k
from movierec.evaluation.split import DISLIKE, LIKE, split_users, subsample
from movierec.onboarding import Answer, Onboarding, preferences, question_size
from movierec.recommender import Recommender

STEPS = (3, 6, 10)
PICKS = 10  # NDCG@10 needs ten

Asker = Callable[[dict[int, Answer]], list[int]]  # the films the next question shows


@dataclass(frozen=True)
class OnboardingRow:
    """One strategy after one number of questions, over the test users."""

    strategy: str
    questions: int
    users: int
    answered: float  # share of people with at least one film they had seen
    precision: float  # Precision@5
    ndcg: float  # NDCG@10
    films: float  # films shown per person, on average (a question may show several)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def answer(stars: dict[int, float], movie_id: int, lukewarm: float | None = None) -> Answer:
    """What a person with these ratings answers about a film with the bot's three buttons.

    `lukewarm` is their answer for a 3★ film: 👎 (-1) when 3★ is below their mean, else 👍; the
    bot has no "seen, no opinion" answer."""
    rating = stars.get(movie_id)
    if rating is None:
        return None
    if rating >= LIKE:
        return 1.0
    if rating <= DISLIKE:
        return -1.0
    return lukewarm_answer(stars) if lukewarm is None else lukewarm


def lukewarm_answer(stars: dict[int, float]) -> float:
    """A person's 👍 / 👎 for a 3★ film: 👎 when their mean is at least 3★, else 👍."""
    return -1.0 if np.mean(list(stars.values())) >= 3.0 else 1.0


def _picks(rec: Recommender, answers: dict[int, Answer], fallback: Sequence[int]) -> list[int]:
    prefs = preferences(answers)
    if prefs:
        return [p.movie_id for p in rec.recommend(prefs, PICKS, exclude=answers, explain=False)]
    return [m for m in fallback if m not in answers][:PICKS]


def run_strategy(
    rec: Recommender,
    name: str,
    asker: Asker,
    people: dict[int, dict[int, float]],
    steps: Sequence[int] = STEPS,
) -> list[OnboardingRow]:
    """Ask every person up to max(steps) questions; measure after each count in `steps`. A
    question may show several films: the person answers each of them, as they would by tapping
    👍 / 👎 on the ones they have seen."""
    fallback = [m.movie_id for m in rec.catalogue.popular(PICKS + 4 * max(steps), min_mean=0)]
    sums = {s: np.zeros(4) for s in steps}
    for stars in people.values():
        lukewarm = lukewarm_answer(stars)  # once per person, not per question
        answers: dict[int, Answer] = {}
        for asked in range(1, max(steps) + 1):
            films = asker(answers)
            if not films:
                break
            for film in films:
                answers[film] = answer(stars, film, lukewarm)
            if asked in sums:
                picks = _picks(rec, answers, fallback)
                targets = {m for m, r in stars.items() if r >= LIKE and m not in answers}
                any_seen = any(a is not None for a in answers.values())
                sums[asked] += (
                    float(any_seen),
                    precision_at_k(picks, targets, 5),
                    ndcg_at_k(picks, targets, 10),
                    len(answers),
                )
    count = max(len(people), 1)
    return [
        OnboardingRow(name, s, len(people), *(float(v) / count for v in sums[s])) for s in steps
    ]


def evaluate_onboarding(
    ratings: pd.DataFrame,
    movies: pd.DataFrame,
    location: Path,
    *,
    seed: int = 0,
    users: int | None = None,
    steps: Sequence[int] = STEPS,
    on: str = "test",
    settings: dict[str, Any] | None = None,
) -> list[OnboardingRow]:
    """Adaptive questions against the fixed popular list, on the test users of a user split
    (`on="validation"` for choosing the question rule's settings)."""
    split = split_users(ratings, seed)
    pool = split.test_users if on == "test" else split.validation_users
    chosen = subsample(pool, users, seed)
    held = split.held_out[split.held_out["user_id"].isin(chosen)]
    people: dict[int, dict[int, float]] = {}
    for key, group in held.groupby("user_id"):
        people[int(str(key))] = dict(
            zip(group["movie_id"].astype(int), group["rating"].astype(float), strict=True)
        )
    with Recommender.build(split.train, movies, location) as rec:
        onboarding = Onboarding(rec, **(settings or {}))
        fixed = [m.movie_id for m in rec.catalogue.popular(onboarding.batch * max(steps))]

        def ask_fixed(answers: dict[int, Answer]) -> list[int]:
            """The same number of films per question as the adaptive rule shows."""
            return fixed[len(answers) : len(answers) + question_size(answers, onboarding.batch)]

        rows = run_strategy(rec, "fixed popular list", ask_fixed, people, steps)
        rows += run_strategy(rec, "adaptive", onboarding.next_question, people, steps)
    return rows


def format_onboarding(rows: Sequence[OnboardingRow]) -> str:
    """A Markdown table, with the adaptive strategy's margin over the fixed list."""
    lines = [
        "| questions | strategy | films shown | answered ≥ 1 | Precision@5 | NDCG@10 |",
        "|---|---|---|---|---|---|",
    ]
    fixed = {r.questions: r for r in rows if r.strategy == "fixed popular list"}
    for row in sorted(rows, key=lambda r: (r.questions, r.strategy != "fixed popular list")):
        margin = ""
        base = fixed.get(row.questions)
        if row.strategy != "fixed popular list" and base is not None and base.precision > 0:
            margin = f" ({(row.precision / base.precision - 1) * 100:+.0f}%)"
        lines.append(
            f"| {row.questions} | {row.strategy} | {row.films:.1f} | {row.answered:.1%} | "
            f"{row.precision:.3f}{margin} | {row.ndcg:.3f} |"
        )
    return "\n".join(lines)


# ------------------------------------------------------------------ what an import is worth
TARGET_SHARE = 0.2  # of each person's ratings, held back as what the picks should find


@dataclass(frozen=True)
class ImportedRow:
    """Picks from one kind of start, over the test users: P@5 and NDCG@10 against the same
    held-back films."""

    start: str
    users: int
    known: float  # films the start tells the recommender about, on average
    precision: float
    ndcg: float

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def imported_preferences(stars: dict[int, float]) -> dict[int, float]:
    """A history as /import reads it (`movierec.history.opinion_of` on the 10-point scale): 3.5★
    or more a like, 2★ or less a dislike; in between is "seen" (excluded, not scored)."""
    from movierec.history import opinion_of

    found = {}
    for movie_id, rating in stars.items():
        opinion = opinion_of(round(rating * 2))
        if opinion is not None:
            found[movie_id] = opinion
    return found


def evaluate_imported(
    ratings: pd.DataFrame,
    movies: pd.DataFrame,
    location: Path,
    *,
    seed: int = 0,
    users: int | None = None,
    questions: int = 10,
) -> list[ImportedRow]:
    """A held-out person's history imported (every rating of theirs but a held-back fifth)
    against the same person answering `questions` onboarding questions from that history: the
    picks' P@5 / NDCG@10 on the held-back films they rated 4★ or more."""
    split = split_users(ratings, seed)
    chosen = subsample(split.test_users, users, seed)
    held = split.held_out[split.held_out["user_id"].isin(chosen)]
    rng = np.random.default_rng(seed)
    people: list[tuple[dict[int, float], set[int]]] = []
    for _, group in held.groupby("user_id"):
        stars = dict(zip(group["movie_id"].astype(int), group["rating"].astype(float), strict=True))
        order = rng.permutation(sorted(stars))
        cut = max(1, int(len(order) * TARGET_SHARE))
        targets = {int(m) for m in order[:cut] if stars[int(m)] >= LIKE}
        history = {int(m): stars[int(m)] for m in order[cut:]}
        if targets and history:
            people.append((history, targets))
    sums = {"ten onboarding answers": np.zeros(3), "imported history": np.zeros(3)}
    with Recommender.build(split.train, movies, location) as rec:
        onboarding = Onboarding(rec)
        fallback = [m.movie_id for m in rec.catalogue.popular(PICKS + 40, min_mean=0)]
        for history, targets in people:
            lukewarm = lukewarm_answer(history)
            answers: dict[int, Answer] = {}
            for _ in range(questions):
                films = onboarding.next_question(answers)
                if not films:
                    break
                for film in films:
                    answers[film] = answer(history, film, lukewarm)
            picks = _picks(rec, answers, fallback)
            sums["ten onboarding answers"] += (
                sum(a is not None for a in answers.values()),
                precision_at_k(picks, targets - set(answers), 5),
                ndcg_at_k(picks, targets - set(answers), 10),
            )
            prefs = imported_preferences(history)
            imported = (
                [p.movie_id for p in rec.recommend(prefs, PICKS, exclude=history, explain=False)]
                if prefs
                else [m for m in fallback if m not in history][:PICKS]
            )
            sums["imported history"] += (
                len(history),
                precision_at_k(imported, targets, 5),
                ndcg_at_k(imported, targets, 10),
            )
    count = max(len(people), 1)
    return [
        ImportedRow(name, len(people), *(float(v) / count for v in s)) for name, s in sums.items()
    ]


def format_imported(rows: Sequence[ImportedRow]) -> str:
    lines = [
        "| start | people | films known | Precision@5 | NDCG@10 |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.start} | {row.users} | {row.known:.1f} | {row.precision:.3f} | "
            f"{row.ndcg:.3f} |"
        )
    return "\n".join(lines)
