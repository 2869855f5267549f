"""Messages with buttons, as the bot remembers them: whose a message is, what it lists, and the
few facts of its kind that a later press needs (`ListInfo` with a typed `payload`).

Every message with buttons is stored with its owner and the films it lists, so a press knows
whose the message is (in a group only the owner's presses change it) and can rebuild its keyboard
from stored state. The chat store keeps a row of plain columns (`ListRow`); this module is the
one place that turns a row into typed state and back, so no handler ever splits a string.

The kinds themselves belong to the features that send them: a feature declares each of its
kinds, with its payload type, in its own `lists.py` (`PICKS = ListKind.declare("picks",
PicksPayload)`), as it registers its button kinds and its keyboard rebuilders. A payload says how
it is stored (`encode`) and read back (`decode`), so a new kind touches one feature folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Protocol, Self

from bot.storage import ListRow


class Payload(Protocol):
    """The facts of one kind of message beyond owner, films and start, as the row stores them:
    `extra` (text) and `value` (a float column)."""

    def encode(self) -> tuple[str, float]: ...

    @classmethod
    def decode(cls, extra: str, value: float) -> Self: ...


@dataclass(frozen=True)
class NoPayload:
    """Most kinds need nothing beyond owner, films and start."""

    def encode(self) -> tuple[str, float]:
        return "", 0.0

    @classmethod
    def decode(cls, extra: str, value: float) -> NoPayload:
        return cls()


@dataclass(frozen=True, eq=False)
class ListKind:
    """What a message with buttons shows, stored with it by `name`; declared once, by the
    feature that sends it, so each kind is one object and compares by identity.

    `whole`: the message is edited as a whole (text and keyboard), so its stored fingerprint
    has the text. `shared`: the message is everyone's (a group's movie-night picks), never
    rewritten for whoever presses."""

    name: str
    payload: type[Payload] = NoPayload
    whole: bool = False
    shared: bool = False

    _declared: ClassVar[dict[str, ListKind]] = {}

    @classmethod
    def declare(
        cls, name: str, payload: type[Payload] = NoPayload, *, whole: bool = False,
        shared: bool = False,
    ) -> ListKind:  # fmt: skip
        """A new kind; its name is what the table stores, so it is unique and never reused."""
        if name in cls._declared:
            raise ValueError(f"list kind {name!r} is declared twice")
        kind = cls(name, payload, whole, shared)
        cls._declared[name] = kind
        return kind

    @classmethod
    def named(cls, name: str) -> ListKind | None:
        """The kind stored as `name`, or None for one this release does not declare."""
        return cls._declared.get(name)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class ListInfo:
    """A bot message with buttons: whose it is and which films it shows, in order."""

    owner_id: int | None
    kind: ListKind
    start: int = 0  # the number of the first film minus one (the offset of a picks list, a page)
    movie_ids: tuple[int, ...] = ()
    payload: Payload = field(default_factory=NoPayload)
    shown: str | None = None  # the message last sent (keyboard, and text where edited whole)


def to_row(info: ListInfo, shown: str | None = None) -> ListRow:
    """The stored columns of a message: the payload as the compact text the table keeps."""
    extra, value = info.payload.encode()
    shown = info.shown if shown is None else shown
    return ListRow(info.owner_id, info.kind.name, info.start, info.movie_ids, value, shown, extra)


def from_row(row: ListRow | None) -> ListInfo | None:
    """Typed state from a stored row; None for no row, or for a kind this release does not know
    (a row written by a newer replica during a rolling upgrade acts as a stale button)."""
    if row is None:
        return None
    kind = ListKind.named(row.kind)
    if kind is None:
        return None
    payload = kind.payload.decode(row.extra, row.value)
    return ListInfo(row.owner_id, kind, row.start, row.movie_ids, payload, row.shown)
