"""How the Application reaches this feature: its commands (for the menu and the handlers) and
the document handler (an export sent without the command). Importing its handlers registers its
buttons."""

from __future__ import annotations

from telegram.ext import Application, MessageHandler, filters

from bot.features import Command
from bot.features.imports import handlers
from bot.i18n import N_

COMMANDS = [
    Command(("import",), N_("Bring your ratings from Letterboxd or IMDb"), handlers.import_command),
    Command(("export",), N_("Your ratings and watchlist as files"), handlers.export_command),
]


def register(app: Application) -> None:
    """A document from a person (not a channel post): an export to import."""
    people = filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler(people & filters.Document.ALL, handlers.document))
