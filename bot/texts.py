"""Every user-facing string of the bot (messages, button labels, toasts), as Telegram HTML with
every title, name and echoed query escaped, short enough for a phone.

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

from movierec.recommender import Catalogue, GroupPick, Movie, Pick
from movierec.titles import Candidate, display_title

MAX_MESSAGE = 4096  # Telegram's limit, in UTF-16 code units of the visible text
MAX_TOAST = 200  # callback answers
MAX_NAME = 32  # a member's first name as shown in movie-night picks
MAX_QUOTE = 100  # an echoed query

# ------------------------------------------------------------------ fixed messages
WELCOME = (
    "🎬 <b>Hi! I recommend films you haven't seen and will probably enjoy.</b>\n"
    "Tell me what you like with /like <i>title</i> and what you don't with /dislike <i>title</i>,\n"
    "then ask /recommend. In a group, everyone rates and /movienight picks for all.\n\n"
    "Seen any of these? Tap 👍 or 👎:"
)

HELP = (
    "<b>What I understand</b>\n"
    "/like <i>titles</i> – e.g. <code>/like The Matrix, Toy Story</code>\n"
    "/dislike <i>titles</i> – e.g. <code>/dislike Titanic</code>\n"
    "/recommend (or /rec) – five picks for you, with buttons to rate, hide, save or see more\n"
    "/rec <i>genre or years</i> – e.g. <code>/rec comedy</code>, <code>/rec 90s sci-fi</code>, "
    "<code>/rec after 2010</code>\n"
    "/watchlist – films you saved with 🔖, with ✅ once you watched one\n"
    "/ratings – what you rated, with ❌ to remove any\n"
    "/forget <i>title</i> – e.g. <code>/forget Titanic</code>\n"
    "/reset – forget all your ratings here (asks first)\n"
    "/movienight (or /group) – picks for everyone in this group who rated something\n"
    "/privacy – what I store and where\n"
    "/deletemydata – delete everything I hold about you (asks first)\n\n"
    "In a private chat you can also just send a title, like <code>the matrix</code>, or ask "
    "in words, like <code>something funny from the 90s</code>.\n"
    "Made a typo? Edit your /like message: I replace what it recorded.\n"
    "<b>Movie nights:</b> each member's taste counts the same; a film anyone rated is never "
    "picked, and a film people with your taste clearly dislike is vetoed. Buttons under "
    "someone else's list record your own rating and leave their list as it is."
)

PRIVACY = (
    "<b>What I store</b>\n"
    "• your Telegram user id and the ids of the chats you use me in\n"
    "• the films you liked, disliked or hid, per chat, with their titles\n"
    "• in groups, your first name, to say whose taste a pick matches\n"
    "• which of my messages with buttons belong to you, so that only you can use them\n"
    "Nothing else: no messages, no phone number. It is kept in a database on the server that "
    "runs this bot, and never shared. The bot's logs hold no names, no message texts and no "
    "plain ids: only keyed hashes of ids.\n"
    "/deletemydata removes all of it at once, from the database files too; the log notes only "
    "how many records were deleted."
)

ASK_LIKE = "👍 Which film do you like? Reply with its title (or several, separated by commas)."
ASK_DISLIKE = "👎 Which film don't you like? Reply with its title."
ASK_FORGET = "Which film should I forget? Send /forget followed by its title."
SLOW_DOWN = "⏳ Slow down a little, please: I'll answer again in a few seconds."
STALE_BUTTON = "That button is no longer valid."
NOT_YOURS = "These buttons belong to whoever asked. Send the command yourself for your own."
EXPIRED = "This question has expired: send the command again."
ERROR = "😕 Sorry, something went wrong on my side. Please try again."
NO_RATINGS = "You haven't rated anything yet. Try /like <i>title</i>, or /start for ideas."
NOTHING_LEFT = "I have nothing more to suggest right now. Rate a few more films and ask again."
GROUP_EMPTY = "Nobody here has rated a film yet. Each of you: /like <i>title</i> first!"
GROUP_ONLY = "/movienight works in groups. Here, /recommend gives you your own picks."
RESET_ASK = "Forget <b>all</b> your ratings in this chat?"
RESET_DONE = "Done: I forgot {count} rating(s). Start again with /like <i>title</i>."
DELETE_ASK = "Delete <b>everything</b> I hold about you, in every chat? This cannot be undone."
DELETE_DONE = "Deleted: I no longer hold anything about you ({count} record(s) removed)."
CANCELLED = "Cancelled: nothing changed."
UNKNOWN_FILM = "a film no longer in the catalogue"
NOT_IN_CATALOGUE = "no longer in the catalogue"

WATCHLIST_EMPTY = (
    "Your watchlist is empty. Tap 🔖 under a pick to save it for later; saved films are never "
    "suggested again."
)
SAVED = "🔖 Saved for later: see /watchlist."
ALREADY_SAVED = "Already on your /watchlist."
UNSAVED = "Removed from your watchlist."
WATCHED_ASK = "✅ You watched {title}. Did you like it?"

ROSTER_EMPTY_TOAST = "Nobody is in yet: tap 🙋 I'm in first."
ROSTER_JOINED = "You're in for tonight."
ROSTER_LEFT = "Maybe next time."
RATE_FIRST = "Rate a few films first (in our private chat): they count here too."
NO_ROSTER = "That movie night is over: send /movienight to start another."
VOTE_OPEN = "A vote is already open: answer it above."
VOTE_STARTED = "📊 Vote started."
VOTE_CLOSED = "The vote is closed."
NOT_IN_ROSTER = "Only people who are in tonight can close the vote."
VOTE_QUESTION = "🍿 What shall we watch tonight?"
HISTORY_EMPTY = "No movie night has chosen a film here yet. /movienight starts one."
IM_IN = "🙋 I'm in"
NOT_TONIGHT = "🚪 Not tonight"
PICK_FOR_US = "🍿 Pick for us"
VOTE_BUTTON = "📊 Vote"
CLOSE_VOTE = "🏁 Close vote"
OPEN_BOT = "🎬 Rate it with me"
FILM_CARD_NOT_FOUND = "I don't know that film any more. Try /start."
INLINE_RATE_FIRST = "Rate a few films first"
FILM_FROM_LINK = "{card}\n\nSeen it? Tap 👍 or 👎, and ask /recommend for more like it."

# ------------------------------------------------------------------ toasts (callback answers)
HIDDEN = "Hidden: I won't suggest it again."
UNDONE = "Undone."
NOTHING_TO_UNDO = "Nothing to undo."
REMOVED = "Removed."
ALREADY_GONE = "Already gone."
TOAST_CANCELLED = "Cancelled."
TOAST_DONE = "Done."
TOAST_DELETED = "Deleted."

# ------------------------------------------------------------------ button labels
YES_RESET = "Yes, forget them"
YES_DELETE = "Yes, delete everything"
CANCEL = "Cancel"
MORE = "More ▶️"
RECOMMEND = "🍿 Recommend"
UNDO = "↩️ Undo"
UNDO_SUFFIX = " · undo"
PREVIOUS = "◀️"
NEXT = "▶️"
LIKE_MARK, DISLIKE_MARK, HIDE_MARK, REMOVE_MARK = "👍", "👎", "🙈", "❌"
SAVE_MARK, WATCHED_MARK = "🔖", "✅"
GENRE_BUTTON = "🎭 Genre"
DECADE_BUTTON = "📅 Decade"
ANY_FILM_BUTTON = "✖️ Any film"
ANY_GENRE_BUTTON = "Any genre"
ANY_YEAR_BUTTON = "Any year"
OLDER_BUTTON = "Before 1950"
CHOOSE_GENRE = "🎭 Which genre?"
CHOOSE_DECADE = "📅 Which years?"

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
    budget = limit - visible_len(tail) - 40  # room for the "…and N more" note
    kept: list[str] = []
    used = 0
    for block in blocks:
        size = visible_len(block) + 1
        if used + size > budget:
            break
        kept.append(block)
        used += size
    if len(kept) < len(blocks):
        kept.append(f"<i>…and {len(blocks) - len(kept)} more</i>")
    return "\n".join([*kept, tail] if tail else kept)


def title(movie_title: str) -> str:
    """A MovieLens title for display, escaped: "Matrix, The (1999)" -> "The Matrix (1999)"."""
    return escape(display_title(movie_title))


def short_title(movie_title: str, limit: int = 40) -> str:
    """For button labels (plain text, no HTML): shortened with an ellipsis."""
    text = display_title(movie_title)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def verb(value: float) -> str:
    return "like" if value > 0 else "dislike"


def mark(value: float) -> str:
    return LIKE_MARK if value > 0 else DISLIKE_MARK


def recorded(entries: Sequence[tuple[str, float]]) -> str:
    """Confirmation of ratings just stored: (title, value) pairs, each film once."""
    lines = [f"{mark(v)} {title(t)}" for t, v in entries]
    return join_blocks(["Noted:", *lines], "\n/recommend when you're ready.")


def too_many_titles(read: int, dropped: int) -> str:
    return (
        f"<i>I read {read} titles at a time; {dropped} more were not read: send them in "
        "another message.</i>"
    )


def noted(value: float, movie_title: str | None) -> str:
    shown = short_title(movie_title, 60) if movie_title else "it"
    return f"Noted: you {verb(value)} {shown}."


def noted_for_you(value: float, movie_title: str | None) -> str:
    """A press under someone else's list: recorded for the presser, the list left alone."""
    shown = short_title(movie_title, 60) if movie_title else "it"
    return f"Noted for you: you {verb(value)} {shown}."


