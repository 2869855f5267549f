"""Shared message building: long messages are cut where Telegram counts."""

from __future__ import annotations

from bot.ui import html
from tests.support.fakegram import plain_text, utf16_len


def test_long_messages_are_cut_between_blocks_in_utf16_units() -> None:
    blocks = [f"<b>{i}. {'😀' * 30} &amp; {'&lt;' * 10}</b>" for i in range(200)]
    joined = html.join_blocks(blocks, "<i>tail</i>")
    shown = plain_text(joined, "HTML")  # valid Telegram HTML: no tag or entity cut
    assert utf16_len(shown) <= 4096 and shown.endswith("tail") and "more" in shown
    assert len(shown) < 4096 / 1.5  # emoji count double: far fewer characters fit
    assert html.fit("x" * 5000 + "\n" + "y") != "x" * 5000
