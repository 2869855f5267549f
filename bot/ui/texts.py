"""The texts more than one feature shows: refusals and errors, film marks, genre names and
filter labels, links, a film card.

Every string is a function, translated when it is called into the language of the update being
handled (`bot.i18n`): a module constant would be translated once, at import, for everyone. The
English text is the gettext message id; placeholders are named (`{title}`) and filled after
translation, so a translator can move them; counts go through `ngettext` (Russian has three plural
forms). Sentences are never glued from translated fragments ("you" + "like"): each variant is a
whole message, because word order and agreement differ between languages. Film titles are never
translated; genre names and filter labels are (`genre_name`, `filter_label`). A feature's own texts
are in its `views` module."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.i18n import N_, _
from bot.ui import html
from movierec.filters import Filter, YearKind, YearLabel
from movierec.recommender import Catalogue


def slow_down() -> str:
    return _("⏳ Slow down a little, please: I'll answer again in a few seconds.")


def stale_button() -> str:
    return _("That button is no longer valid.")


def not_yours() -> str:
    return _("These buttons belong to whoever asked. Send the command yourself for your own.")


def expired() -> str:
    return _("This question has expired: send the command again.")


def error() -> str:
    return _("😕 Sorry, something went wrong on my side. Please try again.")


def store_away() -> str:
    return _(
        "⏳ I can't reach my memory for a moment. Nothing you sent is lost: "
        "I'll answer as soon as I can."
    )


def store_away_press() -> str:
    return _("⏳ I can't reach my memory for a moment: press again in a little while.")


def no_ratings() -> str:
    return _("You haven't rated anything yet. Try /like <i>title</i>, or /start for ideas.")


def nothing_left() -> str:
    return _("I have nothing more to suggest right now. Rate a few more films and ask again.")


def cancelled() -> str:
    return _("Cancelled: nothing changed.")


def unknown_film() -> str:
    return _("a film no longer in the catalogue")


def not_in_catalogue() -> str:
    return _("no longer in the catalogue")


def already_gone() -> str:
    return _("Already gone.")


def toast_cancelled() -> str:
    return _("Cancelled.")


def cancel() -> str:
    return _("Cancel")


def more() -> str:
    return _("More ▶️")


def recommend() -> str:
    return _("🍿 Recommend")


def undo() -> str:
    return _("↩️ Undo")


def with_undo(label: str) -> str:
    """A done film's button: "👍 Title · undo"."""
    return _("{label} · undo").format(label=label)


PREVIOUS = "◀️"


NEXT = "▶️"


LIKE_MARK, DISLIKE_MARK, HIDE_MARK, REMOVE_MARK = "👍", "👎", "🙈", "❌"


SAVE_MARK, WATCHED_MARK = "🔖", "✅"


def mark(value: float) -> str:
    return LIKE_MARK if value > 0 else DISLIKE_MARK


def noted(value: float, movie_title: str | None) -> str:
    if movie_title is None:
        return _("Noted: you like it.") if value > 0 else _("Noted: you dislike it.")
    shown = html.title_plain(movie_title, 60)
    text = _("Noted: you like {title}.") if value > 0 else _("Noted: you dislike {title}.")
    return text.format(title=shown)


# MovieLens genre names, marked for translation (ml-latest spells "Children's" as "Children").
_GENRE_NAMES = {
    "Action": N_("Action"),
    "Adventure": N_("Adventure"),
    "Animation": N_("Animation"),
    "Children's": N_("Children's"),
    "Children": N_("Children's"),
    "Comedy": N_("Comedy"),
    "Crime": N_("Crime"),
    "Documentary": N_("Documentary"),
    "Drama": N_("Drama"),
    "Fantasy": N_("Fantasy"),
    "Film-Noir": N_("Film-Noir"),
    "Horror": N_("Horror"),
    "IMAX": N_("IMAX"),
    "Musical": N_("Musical"),
    "Mystery": N_("Mystery"),
    "Romance": N_("Romance"),
    "Sci-Fi": N_("Sci-Fi"),
    "Thriller": N_("Thriller"),
    "War": N_("War"),
    "Western": N_("Western"),
}


def genre_name(genre: str) -> str:
    """A MovieLens genre as shown on a button or in a heading, in the person's language (a genre
    we do not know is shown as the data set spells it)."""
    known = _GENRE_NAMES.get(genre)
    return _(known) if known else genre


