"""Telegram HTML and its limits: escaping, length as Telegram counts it, cutting long messages.

Length is counted as Telegram counts it: the visible text after entity parsing, in UTF-16 code
units (an emoji outside the Basic Multilingual Plane counts two). Messages are assembled from
whole blocks (`join_blocks`), so a long message is cut between blocks and never inside a tag or
an `&amp;` entity.

Names say which rule applies: a function ending in `_html` returns escaped HTML for a message; one
ending in `_plain` returns plain text (button labels, poll options, toasts), never escaped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from html import escape, unescape

from bot.i18n import ngettext
from movierec.titles import display_title

MAX_MESSAGE = 4096  # Telegram's limit, in UTF-16 code units of the visible text
MAX_TOAST = 200  # callback answers
MAX_NAME = 32  # a member's first name as shown in movie-night picks
MAX_QUOTE = 100  # an echoed query

_INVISIBLE = re.compile(r"<[^>]*>")


def clean(text: str) -> str:
    """Drop control and format characters (bidi overrides such as U+202E, zero-width joiners
    used to spoof) from text we echo back or show as a name."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch == "\n")


def quote_html(query: str) -> str:
    """A person's query echoed back: cleaned, shortened, escaped."""
    text = clean(query).strip()
    if len(text) > MAX_QUOTE:
        text = text[: MAX_QUOTE - 1].rstrip() + "…"
    return escape(text)


def name_html(first_name: str | None) -> str:
    """A member's name for a message: cleaned, at most MAX_NAME characters, escaped."""
    text = " ".join(clean(first_name or "").split()) or "someone"
    if len(text) > MAX_NAME:
        text = text[: MAX_NAME - 1].rstrip() + "…"
    return escape(text)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_len(html: str) -> int:
    """How long Telegram considers a message: tags removed, entities decoded, UTF-16 units."""
    return utf16_len(unescape(_INVISIBLE.sub("", html)))


def join_blocks(blocks: Sequence[str], tail: str = "", limit: int = MAX_MESSAGE) -> str:
    """Join whole HTML blocks with new lines, dropping the last ones (with a note) if the
    message would be longer than Telegram allows."""
    budget = limit - visible_len(tail) - 60  # room for the "…and N more" note, in any language
    kept: list[str] = []
    used = 0
    for block in blocks:
        size = visible_len(block) + 1
        if used + size > budget:
            break
        kept.append(block)
        used += size
    if len(kept) < len(blocks):
        left = len(blocks) - len(kept)
        kept.append(
            "<i>"
            + ngettext("…and {count} more", "…and {count} more", left).format(count=left)
            + "</i>"
        )
    return "\n".join([*kept, tail] if tail else kept)


def join_names_html(names: Sequence[str], limit: int = 8) -> str:
    """ "Ann, Ben and 3 others": a bounded list of already-escaped names."""
    shown = list(names[:limit])
    if len(names) > limit:
        others = len(names) - limit
        shown.append(ngettext("{count} other", "{count} others", others).format(count=others))
    return ", ".join(shown)


def title_html(movie_title: str) -> str:
    """A MovieLens title for display, escaped: "Matrix, The (1999)" -> "The Matrix (1999)".
    Titles stay as the data set has them, in every language."""
    return escape(display_title(movie_title))


def title_plain(movie_title: str, limit: int = 40) -> str:
    """A title for button labels, toasts and poll options (plain text, no HTML): shortened
    with an ellipsis."""
    text = display_title(movie_title)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def short_title_html(movie_title: str) -> str:
    """A title inside a sentence of a message (a reason, a member's like): short, escaped."""
    return escape(title_plain(movie_title, 30))


def fit(text: str) -> str:
    """A last resort for a message built elsewhere: cut on the visible text, between lines."""
    if visible_len(text) <= MAX_MESSAGE:
        return text
    return join_blocks(text.split("\n"))
