"""The picks feature's buttons: a film's card and Back, 🙈 hide, 🎛 the filters, the genre /
decade chips and "any film" (More, which other features show too, is `bot.ui.more`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.ui.callback_data import CallbackData
from movierec.filters import Filter


@dataclass(frozen=True)
class Hide(CallbackData):
    """🙈 not interested (`h:2571`): never suggested to the presser again."""

    prefix = "h"
    film_field = "movie_id"
    movie_id: int


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


@dataclass(frozen=True)
class OpenCard(CallbackData):
    """A film of a picks list: its card, in place (`c:2571`); Next on a card is the same."""

    prefix = "c"
    film_field = "movie_id"
    movie_id: int


@dataclass(frozen=True)
class BackToList(CallbackData):
    """◀ Back: the list the card was opened from (`b`)."""

    prefix = "b"


@dataclass(frozen=True)
class Tune(CallbackData):
    """🎛 under a list: the genre / decade chips and "any film", folded into one button (`t:4..`)."""

    prefix = "t"
    filter: Filter = field(default_factory=Filter)
