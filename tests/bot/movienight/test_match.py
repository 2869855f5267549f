"""Match mode: cards in four private chats, one match announced once in the group with who liked
it, nobody's swipes shown before; 👎 is not a dislike, 🙈 counts as seen; the starter's choice of
two matches, then a vote among them; taking the first match."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Update

from bot.features.movienight import views
from movierec.recommender import Recommender
from movierec.scoring import FAIR_K
from tests.support import presses
from tests.support.fakegram import Message
from tests.support.harness import Harness
from tests.support.scenes import ANN, BEN, CAT, GROUP

DAN = 7_123_456_792
PEOPLE = {ANN: "Ann", BEN: "Ben", CAT: "Cat", DAN: "Dan"}


async def _four_swiping(harness: Harness) -> Message:
    """Four people who rated films in their private chats, in tonight, match mode on."""
    for user, name in PEOPLE.items():
        await harness.say(user, user, "/like Star Wars 1977, Alien, Heat", first_name=name)
    roster = await harness.say(GROUP, ANN, "/movienight", first_name="Ann")
    for user in PEOPLE:
        await harness.press(GROUP, user, roster, presses.night("i"))
    answer = await harness.press(GROUP, ANN, roster, presses.night("m"))
    assert answer["text"] == views.match_started()
    return roster


def _card(harness: Harness, user: int) -> Message:
    card = harness.fake.last(user)
    assert card.buttons(), card.text
    return card


def transcript(harness: Harness, chats: dict[int, str]) -> str:
    """Every message the bot sent in `chats` (named), as they read now (swiped cards edited)."""
    lines = []
    for chat, name in chats.items():
        for message in harness.fake.messages(chat):
            lines.append(f"--- {name}:\n{message.text}")
    return "\n".join(lines)


async def test_a_match_among_four_is_announced_once(harness: Harness) -> None:
    await _four_swiping(harness)
    matching = harness.fake.last(GROUP)
    assert "Match mode" in matching.text and all(n in matching.text for n in PEOPLE.values())
    firsts = {user: _card(harness, user) for user in PEOPLE}
    assert len({c.text for c in firsts.values()}) == 1  # the same deck, best first
    assert "Movie night in" in firsts[ANN].text and "💡" in firsts[ANN].text  # the reason
    before = len(harness.fake.messages(GROUP))
    # Ann 👍, Ben 👎 the first card: no match, and the group hears nothing of it
    await harness.press(ANN, ANN, firsts[ANN], presses.swipe("like"))
    answer = await harness.press(BEN, BEN, firsts[BEN], presses.swipe("dislike"))
    assert "not a dislike" in answer["text"]
    assert not (await harness.storage.taste(BEN, BEN)).ratings.keys() - {260, 1214, 6}  # no 👎 kept
    await harness.press(CAT, CAT, firsts[CAT], presses.swipe("like"))
    await harness.press(DAN, DAN, firsts[DAN], presses.swipe("seen"))
    assert len(harness.fake.messages(GROUP)) == before
    # the second card: all four 👍 at once: one announcement
    seconds = {user: _card(harness, user) for user in PEOPLE}
    assert len({c.text for c in seconds.values()}) == 1 and seconds[ANN].text != firsts[ANN].text
    await asyncio.gather(*(harness.press(u, u, seconds[u], presses.swipe("like")) for u in PEOPLE))
    group = harness.fake.messages(GROUP)[before:]
    assert len(group) == 1, [m.text for m in group]
    announcement = group[0]
    assert "It's a match!" in announcement.text
    assert all(n in announcement.text for n in PEOPLE.values())
    first_title = seconds[ANN].text.split("\n")[2]
    # seen counts as seen: Dan's 🙈 film is hidden for him
    assert firsts[DAN].message_id and (await harness.storage.taste(DAN, DAN)).hidden
    # take it: tonight's film, in /history
    await harness.press(GROUP, BEN, announcement, presses.night("t"))
    taken = harness.fake.last(GROUP)
    assert "Tonight:" in taken.text
    assert len(await harness.storage.history(GROUP)) == 1
    # whose taste the winner fitted, for fairness next time
    (fits,) = await harness.storage.recent_fits(GROUP, 5)
    assert set(fits) == set(PEOPLE) and all(-1 <= f <= 1 for f in fits.values())
    assert first_title.split(" (")[0] in announcement.text
    print(transcript(harness, {GROUP: "group", ANN: "Ann's private chat"}))


async def test_two_matches_then_a_vote_among_them(harness: Harness) -> None:
    await _four_swiping(harness)
    matching = harness.fake.last(GROUP)
    refused = await harness.press(GROUP, BEN, matching, presses.wait_for(2))
    assert refused["text"] == views.match_only_starter()
    await harness.press(GROUP, ANN, matching, presses.wait_for(2))
    before = len(harness.fake.messages(GROUP))
    for _ in range(2):
        for user in PEOPLE:
            await harness.press(user, user, _card(harness, user), presses.swipe("like"))
        if _ == 0:
            assert len(harness.fake.messages(GROUP)) == before  # waits for the second
    announcement = harness.fake.last(GROUP)
    assert "2 matches!" in announcement.text
    await harness.press(GROUP, CAT, announcement, presses.vote("v"))
    poll_id, poll = next(iter(harness.fake.polls.items()))
    assert len(poll["options"]) == 2
    for user in PEOPLE:
        update = harness.fake.vote(poll_id, user, [1])
        await harness.app.process_update(Update.de_json(update, harness.app.bot))
    assert poll["is_closed"] and "Tonight:" in harness.fake.last(GROUP).text


async def test_only_people_in_swipe_and_a_leaver_makes_a_match(harness: Harness) -> None:
    roster = await _four_swiping(harness)
    for user in (ANN, BEN, CAT):
        await harness.press(user, user, _card(harness, user), presses.swipe("like"))
    before = len(harness.fake.messages(GROUP))
    await harness.press(GROUP, DAN, roster, presses.night("o"))  # Dan leaves: a match
    assert "It's a match!" in harness.fake.last(GROUP).text
    assert len(harness.fake.messages(GROUP)) == before + 1
    answer = await harness.press(DAN, DAN, _card(harness, DAN), presses.swipe("like"))
    assert answer["text"] == views.match_not_in()


async def test_whose_taste_lost_the_last_nights_counts_more(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The picks pass the fairness weights: Ben, whom the last winners fitted least, weighs
    more; with no history everyone weighs 1."""
    seen: list[dict] = []
    real = Recommender.recommend_group

    def spy(self: Recommender, members: dict, *args: object, **kwargs: object) -> list:
        seen.append(dict(kwargs.get("weights") or {}))
        return real(self, members, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Recommender, "recommend_group", spy)
    for user, name in ((ANN, "Ann"), (BEN, "Ben")):
        await harness.say(user, user, "/like Star Wars 1977, Alien, Heat", first_name=name)
    await harness.movie_night(GROUP, [ANN, BEN])
    assert seen[-1] == {ANN: 1.0, BEN: 1.0}
    for movie, at, fits in ((1, 100.0, {ANN: 0.9, BEN: 0.1}), (2, 200.0, {ANN: 0.8, BEN: 0.4})):
        await harness.storage.add_history(GROUP, movie, at)
        await harness.storage.add_fits(GROUP, movie, fits)
    await harness.movie_night(GROUP, [ANN, BEN])
    assert seen[-1][ANN] == 1.0 and seen[-1][BEN] == pytest.approx(1 + FAIR_K * 0.3)


async def test_someone_the_bot_cannot_write_to_yet_is_named_and_gets_cards_later(
    harness: Harness,
) -> None:
    await harness.say(ANN, ANN, "/like Star Wars 1977, Alien, Heat", first_name="Ann")
    await harness.say(GROUP, BEN, "/like Heat, Fargo", first_name="Ben")  # never wrote privately
    roster = await harness.say(GROUP, ANN, "/movienight", first_name="Ann")
    for user in (ANN, BEN):
        await harness.press(GROUP, user, roster, presses.night("i"))
    await harness.press(GROUP, ANN, roster, presses.night("m"))
    matching = harness.fake.last(GROUP)
    assert "Swiping: Ann" in matching.text and "I can't write to Ben yet" in matching.text
    await harness.say(BEN, BEN, "/start", first_name="Ben")  # opens the private chat
    answer = await harness.press(GROUP, BEN, roster, presses.night("m"))
    assert answer["text"] == views.match_again()
    first = _card(harness, ANN).text.split("\n")[2]
    assert _card(harness, BEN).text.split("\n")[2] == first  # the same first card
    harness.fake.errors.clear()  # Ben's private chat did not exist at first: the point
