"""Every user-facing string of the bot (messages, button labels, toasts), as Telegram HTML with
every title, name and echoed query escaped, short enough for a phone.

Every string is a function, translated when it is called into the language of the update being
handled (`bot.i18n`): a module constant would be translated once, at import, for everyone. The
English text is the gettext message id; placeholders are named (`{title}`) and filled after
translation, so a translator can move them; counts go through `ngettext` (Russian has three plural
forms). Sentences are never glued from translated fragments ("you" + "like"): each variant is a
whole message, because word order and agreement differ between languages. Film titles are never
translated; genre names and filter labels are (`genre_name`, `filter_label`).

Length is counted as Telegram counts it: the visible text after entity parsing, in UTF-16 code
units (an emoji outside the Basic Multilingual Plane counts two). Messages are assembled from
whole blocks (`join_blocks`), so a long message is cut between blocks and never inside a tag or
an `&amp;` entity.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from html import escape, unescape

from bot.i18n import N_, _, ngettext
from movierec.filters import Label, YearKind, YearLabel
from movierec.recommender import Catalogue, GroupPick, Movie, Pick
from movierec.titles import Candidate, display_title

MAX_MESSAGE = 4096  # Telegram's limit, in UTF-16 code units of the visible text
MAX_TOAST = 200  # callback answers
MAX_NAME = 32  # a member's first name as shown in movie-night picks
MAX_QUOTE = 100  # an echoed query


def welcome() -> str:
    """The welcome above a list of films to rate (when there are no first questions to ask)."""
    return welcome_intro() + "\n\n" + _("Seen any of these? Tap 👍 or 👎:")


def welcome_intro() -> str:
    """What the bot does, in three lines: the top of /start, above the first question."""
    return _(
        "🎬 <b>Hi! I recommend films you haven't seen and will probably enjoy.</b>\n"
        "Tell me what you like with /like <i>title</i> and what you don't with /dislike "
        "<i>title</i>,\n"
        "then ask /recommend. In a group, everyone rates and /movienight picks for all."
    )


def help_text() -> str:
    return _(
        "<b>What I understand</b>\n"
        "/like <i>titles</i> – e.g. <code>/like The Matrix, Toy Story</code>\n"
        "/dislike <i>titles</i> – e.g. <code>/dislike Titanic</code>\n"
        "/start – a few quick questions (have you seen…?) so that your first picks fit\n"
        "/recommend (or /rec) – five picks for you, with buttons to rate, hide, save or see more\n"
        "/rec <i>genre or years</i> – e.g. <code>/rec comedy</code>, <code>/rec 90s sci-fi</code>, "
        "<code>/rec after 2010</code>\n"
        "/watchlist – films you saved with 🔖, with ✅ once you watched one\n"
        "/ratings – what you rated, with ❌ to remove any\n"
        "/forget <i>title</i> – e.g. <code>/forget Titanic</code>\n"
        "/reset – forget all your ratings here (asks first)\n"
        "/movienight (or /group) – picks for everyone in this group who rated something\n"
        "/language – speak to me in another language\n"
        "/privacy – what I store and where\n"
        "/deletemydata – delete everything I hold about you (asks first)\n\n"
        "In a private chat you can also just send a title, like <code>the matrix</code>, or ask "
        "in words, like <code>something funny from the 90s</code>.\n"
        "Made a typo? Edit your /like message: I replace what it recorded.\n"
        "<b>Movie nights:</b> each member's taste counts the same; a film anyone rated is never "
        "picked, and a film people with your taste clearly dislike is vetoed. Buttons under "
        "someone else's list record your own rating and leave their list as it is."
    )


def privacy() -> str:
    return _(
        "<b>What I store</b>\n"
        "• your Telegram user id and the ids of the chats you use me in\n"
        "• the films you liked, disliked or hid, per chat, with their titles\n"
        "• in groups, your first name, to say whose taste a pick matches\n"
        "• which of my messages with buttons belong to you, so that only you can use them\n"
        "• the language you chose with /language, if you chose one\n"
        "Nothing else: no messages, no phone number. It is kept in a database on the server that "
        "runs this bot, and never shared. The bot's logs hold no names, no message texts and no "
        "plain ids: only keyed hashes of ids.\n"
        "/deletemydata removes all of it at once, from the database files too; the log notes only "
        "how many records were deleted."
    )


def ask_like() -> str:
    return _("👍 Which film do you like? Reply with its title (or several, separated by commas).")


def ask_dislike() -> str:
    return _("👎 Which film don't you like? Reply with its title.")


def ask_forget() -> str:
    return _("Which film should I forget? Send /forget followed by its title.")


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


def no_ratings() -> str:
    return _("You haven't rated anything yet. Try /like <i>title</i>, or /start for ideas.")


def nothing_left() -> str:
    return _("I have nothing more to suggest right now. Rate a few more films and ask again.")


def group_empty() -> str:
    return _("Nobody here has rated a film yet. Each of you: /like <i>title</i> first!")


def group_only() -> str:
    return _("/movienight works in groups. Here, /recommend gives you your own picks.")


def reset_ask() -> str:
    return _("Forget <b>all</b> your ratings in this chat?")


def reset_done(count: int) -> str:
    return ngettext(
        "Done: I forgot {count} rating. Start again with /like <i>title</i>.",
        "Done: I forgot {count} ratings. Start again with /like <i>title</i>.",
        count,
    ).format(count=count)


def delete_ask() -> str:
    return _("Delete <b>everything</b> I hold about you, in every chat? This cannot be undone.")


def delete_done(count: int) -> str:
    return ngettext(
        "Deleted: I no longer hold anything about you ({count} record removed).",
        "Deleted: I no longer hold anything about you ({count} records removed).",
        count,
    ).format(count=count)


def cancelled() -> str:
    return _("Cancelled: nothing changed.")


def unknown_film() -> str:
    return _("a film no longer in the catalogue")


def not_in_catalogue() -> str:
    return _("no longer in the catalogue")


def watchlist_empty() -> str:
    return _(
        "Your watchlist is empty. Tap 🔖 under a pick to save it for later; saved films are never "
        "suggested again."
    )


def saved() -> str:
    return _("🔖 Saved for later: see /watchlist.")


def already_saved() -> str:
    return _("Already on your /watchlist.")


def unsaved() -> str:
    return _("Removed from your watchlist.")


def watched_ask(movie_title: str) -> str:
    return _("✅ You watched {title}. Did you like it?").format(title=title(movie_title))


def roster_empty_toast() -> str:
    return _("Nobody is in yet: tap 🙋 I'm in first.")


def roster_joined() -> str:
    return _("You're in for tonight.")


def roster_left() -> str:
    return _("Maybe next time.")


def rate_first() -> str:
    return _("Rate a few films first (in our private chat): they count here too.")


def no_roster() -> str:
    return _("That movie night is over: send /movienight to start another.")


def vote_open() -> str:
    return _("A vote is already open: answer it above.")


def vote_started() -> str:
    return _("📊 Vote started.")


def vote_closed() -> str:
    return _("The vote is closed.")


def not_in_roster() -> str:
    return _("Only people who are in tonight can close the vote.")


def vote_question() -> str:
    return _("🍿 What shall we watch tonight?")


def history_empty() -> str:
    return _("No movie night has chosen a film here yet. /movienight starts one.")


def im_in() -> str:
    return _("🙋 I'm in")


def privacy_more() -> str:
    """What /privacy adds since movie nights, the watchlist and languages came."""
    return _(
        "Also: your watchlist, the language you chose, and in groups whether you joined a "
        "movie night and how you voted. /deletemydata removes those too."
    )


def question(number: int, movie_title: str) -> str:
    """One of the first questions: "Question 2: have you seen <b>Alien (1979)</b>?"."""
    return _("Question {n}: have you seen <b>{title}</b>?").format(
        n=number, title=title(movie_title)
    )


def batch_question(number: int, entries: Sequence[tuple[str, float | None]]) -> str:
    """A first question that shows a few films: "Question 1: have you seen any of these?", the
    numbered titles (👍 / 👎 after the ones already answered), and what to tap."""
    lines = [_("Question {n}: have you seen any of these?").format(n=number), ""]
    for position, (movie_title, value) in enumerate(entries, 1):
        done = f" — {mark(value)}" if value else ""
        lines.append(f"{position}. <b>{title(movie_title)}</b>{done}")
    lines += ["", _("Tap 👍 or 👎 for each one you have seen.")]
    return "\n".join(lines)


def none_of_these() -> str:
    return _("🤷 None of these")


def next_question() -> str:
    return _("Next question ›")


def liked_it() -> str:
    return _("👍 Liked it")


def disliked_it() -> str:
    return _("👎 Didn't like it")


def not_seen() -> str:
    return _("🤷 Haven't seen it")


def not_seen_noted() -> str:
    return _("Noted: not seen.")


def show_my_picks() -> str:
    return _("🍿 Show my picks")


def questions_done() -> str:
    return _("Thanks! That's enough to start: here are your picks.")


def rate_films_first() -> str:
    return _("🎬 Rate films first")


def help_more(bot_username: str) -> str:
    """What /help adds about movie-night history and inline mode (the bot's name filled in)."""
    return _(
        "/history – the films this group chose on movie nights\n"
        "In any chat, type @{bot} and a title to share a film card."
    ).format(bot=escape(bot_username))


def not_tonight() -> str:
    return _("🚪 Not tonight")


def pick_for_us() -> str:
    return _("🍿 Pick for us")


def vote_button() -> str:
    return _("📊 Vote")


def close_vote() -> str:
    return _("🏁 Close vote")


def open_bot() -> str:
    return _("🎬 Rate it with me")


def film_card_not_found() -> str:
    return _("I don't know that film any more. Try /start.")


def inline_rate_first() -> str:
    return _("Rate a few films first")


def film_from_link(card: str) -> str:
    """`card` is HTML (see `film_card`)."""
    return _("{card}\n\nSeen it? Tap 👍 or 👎, and ask /recommend for more like it.").format(
        card=card
    )


def hidden() -> str:
    return _("Hidden: I won't suggest it again.")


def undone() -> str:
    return _("Undone.")


def nothing_to_undo() -> str:
    return _("Nothing to undo.")


def removed() -> str:
    return _("Removed.")


def already_gone() -> str:
    return _("Already gone.")


def toast_cancelled() -> str:
    return _("Cancelled.")


def toast_done() -> str:
    return _("Done.")


def toast_deleted() -> str:
    return _("Deleted.")


def yes_reset() -> str:
    return _("Yes, forget them")


def yes_delete() -> str:
    return _("Yes, delete everything")


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


_INVISIBLE = re.compile(r"<[^>]*>")


def clean(text: str) -> str:
    """Drop control and format characters (bidi overrides such as U+202E, zero-width joiners
    used to spoof) from text we echo back or show as a name."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch == "\n")


def quote(query: str) -> str:
    """A person's query echoed back: cleaned, shortened, escaped."""
    text = clean(query).strip()
    if len(text) > MAX_QUOTE:
        text = text[: MAX_QUOTE - 1].rstrip() + "…"
    return escape(text)


def name(first_name: str | None) -> str:
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


def title(movie_title: str) -> str:
    """A MovieLens title for display, escaped: "Matrix, The (1999)" -> "The Matrix (1999)".
    Titles stay as the data set has them, in every language."""
    return escape(display_title(movie_title))


def short_title(movie_title: str, limit: int = 40) -> str:
    """For button labels (plain text, no HTML): shortened with an ellipsis."""
    text = display_title(movie_title)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def mark(value: float) -> str:
    return LIKE_MARK if value > 0 else DISLIKE_MARK


def recorded(entries: Sequence[tuple[str, float]]) -> str:
    """Confirmation of ratings just stored: (title, value) pairs, each film once."""
    lines = [f"{mark(v)} {title(t)}" for t, v in entries]
    return join_blocks([_("Noted:"), *lines], "\n" + _("/recommend when you're ready."))


def too_many_titles(read: int, dropped: int) -> str:
    text = ngettext(
        "I read {read} titles at a time; {dropped} more was not read: send it in another message.",
        "I read {read} titles at a time; {dropped} more were not read: send them in another "
        "message.",
        dropped,
    ).format(read=read, dropped=dropped)
    return f"<i>{text}</i>"


def noted(value: float, movie_title: str | None) -> str:
    if movie_title is None:
        return _("Noted: you like it.") if value > 0 else _("Noted: you dislike it.")
    shown = short_title(movie_title, 60)
    text = _("Noted: you like {title}.") if value > 0 else _("Noted: you dislike {title}.")
    return text.format(title=shown)


def noted_for_you(value: float, movie_title: str | None) -> str:
    """A press under someone else's list: recorded for the presser, the list left alone."""
    if movie_title is None:
        if value > 0:
            return _("Noted for you: you like it.")
        return _("Noted for you: you dislike it.")
    shown = short_title(movie_title, 60)
    if value > 0:
        return _("Noted for you: you like {title}.").format(title=shown)
    return _("Noted for you: you dislike {title}.").format(title=shown)


def hidden_for_you(movie_title: str | None) -> str:
    if movie_title is None:
        return _("Hidden for you: I won't suggest it to you again.")
    shown = short_title(movie_title, 60)
    return _("Hidden for you: I won't suggest {title} to you again.").format(title=shown)


def ambiguous(query: str, value: float) -> str:
    if value > 0:
        return _("Several films match “{query}”. Which one do you like?").format(query=quote(query))
    return _("Several films match “{query}”. Which one do you dislike?").format(query=quote(query))


def no_match(query: str, suggestions: Sequence[Candidate]) -> str:
    if suggestions:
        text = _("I couldn't find “{query}”. Did you mean one of these?")
    else:
        text = _(
            "I couldn't find “{query}”. Check the spelling, or try the original English title."
        )
    return text.format(query=quote(query))


def search_results(query: str, count: int) -> str:
    if count == 1:
        return _("Is this the one? Tap 👍 or 👎.")
    return _("Films matching “{query}”: tap 👍 or 👎.").format(query=quote(query))


def not_rated(query: str) -> str:
    return _("You haven't rated anything like “{query}”. See /ratings.").format(query=quote(query))


def forgotten(movie_title: str | None) -> str:
    shown = title(movie_title) if movie_title else unknown_film()
    return _("Forgotten: {title}.").format(title=shown)


def picks_intro(
    offset: int, first_name: str | None = None, group: bool = False, wanted: str = ""
) -> str:
    """The heading of a person's picks; in a group it says whose they are; with the filter."""
    if group:
        head = _("Picks for {name}").format(name=name(first_name))
    else:
        head = _("Your picks") if offset == 0 else _("More picks")
    return f"{head}: {escape(wanted)}" if wanted else head


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
    "2000–2005", "2015"."""
    lo, hi, kind = years.year_from, years.year_to, years.kind
    if kind is YearKind.DECADE and lo is not None:
        return decade(lo)
    if kind is YearKind.FROM:
        return _("since {year}").format(year=lo)
    if kind is YearKind.TO:
        return _("until {year}").format(year=hi)
    if kind is YearKind.NONE:
        return _("no year (since {since} and until {until})").format(since=lo, until=hi)
    return str(lo) if kind is YearKind.YEAR else f"{lo}–{hi}"


def filter_label(labels: Sequence[Label]) -> str:
    """ "Comedy or Drama · 1990s" from a filter's labels (plain text)."""
    parts = []
    for label in labels:
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


def read_as_request(label: str) -> str:
    """Plain text in a private chat that was read as a filtered request, said so."""
    return _(
        "I read that as a request for <b>{label}</b>. Looking for a film with that "
        "name? Send /like and its title."
    ).format(label=escape(label))


def nothing_matches(label: str) -> str:
    return _(
        "Nothing matches <b>{label}</b> for you right now. Try it wider: fewer genres, "
        "more years, or tap ✖️ Any film."
    ).format(label=escape(label))


def filter_not_understood(words: str) -> str:
    return _(
        "I didn't understand “{words}” as a genre or years. Try "
        "<code>/rec comedy</code>, <code>/rec 90s sci-fi</code> or <code>/rec after 2010</code>."
    ).format(words=quote(words))


def page_of(page: int, pages: int) -> str:
    return _("(page {page} of {pages})").format(page=page + 1, pages=pages)


def watchlist_page(
    entries: Sequence[tuple[int, str | None]], page: int, pages: int, links: Sequence[str] = ()
) -> str:
    """One page of /watchlist: (movie id, title or None) with optional link HTML per line."""
    heading = "🔖 <b>" + _("Your watchlist") + "</b>"
    if pages > 1:
        heading += " " + page_of(page, pages)
    blocks = [heading]
    for number, (_id, shown) in enumerate(entries, 1):
        link = f" {links[number - 1]}" if number - 1 < len(links) and links[number - 1] else ""
        blocks.append(f"{number}. {title(shown) if shown else unknown_film()}{link}")
    return join_blocks(blocks, "\n" + _("Tap ✅ when you have watched one, ❌ to remove it."))


def genres_line(genres: Sequence[str]) -> str:
    """A film's first three genres, translated, as plain text ("—" without any)."""
    return " · ".join(genre_name(g) for g in genres[:3]) if genres else "—"


def _genres(genres: Sequence[str]) -> str:
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


def because(titles: Sequence[str]) -> str:
    """ "because you liked The Matrix and Alien" (escaped), or "" without a reason."""
    shown = [title_short(t) for t in titles[:2]]
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
            f"\n<b>{number}. {title(pick.title)}</b>\n<i>{_genres(pick.genres)}</i>{link}\n"
            + detail
        )
    return join_blocks(blocks, "\n" + _("Rate a pick to refine the next list."))


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


