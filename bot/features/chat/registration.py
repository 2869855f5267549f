"""How the Application reaches this feature: one handler for people's plain messages."""

from __future__ import annotations

from telegram.ext import Application, MessageHandler, filters

from bot.features import Command
from bot.features.chat import handlers

COMMANDS: list[Command] = []


def register(app: Application) -> None:
    """The handlers beyond commands and buttons."""
    # People's messages only (new or edited), not channel posts, which have no sender to act for.
    people = filters.UpdateType.MESSAGES
    app.add_handler(MessageHandler(people & filters.TEXT & ~filters.COMMAND, handlers.plain_text))
