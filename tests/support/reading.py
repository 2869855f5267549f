"""Reading the bot's replies: which films a message offers, and what the catalogue says of them."""

from __future__ import annotations

from movierec.recommender import Recommender
from tests.support import presses
from tests.support.fakegram import Message


def pick_ids(message: Message) -> list[int]:
    """The films a list offers: its cards' buttons (a person's picks), else its 👍 buttons
    (movie-night picks, films to rate)."""
    cards = [presses.decode(d) for _, d in message.buttons() if d.startswith("c:")]
    if cards:
        return [c.movie_id for c in cards]
    return [presses.decode(d).movie_id for t, d in message.buttons() if t.startswith("👍")]


def genres_of(recommender: Recommender, ids: list[int]) -> list[set[str]]:
    return [set(recommender.catalogue.get(m).genres) for m in ids]


def years_of(recommender: Recommender, ids: list[int]) -> list[int]:
    return [recommender.catalogue.get(m).year for m in ids]
