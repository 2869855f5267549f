"""The ratings feature's messages with buttons: films to rate, an ambiguous title's candidates,
a confirmation with Undo, the pages of /ratings, /reset, and the "which film?" questions."""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage import Opinion
from bot.ui.lists import ListKind


@dataclass(frozen=True)
class ChoosePayload:
    """An ambiguous title: the rating the question asks for."""

    opinion: Opinion = Opinion.LIKE

    def encode(self) -> tuple[str, float]:
        return "", float(self.opinion)

    @classmethod
    def decode(cls, extra: str, value: float) -> ChoosePayload:
        return cls(Opinion.of(value))


FILMS = ListKind.declare("films")  # films to rate: 👍 Title | 👎 (welcome, search results)
CHOOSE = ListKind.declare("choose", ChoosePayload)  # an ambiguous title: a button per candidate
RECORDED = ListKind.declare("recorded")  # a confirmation: Undo per film, Recommend
RATINGS = ListKind.declare("ratings", whole=True)  # a page of /ratings: ❌ n, ◀️ ▶️
RESET = ListKind.declare("reset", whole=True)  # /reset confirmation
ASK_LIKE = ListKind.declare("ask-like")  # "Which film do you like?" (a reply records likes)
ASK_DISLIKE = ListKind.declare("ask-dislike")
