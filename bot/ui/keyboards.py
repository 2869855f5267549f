"""Keyboard pieces every feature uses, under Telegram's limits (64-byte data, 100 buttons).

A keyboard is a function of what a message lists (its films, in order, and where their numbering
starts) and of its owner's stored state (`marks`: movie id -> 👍 / 👎 / 🙈 / 🔖). A press rebuilds
the keyboard from those two, never from the pressed message's copy of its buttons."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.ui import texts
from bot.ui.callback_data import CallbackData

PAGE_SIZE = 10
ROW = 5  # numbered buttons per row

Marks = Mapping[int, str]


def button(text: str, data: CallbackData) -> InlineKeyboardButton:
    """A button that carries typed data."""
    return InlineKeyboardButton(text, callback_data=data.encode())


def marks(
    ratings: Mapping[int, float], hidden: Iterable[int] = (), saved: Iterable[int] = ()
) -> dict[int, str]:
    """What a person did with each film: 👍 / 👎 for ratings, 🙈 hidden, 🔖 saved for later."""
    done = {movie: texts.mark(value) for movie, value in ratings.items()}
    done.update({movie: texts.HIDE_MARK for movie in hidden if movie not in done})
    done.update({movie: texts.SAVE_MARK for movie in saved if movie not in done})
    return done


def paging(
    rows: list[list[InlineKeyboardButton]],
    page: int,
    pages: int,
    data: Callable[[int], CallbackData],
) -> list[list[InlineKeyboardButton]]:
    """◀️ / ▶️ under a page of a longer list, where there is a page that way."""
    nav = []
    if page > 0:
        nav.append(button(texts.PREVIOUS, data(page - 1)))
    if page + 1 < pages:
        nav.append(button(texts.NEXT, data(page + 1)))
    return [*rows, nav] if nav else rows


def confirm(yes: CallbackData, no: CallbackData, yes_text: str) -> InlineKeyboardMarkup:
    """A confirmation: Yes (in the question's own words) / Cancel."""
    return InlineKeyboardMarkup(
        [
            [
                button(yes_text, yes),
                button(texts.cancel(), no),
            ]
        ]
    )


def fingerprint(markup: InlineKeyboardMarkup | None) -> str:
    """A compact text form of a keyboard, to tell whether an edit would change anything."""
    if markup is None:
        return ""
    return "\n".join(
        "|".join(f"{b.text}\t{b.callback_data}" for b in row) for row in markup.inline_keyboard
    )


T = TypeVar("T")


def paginate(items: list[T], page: int) -> tuple[list[T], int, int]:
    """(the items on `page`, clamped to the pages there are, the page, how many pages)."""
    pages = (len(items) + PAGE_SIZE - 1) // PAGE_SIZE
    page = min(max(page, 0), pages - 1)
    return items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE], page, pages
