"""`ChatStore`, the one facade over the chat state: every area's reads and writes on one engine.

Each area is a module of `bot.storage.areas` (ratings and taste, messages with buttons, the
watchlist, people and chats, movie nights, planned nights and zones, timed jobs, claimed
updates, the flood limit, film facts, imports); they share the
engine, its threads and transactions, and the statement helpers of `bot.storage.engine` (where
the SQLite and PostgreSQL specifics are explained). A handler holds one `ChatStore` and cannot
tell which engine is behind it: tests/storage/test_contract.py runs the same contract on both.
"""

from __future__ import annotations

from bot.storage.areas.buckets import Buckets
from bot.storage.areas.claims import Claims
from bot.storage.areas.films import Films
from bot.storage.areas.import_changes import ImportChanges
from bot.storage.areas.imports import Imports
from bot.storage.areas.jobs import Jobs
from bot.storage.areas.lists import Lists
from bot.storage.areas.nights import Nights
from bot.storage.areas.people import People
from bot.storage.areas.plans import Plans
from bot.storage.areas.ratings import Ratings
from bot.storage.areas.swipes import Swipes
from bot.storage.areas.watchlist import Watchlist


class ChatStore(
    Ratings,
    Lists,
    Watchlist,
    People,
    Nights,
    Plans,
    Jobs,
    Claims,
    Buckets,
    Films,
    Imports,
    ImportChanges,
    Swipes,
):
    """Who rated what, what they hid, who is in which chat, which bot message belongs to whom,
    movie nights (planned ones too) and their match mode's swipes, group time zones, timed
    jobs, claimed updates, the shared flood limit, cached film facts and imported histories (see
    `bot.storage.base` for the guarantees). Open one with `bot.storage.open_storage`."""
