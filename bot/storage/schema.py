"""Every table of the chat state, declared once for both engines (SQLAlchemy Core).

The statements in `bot.storage.store` are built from these `Table` objects, and
tests/storage/test_schema.py checks that a database brought up by `bot.storage.migrations` (fresh,
or upgraded from any older version) reflects to exactly this: the migrations stay the record of
how files in the field were made, this module is the one place that says what they look like now.

Two column types differ between the engines on purpose:

* `Id` is SQLite's `INTEGER` (64-bit) and PostgreSQL's `BIGINT`: Telegram ids do not fit in 32
  bits (supergroups are -100xxxxxxxxxx).
* `Time` is SQLite's `REAL` and PostgreSQL's `DOUBLE PRECISION`: a 32-bit float would round a
  Unix time to about two minutes.

Columns are in the order the migrations left them (`ALTER TABLE ... ADD COLUMN` appends), so an
upgraded file and a fresh one hold the same physical schema.
"""

from __future__ import annotations

from sqlalchemy import (
    REAL,
    BigInteger,
    Column,
    Double,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    text,
)
from sqlalchemy.types import TypeEngine

Id: TypeEngine[int] = BigInteger().with_variant(Integer(), "sqlite")
Time: TypeEngine[float] = Double().with_variant(REAL(), "sqlite")

metadata = MetaData()


def _id(name: str, *, key: bool = False, nullable: bool = False) -> Column[int]:
    return Column(name, Id, primary_key=key, nullable=nullable, autoincrement=False)


def _time(name: str) -> Column[float]:
    return Column(name, Time, nullable=False)


chats = Table(
    "chats",
    metadata,
    _id("chat_id", key=True),
    Column("status", Text, nullable=False),
    _time("changed_at"),
)
members = Table(
    "members",
    metadata,
    _id("chat_id", key=True),
    _id("user_id", key=True),
    Column("name", Text, nullable=False),
)
people = Table(
    "people",
    metadata,
    _id("user_id", key=True),
    Column("language", Text),
    Column("country", Text),  # /country: where-to-watch on the cards (None: from the language)
)
ratings = Table(
    "ratings",
    metadata,
    _id("chat_id", key=True),
    _id("user_id", key=True),
    _id("movie_id", key=True),
    Column("value", Time, nullable=False),
    _time("rated_at"),
    Column("title", Text),
    Index("ratings_by_user", "user_id"),
)
hidden = Table(
    "hidden",
    metadata,
    _id("chat_id", key=True),
    _id("user_id", key=True),
    _id("movie_id", key=True),
)
lists = Table(
    "lists",
    metadata,
    _id("chat_id", key=True),
    _id("message_id", key=True),
    _id("owner_id", nullable=True),
    Column("kind", Text, nullable=False),
    _id("start"),
    Column("movie_ids", Text, nullable=False),
    Column("value", Time, nullable=False, server_default=text("0")),
    Column("shown", Text),
    _time("created_at"),
    Column("extra", Text, nullable=False, server_default=text("''")),
    Index("lists_by_owner", "owner_id"),
)
sources = Table(
    "sources",
    metadata,
    _id("chat_id", key=True),
    _id("message_id", key=True),
    _id("user_id", key=True),
    _id("movie_id", key=True),
    Column("value", Time, nullable=False),
    Index("sources_by_user", "user_id"),
)
watchlist = Table(
    "watchlist",
    metadata,
    _id("chat_id", key=True),
    _id("user_id", key=True),
    _id("movie_id", key=True),
    _time("added_at"),
    Index("watchlist_by_user", "user_id"),
)
nights = Table(
    "nights",
    metadata,
    _id("chat_id", key=True),
    _id("message_id", key=True),
    Column("query", Text, nullable=False, server_default=text("''")),
    _time("created_at"),
)
night_members = Table(
    "night_members",
    metadata,
    _id("chat_id", key=True),
    _id("message_id", key=True),
    _id("user_id", key=True),
    _time("joined_at"),
    Index("night_members_by_user", "user_id"),
)
polls = Table(
    "polls",
    metadata,
    Column("poll_id", Text, primary_key=True),
    _id("chat_id"),
    _id("message_id"),
    _id("night_id"),
    Column("movie_ids", Text, nullable=False),
    Column("scores", Text, nullable=False),
    Column("closed", Id, nullable=False, server_default=text("0")),
    _time("created_at"),
    Index("polls_by_night", "chat_id", "night_id", unique=True),  # one vote per movie night
)
votes = Table(
    "votes",
    metadata,
    Column("poll_id", Text, primary_key=True),
    _id("user_id", key=True),
    _id("option"),
    Index("votes_by_user", "user_id"),
)
history = Table(
    "history",
    metadata,
    _id("chat_id", key=True),
    _id("movie_id", key=True),
    _time("watched_at"),
)
buckets = Table(
    "buckets",
    metadata,
    _id("user_id", key=True),
    Column("tokens", Time, nullable=False),
    _time("updated"),
    Column("warned", Id, nullable=False, server_default=text("0")),
)
updates = Table(  # Telegram updates claimed by one replica (no personal data: just the id)
    "updates",
    metadata,
    _id("update_id", key=True),
    _time("expires_at"),  # a lease while it is handled, then a day after it was handled
    Column("done", Id, nullable=False, server_default=text("0")),  # 1 once handled
    Index("updates_by_expiry", "expires_at"),
)
film_facts = Table(  # what TMDB says of a film, as JSON ("" where TMDB has no such film)
    "film_facts",
    metadata,
    _id("movie_id", key=True),
    Column("facts", Text, nullable=False),
    _time("fetched_at"),
)
film_titles = Table(  # a film's titles in other languages (from its facts), for the title search
    "film_titles",
    metadata,
    _id("movie_id", key=True),
    Column("language", Text, primary_key=True),  # ISO 639-1
    Column("title", Text, nullable=False),
    Index("film_titles_by_language", "language"),
)

