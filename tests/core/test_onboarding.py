"""The first questions: the answers matrix, the questions, the evaluation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import movierec.onboarding as onboarding
from movierec.data import load_dataset
from movierec.evaluation.onboarding import (
    answer,
    evaluate_imported,
    evaluate_onboarding,
    format_imported,
    format_onboarding,
    imported_preferences,
)
from movierec.onboarding import Onboarding, preferences
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
    assert len(first) == len(set(first)) == 6
    answers: dict[int, float | None] = {first[0]: None, first[1]: 1.0, first[2]: -1.0}
    following = chooser.next_questions(answers, 3)
    assert len(following) == 3 and not set(following) & set(answers)
    liked = {2858: 1.0}  # American Beauty: from here on the questions inform
    assert len(set(chooser.next_questions(liked, 6)) & STAR_WARS) <= 1
    alike = Onboarding(recommender, overlap_power=0.0).next_questions(liked, 6)
    assert len(set(alike) & STAR_WARS) >= 2  # what the overlap term prevents


def test_weights_follow_the_answers(recommender: Recommender) -> None:
    chooser = Onboarding(recommender)
    film = int(chooser.pool[0])
    seen = np.asarray((chooser._seen[:, 0]).todense()).ravel() > 0
    unseen = chooser.weights({film: None})
    assert unseen[seen].max() < unseen[~seen].min()  # people who saw it count less
    liked = chooser.weights({film: 1.0})
    assert liked[~seen].max() < liked[seen].max()  # and more once the person saw it too


@pytest.mark.slow
def test_the_evaluation_compares_both_strategies(ml1m_dir: Path, tmp_path: Path) -> None:
    dataset = load_dataset(ml1m_dir)
    rows = evaluate_onboarding(dataset.ratings, dataset.movies, tmp_path / "i", users=40)
    assert {(r.strategy, r.questions) for r in rows} == {
        (s, n) for s in ("fixed popular list", "adaptive") for n in (3, 6, 10)
    }
    for row in rows:
        assert row.users == 40 and 0 <= row.precision <= 1 and 0 < row.answered <= 1
    by = {(r.strategy, r.questions): r for r in rows}
    assert by[("adaptive", 3)].answered <= by[("adaptive", 10)].answered  # more reach more
    for n in (3, 6, 10):  # a list while nothing was seen, then one film: at most 3 per question
        assert n <= by[("adaptive", n)].films <= 3 * n
        assert by[("fixed popular list", n)].films <= 3 * n
    assert by[("adaptive", 3)].films > 3  # somebody saw none of the first three
    assert "| 6 | adaptive |" in format_onboarding(rows)


def test_a_question_shows_a_list_until_something_was_seen(recommender: Recommender) -> None:
    chooser = Onboarding(recommender)
    first = chooser.next_question({})
    assert len(first) == onboarding.BATCH == 3 and first == chooser.next_questions({}, 3)
    second = chooser.next_question(dict.fromkeys(first))
    assert len(second) == 3 and not set(first) & set(second)
    assert len(chooser.next_question({first[0]: -1.0, first[1]: None})) == 1  # one was seen
    assert len(Onboarding(recommender, batch=1).next_question({})) == 1
    assert onboarding.question_size({}) == 3 and onboarding.question_size({5: 1.0}) == 1


def covering_data(folder: Path) -> Path:
    """100 generated people (ml-1m layout): film 1 seen by 1–60, film 2 by 1–50 (the second best
    known, but only by people who saw film 1), film 3 by 61–90 (less known, the only one people
    61–90 saw), film 4 by 20–60 and film 5 by 91–100."""
    seen = {1: range(1, 61), 2: range(1, 51), 3: range(61, 91), 4: range(20, 61), 5: range(91, 101)}
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"{u}::{m}::{3 + (u * m) % 3}::0" for m, users in seen.items() for u in users]
    (folder / "ratings.dat").write_text("\n".join(lines) + "\n")
    titles = [f"{m}::Film {m} (1990)::Drama" for m in seen]
    (folder / "movies.dat").write_text("\n".join(titles) + "\n")
    return folder


def test_until_something_was_seen_the_questions_cover_the_people_not_reached(
    tmp_path: Path,
) -> None:
    data = load_dataset(covering_data(tmp_path / "d"))
    with Recommender.build(data.ratings, data.movies, tmp_path / "i") as rec:
        chooser = Onboarding(rec)
        assert chooser.next_questions({}, 1) == [1]  # the best-known film first
        # film 2 is better known than film 3, but everybody who saw it saw film 1 too
        assert chooser.next_questions({1: None}, 1) == [3]
        assert chooser.next_questions({1: None, 3: None}, 1) == [5]
        assert chooser.next_questions({}, 3) == [1, 3, 5]  # a batch covers the same way
        # once the person has seen one, the questions turn to people who saw it too
        assert chooser.next_questions({1: 1.0}, 1)[0] in {2, 4}
        assert list(chooser.pool[:3]) == [1, 2, 4]  # what a list of the best known would ask


def test_people_answer_with_the_bots_buttons() -> None:
    """There is no "seen, no opinion" button: a 3★ film goes to the side of the person's mean."""
    stars = {1: 5.0, 2: 1.0, 3: 3.0, 4: 4.0}  # mean 3.25: 3★ was one of their lesser films
    assert [answer(stars, m) for m in (1, 2, 3, 4, 5)] == [1.0, -1.0, -1.0, 1.0, None]
    harsh = {1: 1.0, 2: 3.0, 3: 2.0}  # mean 2: 3★ was one of their better ones
    assert answer(harsh, 2) == 1.0
    assert preferences({1: 1.0, 2: -1.0, 3: None, 4: 0.0}) == {1: 1.0, 2: -1.0}


def test_a_first_list_does_not_ask_the_same_kind_of_film_twice(recommender: Recommender) -> None:
    """Pure coverage puts two Star Wars films in the first list on ml-1m; the overlap term in the
    cover phase keeps one and takes another kind of film."""
    plain = Onboarding(recommender, cover_overlap=0.0).next_question({})
    assert len(set(plain) & STAR_WARS) == 2
    first = Onboarding(recommender).next_question({})
    assert len(first) == 3 and len(set(first) & STAR_WARS) <= 1


def test_an_imported_history_against_ten_answers(ml1m_dir: Path, tmp_path: Path) -> None:
    """What the README's import figures come from: the same people, the same held-back films."""
    assert imported_preferences({1: 5.0, 2: 3.5, 3: 3.0, 4: 2.0, 5: 0.5}) == {
        1: 1.0, 2: 1.0, 4: -1.0, 5: -1.0,
    }  # fmt: skip
    dataset = load_dataset(ml1m_dir)
    rows = evaluate_imported(dataset.ratings, dataset.movies, tmp_path / "i", users=40)
    by = {r.start: r for r in rows}
    assert set(by) == {"ten onboarding answers", "imported history"}
    assert all(r.users > 30 and 0 <= r.precision <= 1 and 0 <= r.ndcg <= 1 for r in rows)
    assert by["imported history"].known > by["ten onboarding answers"].known
    assert by["imported history"].precision > by["ten onboarding answers"].precision
    assert "| imported history |" in format_imported(rows)
