"""The first questions' buttons: liked / didn't / haven't seen, "next question", "show my picks"."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.storage import Opinion
from bot.ui.callback_data import CallbackData


class Seen(StrEnum):
    LIKED = "+"
    DISLIKED = "-"
    NOT_SEEN = "0"

    @property
    def rating(self) -> Opinion | None:
        """What the answer records (nothing for a film not seen)."""
        return {Seen.LIKED: Opinion.LIKE, Seen.DISLIKED: Opinion.DISLIKE}.get(self)

    @staticmethod
    def of(value: float | None) -> Seen:
        if value is None:
            return Seen.NOT_SEEN
        return Seen.LIKED if value > 0 else Seen.DISLIKED


@dataclass(frozen=True)
class Answer(CallbackData):
    """A first question answered (`o:+:2571`, `o:-:2571`, `o:0:2571`)."""

    prefix = "o"
    seen: Seen
    movie_id: int


@dataclass(frozen=True)
class ShowPicks(CallbackData):
    """🍿 Show my picks (`o:p`): the questions end, the picks come."""

    prefix = "o:p"


@dataclass(frozen=True)
class JustShow(CallbackData):
    """🎲 Just show me (`o:j`), for someone who has seen none of the films asked about: films
    many people love, to rate or not, none of them asked before."""

    prefix = "o:j"


@dataclass(frozen=True)
class KeepAsking(CallbackData):
    """🔁 Ask me about other films (`o:k`): the questions go on."""

    prefix = "o:k"


@dataclass(frozen=True)
class NextQuestion(CallbackData):
    """The next question (`o:n`): whatever this one showed and got no answer was not seen."""

    prefix = "o:n"
