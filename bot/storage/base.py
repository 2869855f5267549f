"""The chat-state storage interface that both engines implement (`ChatStore`), and the records
it passes around.

The interface is async so that no database call blocks the event loop, whichever engine is behind
it: one slow fsync or one network round trip never stalls the other chats. SQLite runs its
synchronous code in a worker thread (`bot.storage.sqlite.SQLiteStore`); PostgreSQL uses an async
driver and pool (`bot.storage.postgres.PostgresStore`). Both pass the same contract tests
(tests/test_storage_contract.py), so a handler cannot tell them apart.

The semantics every implementation keeps:

* Every write is committed before the call returns: the bot confirms only what is stored.
* Concurrent writers (threads, processes, replicas) are resolved by the database's own
  constraints and upserts: two presses of the same button give one rating, never an error, and
  `close_poll` is True for exactly one caller.
* `delete_user` removes every row that is about a person (their own rows in every table, and
  everything in their private chat).
* Times are Unix times from the caller's clock (`time.time()`), stored as 64-bit floats.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

LIST_DAYS = 90  # buttons older than this act as stale ones


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


@dataclass(frozen=True)
class ListInfo:
    """A bot message with buttons: whose it is and which films it shows, in order."""

    owner_id: int | None
    kind: str
    start: int  # the number of the first film minus one (the offset of a picks list, a page)
    movie_ids: tuple[int, ...]
    value: float = 0.0  # the rating an ambiguous-title question asks for
    shown: str | None = None  # the keyboard last sent, to skip edits that change nothing
    extra: str = ""  # e.g. the filter code of a picks list (see bot.callbacks.filter_code)


ListRow = ListInfo


@dataclass(frozen=True)
class Taste:
    """What a person's picks use and exclude: their ratings, hidden and saved films."""

    ratings: dict[int, float]
    hidden: set[int]
    saved: set[int]


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


