"""Inline keyboards: the only place buttons are built. Each stays under Telegram's limits
(64-byte data, 100 buttons).

A keyboard is a function of what a message lists (`ListInfo`: its films, in order, and where
their numbering starts) and of its owner's stored state (`marks`: movie id -> 👍 / 👎 / 🙈). A
press rebuilds the keyboard from those two, never from the pressed message's copy of its buttons,
so three quick presses end with all three shown, whatever order their edits arrive in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks, i18n, texts
from bot.callbacks import Kind
from movierec.filters import GENRES, Filter

PAGE_SIZE = 10
ROW = 5  # numbered buttons per row
CHIP_GENRES = tuple(g for g in GENRES if g != "IMAX")  # IMAX is a format, not a taste


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
    CHIPS = "chips"  # genre or decade chips that re-run the picks with a filter
    ROSTER = "roster"  # /movienight: who is in tonight
    WATCHLIST = "watchlist"  # a page of /watchlist: ✅ n, ❌ n, ◀️ ▶️
    LANGUAGE = "language"  # /language: one button per language, and "automatic"
    QUESTION = "question"  # the first questions: liked / didn't / haven't seen, show my picks


Marks = Mapping[int, str]


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data)


def marks(
    ratings: Mapping[int, float], hidden: Iterable[int] = (), saved: Iterable[int] = ()
) -> dict[int, str]:
    """What a person did with each film: 👍 / 👎 for ratings, 🙈 hidden, 🔖 saved for later."""
    done = {movie: texts.mark(value) for movie, value in ratings.items()}
    done.update({movie: texts.HIDE_MARK for movie in hidden if movie not in done})
    done.update({movie: texts.SAVE_MARK for movie in saved if movie not in done})
    return done


def _undo_row(label: str, movie_id: int) -> list[InlineKeyboardButton]:
    return [_button(texts.with_undo(label), callbacks.undo(movie_id))]


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
            rows.append([_button(texts.undo(), callbacks.undo(movie_ids[0]))])
    else:
        undo = [
            _button(f"{texts.undo()} {n}", callbacks.undo(m))
            for n, m in enumerate(movie_ids, 1)
            if m in keep
        ]
        rows.extend(undo[i : i + ROW] for i in range(0, len(undo), ROW))
    rows.append([_button(texts.recommend(), callbacks.more(0))])
    return InlineKeyboardMarkup(rows)


def picks(
    movie_ids: Sequence[int],
    offset: int,
    group: bool = False,
    done: Marks | None = None,
    code: str = "",
) -> InlineKeyboardMarkup:
    """Per pick: 👍 n | 👎 n | 🙈 n | 🔖 n, or "👍 n · undo" once done; then More and the filter
    buttons (🎭 genre, 📅 decade, and "any film" when the list is filtered)."""
    done = done or {}
    rows = []
    for number, movie_id in enumerate(movie_ids, offset + 1):
        if movie_id in done:
            rows.append(_undo_row(f"{done[movie_id]} {number}", movie_id))
        else:
            row = [
                _button(f"{texts.LIKE_MARK} {number}", callbacks.rate(movie_id, 1)),
                _button(f"{texts.DISLIKE_MARK} {number}", callbacks.rate(movie_id, -1)),
                _button(f"{texts.HIDE_MARK} {number}", callbacks.hide(movie_id)),
            ]
            if not group:
                row.append(_button(f"{texts.SAVE_MARK} {number}", callbacks.save(movie_id)))
            rows.append(row)
    if offset + len(movie_ids) < callbacks.MAX_OFFSET:
        rows.append([_button(texts.more(), callbacks.more(offset + len(movie_ids), group, code))])
    if not group:
        rows.append(filter_row(code))
    return InlineKeyboardMarkup(rows)


def filter_row(code: str) -> list[InlineKeyboardButton]:
    row = [
        _button(texts.genre_button(), callbacks.chips("g", code)),
        _button(texts.decade_button(), callbacks.chips("d", code)),
    ]
    if code:
        row.append(_button(texts.any_film_button(), callbacks.filtered("")))
    return row


def genre_chips(current: Filter) -> InlineKeyboardMarkup:
    """One chip per genre, keeping the chosen years; "any genre" drops the genre."""
    buttons = [
        _button(
            ("✅ " if genre in current.genres else "") + texts.genre_name(genre),
            callbacks.filtered(callbacks.filter_code(replace(current, genres=frozenset({genre})))),
        )
        for genre in CHIP_GENRES
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    anyone = callbacks.filtered(callbacks.filter_code(replace(current, genres=frozenset())))
    rows.append([_button(texts.any_genre_button(), anyone)])
    return InlineKeyboardMarkup(rows)


def decade_chips(current: Filter, latest_year: int) -> InlineKeyboardMarkup:
    """One chip per decade up to the catalogue's newest, keeping the chosen genres."""
    first_decade = 1950
    buttons = []
    for start in range(first_decade, latest_year + 1, 10):
        end = start + 9
        chosen = current.year_from == start and current.year_to == end
        wanted = replace(current, year_from=start, year_to=end)
        label = ("✅ " if chosen else "") + texts.decade(start)
        buttons.append(_button(label, callbacks.filtered(callbacks.filter_code(wanted))))
    rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    older = replace(current, year_from=None, year_to=first_decade - 1)
    anytime = replace(current, year_from=None, year_to=None)
    rows.append(
        [
            _button(texts.older_button(), callbacks.filtered(callbacks.filter_code(older))),
            _button(texts.any_year_button(), callbacks.filtered(callbacks.filter_code(anytime))),
        ]
    )
    return InlineKeyboardMarkup(rows)


