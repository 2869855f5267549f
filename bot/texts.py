"""Everything the bot says, as HTML with every title escaped, short enough for a phone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from movierec.recommender import GroupPick, Movie, Pick
from movierec.titles import Candidate, display_title

MAX_MESSAGE = 4096

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
    "/recommend (or /rec) – five picks for you, with buttons to rate, hide or see more\n"
    "/ratings – what you rated, with ❌ to remove any\n"
    "/forget <i>title</i> – e.g. <code>/forget Titanic</code>\n"
    "/reset – forget all your ratings here (asks first)\n"
    "/movienight (or /group) – picks for everyone in this group who rated something\n"
    "/privacy – what I store and where\n"
    "/deletemydata – delete everything I hold about you (asks first)\n\n"
    "In a private chat you can also just send a title, like <code>the matrix</code>.\n"
    "<b>Movie nights:</b> each member's taste counts the same; a film anyone rated is never "
    "picked, and a film people with your taste clearly dislike is vetoed."
)

PRIVACY = (
    "<b>What I store</b>\n"
    "• your Telegram user id and the ids of the chats you use me in\n"
    "• the films you liked, disliked or hid, per chat\n"
    "• in groups, your first name, to say whose taste a pick matches\n"
    "Nothing else: no messages, no phone number. It is kept in a database on the server that "
    "runs this bot, and never shared.\n"
    "/deletemydata removes all of it."
)

ASK_LIKE = "👍 Which film do you like? Reply with its title (or several, separated by commas)."
ASK_DISLIKE = "👎 Which film don't you like? Reply with its title."
ASK_FORGET = "Which film should I forget? Send /forget followed by its title."
NOT_UNDERSTOOD = "I can only read film titles here. Try /help."
SLOW_DOWN = "⏳ Slow down a little, please: I'll answer again in a few seconds."
STALE_BUTTON = "That button is no longer valid."
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


def title(movie_title: str) -> str:
    """A MovieLens title for display, escaped: "Matrix, The (1999)" -> "The Matrix (1999)"."""
    return escape(display_title(movie_title))


def short_title(movie_title: str, limit: int = 40) -> str:
    """For button labels (plain text, no HTML): shortened with an ellipsis."""
    text = display_title(movie_title)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def verb(value: float) -> str:
    return "like" if value > 0 else "dislike"


def recorded(entries: Sequence[tuple[str, float]]) -> str:
    """Confirmation of ratings just stored: (title, value) pairs."""
    lines = [f"{'👍' if v > 0 else '👎'} {title(t)}" for t, v in entries]
    return "Noted:\n" + "\n".join(lines) + "\n\n/recommend when you're ready."


def ambiguous(query: str, value: float) -> str:
    return f"Several films match “{escape(query[:100])}”. Which one do you {verb(value)}?"


def no_match(query: str, suggestions: Sequence[Candidate]) -> str:
    text = f"I couldn't find “{escape(query[:100])}”."
    if suggestions:
        text += " Did you mean one of these?"
    else:
        text += " Check the spelling, or try the original English title."
    return text


def search_results(query: str, count: int) -> str:
    if count == 1:
        return "Is this the one? Tap 👍 or 👎."
    return f"Films matching “{escape(query[:100])}”: tap 👍 or 👎."


def _genres(genres: Sequence[str]) -> str:
    return escape(" · ".join(genres[:3])) if genres else "—"


def picks(items: Sequence[Pick], offset: int, intro: str = "Your picks") -> str:
    lines = [f"🍿 <b>{escape(intro)}</b>"]
    for number, pick in enumerate(items, offset + 1):
        lines.append(
            f"\n<b>{number}. {title(pick.title)}</b>\n<i>{_genres(pick.genres)}</i>\n"
            f"liked by {pick.support} of {pick.neighbors} people with your taste"
        )
    lines.append("\nRate a pick to refine the next list.")
    return "\n".join(lines)


def group_picks(items: Sequence[GroupPick], offset: int, names: Mapping[int, str]) -> str:
    lines = ["🍿 <b>Movie night picks</b>"]
    for number, pick in enumerate(items, offset + 1):
        fans = [escape(names.get(int(member), "someone")) for member in pick.matches]  # type: ignore[call-overload]
        who = ", ".join(fans) if fans else "a bit of everyone"
        lines.append(
            f"\n<b>{number}. {title(pick.title)}</b>\n<i>{_genres(pick.genres)}</i>\n"
            f"matches the taste of {who}"
        )
    lines.append(
        "\n<i>Everyone counts the same; films anyone rated are skipped; a film that people with "
        "one member's taste clearly dislike is vetoed.</i>"
    )
    return "\n".join(lines)


def ratings_page(
    entries: Sequence[Movie | None], values: Sequence[float], page: int, pages: int
) -> str:
    lines = [
        f"<b>Your ratings</b> (page {page + 1} of {pages})" if pages > 1 else "<b>Your ratings</b>"
    ]
    for number, (movie, value) in enumerate(zip(entries, values, strict=True), 1):
        name = title(movie.title) if movie else "an unknown film"
        lines.append(f"{number}. {'👍' if value > 0 else '👎'} {name}")
    lines.append("\nTap ❌ to remove one.")
    return "\n".join(lines)


def fit(text: str) -> str:
    """Never exceed Telegram's 4096 characters (a last resort; messages are built short)."""
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 2] + "…"
