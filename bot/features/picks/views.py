"""The picks feature's texts and keyboards (see `bot.ui.texts` for how texts are written)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.features.picks.callbacks import ChipKind, Chips, Filtered, Hide
from bot.features.ratings.callbacks import Rate, Sign
from bot.features.ratings.views import undo_row
from bot.features.watchlist.callbacks import Save
from bot.i18n import _, ngettext
from bot.ui import html, texts
from bot.ui.keyboards import Marks, button
from bot.ui.more import MAX_OFFSET, More
from movierec.filters import GENRES, Filter
from movierec.recommender import Pick


def hidden() -> str:
    return _("Hidden: I won't suggest it again.")


def genre_button() -> str:
    return _("🎭 Genre")


def decade_button() -> str:
    return _("📅 Decade")


def any_film_button() -> str:
    return _("✖️ Any film")


def any_genre_button() -> str:
    return _("Any genre")


def any_year_button() -> str:
    return _("Any year")


def older_button() -> str:
    return _("Before 1950")


def choose_genre() -> str:
    return _("🎭 Which genre?")


def choose_decade() -> str:
    return _("📅 Which years?")


def hidden_for_you(movie_title: str | None) -> str:
    if movie_title is None:
        return _("Hidden for you: I won't suggest it to you again.")
    shown = html.title_plain(movie_title, 60)
    return _("Hidden for you: I won't suggest {title} to you again.").format(title=shown)


def picks_intro(
    offset: int, first_name: str | None = None, group: bool = False, wanted: str = ""
) -> str:
    """The heading of a person's picks; in a group it says whose they are; with the filter."""
    if group:
        head = _("Picks for {name}").format(name=html.name_html(first_name))
    else:
        head = _("Your picks") if offset == 0 else _("More picks")
    return f"{head}: {escape(wanted)}" if wanted else head


def read_as_request(label: str) -> str:
    """Plain text in a private chat that was read as a filtered request, said so."""
    return _(
        "I read that as a request for <b>{label}</b>. Looking for a film with that "
        "name? Send /like and its title."
    ).format(label=escape(label))


def because(titles: Sequence[str]) -> str:
    """ "because you liked The Matrix and Alien" (escaped), or "" without a reason."""
    shown = [html.short_title_html(t) for t in titles[:2]]
    if not shown:
        return ""
    if len(shown) == 1:
        return _("because you liked {title}").format(title=shown[0])
    return _("because you liked {title} and {other}").format(title=shown[0], other=shown[1])


def picks(
    items: Sequence[Pick],
    offset: int,
    intro: str | None = None,
    links: Mapping[int, str] | None = None,
    reasons: Mapping[int, Sequence[str]] | None = None,
) -> str:
    """`intro` is HTML (see `picks_intro`; "Your picks" without one); `links` HTML per movie
    id, where there are any; `reasons` the titles of the person's likes that explain each pick."""
    links, reasons = links or {}, reasons or {}
    blocks = [f"🍿 <b>{intro if intro is not None else _('Your picks')}</b>"]
    for number, pick in enumerate(items, offset + 1):
        link = f" · {links[pick.movie_id]}" if links.get(pick.movie_id) else ""
        why = because(reasons.get(pick.movie_id, ()))
        detail = _detail(why, pick)
        blocks.append(
            f"\n<b>{number}. {html.title_html(pick.title)}</b>\n"
            f"<i>{texts.genres_html(pick.genres)}</i>{link}\n" + detail
        )
    return html.join_blocks(blocks, "\n" + _("Rate a pick to refine the next list."))


def _detail(why: str, pick: Pick) -> str:
    """The reason, then how many people of the person's taste liked the pick. A pick that the
    item graph alone brought in (films like yours, nobody among those people rated it) has no
    such count: "liked by 0 of 200" would read as a warning."""
    if not pick.support:
        return why
    support = ngettext(
        "liked by {support} of {neighbors} person with your taste",
        "liked by {support} of {neighbors} people with your taste",
        pick.neighbors,
    ).format(support=pick.support, neighbors=pick.neighbors)
    return f"{why}\n<i>{support}</i>" if why else support


CHIP_GENRES = tuple(g for g in GENRES if g != "IMAX")  # IMAX is a format, not a taste


def pick_rows(
    movie_ids: Sequence[int], offset: int, done: Marks, group: bool = False
) -> list[list[InlineKeyboardButton]]:
    """Per pick: 👍 n | 👎 n | 🙈 n | 🔖 n (no 🔖 in a group: a watchlist is private), or
    "👍 n · undo" once done."""
    rows = []
    for number, movie_id in enumerate(movie_ids, offset + 1):
        if movie_id in done:
            rows.append(undo_row(f"{done[movie_id]} {number}", movie_id))
            continue
        row = [
            button(f"{texts.LIKE_MARK} {number}", Rate(Sign.LIKE, movie_id)),
            button(f"{texts.DISLIKE_MARK} {number}", Rate(Sign.DISLIKE, movie_id)),
            button(f"{texts.HIDE_MARK} {number}", Hide(movie_id)),
        ]
        if not group:
            row.append(button(f"{texts.SAVE_MARK} {number}", Save(movie_id)))
        rows.append(row)
    return rows


def picks_keyboard(
    movie_ids: Sequence[int],
    offset: int,
    done: Marks | None = None,
    wanted: Filter | None = None,
) -> InlineKeyboardMarkup:
    """A person's picks: their rows, then More and the filter buttons (🎭 genre, 📅 decade, and
    "any film" when the list is filtered)."""
    wanted = wanted or Filter()
    rows = pick_rows(movie_ids, offset, done or {})
    if offset + len(movie_ids) < MAX_OFFSET:
        rows.append([button(texts.more(), More(offset + len(movie_ids), wanted))])
    rows.append(filter_row(wanted))
    return InlineKeyboardMarkup(rows)


def filter_row(wanted: Filter) -> list[InlineKeyboardButton]:
    row = [
        button(genre_button(), Chips(ChipKind.GENRE, wanted)),
        button(decade_button(), Chips(ChipKind.DECADE, wanted)),
    ]
    if not wanted.is_empty():
        row.append(button(any_film_button(), Filtered()))
    return row


def genre_chips(current: Filter) -> InlineKeyboardMarkup:
    """One chip per genre, keeping the chosen years; "any genre" drops the genre."""
    buttons = [
        button(
            ("✅ " if genre in current.genres else "") + texts.genre_name(genre),
            Filtered(replace(current, genres=frozenset({genre}))),
        )
        for genre in CHIP_GENRES
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    anyone = Filtered(replace(current, genres=frozenset()))
    rows.append([button(any_genre_button(), anyone)])
    return InlineKeyboardMarkup(rows)


def decade_chips(current: Filter, latest_year: int) -> InlineKeyboardMarkup:
    """One chip per decade up to the catalogue's newest, keeping the chosen genres."""
    first_decade = 1950
    buttons = []
    for start in range(first_decade, latest_year + 1, 10):
        end = start + 9
        chosen = current.year_from == start and current.year_to == end
        wanted = replace(current, year_from=start, year_to=end, recent=False)
        label = ("✅ " if chosen else "") + texts.decade(start)
        buttons.append(button(label, Filtered(wanted)))
    rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    older = replace(current, year_from=None, year_to=first_decade - 1, recent=False)
    anytime = replace(current, year_from=None, year_to=None, recent=False)
    rows.append(
        [
            button(older_button(), Filtered(older)),
            button(any_year_button(), Filtered(anytime)),
        ]
    )
    return InlineKeyboardMarkup(rows)
