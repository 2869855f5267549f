"""Inline keyboards. Each stays under Telegram's limits: 64-byte data, 100 buttons."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.texts import short_title
from movierec.recommender import Movie, Pick
from movierec.titles import Candidate

PAGE_SIZE = 10


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data)


def rate_films(films: Iterable[tuple[int, str]]) -> InlineKeyboardMarkup:
    """One row per film: 👍 Title | 👎."""
    return InlineKeyboardMarkup(
        [
            [
                _button(f"👍 {short_title(name)}", callbacks.rate(movie_id, 1)),
                _button("👎", callbacks.rate(movie_id, -1)),
            ]
            for movie_id, name in films
        ]
    )


def cold_start(movies: Sequence[Movie]) -> InlineKeyboardMarkup:
    return rate_films((m.movie_id, m.title) for m in movies)


def candidates(found: Sequence[Candidate]) -> InlineKeyboardMarkup:
    return rate_films((c.movie_id, c.title) for c in found)


def choose(found: Sequence[Candidate], value: float) -> InlineKeyboardMarkup:
    """Ambiguous title: one button per candidate, recording the asked-for rating."""
    mark = "👍" if value > 0 else "👎"
    return InlineKeyboardMarkup(
        [
            [_button(f"{mark} {short_title(c.title, 50)}", callbacks.rate(c.movie_id, value))]
            for c in found
        ]
    )


def recorded(movie_ids: Sequence[int]) -> InlineKeyboardMarkup:
    """Undo per recorded film, then a shortcut to the picks."""
    rows = []
    if len(movie_ids) == 1:
        rows.append([_button("↩️ Undo", callbacks.undo(movie_ids[0]))])
    else:
        undo = [_button(f"↩️ Undo {n}", callbacks.undo(m)) for n, m in enumerate(movie_ids, 1)]
        rows.extend(undo[i : i + 5] for i in range(0, len(undo), 5))  # every film, 5 a row
    rows.append([_button("🍿 Recommend", callbacks.more(0))])
    return InlineKeyboardMarkup(rows)


def picks(
    items: Sequence[Pick], offset: int, group: bool = False, done: dict[int, str] | None = None
) -> InlineKeyboardMarkup:
    """Per pick: 👍 n | 👎 n | 🙈 n (or what was done), then More."""
    done = done or {}
    rows = []
    for number, pick in enumerate(items, offset + 1):
        if pick.movie_id in done:
            rows.append(
                [_button(f"{done[pick.movie_id]} {number} · undo", callbacks.undo(pick.movie_id))]
            )
        else:
            rows.append(
                [
                    _button(f"👍 {number}", callbacks.rate(pick.movie_id, 1)),
                    _button(f"👎 {number}", callbacks.rate(pick.movie_id, -1)),
                    _button(f"🙈 {number}", callbacks.hide(pick.movie_id)),
                ]
            )
    if offset + len(items) < callbacks.MAX_OFFSET:
        rows.append([_button("More ▶️", callbacks.more(offset + len(items), group))])
    return InlineKeyboardMarkup(rows)


def ratings(movie_ids: Sequence[int], page: int, pages: int) -> InlineKeyboardMarkup:
    rows = []
    line: list[InlineKeyboardButton] = []
    for number, movie_id in enumerate(movie_ids, 1):
        line.append(_button(f"❌ {number}", callbacks.remove(movie_id, page)))
        if len(line) == 5:
            rows.append(line)
            line = []
    if line:
        rows.append(line)
    nav = []
    if page > 0:
        nav.append(_button("◀️", callbacks.page(page - 1)))
    if page + 1 < pages:
        nav.append(_button("▶️", callbacks.page(page + 1)))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)


def confirm(kind: str, yes_text: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(yes_text, callbacks.confirm(kind, True)),
                _button("Cancel", callbacks.confirm(kind, False)),
            ]
        ]
    )
