"""The account feature's messages with buttons: /deletemydata's confirmation, /language and
/country."""

from __future__ import annotations

from bot.ui.lists import ListKind

DELETE = ListKind.declare("delete", whole=True)  # /deletemydata confirmation
LANGUAGE = ListKind.declare("language")  # /language: one button per language, and "automatic"
COUNTRY = ListKind.declare("country")  # /country: one button per country, and "automatic"
