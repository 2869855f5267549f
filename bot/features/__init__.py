"""The bot's features, one folder each: its commands, button kinds (`callbacks`), handlers,
texts and keyboards (`views`), registered with the Application by its `register(app)`.

Shared infrastructure (Telegram HTML, messages and their ownership, the button dispatcher, i18n,
logs, the flood limit) is in `bot.ui` and `bot`; a feature may use another feature's button kinds
or views (picks show 👍 from ratings and 🔖 from the watchlist), never its storage directly.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import Update

from bot.context import BotContext

CommandHandlerFn = Callable[[Update, BotContext], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class Command:
    """A slash command: its names (the first is the one in the menu), its menu description (a
    gettext message id, translated when the menu is registered) and its handler."""

    names: tuple[str, ...]
    description: str
    handler: CommandHandlerFn


def argument_text(update: Update) -> str:
    """What follows the command ("/like@bot Matrix" -> "Matrix"), from the raw text."""
    message = update.effective_message
    parts = ((message.text if message else None) or "").split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""
