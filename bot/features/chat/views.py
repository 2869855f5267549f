"""What the bot says back to small talk."""

from __future__ import annotations

from bot.i18n import _
from bot.ui import html


def hello(first_name: str | None) -> str:
    name = html.quote_html(first_name or "")
    text = _(
        "Hi {name}! 👋 Type a film you love (say, <i>The Matrix</i>) and I'll remember it, or "
        "send /recommend for five picks. /help shows everything I understand."
    )
    return " ".join(text.format(name=name).replace(" !", "!").split())


def welcome_back() -> str:
    return _("You're welcome! 🍿 Send /recommend whenever you want more picks.")


def read_as_picks() -> str:
    return _("You asked what to watch: here are your picks.")
