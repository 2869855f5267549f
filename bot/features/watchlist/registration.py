"""How the Application reaches this feature: its commands (for the menu and the handlers) and
any handler beyond commands and buttons. Importing its handlers registers its buttons."""

from __future__ import annotations

from bot.features import Command
from bot.features.watchlist import handlers
from bot.i18n import N_

COMMANDS = [
    Command(("watchlist",), N_("Films you saved for later"), handlers.watchlist),
]