def join_blocks_inline(names: Sequence[str], limit: int = 8) -> str:
    """ "Ann, Ben and 3 others": a bounded list of already-escaped names."""
    shown = list(names[:limit])
    if len(names) > limit:
        others = len(names) - limit
        shown.append(ngettext("{count} other", "{count} others", others).format(count=others))
    return ", ".join(shown)


def roster(names: Sequence[str], label: str, unrated: Sequence[str] = ()) -> str:
    """The movie-night roster: who is in tonight (names already escaped)."""
    head = _("🍿 <b>Movie night!</b> Who's in tonight?")
    if label:
        head += f"\n<i>{escape(label)}</i>"
    if not names:
        return head + "\n\n" + _("Nobody yet: tap 🙋 I'm in.")
    first = " <i>" + _("(rate a few films first)") + "</i>"
    lines = [f"• {n}{first if n in unrated else ''}" for n in names]
    heading = "<b>" + _("In ({count}):").format(count=len(names)) + "</b>"
    return join_blocks(
        [head, "", heading, *lines], "\n" + _("When everyone is in: 🍿 Pick for us.")
    )


def night_picks(
    items: Sequence[GroupPick],
    offset: int,
    names: Mapping[int, str],
    reasons: Mapping[tuple[int, int], str] | None = None,
) -> str:
    """Movie-night picks: whose taste each fits, with the film of theirs it is like:
    "fits Ann (Alien) and Ben (Heat)"."""
    reasons = reasons or {}
    blocks = ["🍿 <b>" + _("Movie night picks") + "</b>"]
    for number, pick in enumerate(items, offset + 1):
        fits = []
        for member in pick.matches:
            key = (pick.movie_id, int(str(member)))
            liked = f" ({title_short(reasons[key])})" if key in reasons else ""
            fits.append(name(names.get(int(str(member)))) + liked)
        if fits:
            who = _("fits {names}").format(names=join_blocks_inline(fits))
        else:
            who = _("fits a bit of everyone")
        blocks.append(
            f"\n<b>{number}. {title(pick.title)}</b>\n<i>{_genres(pick.genres)}</i>\n{who}"
        )
    return join_blocks(blocks, "\n<i>" + _("Tap 📊 Vote to decide together.") + "</i>")


