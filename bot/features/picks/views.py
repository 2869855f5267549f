"""The picks feature's texts and keyboards (see `bot.ui.texts` for how texts are written)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.features.picks.callbacks import (
    BackToList,
    ChipKind,
    Chips,
    Filtered,
    Hide,
    OpenCard,
    Tune,
)
from bot.features.ratings.callbacks import Rate, Sign
from bot.features.ratings.views import undo_row
from bot.features.watchlist.callbacks import Save
from bot.films import FilmFacts, Providers
from bot.i18n import _, ngettext
from bot.ui import html, texts
from bot.ui.keyboards import Marks, button
from bot.ui.more import MAX_OFFSET, More
from movierec.filters import GENRES, Filter
from movierec.recommender import Movie, Pick
from movierec.short_titles import short_labels, short_title


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
    """ "because you liked The Matrix and Alien" (escaped, short titles), or "" without one."""
    shown = [escape(short_title(t)) for t in titles[:2]]
    if not shown:
        return ""
    if len(shown) == 1:
        return _("because you liked {title}").format(title=shown[0])
    return _("because you liked {title} and {other}").format(title=shown[0], other=shown[1])


def taste_reason(support: int) -> str:
    """The reason of a pick none of the person's likes explains (only dislikes rated, say):
    never an empty line, never an invented "because you liked". `support`: how many people of
    the person's taste liked it (0: the films the person rated led to it)."""
    if support:
        return _("liked by people with your taste")
    return _("close to the films you rated")


def tap_a_film() -> str:
    return _("Tap a film to see it and rate it.")


def picks(
    items: Sequence[Pick | Movie],
    offset: int,
    intro: str | None = None,
    links: Mapping[int, str] | None = None,
    reasons: Mapping[int, Sequence[str]] | None = None,
    support: Mapping[int, int] | None = None,
) -> str:
    """A light list: one short line per film (number, title, year, why). `intro` is HTML (see
    `picks_intro`; "Your picks" without one); `reasons` the titles of the person's likes that
    explain each pick, `support` (of picks) how many people of their taste liked it, for the
    reason of a pick no like explains. The links, the plot and the rest are on each card."""
    reasons = reasons or {}
    support = support or {}
    lines = [f"🍿 <b>{intro if intro is not None else _('Your picks')}</b>", ""]
    labels = short_labels([p.title for p in items])
    for number, (pick, label) in enumerate(zip(items, labels, strict=True), offset + 1):
        year = f" ({pick.year})" if pick.year and f"({pick.year})" not in label else ""
        why = because(reasons.get(pick.movie_id, ()))
        if not why and (isinstance(pick, Pick) or pick.movie_id in support):
            why = taste_reason(pick.support if isinstance(pick, Pick) else support[pick.movie_id])
        lines.append(f"{number}. <b>{escape(label)}</b>{year}" + (f" — {why}" if why else ""))
    return html.join_blocks(lines, "\n<i>" + tap_a_film() + "</i>")


def support_line(support: int, neighbors: int) -> str:
    """How many people of the person's taste liked the pick. A pick that the item graph alone
    brought in (films like yours, nobody among those people rated it) has no such count:
    "liked by 0 of 200" would read as a warning."""
    if not support:
        return ""
    return ngettext(
        "liked by {support} of {neighbors} person with your taste",
        "liked by {support} of {neighbors} people with your taste",
        neighbors,
    ).format(support=support, neighbors=neighbors)


def tune_button() -> str:
    return _("🎛 Filters")


def choose_filter() -> str:
    return _("🎛 Which films?")


def back_button() -> str:
    return _("◀ Back to the list")


def next_button() -> str:
    return _("Next film ▶")


def seen_button() -> str:
    return _("🙈 Seen it")


def later_button() -> str:
    return _("🔖 Later")


