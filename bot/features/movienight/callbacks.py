"""Movie night's buttons: the roster's 🙋 / 🚪 / 🍿 / 🃏, More of the group's picks, 📊 / 🏁, and
match mode's private 👍 / 👎 / 🙈 cards."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

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


@dataclass(frozen=True)
class MatchPrivately(CallbackData):
    """🃏 Match privately (`n:m`) under the roster: cards in each private chat (people in only);
    pressed again, it sends the presser their next card."""

    prefix = "n:m"


@dataclass(frozen=True)
class WaitForMatches(CallbackData):
    """How many matches to wait for before announcing (`n:w:2`): whoever started match mode."""

    prefix = "n:w"
    count: int

    def valid(self) -> bool:
        return 1 <= self.count <= MAX_WANTED


@dataclass(frozen=True)
class TakeMatch(CallbackData):
    """✅ Take the first match (`n:t`) under a match's announcement: tonight's film."""

    prefix = "n:t"


class Verdict(StrEnum):
    LIKE = "like"
    DISLIKE = "dislike"
    SEEN = "seen"


@dataclass(frozen=True)
class Swipe(CallbackData):
    """👍 / 👎 / 🙈 under a private match card (`sw:like`); the card says whose night it is."""

    prefix = "sw"
    verdict: Verdict


MAX_WANTED = 3  # the most matches a night may wait for