def title_short(movie_title: str) -> str:
    return escape(short_title(movie_title, 30))


def poll_option(movie_title: str) -> str:
    """A poll option: Telegram allows 1-100 characters."""
    return short_title(movie_title, 100)


def winner(movie_title: str, votes: int, voters: int) -> str:
    tally = ngettext("{votes} of {voters} vote.", "{votes} of {voters} votes.", voters).format(
        votes=votes, voters=voters
    )
    return (
        "🏆 <b>"
        + _("Tonight: {title}").format(title=title(movie_title))
        + "</b>\n"
        + tally
        + " "
        + _("Enjoy the film! I won't suggest it to this group again (/history).")
    )


def history_page(entries: Sequence[tuple[str | None, str]]) -> str:
    """What this group chose: (title, date) pairs, newest first."""
    blocks = ["🎞 <b>" + _("Movie nights here") + "</b>"]
    for movie_title, when in entries:
        blocks.append(f"• {title(movie_title) if movie_title else unknown_film()} <i>({when})</i>")
    return join_blocks(blocks)


def film_card(movie_title: str, genres: Sequence[str], links: str = "") -> str:
    """A film shared from inline mode: title, genres, links."""
    card = f"🎬 <b>{title(movie_title)}</b>\n<i>{_genres(genres)}</i>"
    return card + (f"\n{links}" if links else "")


