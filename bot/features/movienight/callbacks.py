"""Movie night's buttons: the roster's 🙋 / 🚪 / 🍿, More of the group's picks, 📊 / 🏁."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.ui.callback_data import CallbackData
from bot.ui.more import MAX_OFFSET, STEP
from movierec.filters import Filter


@dataclass(frozen=True)
class JoinNight(CallbackData):
    """🙋 I'm in (`n:i`): the roster is the pressed message."""

    prefix = "n:i"
    remembers = True


@dataclass(frozen=True)
class LeaveNight(CallbackData):
    """🚪 Not tonight (`n:o`)."""

    prefix = "n:o"


@dataclass(frozen=True)
class PickForUs(CallbackData):
    """🍿 Pick for us (`n:p`): picks for who is in."""

    prefix = "n:p"


@dataclass(frozen=True)
class GroupMore(CallbackData):
    """More of the group's picks (`g:5`); the roster comes from the pressed list."""

    prefix = "g"
    offset: int
    filter: Filter = field(default_factory=Filter)

    def valid(self) -> bool:
        return self.offset <= MAX_OFFSET and self.offset % STEP == 0


@dataclass(frozen=True)
class StartVote(CallbackData):
    """📊 Vote under movie-night picks (`q:v`): a poll of those picks."""

    prefix = "q:v"


@dataclass(frozen=True)
class CloseVote(CallbackData):
    """🏁 Close vote under the poll (`q:c`): people in tonight only."""

    prefix = "q:c"