def hidden_for_you(movie_title: str | None) -> str:
    shown = short_title(movie_title, 60) if movie_title else "it"
    return f"Hidden for you: I won't suggest {shown} to you again."


def ambiguous(query: str, value: float) -> str:
    return f"Several films match “{quote(query)}”. Which one do you {verb(value)}?"


def no_match(query: str, suggestions: Sequence[Candidate]) -> str:
    text = f"I couldn't find “{quote(query)}”."
    if suggestions:
        text += " Did you mean one of these?"
    else:
        text += " Check the spelling, or try the original English title."
    return text


def search_results(query: str, count: int) -> str:
    if count == 1:
        return "Is this the one? Tap 👍 or 👎."
    return f"Films matching “{quote(query)}”: tap 👍 or 👎."


def not_rated(query: str) -> str:
    return f"You haven't rated anything like “{quote(query)}”. See /ratings."


def forgotten(movie_title: str | None) -> str:
    return f"Forgotten: {title(movie_title) if movie_title else UNKNOWN_FILM}."


def picks_intro(
    offset: int, first_name: str | None = None, group: bool = False, wanted: str = ""
) -> str:
    """The heading of a person's picks; in a group it says whose they are; with the filter."""
    if group:
        head = f"Picks for {name(first_name)}"
    else:
        head = "Your picks" if offset == 0 else "More picks"
    return f"{head}: {escape(wanted)}" if wanted else head


