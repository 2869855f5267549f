"""The ratings feature's texts and keyboards (see `bot.ui.texts` for how texts are written)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.features.ratings.callbacks import Rate, RatingsPage, Remove, Sign, Undo, UndoImported
from bot.i18n import _, ngettext
from bot.ui import html, texts
from bot.ui.keyboards import ROW, Marks, button, paging
from bot.ui.more import More
from movierec.recommender import Movie
from movierec.titles import Candidate, Doubt


def ask_like() -> str:
    return _("👍 Which film do you like? Reply with its title (or several, separated by commas).")


def ask_dislike() -> str:
    return _("👎 Which film don't you like? Reply with its title.")


def ask_forget() -> str:
    return _("Which film should I forget? Send /forget followed by its title.")


def reset_ask() -> str:
    return _("Forget <b>all</b> your ratings in this chat?")


def reset_done(count: int) -> str:
    return ngettext(
        "Done: I forgot {count} rating. Start again with /like <i>title</i>.",
        "Done: I forgot {count} ratings. Start again with /like <i>title</i>.",
        count,
    ).format(count=count)


def undone() -> str:
    return _("Undone.")


def nothing_to_undo() -> str:
    return _("Nothing to undo.")


def removed() -> str:
    return _("Removed.")


def toast_done() -> str:
    return _("Done.")


def yes_reset() -> str:
    return _("Yes, forget them")


def recorded(entries: Sequence[tuple[str, float]]) -> str:
    """Confirmation of ratings just stored: (title, value) pairs, each film once."""
    lines = [f"{texts.mark(v)} {html.title_html(t)}" for t, v in entries]
    return html.join_blocks([_("Noted:"), *lines], "\n" + _("/recommend when you're ready."))


def too_many_titles(read: int, dropped: int) -> str:
    text = ngettext(
        "I read {read} titles at a time; {dropped} more was not read: send it in another message.",
        "I read {read} titles at a time; {dropped} more were not read: send them in another "
        "message.",
        dropped,
    ).format(read=read, dropped=dropped)
    return f"<i>{text}</i>"


def noted_for_you(value: float, movie_title: str | None) -> str:
    """A press under someone else's list: recorded for the presser, the list left alone."""
    if movie_title is None:
        if value > 0:
            return _("Noted for you: you like it.")
        return _("Noted for you: you dislike it.")
    shown = html.title_plain(movie_title, 60)
    if value > 0:
        return _("Noted for you: you like {title}.").format(title=shown)
    return _("Noted for you: you dislike {title}.").format(title=shown)


def ambiguous(query: str, value: float) -> str:
    if value > 0:
        return _("Several films match “{query}”. Which one do you like?").format(
            query=html.quote_html(query)
        )
    return _("Several films match “{query}”. Which one do you dislike?").format(
        query=html.quote_html(query)
    )


def no_match(query: str, suggestions: Sequence[Candidate], latest_year: int) -> str:
    """Nothing matches: say what the catalogue covers, since a newer film is the likeliest
    reason (the bot's catalogue may end years ago)."""
    if suggestions:
        text = _(
            "I couldn't find “{query}”: I know films up to {year}, so a newer one isn't among "
            "them. Did you mean one of these?"
        )
    else:
        text = _(
            "I couldn't find “{query}”: I know films up to {year}. Check the spelling, or try "
            "the original English title."
        )
    return text.format(query=html.quote_html(query), year=latest_year)


def did_you_mean(title: str) -> str:
    """The one film near a typed title (a title in the person's language, nearly): asked about."""
    return _("Did you mean <b>{title}</b>? Tap it to rate it.").format(title=html.title_html(title))


def doubtful(query: str, title: str, doubt: Doubt, latest_year: int) -> str:
    """A match that is only a guess (another year typed, a film hardly anyone rated): asked
    about, with one button, instead of recorded."""
    if doubt is Doubt.OTHER_YEAR:
        text = _(
            "I know films up to {year} and have only <b>{title}</b> for “{query}”. Is it the "
            "one you mean? Tap it to rate it."
        )
    else:
        text = _(
            "Did you mean <b>{title}</b>? Few people have rated it, so I'm checking first "
            "(I know films up to {year}). Tap it to rate it."
        )
    return text.format(query=html.quote_html(query), title=html.title_html(title), year=latest_year)


def search_results(query: str, count: int) -> str:
    if count == 1:
        return _("Is this the one? Tap 👍 or 👎.")
    return _("Films matching “{query}”: tap 👍 or 👎.").format(query=html.quote_html(query))


def not_rated(query: str) -> str:
    return _("You haven't rated anything like “{query}”. See /ratings.").format(
        query=html.quote_html(query)
    )


