""" "Recent" is the catalogue's last ten years and says which; /help's examples work on every
catalogue (ml-latest-small: real titles up to 2018; ml-1m: up to 2000)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from bot.app import build_application
from bot.features.account import views as account_views
from bot.storage import open_storage
from bot.throttle import Throttle
from bot.ui import texts as ui_texts
from bot.ui.callback_data import decode_filter, filter_code
from movierec.filters import Filter, YearKind, YearLabel
from movierec.recommender import Recommender
from tests.support import presses
from tests.support.fakegram import FakeTelegram
from tests.support.harness import Harness
from tests.support.reading import pick_ids, years_of
from tests.support.scenes import ANN, like_five_films


@pytest.fixture
async def latest_harness(latest_recommender: Recommender, tmp_path) -> AsyncIterator[Harness]:
    fake = FakeTelegram()
    storage = await open_storage(None, tmp_path / "db.sqlite3")
    app = build_application(
        fake.token, latest_recommender, storage, request=fake.request(), throttle=Throttle()
    )
    await app.initialize()
    try:
        yield Harness(fake, app, storage)
    finally:
        await app.shutdown()
        await storage.close()


def rec_examples(text: str) -> list[str]:
    return re.findall(r"<code>(/rec [^<]+)</code>", text)


async def test_recent_is_the_last_ten_years_of_a_modern_catalogue_and_says_which(
    latest_harness: Harness, latest_recommender: Recommender
) -> None:
    assert latest_recommender.catalogue.latest_year == 2018
    await latest_harness.say(ANN, ANN, "/like Inception, Dark Knight, Interstellar, Amelie")
    recent = await latest_harness.say(ANN, ANN, "/rec recent")
    ids = pick_ids(recent)
    assert len(ids) == 5 and all(2008 <= y <= 2018 for y in years_of(latest_recommender, ids))
    assert "recent (2008–2018)" in recent.text
    # the label survives a press: More carries "recent" in its button data
    assert presses.decode(recent.button("More")).filter.recent
    await latest_harness.press(ANN, ANN, recent, recent.button("More"))
    more = latest_harness.fake.last(ANN)
    assert "recent (2008–2018)" in more.text
    assert all(2008 <= y <= 2018 for y in years_of(latest_recommender, pick_ids(more)))
    # years the person narrowed are said as years, not as "recent"
    narrowed = await latest_harness.say(ANN, ANN, "/rec recent until 2012")
    assert "recent" not in narrowed.text and "2008–2012" in narrowed.text
    assert latest_harness.fake.errors == []


async def test_recent_on_ml1m_says_its_years(harness: Harness) -> None:
    await like_five_films(harness)
    recent = await harness.say(ANN, ANN, "/rec recent")
    assert len(pick_ids(recent)) == 5 and "recent (1990–2000)" in recent.text


@pytest.mark.parametrize("catalogue", ["ml-latest-small", "ml-1m"])
async def test_the_help_examples_find_films(
    catalogue: str, latest_harness: Harness, harness: Harness
) -> None:
    """Every /rec example of /help and of "didn't understand" gives five picks: none of them
    answers "Nothing matches" on a catalogue that ends in 2000 or in 2018."""
    chosen = latest_harness if catalogue == "ml-latest-small" else harness
    examples = rec_examples(account_views.help_text()) + rec_examples(
        ui_texts.filter_not_understood("xyz")
    )
    assert "/rec recent" in examples and not any("2010" in e for e in examples)
    await like_five_films(chosen)
    for example in examples:
        answer = await chosen.say(ANN, ANN, example)
        assert len(pick_ids(answer)) == 5, (catalogue, example, answer.text)
        assert "Nothing matches" not in answer.text


def test_recent_travels_in_button_data_and_older_buttons_still_decode() -> None:
    recent = Filter(frozenset({"Comedy"}), 2013, 2023, recent=True)
    assert filter_code(recent).endswith(".2013.2023r")
    assert decode_filter(filter_code(recent)) == recent
    assert decode_filter(".2013.2023") == Filter(year_from=2013, year_to=2023)  # before "r"
    assert decode_filter(".2013.r") is None  # "recent" is always a range
    assert recent.labels()[-1] == YearLabel(YearKind.RECENT, 2013, 2023)
    assert ui_texts.filter_label(recent) == "Comedy · recent (2013–2023)"
