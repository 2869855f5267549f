"""The movie-night feature's messages with buttons: the roster and the group's picks."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.ui.callback_data import decode_filter, filter_code
from bot.ui.lists import ListKind
from movierec.filters import Filter


@dataclass(frozen=True)
class NightPayload:
    """Movie-night picks: their filter and the roster they came from (None: from before
    rosters, everyone who rated something in the group)."""

    filter: Filter = field(default_factory=Filter)
    night_id: int | None = None

    def encode(self) -> tuple[str, float]:
        code = filter_code(self.filter)
        return (code if self.night_id is None else f"{code}|{self.night_id}"), 0.0

    @classmethod
    def decode(cls, extra: str, value: float) -> NightPayload:
        code, _, night = extra.partition("|")
        night_id = int(night) if night.isascii() and night.isdigit() else None
        return cls(decode_filter(code) or Filter(), night_id)


# A group's movie-night picks: everyone's, never rewritten for whoever presses.
NIGHT = ListKind.declare("night", NightPayload, shared=True)
ROSTER = ListKind.declare("roster", whole=True)  # /movienight: who is in tonight


@dataclass(frozen=True)
class CardPayload:
    """A private match card: whose night it is (the group, its roster and its title, for the
    next card's first line)."""

    chat_id: int = 0
    night_id: int = 0
    title: str = ""

    def encode(self) -> tuple[str, float]:
        return f"{self.chat_id}|{self.night_id}|{self.title}", 0.0

    @classmethod
    def decode(cls, extra: str, value: float) -> CardPayload:
        chat, _, rest = extra.partition("|")
        night, _, title = rest.partition("|")
        try:
            return cls(int(chat), int(night), title)
        except ValueError:
            return cls()


# Match mode: a card in someone's private chat, the group's "cards are out" note (how many
# matches to wait for) and a match's announcement (take it, or 📊 Vote among the matches).
CARD = ListKind.declare("swipe-card", CardPayload, whole=True)
MATCHING = ListKind.declare("matching", NightPayload, shared=True)
MATCHED = ListKind.declare("matched", NightPayload, shared=True)