def forgotten(movie_title: str | None) -> str:
    shown = html.title_html(movie_title) if movie_title else texts.unknown_film()
    return _("Forgotten: {title}.").format(title=shown)


def ratings_page(
    entries: Sequence[tuple[Movie | None, str | None]],
    values: Sequence[float],
    page: int,
    pages: int,
) -> str:
    """One page of /ratings: (catalogue film or None, stored title) with each value."""
    heading = "<b>" + _("Your ratings") + "</b>"
    if pages > 1:
        heading += " " + texts.page_label(page, pages)
    blocks = [heading]
    for number, ((movie, stored), value) in enumerate(zip(entries, values, strict=True), 1):
        if movie is not None:
            shown = html.title_html(movie.title)
        elif stored:
            shown = f"{html.title_html(stored)} <i>({texts.not_in_catalogue()})</i>"
        else:
            shown = f"<i>{texts.unknown_film()}</i>"
        blocks.append(f"{number}. {texts.mark(value)} {shown}")
    return html.join_blocks(blocks, "\n" + _("Tap ❌ to remove one."))


def undo_row(label: str, movie_id: int) -> list[InlineKeyboardButton]:
    """A done film's row: "👍 Title · undo"."""
    return [button(texts.with_undo(label), Undo(movie_id))]


def films_keyboard(
    entries: Sequence[tuple[int, str]], done: Marks | None = None
) -> InlineKeyboardMarkup:
    """One row per film: 👍 Title | 👎, or "👍 Title · undo" once rated."""
    done = done or {}
    rows = []
    for movie_id, name in entries:
        label = html.title_plain(name)
        if movie_id in done:
            rows.append(undo_row(f"{done[movie_id]} {label}", movie_id))
        else:
            rows.append(
                [
                    button(f"{texts.LIKE_MARK} {label}", Rate(Sign.LIKE, movie_id)),
                    button(texts.DISLIKE_MARK, Rate(Sign.DISLIKE, movie_id)),
                ]
            )
    return InlineKeyboardMarkup(rows)


def choose_keyboard(
    entries: Sequence[tuple[int, str]], value: float, done: Marks | None = None
) -> InlineKeyboardMarkup:
    """Ambiguous title: one button per candidate, recording the asked-for rating."""
    done = done or {}
    rows = []
    for movie_id, name in entries:
        label = html.title_plain(name, 50)
        if movie_id in done:
            rows.append(undo_row(f"{done[movie_id]} {label}", movie_id))
        else:
            rows.append([button(f"{texts.mark(value)} {label}", Rate(Sign.of(value), movie_id))])
    return InlineKeyboardMarkup(rows)


def recorded_keyboard(
    movie_ids: Sequence[int], still: Iterable[int] | None = None
) -> InlineKeyboardMarkup:
    """Undo per recorded film still rated (numbered as in the message), then Recommend."""
    keep = set(movie_ids if still is None else still)
    rows: list[list[InlineKeyboardButton]] = []
    if len(movie_ids) == 1:
        if movie_ids[0] in keep:
            rows.append([button(texts.undo(), Undo(movie_ids[0]))])
    else:
        undo = [
            button(f"{texts.undo()} {n}", Undo(m)) for n, m in enumerate(movie_ids, 1) if m in keep
        ]
        rows.extend(undo[i : i + ROW] for i in range(0, len(undo), ROW))
    rows.append([button(texts.recommend(), More(0))])
    return InlineKeyboardMarkup(rows)


def ratings_keyboard(
    movie_ids: Sequence[int], page: int, pages: int, newest_import: tuple[int, str] | None = None
) -> InlineKeyboardMarkup:
    """❌ n per rating, paging, and ↩️ for the newest import when some ratings came from one."""
    buttons = [
        button(f"{texts.REMOVE_MARK} {number}", Remove(movie_id, page))
        for number, movie_id in enumerate(movie_ids, 1)
    ]
    rows = [buttons[i : i + ROW] for i in range(0, len(buttons), ROW)]
    rows = paging(rows, page, pages, RatingsPage)
    if newest_import is not None:
        import_id, day = newest_import
        label = _("↩️ Undo the import of {day}").format(day=day)
        rows.append([button(label, UndoImported(import_id, page))])
    return InlineKeyboardMarkup(rows)


def ratings_imported() -> str:
    """Under /ratings when some of them came from an import."""
    return _("📥 Some of these came from a file: /import lists your imports, with ↩️ Undo.")


def import_undone(count: int) -> str:
    return ngettext(
        "↩️ Import undone: {count} film is back as it was before.",
        "↩️ Import undone: {count} films are back as they were before.",
        count,
    ).format(count=count)


def import_already_undone() -> str:
    return _("That import is undone already.")
