"""The onboarding feature's message with buttons: the first questions."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ui.lists import ListKind


@dataclass(frozen=True)
class QuestionPayload:
    """The first questions: how many films the question now shown asks about (the last ones
    of `ListInfo.movie_ids`), and the number of the question after which "none of these"
    last brought the other ways in (0: never), so that they come again only after two more."""

    size: int = 1
    offered_at: int = 0

    def encode(self) -> tuple[str, float]:
        if self.offered_at:
            return f"{self.size}.{self.offered_at}", 0.0
        return str(self.size), 0.0

    @classmethod
    def decode(cls, extra: str, value: float) -> QuestionPayload:
        size, _, offered = extra.partition(".")
        number = int(size) if size.isascii() and size.isdigit() else 1
        at = int(offered) if offered.isascii() and offered.isdigit() else 0
        return cls(max(number, 1), at)


# The first questions: liked / didn't / haven't seen, show my picks.
QUESTION = ListKind.declare("question", QuestionPayload, whole=True)
