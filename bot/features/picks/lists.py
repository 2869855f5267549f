"""The picks feature's messages with buttons: a person's picks (with the filter they were made
with, which More and the chips keep) and the genre / decade chips."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.ui.callback_data import decode_filter, filter_code
from bot.ui.lists import ListKind
from movierec.filters import Filter


@dataclass(frozen=True)
class PicksPayload:
    """A person's picks list: the filter it was made with (More and the chips keep it)."""

    filter: Filter = field(default_factory=Filter)

    def encode(self) -> tuple[str, float]:
        return filter_code(self.filter), 0.0

    @classmethod
    def decode(cls, extra: str, value: float) -> PicksPayload:
        return cls(decode_filter(extra) or Filter())


PICKS = ListKind.declare("picks", PicksPayload)  # a person's picks: 👍 n | 👎 n | 🙈 n, More
CHIPS = ListKind.declare("chips")  # genre or decade chips that re-run the picks with a filter
