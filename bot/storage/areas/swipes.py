"""Match mode: a night's deck (the group's picks, best first, swiped by everyone in tonight in
their private chats), each person's swipes, and the films everyone liked.

Nobody's swipes leave this area before a match: the bot reads one person's own swipes (their
next card) and, for a match, only whether everyone in liked a film. A match is a row once
(`add_match`, the table's primary key), and announcing takes a conditional write
(`claim_announcement`), so presses at once on any replica announce a match once.
"""

from __future__ import annotations

import json
import time

from sqlalchemy import bindparam, func, select, update

from bot.storage.base import SwipeDeck
from bot.storage.engine import StoreEngine, match, threaded
from bot.storage.schema import swipe_decks, swipe_matches, swipes

VERDICTS = ("like", "dislike", "seen")

_DECK = select(
    swipe_decks.c.user_id,
    swipe_decks.c.movie_ids,
    swipe_decks.c.wanted,
    swipe_decks.c.announced,
    swipe_decks.c.reasons,
).where(match(swipe_decks, "chat_id", "night_id"))

_OWN = select(swipes.c.movie_id, swipes.c.verdict).where(
    match(swipes, "chat_id", "night_id", "user_id")
)

_LIKERS = select(swipes.c.user_id).where(
    match(swipes, "chat_id", "night_id", "movie_id"), swipes.c.verdict == "like"
)

_MATCHES = (
    select(swipe_matches.c.movie_id)
    .where(match(swipe_matches, "chat_id", "night_id"))
    .order_by(swipe_matches.c.found_at, swipe_matches.c.movie_id)
)

_MATCH_COUNT = select(func.count()).where(match(swipe_matches, "chat_id", "night_id"))

_WANT = (
    update(swipe_decks)
    .where(swipe_decks.c.chat_id == bindparam("chat"), swipe_decks.c.night_id == bindparam("night"))
    .values(wanted=bindparam("wanted"))
)

_ANNOUNCE = (
    update(swipe_decks)
    .where(
        swipe_decks.c.chat_id == bindparam("chat"),
        swipe_decks.c.night_id == bindparam("night"),
        swipe_decks.c.announced < bindparam("count"),
        swipe_decks.c.wanted <= bindparam("count"),
    )
    .values(announced=bindparam("count"))
)


class Swipes(StoreEngine):
    """Decks, swipes and matches of match mode."""

    @threaded
    def start_deck(self, deck: SwipeDeck) -> bool:
        """A night's deck; False (storing nothing) when the night has one already."""
        reasons = {
            str(m): {str(p): liked for p, liked in by.items()} for m, by in deck.reasons.items()
        }
        with self._write() as db:
            return self._add(
                db, swipe_decks, chat_id=deck.chat_id, night_id=deck.night_id,
                user_id=deck.starter_id, movie_ids=json.dumps(list(deck.movie_ids)),
                reasons=json.dumps(reasons), wanted=deck.wanted, announced=0,
                created_at=time.time(),
            )  # fmt: skip

    @threaded
    def deck(self, chat_id: int, night_id: int) -> SwipeDeck | None:
        rows = self._rows(_DECK, chat_id=chat_id, night_id=night_id)
        if not rows:
            return None
        starter, ids, wanted, announced, reasons = rows[0]
        by_film = {
            int(m): {int(p): int(liked) for p, liked in by.items()}
            for m, by in json.loads(reasons).items()
        }
        return SwipeDeck(
            chat_id, night_id, starter, tuple(json.loads(ids)), wanted, announced, by_film
        )

    @threaded
    def want_matches(self, chat_id: int, night_id: int, wanted: int) -> None:
        """How many matches the night waits for before announcing them."""
        with self._write() as db:
            db.execute(_WANT, {"chat": chat_id, "night": night_id, "wanted": wanted})

    @threaded
    def swipe(self, chat_id: int, night_id: int, user_id: int, movie_id: int, verdict: str) -> None:
        """A person's 👍 / 👎 / 🙈 on a card (a second swipe of the same card replaces it)."""
        if verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {verdict!r}")
        with self._write() as db:
            self._upsert(
                db, swipes, chat_id=chat_id, night_id=night_id, user_id=user_id,
                movie_id=movie_id, verdict=verdict, swiped_at=time.time(),
            )  # fmt: skip

    @threaded
    def own_swipes(self, chat_id: int, night_id: int, user_id: int) -> dict[int, str]:
        """One person's swipes of a night: film -> verdict."""
        rows = self._rows(_OWN, chat_id=chat_id, night_id=night_id, user_id=user_id)
        return {movie: verdict for movie, verdict in rows}

    @threaded
    def likers(self, chat_id: int, night_id: int, movie_id: int) -> set[int]:
        """Who liked a film of the night's deck (read for a match, never shown before one)."""
        rows = self._rows(_LIKERS, chat_id=chat_id, night_id=night_id, movie_id=movie_id)
        return {user for (user,) in rows}

    @threaded
    def add_match(self, chat_id: int, night_id: int, movie_id: int) -> bool:
        """A film everyone liked; True only for the one caller that recorded it."""
        with self._write() as db:
            return self._add(
                db, swipe_matches, chat_id=chat_id, night_id=night_id, movie_id=movie_id,
                found_at=time.time(),
            )  # fmt: skip

    @threaded
    def matches(self, chat_id: int, night_id: int) -> list[int]:
        """The night's matches, in the order they were found."""
        return [m for (m,) in self._rows(_MATCHES, chat_id=chat_id, night_id=night_id)]

    @threaded
    def claim_announcement(self, chat_id: int, night_id: int) -> int:
        """The number of matches to announce now (0: nothing new, or fewer than the night
        waits for): a conditional write, so of callers at once exactly one gets each count."""
        with self._write() as db:
            count = db.execute(_MATCH_COUNT, {"chat_id": chat_id, "night_id": night_id}).scalar()
            if not count:
                return 0
            values = {"chat": chat_id, "night": night_id, "count": int(count)}
            return int(count) if db.execute(_ANNOUNCE, values).rowcount > 0 else 0
