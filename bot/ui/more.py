"""More: the button that shows a person's picks, which several features put under their messages
("Recommend" under a rating's confirmation, More under picks and movie-night picks). It is
declared here, below every feature, so that showing it needs no import of the picks feature,
which handles it (`bot/features/picks/handlers.py`): features depend on each other one way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.ui.callback_data import CallbackData
from movierec.filters import Filter

MAX_OFFSET = 200
STEP = 5  # picks come five at a time


@dataclass(frozen=True)
class More(CallbackData):
    """More of a person's picks from `offset`, with the list's filter (`m:5`, `m:5:4..`).
    Offset 0 ("Recommend" under a confirmation) gives the presser their own picks."""

    prefix = "m"
    offset: int
    filter: Filter = field(default_factory=Filter)

    def valid(self) -> bool:
        return self.offset <= MAX_OFFSET and self.offset % STEP == 0
