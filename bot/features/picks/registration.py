"""How the Application reaches this feature: its commands (for the menu and the handlers) and
any handler beyond commands and buttons. Importing its handlers registers its buttons."""

from __future__ import annotations

from telegram.ext import Application, MessageHandler, filters

from bot.features import Command
from bot.features.picks import handlers
from bot.i18n import N_

COMMANDS = [
    Command(
        ("recommend", "rec"),
        N_("Five picks for you: /rec comedy, /rec 90s sci-fi"),
        handlers.recommend,
    ),
]


def register(app: Application) -> None:
    """The handlers beyond commands and buttons."""
    # People's messages only (new or edited), not channel posts, which have no sender to act for.
    people = filters.UpdateType.MESSAGES
    app.add_handler(MessageHandler(people & filters.TEXT & ~filters.COMMAND, handlers.plain_text))
