"""How the Application reaches this feature: its commands (for the menu and the handlers) and
any handler beyond commands and buttons. Importing its handlers registers its buttons."""

from __future__ import annotations

from telegram.ext import Application, MessageHandler, PollAnswerHandler, filters

from bot.features import Command
from bot.features.movienight import handlers, planned
from bot.i18n import N_

COMMANDS = [
    Command(
        ("movienight", "group"),
        N_("Movie night: who is in, picks for them, a vote"),
        handlers.movienight,
    ),
    Command(("history",), N_("Films this group chose on movie nights"), handlers.history),
    Command(("cancel",), N_("Cancel a planned movie night"), planned.cancel),
    Command(("timezone",), N_("The group's time zone for planned movie nights"), planned.timezone),
]


def register(app: Application) -> None:
    """The handlers beyond commands and buttons."""
    app.add_handler(PollAnswerHandler(handlers.on_poll_answer))
    app.add_handler(
        MessageHandler(filters.StatusUpdate.POLL_OPTION_ADDED, handlers.on_option_added)
    )
