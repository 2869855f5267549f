"""Inline mode: search cards with deep links, personal picks, odd queries and offsets."""

from __future__ import annotations

import pytest

from tests.support import presses
from tests.support.harness import Harness
from tests.support.scenes import (
    ANN,
    BEN,
)


async def _inline(harness: Harness, user: int, query: str, offset: str = "") -> dict:
    return await harness.inline(user, query, offset)


async def test_inline_search_pages_and_shares_a_card_with_a_deep_link(harness: Harness) -> None:
    answer = await _inline(harness, ANN, "star")
    results = answer["results"]
    assert 1 <= len(results) <= 10 and answer["is_personal"] is False
    assert answer["cache_time"] > 0
    assert all(len(r["id"].encode()) <= 64 for r in results)
    first = results[0]
    assert first["input_message_content"]["message_text"].startswith("🎬 <b>")
    url = first["reply_markup"]["inline_keyboard"][0][0]["url"]
    assert url.startswith(f"https://t.me/{harness.fake.bot_username}?start=film_")
    if answer.get("next_offset"):
        more = await _inline(harness, ANN, "star", answer["next_offset"])
        assert {r["id"] for r in more["results"]}.isdisjoint({r["id"] for r in results})
    # the deep link: /start film_<id> in the private chat offers the film to rate
    film = int(url.rsplit("_", 1)[1])
    card = await harness.say(ANN, ANN, f"/start film_{film}")
    assert "Seen it?" in card.text
    await harness.press(ANN, ANN, card, presses.rate(film, 1))
    assert (await harness.storage.ratings(ANN, ANN)) == {film: 1.0}


async def test_inline_with_no_query_offers_my_own_picks(harness: Harness) -> None:
    empty = await _inline(harness, BEN, "")
    assert empty["results"] == [] and empty["is_personal"] is True
    assert empty["button"]["start_parameter"] == "rate"
    await harness.say(BEN, BEN, "/like Alien, Heat, Fargo")
    mine = await _inline(harness, BEN, "")
    assert len(mine["results"]) == 10 and mine["is_personal"] is True
    assert mine["cache_time"] <= 60
    rated = {f"m{m}" for m in (1214, 6, 608)}
    assert not rated & {r["id"] for r in mine["results"]}


async def test_odd_inline_queries_are_answered_within_the_rules(harness: Harness) -> None:
    for query in ("x" * 256, "🎬🍿", "\u202e", "'; drop table", "a"):
        answer = await _inline(harness, ANN, query, "abc")
        assert len(answer["results"]) <= 10


async def test_a_forged_deep_link_is_just_the_welcome(harness: Harness) -> None:
    for payload in ("film_99999999", "film_٣", "film_", "zzz"):
        reply = await harness.say(ANN, ANN, f"/start {payload}")
        assert "Question 1:" in reply.text or "don't know that film" in reply.text


@pytest.mark.parametrize("offset", ["²", "٣", "-5", "9" * 100, "abc", ""])
async def test_an_odd_inline_offset_gets_the_first_page(harness: Harness, offset: str) -> None:
    first = await harness.inline(ANN, "star")
    answer = await harness.inline(ANN, "star", offset)
    assert [r["id"] for r in answer["results"]] == [r["id"] for r in first["results"]]