def genre_name(genre: str) -> str:
    """A MovieLens genre as shown on a button or in a heading."""
    return genre


def filter_label(genres: Sequence[str], years: str | None) -> str:
    """ "Comedy or Drama · 1990s" from the filter's labels (plain text)."""
    parts = []
    if genres:
        names = [genre_name(g) for g in genres]
        parts.append(names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1])
    if years:
        parts.append(years.replace("≥ ", "since ").replace("≤ ", "until "))
    return " · ".join(parts) if parts else "any film"


def read_as_request(label: str) -> str:
    """Plain text in a private chat that was read as a filtered request, said so."""
    return (
        f"I read that as a request for <b>{escape(label)}</b>. Looking for a film with that "
        "name? Send /like and its title."
    )


def nothing_matches(label: str) -> str:
    return (
        f"Nothing matches <b>{escape(label)}</b> for you right now. Try it wider: fewer genres, "
        "more years, or tap ✖️ Any film."
    )


def filter_not_understood(words: str) -> str:
    return (
        f"I didn't understand “{quote(words)}” as a genre or years. Try "
        "<code>/rec comedy</code>, <code>/rec 90s sci-fi</code> or <code>/rec after 2010</code>."
    )


def watchlist_page(
    entries: Sequence[tuple[int, str | None]], page: int, pages: int, links: Sequence[str] = ()
) -> str:
    """One page of /watchlist: (movie id, title or None) with optional link HTML per line."""
    heading = (
        f"🔖 <b>Your watchlist</b> (page {page + 1} of {pages})"
        if pages > 1
        else "🔖 <b>Your watchlist</b>"
    )
    blocks = [heading]
    for number, (_, shown) in enumerate(entries, 1):
        link = f" {links[number - 1]}" if number - 1 < len(links) and links[number - 1] else ""
        blocks.append(f"{number}. {title(shown) if shown else UNKNOWN_FILM}{link}")
    return join_blocks(blocks, "\nTap ✅ when you have watched one, ❌ to remove it.")


def _genres(genres: Sequence[str]) -> str:
    return escape(" · ".join(genres[:3])) if genres else "—"


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
    return "because you liked " + " and ".join(shown)