def ratings_page(
    entries: Sequence[tuple[Movie | None, str | None]],
    values: Sequence[float],
    page: int,
    pages: int,
) -> str:
    """One page of /ratings: (catalogue film or None, stored title) with each value."""
    heading = "<b>" + _("Your ratings") + "</b>"
    if pages > 1:
        heading += " " + page_of(page, pages)
    blocks = [heading]
    for number, ((movie, stored), value) in enumerate(zip(entries, values, strict=True), 1):
        if movie is not None:
            shown = title(movie.title)
        elif stored:
            shown = f"{title(stored)} <i>({not_in_catalogue()})</i>"
        else:
            shown = f"<i>{unknown_film()}</i>"
        blocks.append(f"{number}. {mark(value)} {shown}")
    return join_blocks(blocks, "\n" + _("Tap ❌ to remove one."))


# ------------------------------------------------------------------ /language
def choose_language(current: str) -> str:
    """The /language question; `current` is the language now spoken, named in itself."""
    return _(
        "🌐 <b>Which language should I speak?</b>\nNow: {language}. “Automatic” follows your "
        "Telegram app's language."
    ).format(language=escape(current))


def automatic_language() -> str:
    return _("🌐 Automatic (from Telegram)")


def language_set(language: str) -> str:
    """Said in the newly chosen language."""
    return _("Done: I'll speak {language} from now on.").format(language=escape(language))


def language_automatic() -> str:
    return _("Done: I'll follow your Telegram app's language.")


def fit(text: str) -> str:
    """A last resort for a message built elsewhere: cut on the visible text, between lines."""
    if visible_len(text) <= MAX_MESSAGE:
        return text
    return join_blocks(text.split("\n"))
