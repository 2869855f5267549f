"""Each pick says why, in words a person reads on a phone: a reason per pick drawn from what
brought that pick (not one line repeated under all five), never an empty one, never a title
cut in the middle of a word."""

from __future__ import annotations

import re

from tests.support.harness import Harness
from tests.support.scenes import ALICE, BOB


def _reasons(text: str) -> list[str]:
    """The reason of each numbered line of a pick list ("3. Heat (1995) — because you …")."""
    lines = [line for line in text.splitlines() if re.match(r"^\d+\. ", line)]
    assert len(lines) == 5, text
    return [line.split(" — ", 1)[1] if " — " in line else "" for line in lines]


async def test_five_picks_give_more_than_one_reason_and_none_empty(harness: Harness) -> None:
    likes = "Star Wars: Episode VI, Star Wars: Episode I, Toy Story, Heat, Before Sunrise"
    await harness.say(ALICE, ALICE, f"/like {likes}")
    picks = await harness.say(ALICE, ALICE, "/rec")
    reasons = _reasons(picks.text)
    assert all(reasons), picks.text  # every pick says why
    assert len(set(reasons)) >= 3, reasons  # specific to each pick, not one repeated line
    assert not any("…" in r for r in reasons)  # short titles, never cut mid-word


async def test_one_like_is_the_reason_for_every_pick(harness: Harness) -> None:
    await harness.say(BOB, BOB, "/like Toy Story")
    reasons = _reasons((await harness.say(BOB, BOB, "/rec")).text)
    assert reasons == ["because you liked Toy Story"] * 5


async def test_only_dislikes_still_give_a_reason_of_taste(harness: Harness) -> None:
    await harness.say(BOB, BOB, "/dislike Titanic, Grease")
    reasons = _reasons((await harness.say(BOB, BOB, "/rec")).text)
    assert all(reasons) and not any("because you liked" in r for r in reasons)