@runtime_checkable
class ChatStore(Protocol):
    """Who rated what, what they hid, who is in which chat, which bot message belongs to whom,
    movie nights, and the shared flood limit. See the module docstring for the guarantees."""

    @property
    def shared(self) -> bool:
        """True when several processes may use this store at once (PostgreSQL): then anything
        that must hold across replicas has to live in it, not in process memory."""
        ...

    async def version(self) -> int:
        """The schema version the store is at (`migrations.SCHEMA_VERSION` once opened)."""
        ...

    # ratings
    async def rate(
        self, chat_id: int, user_id: int, movie_id: int, value: float, title: str | None = None
    ) -> float | None: ...
    async def unrate(self, chat_id: int, user_id: int, movie_id: int) -> bool: ...
    async def ratings(self, chat_id: int, user_id: int) -> dict[int, float]: ...
    async def rated_titles(self, chat_id: int, user_id: int) -> dict[int, str | None]: ...
    async def chat_ratings(self, chat_id: int) -> dict[int, dict[int, float]]: ...
    async def stored_titles(self, outside: Iterable[int]) -> dict[int, str | None]: ...
    async def remap_movies(self, mapping: dict[int, int]) -> int: ...
    async def reset(self, chat_id: int, user_id: int) -> int: ...

    async def taste(self, chat_id: int, user_id: int) -> Taste: ...
    async def tastes(self, chat_id: int, user_ids: Iterable[int]) -> dict[int, Taste]: ...
    async def open_press(
        self, chat_id: int, message_id: int, user_id: int, name: str | None
    ) -> ListInfo | None: ...

    # hidden films
    async def hide(self, chat_id: int, user_id: int, movie_id: int) -> None: ...
    async def unhide(self, chat_id: int, user_id: int, movie_id: int) -> bool: ...
    async def hidden(self, chat_id: int, user_id: int | None = None) -> set[int]: ...

    # messages with buttons, and what a message recorded
    async def save_list(self, chat_id: int, message_id: int, info: ListInfo) -> None: ...
    async def get_list(self, chat_id: int, message_id: int) -> ListInfo | None: ...
    async def set_shown(self, chat_id: int, message_id: int, shown: str) -> None: ...
    async def prune_lists(self, days: float = LIST_DAYS) -> int: ...
    async def save_source(
        self, chat_id: int, message_id: int, user_id: int, entries: dict[int, float]
    ) -> None: ...
    async def take_source(
        self, chat_id: int, message_id: int, user_id: int
    ) -> dict[int, float]: ...

    # people and chats
    async def remember_member(self, chat_id: int, user_id: int, name: str) -> None: ...
    async def member_names(self, chat_id: int) -> dict[int, str]: ...
    async def set_chat_status(self, chat_id: int, status: str) -> None: ...
    async def chat_status(self, chat_id: int) -> str | None: ...

    # watchlist and settings
    async def save_for_later(self, chat_id: int, user_id: int, movie_id: int) -> bool: ...
    async def unsave(self, chat_id: int, user_id: int, movie_id: int) -> bool: ...
    async def watchlist(self, chat_id: int, user_id: int) -> list[int]: ...
    async def set_language(self, user_id: int, language: str | None) -> None: ...
    async def language(self, user_id: int) -> str | None: ...

    # movie nights
    async def start_night(self, chat_id: int, message_id: int, query: str = "") -> None: ...
    async def night_query(self, chat_id: int, message_id: int) -> str | None: ...
    async def join_night(
        self, chat_id: int, message_id: int, user_id: int, joined: bool
    ) -> bool: ...
    async def night_members(self, chat_id: int, message_id: int) -> list[int]: ...
    async def save_poll(self, poll: PollInfo) -> None: ...
    async def poll(self, poll_id: str) -> PollInfo | None: ...
    async def poll_of_message(self, chat_id: int, message_id: int) -> PollInfo | None: ...
    async def open_poll_of_night(self, chat_id: int, night_id: int) -> PollInfo | None: ...
    async def vote(self, poll_id: str, user_id: int, option: int | None) -> None: ...
    async def votes(self, poll_id: str) -> dict[int, int]: ...
    async def close_poll(self, poll_id: str) -> bool: ...
    async def add_history(self, chat_id: int, movie_id: int) -> None: ...
    async def history(self, chat_id: int) -> list[tuple[int, float]]: ...

    # the flood limit, deletion, housekeeping
    async def take_token(
        self, user_id: int, now: float, burst: float, rate: float
    ) -> tuple[bool, bool]: ...
    async def forget_idle_buckets(self, before: float) -> int: ...
    async def delete_user(self, user_id: int) -> int: ...
    async def checkpoint(self) -> None: ...
    async def close(self) -> None: ...


class BatchedReads:
    """Composite reads over the single-purpose methods (shim until the one-statement versions)."""

    async def taste(self, chat_id: int, user_id: int) -> Taste:
        store: ChatStore = self  # type: ignore[assignment]
        ratings = await store.ratings(chat_id, user_id)
        hidden = await store.hidden(chat_id, user_id)
        saved = await store.watchlist(chat_id, user_id)
        return Taste(ratings, hidden, set(saved))

    async def tastes(self, chat_id: int, user_ids: Iterable[int]) -> dict[int, Taste]:
        store: ChatStore = self  # type: ignore[assignment]
        found = {}
        for user_id in user_ids:
            private = await store.ratings(user_id, user_id)
            here = await store.ratings(chat_id, user_id) if chat_id != user_id else {}
            found[user_id] = Taste({**private, **here}, set(), set())
        return found

    async def open_press(
        self, chat_id: int, message_id: int, user_id: int, name: str | None
    ) -> ListInfo | None:
        store: ChatStore = self  # type: ignore[assignment]
        if name is not None:
            await store.remember_member(chat_id, user_id, name)
        return await store.get_list(chat_id, message_id)
