"""The watchlist: saved films leave the picks, and a watched one is rated."""

from __future__ import annotations

from bot.features.watchlist import views as watchlist_views
from tests.support import presses
from tests.support.harness import Harness
from tests.support.reading import pick_ids
from tests.support.scenes import (
    ANN,
    like_five_films,
    rate_from_card,
)


async def test_watchlist_saves_hides_from_picks_and_rates_when_watched(harness: Harness) -> None:
    await like_five_films(harness)
    picks = await harness.say(ANN, ANN, "/rec")
    first, second = pick_ids(picks)[:2]
    answer = await rate_from_card(harness, ANN, ANN, picks, first, presses.save(first))
    assert answer["text"] == watchlist_views.saved()
    assert harness.fake.messages(ANN)[-1].buttons()[0] == ("🔖 · undo", presses.undo(first))
    await rate_from_card(harness, ANN, ANN, picks, second, presses.save(second))
    assert first not in pick_ids(await harness.say(ANN, ANN, "/rec"))  # never picked again
    listing = await harness.say(ANN, ANN, "/watchlist")
    assert listing.text.count("\n") >= 2 and len(listing.buttons()) == 4
    await harness.press(ANN, ANN, listing, presses.watched(second))
    question = harness.fake.last(ANN)
    assert "Did you like it" in question.text
    await harness.press(ANN, ANN, question, presses.rate(second, 1))
    assert (await harness.storage.ratings(ANN, ANN))[second] == 1.0
    assert (await harness.storage.watchlist(ANN, ANN)) == [first]
    await harness.press(ANN, ANN, listing, presses.unsave(first, 0))
    assert (await harness.storage.watchlist(ANN, ANN)) == []
    assert "empty" in harness.fake.messages(ANN)[-2].text or "empty" in listing.text
    empty = await harness.say(ANN, ANN, "/watchlist")
    assert "empty" in empty.text
