"""Build the python-telegram-bot Application: handlers, rate limiter, command menu."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from telegram import BotCommand, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    PollAnswerHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import i18n, inline, movienight
from bot.context import BotContext, BotData, Services
from bot.handlers import buttons, chat, commands
from bot.i18n import N_, _
from bot.storage import ChatStore
from bot.throttle import Throttle
from movierec.recommender import Recommender

# The command menu; descriptions are translated per language when the menu is registered.
COMMANDS = [
    ("start", N_("Welcome, and a few questions to learn your taste")),
    ("like", N_("Like films: /like The Matrix, Toy Story")),
    ("dislike", N_("Dislike films: /dislike Titanic")),
    ("recommend", N_("Five picks for you: /rec comedy, /rec 90s sci-fi")),
    ("watchlist", N_("Films you saved for later")),
    ("movienight", N_("Movie night: who is in, picks for them, a vote")),
    ("history", N_("Films this group chose on movie nights")),
    ("ratings", N_("What you rated, with a way to remove any")),
    ("forget", N_("Forget one rating: /forget Titanic")),
    ("reset", N_("Forget all your ratings here")),
    ("language", N_("Speak to me in another language")),
    ("privacy", N_("What I store and where")),
    ("deletemydata", N_("Delete everything I hold about you")),
    ("help", N_("Everything I understand")),
]
HEARTBEAT_SECONDS = 30


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
) -> Application:
    """The bot, wired to a recommender and a storage that the caller owns (and closes).

    Outgoing messages go through python-telegram-bot's AIORateLimiter: Telegram allows about 30
    messages a second overall and 20 a minute per group (`max_rate` 0 turns the overall limit off,
    e.g. behind a self-hosted Bot API server with its own limits).
    """
    i18n.load()  # every catalog compiled now: a broken one fails at start, not mid-conversation
    builder = (
        ApplicationBuilder()
        .token(token)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .rate_limiter(
            AIORateLimiter(overall_max_rate=max_rate, group_max_rate=group_rate, max_retries=3)
        )
        .concurrent_updates(inline.NewestInlineFirst(16))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if base_url:
        builder = builder.base_url(base_url)
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    app = builder.build()
    data: BotData = app.bot_data
    data.services = Services(recommender, storage)
    data.throttle = throttle if throttle is not None else Throttle()
    data.heartbeat = heartbeat
    add_handlers(app)
    return app


def add_handlers(app: Application) -> None:
    app.add_handler(TypeHandler(Update, chat.use_language), group=-2)
    app.add_handler(TypeHandler(Update, chat.throttle), group=-1)
    command = [
        (["start"], commands.start),
        (["help"], commands.help_command),
        (["privacy"], commands.privacy),
        (["language"], commands.language),
        (["like"], commands.like),
        (["dislike"], commands.dislike),
        (["recommend", "rec"], commands.recommend),
        (["watchlist"], commands.watchlist),
        (["movienight", "group"], commands.movienight),
        (["history"], commands.history),
        (["ratings"], commands.ratings),
        (["forget"], commands.forget),
        (["reset"], commands.reset),
        (["deletemydata"], commands.delete_my_data),
    ]
    for names, callback in command:
        app.add_handler(CommandHandler(names, callback, filters=filters.UpdateType.MESSAGES))
    app.add_handler(CallbackQueryHandler(buttons.on_button))
    app.add_handler(PollAnswerHandler(movienight.on_poll_answer))
    app.add_handler(InlineQueryHandler(inline.on_inline_query))
    app.add_handler(ChatMemberHandler(chat.membership, ChatMemberHandler.MY_CHAT_MEMBER))
    # People's messages only (new or edited), not channel posts, which have no sender to act for.
    people = filters.UpdateType.MESSAGES
    app.add_handler(MessageHandler(people & filters.TEXT & ~filters.COMMAND, commands.plain_text))
    app.add_error_handler(chat.on_error)


def command_menu(code: str) -> list[BotCommand]:
    """The command menu in one language."""
    with i18n.using(code):
        return [BotCommand(name, _(text)) for name, text in COMMANDS]


async def _post_init(app: Application) -> None:
    await app.bot.set_my_commands(command_menu(i18n.DEFAULT))
    for code in i18n.LOCALES:
        if code != i18n.DEFAULT:
            # Telegram wants a two-letter ISO 639-1 code here ("pt", not "pt-BR").
            await app.bot.set_my_commands(command_menu(code), language_code=code[:2])
    data: BotData = app.bot_data
    if data.heartbeat is not None:
        data.heartbeat_task = asyncio.create_task(_beat(data.heartbeat))


async def _post_shutdown(app: Application) -> None:
    data: BotData = app.bot_data
    if data.heartbeat_task is not None:
        data.heartbeat_task.cancel()
        data.heartbeat_task = None


async def _beat(path: Path) -> None:
    """Touch the heartbeat file while the bot runs (the container health check reads it)."""
    while True:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{time.time():.0f}\n")
        await asyncio.sleep(HEARTBEAT_SECONDS)
