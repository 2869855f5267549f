"""The account feature's messages with buttons: /deletemydata's confirmation and /language."""

from __future__ import annotations

from bot.ui.lists import ListKind

DELETE = ListKind.declare("delete", whole=True)  # /deletemydata confirmation
LANGUAGE = ListKind.declare("language")  # /language: one button per language, and "automatic"
