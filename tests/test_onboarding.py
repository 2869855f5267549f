"""The first questions (issue 10 §4): the answers matrix, the questions, the evaluation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import movierec.onboarding as onboarding
from movierec.data import load_dataset
from movierec.evaluation.onboarding import evaluate_onboarding, format_onboarding
from movierec.onboarding import Onboarding
from movierec.recommender import Recommender

STAR_WARS = {260, 1196, 1210}


def test_the_answers_matrix_is_the_same_read_in_blocks(
    recommender: Recommender, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = Onboarding(recommender)._raters
    monkeypatch.setattr(onboarding, "BLOCK", 777)
    blocks = Onboarding(recommender)._raters
    assert whole.shape == blocks.shape and whole.nnz == blocks.nnz > 0
    assert (whole != blocks).nnz == 0


def test_questions_are_new_and_not_alike(recommender: Recommender) -> None:
    chooser = Onboarding(recommender)
    first = chooser.next_questions({}, 6)
    assert len(first) == len(set(first)) == 6 and len(set(first) & STAR_WARS) <= 1
    answers: dict[int, float | None] = {first[0]: None, first[1]: 1.0, first[2]: -1.0}
    following = chooser.next_questions(answers, 3)
    assert len(following) == 3 and not set(following) & set(answers)


def test_weights_follow_the_answers(recommender: Recommender) -> None:
    chooser = Onboarding(recommender)
    film = int(chooser.pool[0])
    seen = np.asarray((chooser._marked(liked_only=False)[:, 0]).todense()).ravel() > 0
    unseen = chooser.weights({film: None})
    assert unseen[seen].max() < unseen[~seen].min()  # people who saw it count less
    liked = chooser.weights({film: 1.0})
    assert liked[~seen].max() < liked[seen].max()  # and more once the person saw it too


def test_the_evaluation_compares_both_strategies(ml1m_dir: Path, tmp_path: Path) -> None:
    dataset = load_dataset(ml1m_dir)
    rows = evaluate_onboarding(dataset.ratings, dataset.movies, tmp_path / "i", users=40)
    assert {(r.strategy, r.questions) for r in rows} == {
        (s, n) for s in ("fixed popular list", "adaptive") for n in (3, 6, 10)
    }
    for row in rows:
        assert row.users == 40 and 0 <= row.precision <= 1 and 0 < row.answered <= 1
    by = {(r.strategy, r.questions): r.answered for r in rows}
    assert by[("adaptive", 3)] <= by[("adaptive", 10)]  # more questions reach more people
    assert "| 6 | adaptive |" in format_onboarding(rows)
