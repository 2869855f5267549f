"""How the Application reaches this feature: its commands (for the menu and the handlers) and
any handler beyond commands and buttons. Importing its handlers registers its buttons."""

from __future__ import annotations

from telegram.ext import Application, InlineQueryHandler

from bot.features import Command
from bot.features.inline import handlers

COMMANDS: list[Command] = []


def register(app: Application) -> None:
    """The handlers beyond commands and buttons."""
    app.add_handler(InlineQueryHandler(handlers.on_inline_query))
