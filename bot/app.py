"""Build the python-telegram-bot Application: handlers, rate limiter, command menu."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from telegram import BotCommand, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import clock, hooks, i18n
from bot.context import BotContext, BotData, Services
from bot.delivery import PatientRateLimiter
from bot.features import Command
from bot.features.account import registration as account
from bot.features.chat import registration as chat
from bot.features.imports import registration as imports
from bot.features.inline import registration as inline
from bot.features.inline.handlers import NewestInlineFirst
from bot.features.movienight import registration as movienight
from bot.features.onboarding import registration as onboarding
from bot.features.picks import registration as picks
from bot.features.ratings import registration as ratings
from bot.features.watchlist import registration as watchlist
from bot.films import FactsCache, Tmdb
from bot.i18n import _
from bot.jobs import JobRunner
from bot.storage import ChatStore
from bot.throttle import Throttle
from bot.ui.buttons import on_button
from movierec.recommender import Recommender

FEATURES = (onboarding, ratings, picks, watchlist, movienight, account, inline, chat, imports)
# The command menu's order (each command's description is its feature's, translated per language
# when the menu is registered).
MENU = (
    "start",
    "like",
    "dislike",
    "recommend",
    "watchlist",
    "movienight",
    "history",
    "cancel",
    "timezone",
    "ratings",
    "import",
    "export",
    "forget",
    "reset",
    "language",
    "country",
    "privacy",
    "deletemydata",
    "help",
)
HEARTBEAT_SECONDS = 30
FINISH_GROUP = 100  # after every feature's handlers


def build_application(
    token: str,
    recommender: Recommender,
    storage: ChatStore,
    *,
    base_url: str | None = None,
    request: BaseRequest | None = None,
    throttle: Throttle | None = None,
    max_rate: float = 30,
    group_rate: float = 20,
    heartbeat: Path | None = None,
    tmdb: Tmdb | None = None,
    facts_wait: float = 0.3,
) -> Application:
    """The bot, wired to a recommender and a storage that the caller owns (and closes).

    Outgoing messages go through python-telegram-bot's AIORateLimiter (`bot.delivery`, which
    keeps a message coming through 429s and Telegram's 5xx): Telegram allows about 30
    messages a second overall and 20 a minute per group (`max_rate` 0 turns the overall limit off,
    e.g. behind a self-hosted Bot API server with its own limits). `tmdb`: film facts for the
    cards (`TMDB_API_TOKEN`), waited for at most `facts_wait` seconds per reply; the application
    closes it at shutdown.
    """
    i18n.load()  # every catalog compiled now: a broken one fails at start, not mid-conversation
    builder = (
        ApplicationBuilder()
        .token(token)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .rate_limiter(
            PatientRateLimiter(overall_max_rate=max_rate, group_max_rate=group_rate, max_retries=3)
        )
        .concurrent_updates(NewestInlineFirst(16))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if base_url:
        builder = builder.base_url(base_url)
        if base_url.rstrip("/").endswith("/bot"):  # a Bot API server: its files are beside it
            builder = builder.base_file_url(base_url.rstrip("/")[: -len("bot")] + "file/bot")
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    app = builder.build()
    data: BotData = app.bot_data
    data.services = Services(recommender, storage, FactsCache(storage, tmdb, wait=facts_wait))
    data.throttle = throttle if throttle is not None else Throttle()
    data.heartbeat = heartbeat
    data.jobs = JobRunner(app, clock.from_env())
    add_handlers(app)
    return app


def commands() -> list[Command]:
    """Every feature's commands, in the menu's order."""
    found = {c.names[0]: c for feature in FEATURES for c in feature.COMMANDS}
    assert set(found) == set(MENU), "every command is in the menu once"
    return [found[name] for name in MENU]


def add_handlers(app: Application) -> None:
    app.add_handler(TypeHandler(Update, hooks.claim), group=-4)
    app.add_handler(TypeHandler(Update, hooks.use_language), group=-3)
    app.add_handler(TypeHandler(Update, hooks.note_active), group=-2)
    app.add_handler(TypeHandler(Update, hooks.throttle), group=-1)
    for command in commands():
        app.add_handler(
            CommandHandler(command.names, command.handler, filters=filters.UpdateType.MESSAGES)
        )
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(ChatMemberHandler(hooks.membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, hooks.migrated))
    for feature in FEATURES:
        register = getattr(feature, "register", None)
        if register is not None:
            register(app)
    app.add_handler(TypeHandler(Update, hooks.finish), group=FINISH_GROUP)
    app.add_error_handler(hooks.on_error)


def command_menu(code: str) -> list[BotCommand]:
    """The command menu in one language."""
    with i18n.using(code):
        return [BotCommand(c.names[0], _(c.description)) for c in commands()]


async def _post_init(app: Application) -> None:
    await app.bot.set_my_commands(command_menu(i18n.DEFAULT))
    for code in i18n.LOCALES:
        if code != i18n.DEFAULT:
            # Telegram wants a two-letter ISO 639-1 code here ("pt", not "pt-BR").
            await app.bot.set_my_commands(command_menu(code), language_code=code[:2])
    data: BotData = app.bot_data
    if data.heartbeat is not None:
        data.heartbeat_task = asyncio.create_task(_beat(data.heartbeat))
    if data.jobs is not None:
        data.jobs.start()  # timed work: reminders, votes that open and close by themselves


async def _post_shutdown(app: Application) -> None:
    data: BotData = app.bot_data
    if data.services is not None:
        await data.services.facts.close()
    if data.jobs is not None:
        await data.jobs.stop()
    if data.heartbeat_task is not None:
        data.heartbeat_task.cancel()
        data.heartbeat_task = None


async def _beat(path: Path) -> None:
    """Touch the heartbeat file while the bot runs (the container health check reads it)."""
    while True:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{time.time():.0f}\n")
        await asyncio.sleep(HEARTBEAT_SECONDS)
