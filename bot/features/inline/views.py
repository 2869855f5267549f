"""The inline feature's texts and keyboards (see `bot.ui.texts` for how texts are written)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import _


def open_bot() -> str:
    return _("🎬 Rate it with me")


def inline_rate_first() -> str:
    return _("Rate a few films first")


def open_bot_keyboard(url: str) -> InlineKeyboardMarkup:
    """Under a shared film card: open the bot in a private chat on that film."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(open_bot(), url=url)]])
