"""The people and chats of the in-process bot tests, and the conversations several features start
from. Ids past 2**32, as Telegram's are; names that appear nowhere else in a file, so a test can
look for them in the bytes on disk."""

from __future__ import annotations

from tests.support import presses
from tests.support.fakegram import Message
from tests.support.harness import Harness

ALICE, BOB, CAROL = 1001, 1002, 1003
ANN, BEN, CAT = 7_123_456_789, 7_123_456_790, 7_123_456_791
GROUP = -100_555
ANN_NAME = "Zebediahqux"


async def like_five_films(harness: Harness, chat: int = ANN, user: int = ANN) -> None:
    await harness.say(chat, user, "/like Star Wars 1977, Alien, Heat, Toy Story, Fargo")


async def group_with_picks(harness: Harness) -> Message:
    await harness.say(GROUP, ANN, "/like Alien, Heat, Fargo", first_name=ANN_NAME)
    await harness.say(GROUP, BEN, "/like Toy Story", first_name="Ben")
    return await harness.say(GROUP, ANN, "/rec")


async def rate_from_card(
    harness: Harness, chat: int, user: int, picks: Message, movie_id: int, data: str
) -> dict:
    """Open a film's card from a picks list (in place, for its owner; a card of one's own for
    anyone else) and press `data` there: how a person rates a pick now. The answer to that press."""
    before, count = picks.edits, len(harness.fake.messages(chat))
    await harness.press(chat, user, picks, presses.card(movie_id))
    grew = len(harness.fake.messages(chat)) > count
    card = harness.fake.last(chat) if grew or picks.edits == before else picks
    return await harness.press(chat, user, card, data)
