"""Messages with buttons, as the bot remembers them: whose a message is, what it lists, and the
few facts of its kind that a later press needs (`ListInfo` with a typed `payload`).

Every message with buttons is stored with its owner and the films it lists, so a press knows
whose the message is (in a group only the owner's presses change it) and can rebuild its keyboard
from stored state. The chat store keeps a row of plain columns (`ListRow`); this module is the
one place that turns a row into typed state and back, so no handler ever splits a string.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.storage import ListRow
from bot.ui.callback_data import decode_filter, filter_code
from movierec.filters import Filter


class ListKind(StrEnum):
    """What a message with buttons shows (stored with it)."""

    PICKS = "picks"  # a person's picks: 👍 n | 👎 n | 🙈 n, More
    NIGHT = "night"  # a group's movie-night picks (everyone's; never rewritten)
    FILMS = "films"  # films to rate: 👍 Title | 👎 (welcome, search results)
    CHOOSE = "choose"  # an ambiguous title: one button per candidate
    RECORDED = "recorded"  # a confirmation: Undo per film, Recommend
    RATINGS = "ratings"  # a page of /ratings: ❌ n, ◀️ ▶️
    RESET = "reset"  # /reset confirmation
    DELETE = "delete"  # /deletemydata confirmation
    ASK_LIKE = "ask-like"  # "Which film do you like?" (a reply records likes)
    ASK_DISLIKE = "ask-dislike"
    CHIPS = "chips"  # genre or decade chips that re-run the picks with a filter
    ROSTER = "roster"  # /movienight: who is in tonight
    WATCHLIST = "watchlist"  # a page of /watchlist: ✅ n, ❌ n, ◀️ ▶️
    LANGUAGE = "language"  # /language: one button per language, and "automatic"
    QUESTION = "question"  # the first questions: liked / didn't / haven't seen, show my picks


@dataclass(frozen=True)
class NoPayload:
    """Most kinds need nothing beyond owner, films and start."""


@dataclass(frozen=True)
class PicksPayload:
    """A person's picks list: the filter it was made with (More and the chips keep it)."""

    filter: Filter = field(default_factory=Filter)


@dataclass(frozen=True)
class NightPayload:
    """Movie-night picks: their filter and the roster they came from (None: from before
    rosters, everyone who rated something in the group)."""

    filter: Filter = field(default_factory=Filter)
    night_id: int | None = None


@dataclass(frozen=True)
class QuestionPayload:
    """The first questions: how many films the question now shown asks about (the last ones
    of `ListInfo.movie_ids`)."""

    size: int = 1


@dataclass(frozen=True)
class ChoosePayload:
    """An ambiguous title: the rating the question asks for (+1 like, -1 dislike)."""

    value: float = 1.0


Payload = NoPayload | PicksPayload | NightPayload | QuestionPayload | ChoosePayload


@dataclass(frozen=True)
class ListInfo:
    """A bot message with buttons: whose it is and which films it shows, in order."""

    owner_id: int | None
    kind: ListKind
    start: int = 0  # the number of the first film minus one (the offset of a picks list, a page)
    movie_ids: tuple[int, ...] = ()
    payload: Payload = NoPayload()
    shown: str | None = None  # the message last sent (keyboard, and text where edited whole)


def to_row(info: ListInfo, shown: str | None = None) -> ListRow:
    """The stored columns of a message: the payload as the compact text the table keeps."""
    extra, value = "", 0.0
    payload = info.payload
    if isinstance(payload, PicksPayload):
        extra = filter_code(payload.filter)
    elif isinstance(payload, NightPayload):
        code = filter_code(payload.filter)
        extra = code if payload.night_id is None else f"{code}|{payload.night_id}"
    elif isinstance(payload, QuestionPayload):
        extra = str(payload.size)
    elif isinstance(payload, ChoosePayload):
        value = payload.value
    shown = info.shown if shown is None else shown
    return ListRow(info.owner_id, info.kind.value, info.start, info.movie_ids, value, shown, extra)


def from_row(row: ListRow | None) -> ListInfo | None:
    """Typed state from a stored row; None for no row, or for a kind this release does not know
    (a row written by a newer replica during a rolling upgrade acts as a stale button)."""
    if row is None:
        return None
    try:
        kind = ListKind(row.kind)
    except ValueError:
        return None
    payload: Payload = NoPayload()
    if kind is ListKind.PICKS:
        payload = PicksPayload(decode_filter(row.extra) or Filter())
    elif kind is ListKind.NIGHT:
        code, _, night = row.extra.partition("|")
        night_id = int(night) if night.isascii() and night.isdigit() else None
        payload = NightPayload(decode_filter(code) or Filter(), night_id)
    elif kind is ListKind.QUESTION:
        size = int(row.extra) if row.extra.isascii() and row.extra.isdigit() else 1
        payload = QuestionPayload(max(size, 1))
    elif kind is ListKind.CHOOSE:
        payload = ChoosePayload(row.value)
    return ListInfo(row.owner_id, kind, row.start, row.movie_ids, payload, row.shown)