chat_languages = Table(  # a group's language for its shared messages (bot.features.account)
    "chat_languages",
    metadata,
    _id("chat_id", key=True),
    Column("language", Text, nullable=False),
    Column("chosen", Id, nullable=False, server_default=text("0")),  # 1: an admin chose it
    _time("changed_at"),
)

plans = Table(  # a movie night planned for a time (the roster is night_id)
    "plans",
    metadata,
    _id("chat_id", key=True),
    _id("night_id", key=True),
    _id("user_id"),  # who planned it (may cancel it)
    _time("starts_at"),
    Column("zone", Text, nullable=False),
    Column("cancelled", Id, nullable=False, server_default=text("0")),
    _time("created_at"),
)
zones = Table(  # a group's time zone (IANA name), set by an admin with /timezone
    "zones",
    metadata,
    _id("chat_id", key=True),
    Column("zone", Text, nullable=False),
    _time("set_at"),
)
jobs = Table(  # timed work (bot/jobs.py): claimed by one replica, done once
    "jobs",
    metadata,
    Column("job_id", Text, primary_key=True),  # kind:chat:night, so scheduling twice is once
    Column("kind", Text, nullable=False),
    _id("chat_id"),
    _id("night_id"),
    _time("due_at"),  # on the bot's clock (bot/clock.py)
    Column("attempts", Id, nullable=False, server_default=text("0")),
    Column("lease_until", Time, nullable=False, server_default=text("0")),  # real time
    Column("done_at", Time),  # real time, None until it ran (or was dropped)
    Column("ran_at", Time),  # the bot's clock when it ran: lateness = ran_at - due_at
    Index("jobs_by_due", "done_at", "due_at"),
)
imports = Table(  # a person's uploaded history: the summary, then what it changed
    "imports",
    metadata,
    _id("import_id", key=True),
    _id("chat_id"),
    _id("user_id"),
    Column("digest", Text, nullable=False),  # SHA-256 of the file: the same file twice
    Column("status", Text, nullable=False),  # pending, applied, cancelled, undone
    Column("counts", Text, nullable=False, server_default=text("''")),  # the summary (JSON)
    Column("pending", Text),  # the matched films until applied or cancelled (JSON), then NULL
    _time("created_at"),
    Column("applied_at", Time),
    Index("imports_by_user", "user_id"),
)
import_items = Table(  # what an applied import set, and what it replaced (for Undo)
    "import_items",
    metadata,
    _id("import_id", key=True),
    _id("movie_id", key=True),
    _id("chat_id"),
    _id("user_id"),
    Column("kind", Text, nullable=False),  # r: rated, h: seen (hidden), s: watchlist
    Column("value", Time),  # the rating it set (r)
    Column("rating10", Id),  # the file's rating, 1-10, for /export
    Column("watched", Text),  # the file's date, for /export
    Column("previous", Time),  # the rating it replaced
    Column("was_hidden", Id, nullable=False, server_default=text("0")),
    Column("was_saved", Id, nullable=False, server_default=text("0")),
    Index("import_items_by_user", "user_id"),
)
swipe_decks = Table(  # a night's match mode: the cards everyone swipes, and when it announces
    "swipe_decks",
    metadata,
    _id("chat_id", key=True),
    _id("night_id", key=True),
    _id("user_id"),  # who started it (chooses how many matches to wait for)
    Column("movie_ids", Text, nullable=False),  # JSON: the group's picks, best first
    Column("reasons", Text, nullable=False),  # JSON: film -> member -> their like it is like
    Column("wanted", Id, nullable=False, server_default=text("1")),  # matches before announcing
    Column("announced", Id, nullable=False, server_default=text("0")),  # matches announced
    _time("created_at"),
)
swipes = Table(  # one person's 👍 / 👎 / 🙈 on one card of a night's deck (private until a match)
    "swipes",
    metadata,
    _id("chat_id", key=True),
    _id("night_id", key=True),
    _id("user_id", key=True),
    _id("movie_id", key=True),
    Column("verdict", Text, nullable=False),  # like, dislike, seen
    _time("swiped_at"),
    Index("swipes_by_user", "user_id"),
)
swipe_matches = Table(  # a film everyone in the night liked: a row once, so announced once
    "swipe_matches",
    metadata,
    _id("chat_id", key=True),
    _id("night_id", key=True),
    _id("movie_id", key=True),
    _time("found_at"),
)
night_fits = Table(  # how well a group's winner fitted each person in that night (fairness)
    "night_fits",
    metadata,
    _id("chat_id", key=True),
    _id("movie_id", key=True),
    _id("user_id", key=True),
    Column("fit", Time, nullable=False),  # their share of the winner, -1..1
    Index("night_fits_by_user", "user_id"),
)

# Every table, in an order that copies parents before children.
TABLES: tuple[str, ...] = tuple(metadata.tables)
