"""The watchlist feature's message with buttons: a page of /watchlist."""

from __future__ import annotations

from bot.ui.lists import ListKind

WATCHLIST = ListKind.declare("watchlist", whole=True)  # a page of /watchlist: ✅ n, ❌ n, ◀️ ▶️