def watchlist(movie_ids: Sequence[int], page: int, pages: int) -> InlineKeyboardMarkup:
    """Per saved film: ✅ n (watched it: rate it) and ❌ n (remove); then ◀️ ▶️."""
    rows = []
    for number, movie_id in enumerate(movie_ids, 1):
        rows.append(
            [
                _button(f"{texts.WATCHED_MARK} {number}", callbacks.watched(movie_id)),
                _button(f"{texts.REMOVE_MARK} {number}", callbacks.unsave(movie_id, page)),
            ]
        )
    return InlineKeyboardMarkup(_with_paging(rows, page, pages, callbacks.watch_page))


def ratings(movie_ids: Sequence[int], page: int, pages: int) -> InlineKeyboardMarkup:
    buttons = [
        _button(f"{texts.REMOVE_MARK} {number}", callbacks.remove(movie_id, page))
        for number, movie_id in enumerate(movie_ids, 1)
    ]
    rows = [buttons[i : i + ROW] for i in range(0, len(buttons), ROW)]
    return InlineKeyboardMarkup(_with_paging(rows, page, pages, callbacks.page))


def _with_paging(
    rows: list[list[InlineKeyboardButton]], page: int, pages: int, data: Callable[[int], str]
) -> list[list[InlineKeyboardButton]]:
    """◀️ / ▶️ under a page of a longer list, where there is a page that way."""
    nav = []
    if page > 0:
        nav.append(_button(texts.PREVIOUS, data(page - 1)))
    if page + 1 < pages:
        nav.append(_button(texts.NEXT, data(page + 1)))
    return [*rows, nav] if nav else rows


def confirm(kind: Kind, yes_text: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(yes_text, callbacks.confirm(kind, True)),
                _button(texts.cancel(), callbacks.confirm(kind, False)),
            ]
        ]
    )


def question(movie_id: int, answered: bool) -> InlineKeyboardMarkup:
    """👍 / 👎 / 🤷 for the film asked about; "show my picks" once anything was answered."""
    rows = [
        [
            _button(texts.liked_it(), callbacks.answer(movie_id, 1.0)),
            _button(texts.disliked_it(), callbacks.answer(movie_id, -1.0)),
        ],
        [_button(texts.not_seen(), callbacks.answer(movie_id, None))],
    ]
    if answered:
        rows.append([_button(texts.show_my_picks(), callbacks.show_picks())])
    return InlineKeyboardMarkup(rows)


def batch_question(
    entries: Sequence[tuple[int, str]], answered: Sequence[int], any_answer: bool
) -> InlineKeyboardMarkup:
    """A question showing a few films: 👍 Title | 👎 for each one not answered yet, then "none
    of these" (or "next question" once one was answered) and "show my picks" after an answer."""
    rows = [
        [
            _button(f"{texts.LIKE_MARK} {texts.short_title(name)}", callbacks.answer(movie, 1.0)),
            _button(texts.DISLIKE_MARK, callbacks.answer(movie, -1.0)),
        ]
        for movie, name in entries
        if movie not in answered
    ]
    label = texts.next_question() if answered else texts.none_of_these()
    rows.append([_button(label, callbacks.skip())])
    if any_answer:
        rows.append([_button(texts.show_my_picks(), callbacks.show_picks())])
    return InlineKeyboardMarkup(rows)


def roster(anyone_in: bool, rate_url: str | None = None) -> InlineKeyboardMarkup:
    """I'm in / Not tonight, Pick for us once somebody is in, and a link that opens the bot's
    private chat for people who have rated nothing yet (those ratings count in every group)."""
    rows = [
        [
            _button(texts.im_in(), callbacks.night("i")),
            _button(texts.not_tonight(), callbacks.night("o")),
        ]
    ]
    if anyone_in:
        rows.append([_button(texts.pick_for_us(), callbacks.night("p"))])
    if rate_url:
        rows.append([InlineKeyboardButton(texts.rate_films_first(), url=rate_url)])
    return InlineKeyboardMarkup(rows)


def night_picks(movie_ids: Sequence[int], offset: int, code: str) -> InlineKeyboardMarkup:
    """Movie-night picks: 👍 / 👎 / 🙈 each (for whoever presses), Vote, More."""
    markup = picks(movie_ids, offset, group=True, code=code)
    rows = [list(row) for row in markup.inline_keyboard]
    rows.insert(len(movie_ids), [_button(texts.vote_button(), callbacks.vote("v"))])
    return InlineKeyboardMarkup(rows)


def close_vote() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(texts.close_vote(), callbacks.vote("c"))]])


def languages(chosen: str | None) -> InlineKeyboardMarkup:
    """/language: each language named in itself (two per row), then "automatic"; ✅ on the
    person's stored choice."""
    buttons = [
        _button(("✅ " if code == chosen else "") + native, callbacks.language(code))
        for code, native in i18n.NATIVE_NAMES.items()
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    automatic = ("✅ " if chosen is None else "") + texts.automatic_language()
    rows.append([_button(automatic, callbacks.language(None))])
    return InlineKeyboardMarkup(rows)


def open_bot(url: str) -> InlineKeyboardMarkup:
    """Under a shared film card: open the bot in a private chat on that film."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(texts.open_bot(), url=url)]])


def fingerprint(markup: InlineKeyboardMarkup | None) -> str:
    """A compact text form of a keyboard, to tell whether an edit would change anything."""
    if markup is None:
        return ""
    return "\n".join(
        "|".join(f"{b.text}\t{b.callback_data}" for b in row) for row in markup.inline_keyboard
    )
