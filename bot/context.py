"""The typed context every handler receives (as in python-telegram-bot's contexttypesbot example).

`context.bot_data` is a `BotData`, not a dict of string keys, and `context.services` reaches the
recommender and the storage, neither of which may block the event loop. The recommender is
blocking (NumPy, Qdrant Edge), so handlers call it through `Services.core`, which runs it in
worker threads: one slow call never stalls the other chats. The storage's methods are async
already (`ChatStore` runs each transaction in one of its own threads). The recommender is safe
to call from several threads at once (it guards its own caches, the Edge store its shard).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from cachetools import TTLCache
from telegram import InlineQueryResultArticle
from telegram.ext import Application, CallbackContext, ExtBot

from bot import i18n
from bot.films import FactsCache
from bot.outage import Outage
from bot.storage import ChatStore
from bot.throttle import Throttle
from movierec.filters import Parsed, parse_filter
from movierec.onboarding import Onboarding
from movierec.recommender import Recommender

if TYPE_CHECKING:
    from bot.jobs import JobRunner

T = TypeVar("T")


@dataclass
class Services:
    """The recommender and the storage, called off the event loop."""

    rec: Recommender
    storage: ChatStore
    facts: FactsCache = field(default=None)  # type: ignore[assignment]  # set in __post_init__
    _edit_locks: dict[tuple[int, int], asyncio.Lock] = field(default_factory=dict, repr=False)
    _workers: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(os.cpu_count() or 1, "recommender"),
        repr=False,
    )

    _languages: TTLCache[int, str | None] = field(
        default_factory=lambda: TTLCache(maxsize=100_000, ttl=3600.0), repr=False
    )
    _group_languages: TTLCache[int, tuple[str, bool] | None] = field(
        default_factory=lambda: TTLCache(maxsize=100_000, ttl=3600.0), repr=False
    )

    def __post_init__(self) -> None:
        if self.facts is None:
            self.facts = FactsCache(self.storage, None)  # no TMDB token: no facts

    async def language(self, user_id: int) -> str | None:
        """A person's chosen language, read on every update: kept in memory when this process
        is the store's only user (SQLite), where nobody else can change it."""
        if self.storage.shared:
            return await self.storage.language(user_id)
        if user_id not in self._languages:
            self._languages[user_id] = await self.storage.language(user_id)
        return self._languages[user_id]

    async def set_language(self, user_id: int, code: str | None) -> None:
        await self.storage.set_language(user_id, code)
        self._languages.pop(user_id, None)

    async def group_language(self, chat_id: int) -> tuple[str, bool] | None:
        """A group's language for its shared messages and whether an admin chose it (see
        `ChatStore.chat_language`), kept in memory like a person's when nobody else can
        change it."""
        if self.storage.shared:
            return await self.storage.chat_language(chat_id)
        if chat_id not in self._group_languages:
            self._group_languages[chat_id] = await self.storage.chat_language(chat_id)
        return self._group_languages[chat_id]

    async def set_group_language(self, chat_id: int, code: str | None, chosen: bool) -> None:
        await self.storage.set_chat_language(chat_id, code, chosen)
        self._group_languages.pop(chat_id, None)

    async def shared_language(self, chat_id: int) -> str:
        """The language of a message everyone in a group shares: the group's, else whatever
        this update speaks (a private chat's messages are its person's)."""
        found = await self.group_language(chat_id) if chat_id < 0 else None
        return found[0] if found else i18n.current()

    async def delete_user(self, user_id: int) -> int:
        """Everything about a person, from the store and from this process's memory."""
        self._languages.pop(user_id, None)
        return await self.storage.delete_user(user_id)

    async def core(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A recommender call in one of as many threads as there are CPUs: the work is CPU-bound
        (NumPy, the Edge shard), so more threads would only take turns at the GIL; the
        language of the update goes along (`contextvars`)."""
        context = contextvars.copy_context()
        bound = functools.partial(context.run, call, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._workers, bound)

    @property
    def latest_year(self) -> int:
        """The catalogue's newest year: what "recent" and the decade chips are anchored to."""
        return self.rec.catalogue.latest_year

    @cached_property
    def filter_titles(self) -> frozenset[str]:
        """Titles made of filter words ("Scary Movie"): typed alone, they are a title search."""
        return self.rec.catalogue.filter_like_titles()

    @cached_property
    def onboarding(self) -> Onboarding:
        """Chooses the first questions (its pool and overlap matrix are built on first use)."""
        return Onboarding(self.rec)

    async def parse(self, text: str) -> Parsed:
        """Filter words in free text. The first call reads every catalogue title for
        `filter_titles` (seconds on ml-32m): that happens in a worker thread, not on the loop."""
        if "filter_titles" not in self.__dict__:
            await asyncio.to_thread(lambda: self.filter_titles)
        return parse_filter(text, self.latest_year, self.filter_titles)

    def edit_lock(self, chat_id: int, message_id: int) -> asyncio.Lock:
        """One lock per message: its keyboard is rebuilt and sent by one press at a time, so the
        last edit always shows every stored change (no lost updates from stale copies)."""
        key = (chat_id, message_id)
        lock = self._edit_locks.get(key)
        if lock is None:
            if len(self._edit_locks) > 10_000:  # forget idle locks
                for stale in [k for k, v in self._edit_locks.items() if not v.locked()]:
                    del self._edit_locks[stale]
            lock = self._edit_locks[key] = asyncio.Lock()
        return lock


@dataclass
class BotData:
    """What the application holds for its lifetime (PTB creates it empty; `build_application`
    fills it in)."""

    services: Services | None = None
    throttle: Throttle = field(default_factory=Throttle)
    heartbeat: Path | None = None
    heartbeat_task: asyncio.Task | None = None
    webhook: bool = False  # updates come by webhook (several replicas may get copies)
    busy: set[int] = field(default_factory=set)  # updates another replica is handling now
    leases: dict[int, asyncio.Task] = field(default_factory=dict)  # claims renewed while handled
    # Updates this process handled, when it polls alone on SQLite (see bot.hooks.claim).
    handled: TTLCache[int, bool] = field(
        default_factory=lambda: TTLCache(maxsize=100_000, ttl=24 * 3600.0)
    )
    # Updates this process is handling (a copy arriving meanwhile is dropped); an entry whose
    # `finish` never came (a handler stopped the update) expires with the claim's lease.
    in_flight: TTLCache[int, bool] = field(
        default_factory=lambda: TTLCache(maxsize=100_000, ttl=60.0)
    )
    # Chats this process has seen write to it since it started (their status is "active" in the
    # store): the first update of any other chat marks it active again (see bot.hooks).
    active_chats: TTLCache[int, bool] = field(
        default_factory=lambda: TTLCache(maxsize=100_000, ttl=24 * 3600.0)
    )
    # The store's current outage, if any (bot.outage), the updates held meanwhile (polling: update
    # id -> when first held), and background retries (kept so they are not collected mid-way).
    outage: Outage = field(default_factory=Outage)
    holding: TTLCache[int, float] = field(
        default_factory=lambda: TTLCache(maxsize=100_000, ttl=2 * 3600.0)
    )
    background: set[asyncio.Task] = field(default_factory=set)
    jobs: JobRunner | None = None  # the claim loop over the store's timed jobs (bot.jobs)
    # Inline mode: the pages of title searches, by (text, offset, language).
    inline_pages: TTLCache[tuple[str, int, str], tuple[list[InlineQueryResultArticle], str]] = (
        field(default_factory=lambda: TTLCache(maxsize=512, ttl=300.0))
    )


class BotContext(CallbackContext[ExtBot, dict, dict, BotData]):
    """`context` in every handler: typed access to the services."""

    def __init__(
        self, application: Application, chat_id: int | None = None, user_id: int | None = None
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def services(self) -> Services:
        services = self.bot_data.services
        assert services is not None, "build_application sets the services"
        return services