def decade(start: int) -> str:
    """A decade chip: "1990s", "1990-е", "1990er"."""
    return _("{decade}s").format(decade=start)


def years_label(years: YearLabel) -> str:
    """A filter's years in words of the person's language: "1990s", "since 2011", "until 1979",
    "2000–2005", "2015", "recent (2013–2023)"."""
    lo, hi, kind = years.year_from, years.year_to, years.kind
    if kind is YearKind.DECADE and lo is not None:
        return decade(lo)
    if kind is YearKind.RECENT:
        return _("recent ({start}–{end})").format(start=lo, end=hi)
    if kind is YearKind.FROM:
        return _("since {year}").format(year=lo)
    if kind is YearKind.TO:
        return _("until {year}").format(year=hi)
    if kind is YearKind.NONE:
        return _("no year (since {since} and until {until})").format(since=lo, until=hi)
    return str(lo) if kind is YearKind.YEAR else f"{lo}–{hi}"


def filter_label(wanted: Filter) -> str:
    """ "Comedy or Drama · 1990s": a filter in words of the person's language (plain text),
    from its language-neutral labels."""
    parts = []
    for label in wanted.labels():
        if isinstance(label, YearLabel):
            parts.append(years_label(label))
            continue
        names = [genre_name(g) for g in label.genres]
        if len(names) == 1:
            parts.append(names[0])
        else:
            parts.append(
                _("{genres} or {last}").format(genres=", ".join(names[:-1]), last=names[-1])
            )
    return " · ".join(parts) if parts else _("any film")


def nothing_matches(label: str) -> str:
    return _(
        "Nothing matches <b>{label}</b> for you right now. Try it wider: fewer genres, "
        "more years, or tap ✖️ Any film."
    ).format(label=escape(label))


def filter_not_understood(words: str) -> str:
    return _(
        "I didn't understand “{words}” as a genre or years. Try "
        "<code>/rec comedy</code>, <code>/rec 90s sci-fi</code> or <code>/rec recent</code>."
    ).format(words=html.quote_html(words))


def page_label(page: int, pages: int) -> str:
    return _("(page {page} of {pages})").format(page=page + 1, pages=pages)


def genres_line(genres: Sequence[str]) -> str:
    """A film's first three genres, translated, as plain text ("—" without any)."""
    return " · ".join(genre_name(g) for g in genres[:3]) if genres else "—"


def genres_html(genres: Sequence[str]) -> str:
    return escape(genres_line(genres))


def links_html(catalogue: Catalogue, movie_id: int) -> str:
    """IMDb / TMDB links of a film when the data set has them (ml-1m has none: nothing)."""
    found = catalogue.links(movie_id)
    if found is None:
        return ""
    parts = []
    if found.imdb:
        parts.append(f'<a href="{escape(found.imdb)}">IMDb</a>')
    if found.tmdb:
        parts.append(f'<a href="{escape(found.tmdb)}">TMDB</a>')
    return " · ".join(parts)


def film_card(movie_title: str, genres: Sequence[str], links: str = "") -> str:
    """A film shared from inline mode: title, genres, links."""
    card = f"🎬 <b>{html.title_html(movie_title)}</b>\n<i>{genres_html(genres)}</i>"
    return card + (f"\n{links}" if links else "")


def import_hint() -> str:
    """How to bring a history from elsewhere: /import, /help and onboarding's "None of these"
    say it (two lines, then the ask)."""
    return _(
        "📥 <b>Rated films elsewhere?</b> Letterboxd: Settings → Data → Export your data. "
        "IMDb: Your ratings → ⋯ → Export.\n"
        "Send me the file (the ZIP or a CSV) here as a document, and I import your ratings."
    )


def import_mapping() -> str:
    """How imported ratings are read (in /help and /import)."""
    return _(
        "Imported ratings: 3½★ or more (7/10 on IMDb) is a 👍, 2★ or less (4/10) a 👎, in "
        "between and watched without a rating count as seen (never suggested, not scored); "
        "a watchlist goes to your /watchlist. /export gives it all back as files."
    )


def help_import() -> str:
    """What /help says about imports."""
    return (
        _(
            "/import – bring your ratings from Letterboxd or IMDb (or just send me the file)\n"
            "/export – your ratings and watchlist as files"
        )
        + "\n"
        + import_mapping()
    )
