"""The onboarding feature's message with buttons: the first questions."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ui.lists import ListKind


@dataclass(frozen=True)
class QuestionPayload:
    """The first questions: how many films the question now shown asks about (the last ones
    of `ListInfo.movie_ids`)."""

    size: int = 1

    def encode(self) -> tuple[str, float]:
        return str(self.size), 0.0

    @classmethod
    def decode(cls, extra: str, value: float) -> QuestionPayload:
        size = int(extra) if extra.isascii() and extra.isdigit() else 1
        return cls(max(size, 1))


# The first questions: liked / didn't / haven't seen, show my picks.
QUESTION = ListKind.declare("question", QuestionPayload, whole=True)
