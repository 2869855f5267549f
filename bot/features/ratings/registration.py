"""How the Application reaches this feature: its commands (for the menu and the handlers) and
any handler beyond commands and buttons. Importing its handlers registers its buttons."""

from __future__ import annotations

from bot.features import Command
from bot.features.ratings import handlers
from bot.i18n import N_

COMMANDS = [
    Command(("like",), N_("Like films: /like The Matrix, Toy Story"), handlers.like),
    Command(("dislike",), N_("Dislike films: /dislike Titanic"), handlers.dislike),
    Command(("ratings",), N_("What you rated, with a way to remove any"), handlers.ratings),
    Command(("forget",), N_("Forget one rating: /forget Titanic"), handlers.forget),
    Command(("reset",), N_("Forget all your ratings here"), handlers.reset),
]
