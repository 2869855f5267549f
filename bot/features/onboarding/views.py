"""The onboarding feature's texts and keyboards (see `bot.ui.texts` for how texts are written)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from bot.features.onboarding.callbacks import (
    Answer,
    JustShow,
    KeepAsking,
    NextQuestion,
    Seen,
    ShowPicks,
)
from bot.i18n import _
from bot.ui import html, texts
from bot.ui.keyboards import button


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


def question(number: int, movie_title: str) -> str:
    """One of the first questions: "Question 2: have you seen <b>Alien (1979)</b>?"."""
    return _("Question {n}: have you seen <b>{title}</b>?").format(
        n=number, title=html.title_html(movie_title)
    )


def batch_question(number: int, entries: Sequence[tuple[str, float | None]]) -> str:
    """A first question that shows a few films: "Question 1: have you seen any of these?", the
    numbered titles (👍 / 👎 after the ones already answered), and what to tap."""
    lines = [_("Question {n}: have you seen any of these?").format(n=number), ""]
    for position, (movie_title, value) in enumerate(entries, 1):
        done = f" — {texts.mark(value)}" if value else ""
        lines.append(f"{position}. <b>{html.title_html(movie_title)}</b>{done}")
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


def other_ways() -> str:
    """Instead of yet more famous films, for someone who has seen none of those asked."""
    return _(
        "Not your films? No problem, four other ways:\n"
        "✍️ type a few films you love, just their titles, one message each;\n"
        "📥 send me your Letterboxd or IMDb export (/import tells you how);\n"
        "🎲 see films many people love, and rate any you know;\n"
        "🔁 or let me ask about other films."
    )


def just_show() -> str:
    return _("🎲 Just show me")


def keep_asking() -> str:
    return _("🔁 Ask me about other films")


def loved_by_many() -> str:
    return _("Films many people love. Tap 👍 or 👎 on any you know, or type a film's title:")


def other_ways_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(just_show(), JustShow())], [button(keep_asking(), KeepAsking())]]
    )


def film_card_not_found() -> str:
    return _("I don't know that film any more. Try /start.")


def film_from_link(card: str) -> str:
    """`card` is HTML (see `film_card`)."""
    return _("{card}\n\nSeen it? Tap 👍 or 👎, and ask /recommend for more like it.").format(
        card=card
    )


def question_keyboard(movie_id: int, answered: bool) -> InlineKeyboardMarkup:
    """👍 / 👎 / 🤷 for the film asked about; "show my picks" once anything was answered."""
    rows = [
        [
            button(liked_it(), Answer(Seen.LIKED, movie_id)),
            button(disliked_it(), Answer(Seen.DISLIKED, movie_id)),
        ],
        [button(not_seen(), Answer(Seen.NOT_SEEN, movie_id))],
    ]
    if answered:
        rows.append([button(show_my_picks(), ShowPicks())])
    return InlineKeyboardMarkup(rows)


def batch_question_keyboard(
    entries: Sequence[tuple[int, str]], answered: Sequence[int], any_answer: bool
) -> InlineKeyboardMarkup:
    """A question showing a few films: 👍 Title | 👎 for each one not answered yet, then "none
    of these" (or "next question" once one was answered) and "show my picks" after an answer."""
    rows = [
        [
            button(f"{texts.LIKE_MARK} {html.title_plain(name)}", Answer(Seen.LIKED, movie)),
            button(texts.DISLIKE_MARK, Answer(Seen.DISLIKED, movie)),
        ]
        for movie, name in entries
        if movie not in answered
    ]
    label = next_question() if answered else none_of_these()
    rows.append([button(label, NextQuestion())])
    if any_answer:
        rows.append([button(show_my_picks(), ShowPicks())])
    return InlineKeyboardMarkup(rows)
