"""Button data as a person's press sends it, built from the bot's own typed button kinds."""

from __future__ import annotations

from bot.features.account.callbacks import ConfirmDelete, SetCountry, SetGroupLanguage, SetLanguage
from bot.features.movienight.callbacks import (
    CloseVote,
    GroupMore,
    JoinNight,
    LeaveNight,
    MatchPrivately,
    PickForUs,
    StartVote,
    Swipe,
    TakeMatch,
    Verdict,
    WaitForMatches,
)
from bot.features.onboarding.callbacks import (
    Answer,
    JustShow,
    KeepAsking,
    NextQuestion,
    Seen,
    ShowPicks,
)
from bot.features.picks.callbacks import BackToList, Hide, OpenCard
from bot.features.ratings.callbacks import ConfirmReset, Rate, RatingsPage, Remove, Sign, Undo
from bot.features.watchlist.callbacks import Save, Unsave, Watched
from bot.ui.callback_data import decode, decode_filter
from bot.ui.more import More
from tests.support.fakegram import Message

__all__ = ["decode", "decode_filter"]


def rate(movie_id: int, value: float) -> str:
    return Rate(Sign.of(value), movie_id).encode()


def undo(movie_id: int) -> str:
    return Undo(movie_id).encode()


def hide(movie_id: int) -> str:
    return Hide(movie_id).encode()


def card(movie_id: int) -> str:
    return OpenCard(movie_id).encode()


def back() -> str:
    return BackToList().encode()


def save(movie_id: int) -> str:
    return Save(movie_id).encode()


def more(offset: int, group: bool = False) -> str:
    return (GroupMore(offset) if group else More(offset)).encode()


def remove(movie_id: int, page: int) -> str:
    """❌ under /ratings, on page `page`."""
    return Remove(movie_id, page).encode()


def page(number: int) -> str:
    return RatingsPage(number).encode()


def night(choice: str) -> str:
    """The roster's buttons: "i" I'm in, "o" not tonight, "p" pick for us, "m" match privately;
    under a match, "t" takes the first."""
    kinds = {
        "i": JoinNight(),
        "o": LeaveNight(),
        "p": PickForUs(),
        "m": MatchPrivately(),
        "t": TakeMatch(),
    }
    return kinds[choice].encode()


def swipe(verdict: str) -> str:
    """A private match card's 👍 ("like") / 👎 ("dislike") / 🙈 ("seen")."""
    return Swipe(Verdict(verdict)).encode()


def wait_for(count: int) -> str:
    """How many matches to wait for (whoever started match mode)."""
    return WaitForMatches(count).encode()


def vote(choice: str) -> str:
    """ "v" starts the vote, "c" closes it."""
    return (StartVote() if choice == "v" else CloseVote()).encode()


def language(code: str | None) -> str:
    return SetLanguage.of(code).encode()


def group_language(code: str | None) -> str:
    return SetGroupLanguage.of(code).encode()


def country(code: str | None) -> str:
    return SetCountry.of(code).encode()


def answer(movie_id: int, value: float | None) -> str:
    return Answer(Seen.of(value), movie_id).encode()


def answers(question: Message, value: float | None) -> list[str]:
    """A first question's answer buttons that say `value` (1.0 liked, -1.0 didn't like, None
    haven't seen), in the message's order."""
    seen = Seen.of(value)
    return [
        data
        for _, data in question.buttons()
        if isinstance(kind := decode(data), Answer) and kind.seen is seen
    ]


def first_question_buttons(question: Message) -> list[str]:
    """Every button of a first question: its answers, "next question" and "show my picks"."""
    kinds = (Answer, NextQuestion, ShowPicks)
    return [data for _, data in question.buttons() if isinstance(decode(data), kinds)]


def show_picks() -> str:
    return ShowPicks().encode()


def just_show() -> str:
    return JustShow().encode()


def keep_asking() -> str:
    return KeepAsking().encode()


def skip() -> str:
    return NextQuestion().encode()


def reset(yes: bool) -> str:
    return ConfirmReset(yes).encode()


def delete(yes: bool) -> str:
    return ConfirmDelete(yes).encode()


def watched(movie_id: int) -> str:
    return Watched(movie_id).encode()


def unsave(movie_id: int, page: int) -> str:
    return Unsave(movie_id, page).encode()
