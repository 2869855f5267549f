"""How the Application reaches this feature: its commands (for the menu and the handlers) and
any handler beyond commands and buttons. Importing its handlers registers its buttons."""

from __future__ import annotations

from bot.features import Command
from bot.features.account import handlers
from bot.i18n import N_

COMMANDS = [
    Command(("language",), N_("Speak to me in another language"), handlers.language),
    Command(
        ("country",), N_("Where you watch: streaming services on film cards"), handlers.country
    ),
    Command(("privacy",), N_("What I store and where"), handlers.privacy),
    Command(("deletemydata",), N_("Delete everything I hold about you"), handlers.delete_my_data),
    Command(("help",), N_("Everything I understand"), handlers.help_command),
]
