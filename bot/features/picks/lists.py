"""The picks feature's messages with buttons: a person's picks (with the filter they were made
with, which More and the chips keep, why each film was picked, and the card open now, if any),
the filter menu and the genre / decade chips."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.ui.callback_data import decode_filter, filter_code
from bot.ui.lists import ListKind
from movierec.filters import Filter


@dataclass(frozen=True)
class Why:
    """Why a film was picked: the person's likes that explain it, and how many people of their
    taste liked it (of how many)."""

    because: tuple[int, ...] = ()
    support: int = 0
    neighbors: int = 0


@dataclass(frozen=True)
class PicksPayload:
    """A person's picks list: the filter it was made with (More and the chips keep it), why
    each film was picked (a card and Back show it again), the film whose card is open (0: the
    list) and whether the message is a lone card (opened from someone else's list)."""

    filter: Filter = field(default_factory=Filter)
    card: int = 0
    alone: bool = False
    why: dict[int, Why] = field(default_factory=dict)

    def encode(self) -> tuple[str, float]:
        reasons = ";".join(
            f"{m}:{'.'.join(map(str, w.because))}:{w.support}:{w.neighbors}"
            for m, w in self.why.items()
        )
        extra = f"{filter_code(self.filter)}|{self.card}|{int(self.alone)}|{reasons}"
        return extra, 0.0

    @classmethod
    def decode(cls, extra: str, value: float) -> PicksPayload:
        if "|" not in extra:  # a list from before the cards: its filter only
            return cls(decode_filter(extra) or Filter())
        try:
            code, card, alone, reasons = extra.split("|", 3)
            why = {}
            for item in filter(None, reasons.split(";")):
                movie, because, support, neighbors = item.split(":")
                ids = tuple(int(b) for b in because.split(".") if b)
                why[int(movie)] = Why(ids, int(support), int(neighbors))
            return cls(decode_filter(code) or Filter(), int(card), alone == "1", why)
        except ValueError:
            return cls()


# a person's picks: one button per film (its card, in place), More, 🎛; edited as a whole
PICKS = ListKind.declare("picks", PicksPayload, whole=True)
CHIPS = ListKind.declare("chips")  # genre or decade chips that re-run the picks with a filter
