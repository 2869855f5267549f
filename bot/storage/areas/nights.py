"""Movie nights: rosters (who is in tonight), their votes (one per night) and ballots, and what a
group chose (/history)."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import Executable, bindparam, delete, select, update

from bot.storage.base import PollInfo
from bot.storage.engine import StoreEngine, match, threaded
from bot.storage.schema import history, night_fits, night_members, nights, polls, votes

_NIGHT_QUERY = select(nights.c.query).where(match(nights, "chat_id", "message_id"))

_LEAVE_NIGHT = delete(night_members).where(match(night_members, "chat_id", "message_id", "user_id"))

_NIGHT_MEMBERS = (
    select(night_members.c.user_id)
    .where(match(night_members, "chat_id", "message_id"))
    .order_by(night_members.c.joined_at, night_members.c.user_id)
)

_POLL = select(
    polls.c.poll_id,
    polls.c.chat_id,
    polls.c.message_id,
    polls.c.night_id,
    polls.c.movie_ids,
    polls.c.scores,
    polls.c.closed,
).limit(1)
_POLL_BY_ID = _POLL.where(match(polls, "poll_id"))
_POLL_OF_MESSAGE = _POLL.where(match(polls, "chat_id", "message_id")).order_by(
    polls.c.created_at.desc()
)
_POLL_OF_NIGHT = _POLL.where(match(polls, "chat_id", "night_id"))

_UNVOTE = delete(votes).where(match(votes, "poll_id", "user_id"))

_VOTES = select(votes.c.user_id, votes.c.option).where(match(votes, "poll_id"))

_ATTACH_POLL = update(polls).where(
    polls.c.chat_id == bindparam("chat"), polls.c.night_id == bindparam("night")
)

_DROP_POLL = delete(polls).where(match(polls, "poll_id"))

_POLL_FILMS = (
    select(polls.c.movie_ids, polls.c.scores, polls.c.closed)
    .where(match(polls, "poll_id"))
    .with_for_update()
)
_SET_POLL_FILMS = (
    update(polls)
    .where(polls.c.poll_id == bindparam("poll"))
    .values(movie_ids=bindparam("ids"), scores=bindparam("scores"))
)

_CLOSE_POLL = (
    update(polls).where(polls.c.poll_id == bindparam("poll"), polls.c.closed == 0).values(closed=1)
)

_HISTORY = (
    select(history.c.movie_id, history.c.watched_at)
    .where(match(history, "chat_id"))
    .order_by(history.c.watched_at.desc())
)


_RECENT_WINNERS = (
    select(history.c.movie_id)
    .where(match(history, "chat_id"))
    .order_by(history.c.watched_at.desc(), history.c.movie_id.desc())
    .limit(bindparam("nights"))
)
_FITS = select(night_fits.c.movie_id, night_fits.c.user_id, night_fits.c.fit).where(
    night_fits.c.chat_id == bindparam("chat_id"),
    night_fits.c.movie_id.in_(bindparam("movies", expanding=True)),
)


class Nights(StoreEngine):
    """Rosters, votes and ballots, a group's history."""

    @threaded
    def start_night(self, chat_id: int, message_id: int, query: str = "") -> None:
        """A roster message: who is in tonight (and the filter words it was asked with)."""
        with self._write() as db:
            self._upsert(
                db, nights, chat_id=chat_id, message_id=message_id, query=query,
                created_at=time.time(),
            )  # fmt: skip

    @threaded
    def night_query(self, chat_id: int, message_id: int) -> str | None:
        """The filter words of a roster, or None when there is no such roster."""
        rows = self._rows(_NIGHT_QUERY, chat_id=chat_id, message_id=message_id)
        return rows[0][0] if rows else None

    @threaded
    def join_night(self, chat_id: int, message_id: int, user_id: int, joined: bool) -> bool:
        """Join (or leave) tonight's roster; True when that changed anything."""
        key = {"chat_id": chat_id, "message_id": message_id, "user_id": user_id}
        with self._write() as db:
            if joined:
                return self._add(db, night_members, **key, joined_at=time.time())
            return db.execute(_LEAVE_NIGHT, key).rowcount > 0

    @threaded
    def night_members(self, chat_id: int, message_id: int) -> list[int]:
        """Who is in, in the order they joined."""
        rows = self._rows(_NIGHT_MEMBERS, chat_id=chat_id, message_id=message_id)
        return [user for (user,) in rows]

    @threaded
    def save_poll(self, poll: PollInfo) -> bool:
        """Store a movie night's vote; False (storing nothing) when that night already has one,
        open or closed: a unique index, so replicas racing to start one get exactly one True."""
        with self._write() as db:
            return self._add(
                db,
                polls,
                poll_id=poll.poll_id,
                chat_id=poll.chat_id,
                message_id=poll.message_id,
                night_id=poll.night_id,
                movie_ids=json.dumps(list(poll.movie_ids)),
                scores=json.dumps(list(poll.scores)),
                closed=int(poll.closed),
                created_at=time.time(),
            )

    def _poll(self, query: Executable, **key: Any) -> PollInfo | None:
        rows = self._rows(query, **key)
        if not rows:
            return None
        pid, chat, message, night, ids, scores, closed = rows[0]
        return PollInfo(
            pid,
            chat,
            message,
            night,
            tuple(json.loads(ids)),
            tuple(json.loads(scores)),
            bool(closed),
        )

    @threaded
    def poll(self, poll_id: str) -> PollInfo | None:
        return self._poll(_POLL_BY_ID, poll_id=poll_id)

    @threaded
    def poll_of_message(self, chat_id: int, message_id: int) -> PollInfo | None:
        return self._poll(_POLL_OF_MESSAGE, chat_id=chat_id, message_id=message_id)

    @threaded
    def night_poll(self, chat_id: int, night_id: int) -> PollInfo | None:
        """The vote of a roster, open or closed (there is at most one)."""
        return self._poll(_POLL_OF_NIGHT, chat_id=chat_id, night_id=night_id)

    @threaded
    def vote(self, poll_id: str, user_id: int, option: int | None) -> None:
        """A person's vote (None: they retracted it)."""
        with self._write() as db:
            if option is None:
                db.execute(_UNVOTE, {"poll_id": poll_id, "user_id": user_id})
            else:
                self._upsert(db, votes, poll_id=poll_id, user_id=user_id, option=option)

    @threaded
    def votes(self, poll_id: str) -> dict[int, int]:
        return {user: option for user, option in self._rows(_VOTES, poll_id=poll_id)}

    @threaded
    def attach_poll(self, chat_id: int, night_id: int, poll_id: str, message_id: int) -> None:
        """Give a night's reserved vote (`save_poll` before the poll was sent) the poll that
        Telegram made: its id and its message."""
        values = {"chat": chat_id, "night": night_id, "poll_id": poll_id, "message_id": message_id}
        with self._write() as db:
            db.execute(_ATTACH_POLL, values)

    @threaded
    def drop_poll(self, poll_id: str) -> None:
        """Forget a reserved vote whose poll could not be sent (the night may vote again)."""
        with self._write() as db:
            db.execute(_DROP_POLL, {"poll_id": poll_id})

    @threaded
    def add_poll_option(self, poll_id: str, movie_id: int) -> int | None:
        """An option someone added to an open vote, after the others (`movie_id` < 0: not a film
        the catalogue knows); its option number, or None when the vote is closed or unknown. The
        group score of an added option is below every pick's, so a tie goes to the picks."""
        with self._write() as db:
            row = db.execute(_POLL_FILMS, {"poll_id": poll_id}).first()
            if row is None or row[2]:
                return None
            ids, scores = json.loads(row[0]), json.loads(row[1])
            ids.append(movie_id)
            scores.append(min(scores, default=0.0) - 1.0)
            values = {"poll": poll_id, "ids": json.dumps(ids), "scores": json.dumps(scores)}
            db.execute(_SET_POLL_FILMS, values)
            return len(ids) - 1

    @threaded
    def close_poll(self, poll_id: str) -> bool:
        """Mark a vote closed; True only for the one caller that closed it (announce once): a
        concurrent second UPDATE waits for the first, re-checks `closed=0` and changes nothing."""
        with self._write() as db:
            return db.execute(_CLOSE_POLL, {"poll": poll_id}).rowcount > 0

    @threaded
    def add_history(self, chat_id: int, movie_id: int, at: float | None = None) -> None:
        """A film a group chose (the first time it was chosen stays), on the night `at` (a
        planned night's start; now by default)."""
        with self._write() as db:
            when = time.time() if at is None else at
            self._add(db, history, chat_id=chat_id, movie_id=movie_id, watched_at=when)

    @threaded
    def history(self, chat_id: int) -> list[tuple[int, float]]:
        """What a group chose, newest first: (movie id, when)."""
        return [(movie, when) for movie, when in self._rows(_HISTORY, chat_id=chat_id)]

    @threaded
    def add_fits(self, chat_id: int, movie_id: int, fits: dict[int, float]) -> None:
        """How well a group's winner fitted each person in that night (their share of it)."""
        if not fits:
            return
        rows = [
            {"chat_id": chat_id, "movie_id": movie_id, "user_id": user, "fit": fit}
            for user, fit in fits.items()
        ]
        with self._write() as db:
            self._upsert_many(db, night_fits, rows)

    @threaded
    def recent_fits(self, chat_id: int, nights: int) -> list[dict[int, float]]:
        """The last `nights` winners' fits, oldest first: person -> fit, one dict per night
        (empty for a winner chosen before fits were kept)."""
        winners = [m for (m,) in self._rows(_RECENT_WINNERS, chat_id=chat_id, nights=nights)]
        if not winners:
            return []
        found: dict[int, dict[int, float]] = {m: {} for m in winners}
        for movie, user, fit in self._rows(_FITS, chat_id=chat_id, movies=winners):
            found[movie][user] = fit
        return [found[m] for m in reversed(winners)]