def runtime(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("{minutes} min").format(minutes=rest)
    return _("{hours} h {minutes} min").format(hours=hours, minutes=rest)


def directed_by(names: Sequence[str]) -> str:
    return _("Directed by {names}").format(names=escape(", ".join(names)))


def starring(names: Sequence[str]) -> str:
    return _("with {names}").format(names=escape(", ".join(names)))


def where_to_watch(found: Providers | None) -> str:
    """ "Stream on Netflix, Mubi · rent on Apple TV" with JustWatch's attribution (TMDB's terms:
    the data is JustWatch's), or "" where the country has none."""
    if not found:
        return ""
    parts = []
    if found.stream:
        parts.append(_("Stream on {names}").format(names=escape(", ".join(found.stream[:3]))))
    if found.rent:
        parts.append(_("rent on {names}").format(names=escape(", ".join(found.rent[:3]))))
    if found.buy and not found.rent:
        parts.append(_("buy on {names}").format(names=escape(", ".join(found.buy[:3]))))
    source = f'<a href="{escape(found.link)}">JustWatch</a>' if found.link else "JustWatch"
    return "📺 " + " · ".join(parts) + " <i>(" + _("data: {source}").format(source=source) + ")</i>"


def status(mark: str | None) -> str:
    """What the person did with the film on its card."""
    if mark == texts.LIKE_MARK:
        return _("👍 Noted: you liked it.")
    if mark == texts.DISLIKE_MARK:
        return _("👎 Noted: you didn't like it.")
    if mark == texts.HIDE_MARK:
        return _("🙈 Seen: I won't suggest it again.")
    if mark == texts.SAVE_MARK:
        return _("🔖 Saved for later: it is on your /watchlist.")
    return ""


PLOT = 220  # characters of plot on a card: about two lines on a phone


def card(
    movie: Movie,
    facts: FilmFacts | None,
    language: str,
    country: str,
    reasons: Sequence[str] = (),
    support: tuple[int, int] = (0, 0),
    links: str = "",
    mark: str | None = None,
) -> str:
    """A film's card: title (in the person's language beside the original, where TMDB has it),
    year, runtime, genres, director and leading actors, two lines of plot, why it was picked,
    where to watch it, IMDb / TMDB, and what the person did with it."""
    title = html.title_html(movie.title).removesuffix(f" ({movie.year})")
    local = facts.title(language) if facts else None
    local = escape(local) if local and escape(local) != title else None
    aside = [title] if local else []
    if movie.year:
        aside.append(str(movie.year))
    head = f"🎬 <b>{local or title}</b>" + (f" ({', '.join(aside)})" if aside else "")
    if facts and facts.runtime:
        head += " · " + runtime(facts.runtime)
    lines = [head, f"<i>{texts.genres_html(movie.genres)}</i>"]
    people = []
    if facts and facts.directors:
        people.append(directed_by(facts.directors))
    if facts and facts.cast:
        people.append(starring(facts.cast))
    if people:
        lines.append(" · ".join(people))
    plot = facts.plot(language) if facts else ""
    if plot:
        lines.append(escape(cut_words(plot, PLOT)))
    why = " · ".join(filter(None, [because(reasons), support_line(*support)]))
    if why:
        lines.append(f"💡 {why}")
    watch = where_to_watch(facts.providers.get(country)) if facts else ""
    if watch:
        lines.append(watch)
    if links:
        lines.append(links)
    done = status(mark)
    if done:
        lines.extend(["", f"<b>{done}</b>"])
    return "\n".join(lines)


def cut_words(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def card_keyboard(
    movie_id: int,
    next_id: int | None,
    mark: str | None,
    group: bool = False,
    alone: bool = False,
) -> InlineKeyboardMarkup:
    """Under a card: 👍 | 👎 | 🙈 Seen it | 🔖 Later (no 🔖 in a group: a watchlist is private),
    or Undo once done; then ◀ Back to the list and Next film ▶."""
    if mark is not None:
        rows = [undo_row(mark, movie_id)]
    else:
        row = [
            button(texts.LIKE_MARK, Rate(Sign.LIKE, movie_id)),
            button(texts.DISLIKE_MARK, Rate(Sign.DISLIKE, movie_id)),
            button(seen_button(), Hide(movie_id)),
        ]
        if not group:
            row.append(button(later_button(), Save(movie_id)))
        rows = [row]
    nav = [] if alone else [button(back_button(), BackToList())]
    if next_id is not None and not alone:
        nav.append(button(next_button(), OpenCard(next_id)))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)


CHIP_GENRES = tuple(g for g in GENRES if g != "IMAX")  # IMAX is a format, not a taste


def card_rows(
    movie_ids: Sequence[int],
    offset: int,
    done: Marks | None = None,
    titles: Sequence[str] | None = None,
) -> list[list[InlineKeyboardButton]]:
    """One button per film opening its card ("1. The Matrix", or "👍 The Matrix" once done)."""
    done = done or {}
    labels = short_labels(list(titles)) if titles else [""] * len(movie_ids)
    rows = []
    for number, (movie_id, label) in enumerate(zip(movie_ids, labels, strict=True), offset + 1):
        mark = done.get(movie_id)
        shown = f"{mark} {label}" if mark else f"{number}. {label}"
        rows.append([button(shown.strip(), OpenCard(movie_id))])
    return rows


def picks_keyboard(
    movie_ids: Sequence[int],
    offset: int,
    done: Marks | None = None,
    wanted: Filter | None = None,
    titles: Sequence[str] | None = None,
) -> InlineKeyboardMarkup:
    """A person's picks, light: one button per film opening its card ("1. The Matrix", or
    "👍 The Matrix" once done), then More and 🎛 (the filters, folded into one button)."""
    wanted = wanted or Filter()
    rows = card_rows(movie_ids, offset, done, titles)
    last = []
    if offset + len(movie_ids) < MAX_OFFSET:
        last.append(button(texts.more(), More(offset + len(movie_ids), wanted)))
    last.append(button(tune_button(), Tune(wanted)))
    rows.append(last)
    return InlineKeyboardMarkup(rows)


def filter_row(wanted: Filter) -> list[InlineKeyboardButton]:
    row = [
        button(genre_button(), Chips(ChipKind.GENRE, wanted)),
        button(decade_button(), Chips(ChipKind.DECADE, wanted)),
    ]
    if not wanted.is_empty():
        row.append(button(any_film_button(), Filtered()))
    return row


def tune_keyboard(wanted: Filter) -> InlineKeyboardMarkup:
    """🎛's message: 🎭 Genre, 📅 Decade, and "any film" when the list is filtered."""
    return InlineKeyboardMarkup([filter_row(wanted)])


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