def picks(
    items: Sequence[Pick],
    offset: int,
    intro: str = "Your picks",
    links: Mapping[int, str] | None = None,
    reasons: Mapping[int, Sequence[str]] | None = None,
) -> str:
    """`intro` is HTML (see `picks_intro`); `links` HTML per movie id, where there are any;
    `reasons` the titles of the person's likes that explain each pick."""
    links, reasons = links or {}, reasons or {}
    blocks = [f"🍿 <b>{intro}</b>"]
    for number, pick in enumerate(items, offset + 1):
        link = f" · {links[pick.movie_id]}" if links.get(pick.movie_id) else ""
        support = f"liked by {pick.support} of {pick.neighbors} people with your taste"
        why = because(reasons.get(pick.movie_id, ()))
        detail = f"{why}\n<i>{support}</i>" if why else support
        blocks.append(
            f"\n<b>{number}. {title(pick.title)}</b>\n<i>{_genres(pick.genres)}</i>{link}\n"
            + detail
        )
    return join_blocks(blocks, "\nRate a pick to refine the next list.")


def join_blocks_inline(names: Sequence[str], limit: int = 8) -> str:
    """ "Ann, Ben and 3 others": a bounded list of already-escaped names."""
    shown = list(names[:limit])
    if len(names) > limit:
        shown.append(f"{len(names) - limit} others")
    return ", ".join(shown)


def roster(names: Sequence[str], label: str, unrated: Sequence[str] = ()) -> str:
    """The movie-night roster: who is in tonight (names already escaped)."""
    head = "🍿 <b>Movie night!</b> Who's in tonight?"
    if label:
        head += f"\n<i>{escape(label)}</i>"
    if not names:
        return head + "\n\nNobody yet: tap 🙋 I'm in."
    lines = [f"• {n}{' <i>(rate a few films first)</i>' if n in unrated else ''}" for n in names]
    return join_blocks(
        [head, "", f"<b>In ({len(names)}):</b>", *lines], "\nWhen everyone is in: 🍿 Pick for us."
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
    blocks = ["🍿 <b>Movie night picks</b>"]
    for number, pick in enumerate(items, offset + 1):
        fits = []
        for member in pick.matches:
            key = (pick.movie_id, int(str(member)))
            liked = f" ({title_short(reasons[key])})" if key in reasons else ""
            fits.append(name(names.get(int(str(member)))) + liked)
        who = join_blocks_inline(fits) if fits else "a bit of everyone"
        blocks.append(
            f"\n<b>{number}. {title(pick.title)}</b>\n<i>{_genres(pick.genres)}</i>\nfits {who}"
        )
    return join_blocks(blocks, "\n<i>Tap 📊 Vote to decide together.</i>")


def title_short(movie_title: str) -> str:
    return escape(short_title(movie_title, 30))


def poll_option(movie_title: str) -> str:
    """A poll option: Telegram allows 1-100 characters."""
    return short_title(movie_title, 100)


def winner(movie_title: str, votes: int, voters: int) -> str:
    return (
        f"🏆 <b>Tonight: {title(movie_title)}</b>\n{votes} of {voters} vote(s). Enjoy the film! "
        "I won't suggest it to this group again (/history)."
    )


def history_page(entries: Sequence[tuple[str | None, str]]) -> str:
    """What this group chose: (title, date) pairs, newest first."""
    blocks = ["🎞 <b>Movie nights here</b>"]
    for movie_title, when in entries:
        blocks.append(f"• {title(movie_title) if movie_title else UNKNOWN_FILM} <i>({when})</i>")
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
    heading = (
        f"<b>Your ratings</b> (page {page + 1} of {pages})" if pages > 1 else "<b>Your ratings</b>"
    )
    blocks = [heading]
    for number, ((movie, stored), value) in enumerate(zip(entries, values, strict=True), 1):
        if movie is not None:
            shown = title(movie.title)
        elif stored:
            shown = f"{title(stored)} <i>({NOT_IN_CATALOGUE})</i>"
        else:
            shown = f"<i>{UNKNOWN_FILM}</i>"
        blocks.append(f"{number}. {mark(value)} {shown}")
    return join_blocks(blocks, "\nTap ❌ to remove one.")


def fit(text: str) -> str:
    """A last resort for a message built elsewhere: cut on the visible text, between lines."""
    if visible_len(text) <= MAX_MESSAGE:
        return text
    return join_blocks(text.split("\n"))
