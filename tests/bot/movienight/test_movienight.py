"""Telegram-native: inline mode with deep links, and movie nights that end in a vote."""

from __future__ import annotations

from telegram import Update

from bot.features.movienight import views as movienight_views
from bot.ui import html
from movierec.recommender import Recommender
from tests.support import presses
from tests.support.fakegram import Message
from tests.support.harness import Harness

ANN, BEN, CAT = 4001, 4002, 4003
GROUP = -4500


async def _inline(harness: Harness, user: int, query: str, offset: str = "") -> dict:
    return await harness.inline(user, query, offset)


def pick_ids(message: Message) -> list[int]:
    return [presses.decode(d).movie_id for t, d in message.buttons() if t.startswith("👍")]


# ------------------------------------------------------------------ inline mode
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


# ------------------------------------------------------------------ movie night v2
async def _roster(harness: Harness) -> Message:
    await harness.say(GROUP, ANN, "/like Star Wars 1977, Alien", first_name="Ann")
    await harness.say(GROUP, BEN, "/like Heat, Fargo", first_name="Ben")
    return await harness.say(GROUP, ANN, "/movienight")


async def test_roster_picks_vote_winner_and_never_again(
    harness: Harness, recommender: Recommender
) -> None:
    roster = await _roster(harness)
    assert "Who's in tonight" in roster.text and not any("Pick" in t for t, _ in roster.buttons())
    links = [b["url"] for row in roster.reply_markup["inline_keyboard"] for b in row if "url" in b]
    assert links == [
        f"https://t.me/{harness.fake.bot_username}?start=rate"
    ]  # rate first, privately
    answer = await harness.press(GROUP, ANN, roster, presses.night("i"))
    assert answer["text"] == movienight_views.roster_joined()
    await harness.press(GROUP, BEN, roster, presses.night("i"))
    await harness.press(GROUP, CAT, roster, presses.night("i"))  # has rated nothing anywhere
    assert "Ann" in roster.text and "Ben" in roster.text and "rate a few films first" in roster.text
    await harness.press(GROUP, CAT, roster, presses.night("o"))
    assert roster.text.count("•") == 2
    await harness.press(GROUP, BEN, roster, presses.night("p"))
    picks = harness.fake.last(GROUP)
    ids = pick_ids(picks)
    assert len(ids) == 5 and "fits" in picks.text
    await harness.press(GROUP, ANN, picks, presses.vote("v"))
    poll_message = harness.fake.last(GROUP)
    poll_id, poll = next(iter(harness.fake.polls.items()))
    assert poll["is_anonymous"] is False and len(poll["options"]) == 5
    assert (await harness.press(GROUP, BEN, picks, presses.vote("v")))[
        "text"
    ] == movienight_views.vote_open()
    # Cat is not in tonight: cannot close the vote
    answer = await harness.press(GROUP, CAT, poll_message, presses.vote("c"))
    assert answer["text"] == movienight_views.not_in_roster() and not poll["is_closed"]
    for user, option in ((ANN, 2), (BEN, 2)):
        update = harness.fake.vote(poll_id, user, [option])
        await harness.app.process_update(Update.de_json(update, harness.app.bot))
    assert poll["is_closed"]  # everyone in tonight voted
    announcement = harness.fake.last(GROUP)
    winner = recommender.catalogue.get(ids[2])
    assert "Tonight:" in announcement.text and "2 of 2" in announcement.text
    assert html.title_plain(winner.title, 200).split(" (")[0] in announcement.text
    history = await harness.say(GROUP, BEN, "/history")
    assert html.title_plain(winner.title, 200).split(" (")[0] in history.text
    # never proposed to this group again
    again = await harness.say(GROUP, ANN, "/movienight")
    await harness.press(GROUP, ANN, again, presses.night("i"))
    await harness.press(GROUP, BEN, again, presses.night("i"))
    await harness.press(GROUP, ANN, again, presses.night("p"))
    assert ids[2] not in pick_ids(harness.fake.last(GROUP))


async def test_close_vote_button_and_ties_go_to_the_better_pick(harness: Harness) -> None:
    roster = await _roster(harness)
    for user in (ANN, BEN):
        await harness.press(GROUP, user, roster, presses.night("i"))
    await harness.press(GROUP, ANN, roster, presses.night("p"))
    picks = harness.fake.last(GROUP)
    ids = pick_ids(picks)
    await harness.press(GROUP, ANN, picks, presses.vote("v"))
    poll_message = harness.fake.last(GROUP)
    poll_id = next(iter(harness.fake.polls))
    update = harness.fake.vote(poll_id, ANN, [4])
    await harness.app.process_update(Update.de_json(update, harness.app.bot))
    update = harness.fake.vote(poll_id, ANN, [])  # Ann retracts
    await harness.app.process_update(Update.de_json(update, harness.app.bot))
    update = harness.fake.vote(poll_id, ANN, [3])
    await harness.app.process_update(Update.de_json(update, harness.app.bot))
    await harness.press(GROUP, BEN, poll_message, presses.vote("c"))
    assert harness.fake.polls[poll_id]["is_closed"]
    assert ids[3] in {m for m, _ in (await harness.storage.history(GROUP))}
    answer = await harness.press(GROUP, BEN, poll_message, presses.vote("c"), forge=True)
    assert answer["text"] == movienight_views.vote_closed()


async def test_private_ratings_count_in_the_group(harness: Harness) -> None:
    await harness.say(CAT, CAT, "/like Toy Story, Babe")  # only in the private chat
    roster = await harness.say(GROUP, CAT, "/movienight", first_name="Cat")
    await harness.press(GROUP, CAT, roster, presses.night("i"))
    assert "rate a few films first" not in roster.text
    await harness.press(GROUP, CAT, roster, presses.night("p"))
    picks = harness.fake.last(GROUP)
    assert len(pick_ids(picks)) == 5 and 1 not in pick_ids(picks)  # Toy Story: rated, skipped


async def test_pick_for_us_needs_someone_in(harness: Harness) -> None:
    roster = await _roster(harness)
    answer = await harness.press(GROUP, ANN, roster, presses.night("p"), forge=True)
    assert answer["text"] == movienight_views.roster_empty_toast()
