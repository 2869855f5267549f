"""movierec/evaluation/sizing.py: the dense baselines' cap on films; a baseline out of memory."""

from __future__ import annotations

import pandas as pd

from movierec.evaluation.sizing import guarded, most_rated


def test_most_rated_keeps_the_most_rated_films_and_says_what_it_dropped() -> None:
    train = pd.DataFrame(
        {"user_id": [1, 2, 3, 1, 2, 1, 4], "movie_id": [7, 7, 7, 5, 5, 9, 3], "rating": 4.0}
    )
    kept, note = most_rated(train, 2, "ease")
    assert sorted(set(kept["movie_id"])) == [5, 7] and len(kept) == 5
    assert note == (
        "ease: restricted to the 2 most rated of 4 training films (71% of the training ratings; "
        "films × films matrices; --max-films to change)"
    )
    tied, _ = most_rated(train, 3, "ease")  # 9 and 3 both have one rating: the lower id stays
    assert sorted(set(tied["movie_id"])) == [3, 5, 7]
    assert most_rated(train, 4, "ease") == (train, None)
    assert most_rated(train, None, "ease") == (train, None)


def test_a_baseline_out_of_memory_is_skipped_with_a_note() -> None:
    notes: list[str] = []

    def too_big() -> None:
        raise MemoryError

    assert guarded("rp3beta", too_big, notes) is None
    assert guarded("itemknn", lambda: 3, notes) == 3
    assert notes == ["rp3beta: skipped, out of memory (lower --max-films)"]
