"""How the Application reaches this feature: its commands (for the menu and the handlers).
Importing its handlers registers its buttons."""

from __future__ import annotations

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
