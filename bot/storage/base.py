"""The records the chat state passes around, and the rules its guarantees rest on.

The store (`bot.storage.store.ChatStore`) is async so that no database call blocks the event
loop, whichever engine is behind it: one slow fsync or one network round trip never stalls the
other chats. It runs on SQLite and on PostgreSQL alike and passes the same contract tests
(tests/storage/test_contract.py) on both, so a handler cannot tell them apart.

The semantics it keeps on both engines:

* Every write is committed before the call returns: the bot confirms only what is stored.
* Concurrent writers (threads, processes, replicas) are resolved by the database's own
  constraints and upserts: two presses of the same button give one rating, never an error, and
  `close_poll` is True for exactly one caller.
* `delete_user` removes every row that is about a person (their own rows in every table, and
  everything in their private chat).
* Times are Unix times from the caller's clock (`time.time()`), stored as 64-bit floats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, StrEnum

LIST_DAYS = 90  # buttons older than this act as stale ones
_RESERVED = "pending:"  # the id of a reserved vote (Telegram's poll ids are digits)
_NO_MESSAGE = 0  # the message id of a reserved vote (Telegram's message ids start at 1)


@dataclass(frozen=True)
class PollInfo:
    """A movie-night vote: the films (in option order) and their group scores (for ties)."""

    poll_id: str
    chat_id: int
    message_id: int
    night_id: int  # the roster message it came from
    movie_ids: tuple[int, ...]
    scores: tuple[float, ...]
    closed: bool

    @classmethod
    def reserve(
        cls, chat_id: int, night_id: int, movie_ids: tuple[int, ...], scores: tuple[float, ...]
    ) -> PollInfo:
        """A night's vote before its poll is sent: `save_poll` of it claims the night's one vote
        (a unique index), `attach_poll` then gives it the poll Telegram made. Until then its id
        is a placeholder no Telegram poll id looks like, and it has no message."""
        placeholder = f"{_RESERVED}{chat_id}:{night_id}"
        return cls(placeholder, chat_id, _NO_MESSAGE, night_id, movie_ids, scores, closed=False)

    @property
    def reserved(self) -> bool:
        """True while the vote is reserved and its poll not yet sent (or never sent)."""
        return self.poll_id.startswith(_RESERVED)


@dataclass(frozen=True)
class SwipeDeck:
    """A night's match mode: the cards (the group's picks, best first), who started it, how many
    matches it waits for before announcing, and how many it has announced."""

    chat_id: int
    night_id: int
    starter_id: int
    movie_ids: tuple[int, ...]
    wanted: int
    announced: int
    reasons: dict[int, dict[int, int]] = field(default_factory=dict)  # film -> member -> like


@dataclass(frozen=True)
class ListRow:
    """A bot message with buttons as the table keeps it: plain columns, the kind and its
    payload as text (`bot.ui.lists` turns a row into typed state and back)."""

    owner_id: int | None
    kind: str
    start: int  # the number of the first film minus one (the offset of a picks list, a page)
    movie_ids: tuple[int, ...]
    value: float = 0.0  # the rating an ambiguous-title question asks for
    shown: str | None = None  # the keyboard last sent, to skip edits that change nothing
    extra: str = ""  # the kind's payload as text (see bot.ui.lists.to_row)


class Opinion(float, Enum):
    """What a rating says, as the store keeps it and the recommender reads it (a film's
    preference: +1 liked, -1 disliked). A float, so it goes to the store and the core as is."""

    LIKE = 1.0
    DISLIKE = -1.0

    @classmethod
    def of(cls, value: float) -> Opinion:
        """The opinion a stored value says (anything above zero is a like)."""
        return cls.LIKE if value > 0 else cls.DISLIKE


class ChatStatus(StrEnum):
    """Whether the bot can still write to a chat (kept by `ChatStore.set_chat_status`)."""

    ACTIVE = "active"  # the bot is in the chat (or was never told otherwise)
    BLOCKED = "blocked"  # a person blocked the bot in their private chat
    REMOVED = "removed"  # the bot was removed from a group


class Claim(StrEnum):
    """What `ChatStore.claim_update` found for an update."""

    TAKEN = "taken"  # this caller handles it (new, lapsed, or taken over)
    DONE = "done"  # handled already: drop the copy
    BUSY = "busy"  # being handled elsewhere right now: ask for it again later


@dataclass(frozen=True)
class Taste:
    """What a person's picks are scored from and what they exclude, read in one go: their
    ratings (movie id -> +1/-1, oldest first), the films they hid and those they saved for
    later."""

    ratings: dict[int, float] = field(default_factory=dict)
    hidden: set[int] = field(default_factory=set)
    saved: set[int] = field(default_factory=set)


def take_from_bucket(
    tokens: float, updated: float, warned: int, *, now: float, burst: float, rate: float
) -> tuple[float, int, bool, bool]:
    """One action against a stored token bucket (the rules of `bot.throttle.Throttle`, kept in
    one place so both engines apply them alike): returns (tokens, warned, allowed, warn).

    A bucket refills at `rate` a second up to `burst`; an action takes one token. The first
    refused action of a flood warns; the warning is re-armed once the bucket is half full again.
    A clock that went backwards (another replica's) refills nothing rather than draining.
    """
    tokens = min(burst, tokens + max(0.0, now - updated) * rate)
    if tokens >= 1.0:
        tokens -= 1.0
        return tokens, 0 if tokens >= burst / 2 else warned, True, False
    return tokens, 1, False, not warned


@dataclass(frozen=True)
class Plan:
    """A movie night planned for a time: the roster (`night_id`), who planned it, when it starts
    (a Unix time on the bot's clock) and the zone it was planned in."""

    chat_id: int
    night_id: int
    user_id: int
    starts_at: float
    zone: str
    cancelled: bool = False


@dataclass(frozen=True)
class Job:
    """Timed work claimed by one replica (`ChatStore.claim_jobs`): what (`kind`), for which
    chat and night, when it was due (the bot's clock), and how many times it was claimed."""

    job_id: str
    kind: str
    chat_id: int
    night_id: int
    due_at: float
    attempts: int

    @staticmethod
    def key(kind: str, chat_id: int, night_id: int) -> str:
        """A job's id: one of each kind per night, so scheduling it twice schedules it once."""
        return f"{kind}:{chat_id}:{night_id}"


class ImportStatus(StrEnum):
    """Where an import is: shown as a summary, saved, dropped, or taken back."""

    PENDING = "pending"
    APPLIED = "applied"
    CANCELLED = "cancelled"
    UNDONE = "undone"


@dataclass(frozen=True)
class ImportInfo:
    """One upload of a person's history. `counts` and `pending` are the feature's own text
    (JSON): the summary, and the matched films until the import is applied or cancelled."""

    import_id: int
    chat_id: int
    user_id: int
    status: ImportStatus
    counts: str
    pending: str | None
    created_at: float
    applied_at: float | None


@dataclass(frozen=True)
class ImportItem:
    """One film an import sets: `kind` r (a rating, `value` +1/-1), h (seen: hidden, never
    suggested, not scored) or s (the watchlist); the file's rating (1-10) and date ride along
    for /export."""

    movie_id: int
    kind: str
    value: float | None = None
    rating10: int | None = None
    watched: str | None = None
    title: str | None = None  # the catalogue's title, stored with a rating


@dataclass(frozen=True)
class Imported:
    """What applying an import changed (films whose state is new or different)."""

    rated: int = 0
    replaced: int = 0  # ratings it overwrote (Undo restores them)
    seen: int = 0
    saved: int = 0
    unchanged: int = 0
