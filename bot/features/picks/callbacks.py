"""The picks feature's buttons: 🙈 hide, More, the genre / decade chips and "any film"."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.ui.callback_data import CallbackData
from movierec.filters import Filter

MAX_OFFSET = 200
STEP = 5  # picks come five at a time


@dataclass(frozen=True)
class Hide(CallbackData):
    """🙈 not interested (`h:2571`): never suggested to the presser again."""

    prefix = "h"
    film_field = "movie_id"
    movie_id: int


@dataclass(frozen=True)
class More(CallbackData):
    """More of a person's picks from `offset`, with the list's filter (`m:5`, `m:5:4..`).
    Offset 0 ("Recommend" under a confirmation) gives the presser their own picks."""

    prefix = "m"
    offset: int
    filter: Filter = field(default_factory=Filter)

    def valid(self) -> bool:
        return self.offset <= MAX_OFFSET and self.offset % STEP == 0


@dataclass(frozen=True)
class Filtered(CallbackData):
    """A chip or "any film": the presser's own picks with that filter (`f:4.1990.1999`)."""

    prefix = "f"
    filter: Filter = field(default_factory=Filter)


class ChipKind(StrEnum):
    GENRE = "g"
    DECADE = "d"


@dataclass(frozen=True)
class Chips(CallbackData):
    """🎭 / 📅: chips of one kind, keeping the other half of the filter (`k:g:`, `k:d:4..`)."""

    prefix = "k"
    which: ChipKind
    filter: Filter = field(default_factory=Filter)
