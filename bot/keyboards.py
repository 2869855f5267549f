"""Inline keyboards: the only place buttons are built. Each stays under Telegram's limits
(64-byte data, 100 buttons).

A keyboard is a function of what a message lists (`ListInfo`: its films, in order, and where
their numbering starts) and of its owner's stored state (`marks`: movie id -> 👍 / 👎 / 🙈). A
press rebuilds the keyboard from those two, never from the pressed message's copy of its buttons,
so three quick presses end with all three shown, whatever order their edits arrive in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks, texts
from bot.callbacks import Kind

PAGE_SIZE = 10
ROW = 5  # numbered buttons per row


class ListKind(StrEnum):
    """What a message with buttons shows (stored with it: see `bot.storage.ListInfo`)."""

    PICKS = "picks"  # a person's picks: 👍 n | 👎 n | 🙈 n, More
    NIGHT = "night"  # a group's movie-night picks (everyone's; never rewritten)
    FILMS = "films"  # films to rate: 👍 Title | 👎 (welcome, search results)
    CHOOSE = "choose"  # an ambiguous title: one button per candidate
    RECORDED = "recorded"  # a confirmation: Undo per film, Recommend
    RATINGS = "ratings"  # a page of /ratings: ❌ n, ◀️ ▶️
    RESET = "reset"  # /reset confirmation
    DELETE = "delete"  # /deletemydata confirmation
    ASK_LIKE = "ask-like"  # "Which film do you like?" (a reply records likes)
    ASK_DISLIKE = "ask-dislike"


Marks = Mapping[int, str]


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data)


def marks(ratings: Mapping[int, float], hidden: Iterable[int] = ()) -> dict[int, str]:
    """What a person did with each film: 👍 / 👎 for ratings, 🙈 for hidden ones."""
    done = {movie: texts.mark(value) for movie, value in ratings.items()}
    done.update({movie: texts.HIDE_MARK for movie in hidden if movie not in done})
    return done


def _undo_row(label: str, movie_id: int) -> list[InlineKeyboardButton]:
    return [_button(f"{label}{texts.UNDO_SUFFIX}", callbacks.undo(movie_id))]


def films(entries: Sequence[tuple[int, str]], done: Marks | None = None) -> InlineKeyboardMarkup:
    """One row per film: 👍 Title | 👎, or "👍 Title · undo" once rated."""
    done = done or {}
    rows = []
    for movie_id, name in entries:
        label = texts.short_title(name)
        if movie_id in done:
            rows.append(_undo_row(f"{done[movie_id]} {label}", movie_id))
        else:
            rows.append(
                [
                    _button(f"{texts.LIKE_MARK} {label}", callbacks.rate(movie_id, 1)),
                    _button(texts.DISLIKE_MARK, callbacks.rate(movie_id, -1)),
                ]
            )
    return InlineKeyboardMarkup(rows)


def choose(
    entries: Sequence[tuple[int, str]], value: float, done: Marks | None = None
) -> InlineKeyboardMarkup:
    """Ambiguous title: one button per candidate, recording the asked-for rating."""
    done = done or {}
    rows = []
    for movie_id, name in entries:
        label = texts.short_title(name, 50)
        if movie_id in done:
            rows.append(_undo_row(f"{done[movie_id]} {label}", movie_id))
        else:
            rows.append([_button(f"{texts.mark(value)} {label}", callbacks.rate(movie_id, value))])
    return InlineKeyboardMarkup(rows)


def recorded(movie_ids: Sequence[int], still: Iterable[int] | None = None) -> InlineKeyboardMarkup:
    """Undo per recorded film still rated (numbered as in the message), then Recommend."""
    keep = set(movie_ids if still is None else still)
    rows: list[list[InlineKeyboardButton]] = []
    if len(movie_ids) == 1:
        if movie_ids[0] in keep:
            rows.append([_button(texts.UNDO, callbacks.undo(movie_ids[0]))])
    else:
        undo = [
            _button(f"{texts.UNDO} {n}", callbacks.undo(m))
            for n, m in enumerate(movie_ids, 1)
            if m in keep
        ]
        rows.extend(undo[i : i + ROW] for i in range(0, len(undo), ROW))
    rows.append([_button(texts.RECOMMEND, callbacks.more(0))])
    return InlineKeyboardMarkup(rows)


def picks(
    movie_ids: Sequence[int], offset: int, group: bool = False, done: Marks | None = None
) -> InlineKeyboardMarkup:
    """Per pick: 👍 n | 👎 n | 🙈 n, or "👍 n · undo" once done; then More."""
    done = done or {}
    rows = []
    for number, movie_id in enumerate(movie_ids, offset + 1):
        if movie_id in done:
            rows.append(_undo_row(f"{done[movie_id]} {number}", movie_id))
        else:
            rows.append(
                [
                    _button(f"{texts.LIKE_MARK} {number}", callbacks.rate(movie_id, 1)),
                    _button(f"{texts.DISLIKE_MARK} {number}", callbacks.rate(movie_id, -1)),
                    _button(f"{texts.HIDE_MARK} {number}", callbacks.hide(movie_id)),
                ]
            )
    if offset + len(movie_ids) < callbacks.MAX_OFFSET:
        rows.append([_button(texts.MORE, callbacks.more(offset + len(movie_ids), group))])
    return InlineKeyboardMarkup(rows)


def ratings(movie_ids: Sequence[int], page: int, pages: int) -> InlineKeyboardMarkup:
    buttons = [
        _button(f"{texts.REMOVE_MARK} {number}", callbacks.remove(movie_id, page))
        for number, movie_id in enumerate(movie_ids, 1)
    ]
    rows = [buttons[i : i + ROW] for i in range(0, len(buttons), ROW)]
    nav = []
    if page > 0:
        nav.append(_button(texts.PREVIOUS, callbacks.page(page - 1)))
    if page + 1 < pages:
        nav.append(_button(texts.NEXT, callbacks.page(page + 1)))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)


def confirm(kind: Kind, yes_text: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(yes_text, callbacks.confirm(kind, True)),
                _button(texts.CANCEL, callbacks.confirm(kind, False)),
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
