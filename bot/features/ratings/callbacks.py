"""The ratings feature's buttons: 👍 / 👎 a film, undo, ❌ under /ratings, its pages, /reset."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.storage import Opinion
from bot.ui.callback_data import CallbackData

MAX_PAGE = 1_000


class Sign(StrEnum):
    LIKE = "+"
    DISLIKE = "-"

    @property
    def opinion(self) -> Opinion:
        return Opinion.LIKE if self is Sign.LIKE else Opinion.DISLIKE

    @staticmethod
    def of(value: float) -> Sign:
        return Sign.LIKE if value > 0 else Sign.DISLIKE


@dataclass(frozen=True)
class Rate(CallbackData):
    """👍 / 👎 a film (`r:+:2571`): for whoever presses, under any list."""

    prefix = "r"
    film_field = "movie_id"
    remembers = True
    sign: Sign
    movie_id: int


@dataclass(frozen=True)
class Undo(CallbackData):
    """Undo my rating, hide or save of a film (`u:2571`)."""

    prefix = "u"
    movie_id: int


@dataclass(frozen=True)
class Remove(CallbackData):
    """❌ under /ratings: forget the rating, then show page `page` (`x:2571:0`)."""

    prefix = "x"
    movie_id: int
    page: int

    def valid(self) -> bool:
        return self.page <= MAX_PAGE


@dataclass(frozen=True)
class RatingsPage(CallbackData):
    """◀️ / ▶️ under /ratings (`p:1`)."""

    prefix = "p"
    page: int

    def valid(self) -> bool:
        return self.page <= MAX_PAGE


@dataclass(frozen=True)
class ConfirmReset(CallbackData):
    """/reset's Yes / Cancel (`z:y`, `z:n`)."""

    prefix = "z"
    needs_owner = True
    yes: bool


@dataclass(frozen=True)
class UndoImported(CallbackData):
    """↩️ under /ratings (`ri:<import>:<page>`): take back the newest import of a history
    (bot.features.imports), then show page `page` again."""

    prefix = "ri"
    import_id: int
    page: int

    def valid(self) -> bool:
        return self.page <= MAX_PAGE
