"""Typed button data: one small frozen type per button kind, each encoding itself into the few
bytes Telegram gives a button and decoding what comes back.

Telegram gives a button 64 bytes of data and sends them back verbatim when it is pressed, from any
client, so the data must say everything needed (no server-side cache that a restart or another
replica would lose) and must be checked like any other input.

A button kind is a frozen dataclass deriving from `CallbackData` with a `prefix` (a few bytes
that no other kind uses, checked at import) and typed fields. The encoding is the prefix, then
each field, separated by ":" (`r:+:2571`). Field types and their forms:

    int            ASCII digits, at most 8, no leading zero (`[0-9]`, not `\\d`: other scripts'
                   digits never come from our buttons)
    bool           "y" / "n"
    a StrEnum      its values
    str            letters, digits and "-" (a language code), at most 8
    Filter         genre bitmask (hex, over movierec.filters.GENRES), first year, last year:
                   `4.1990.1999`; "" is no filter, and a trailing empty filter is left out; the
                   first year is not after the last

Parsing is strict: data is accepted only in the one form our own buttons encode (`decode`
re-encodes what it parsed and compares), so `r:+:00002571` or a filter with a leading zero is
refused like any forged data, never read as something else.

A kind checks its own ranges in `valid()`. Each feature defines its kinds next to its handlers,
so adding a button touches one feature folder.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from enum import StrEnum
from typing import Any, ClassVar, Self

from movierec.filters import GENRES, Filter

MAX_BYTES = 64
MAX_MOVIE_ID = 10_000_000

_DIGITS = re.compile(r"[0-9]{1,8}")
_WORD = re.compile(r"[A-Za-z0-9-]{1,8}")
_FILTER = re.compile(r"[0-9a-f]{0,5}\.(?:[0-9]{4})?\.(?:[0-9]{4})?r?")

_KINDS: dict[str, type[CallbackData]] = {}


@dataclasses.dataclass(frozen=True)
class CallbackData:
    """Base of every button kind (see the module docstring)."""

    prefix: ClassVar[str]
    film_field: ClassVar[str | None] = None  # a field naming a film that must be in the catalogue
    remembers: ClassVar[bool] = False  # a press in a group keeps the presser's name (whose taste)
    needs_owner: ClassVar[bool] = False  # a confirmation: without a stored owner it has expired

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        prefix = cls.__dict__.get("prefix")
        if prefix is None:
            return
        if prefix in _KINDS:
            raise TypeError(f"button prefix {prefix!r} of {cls.__name__} is taken")
        _KINDS[prefix] = cls

    def valid(self) -> bool:
        """Ranges the field types alone do not check (an offset's step, a film id's bound)."""
        return True

    def encode(self) -> str:
        parts = [self.prefix]
        for field in dataclasses.fields(self):
            parts.append(_encode_field(getattr(self, field.name)))
        while len(parts) > 1 and parts[-1] == "" and _is_filter(self, len(parts) - 2):
            parts.pop()
        data = ":".join(parts)
        assert len(data.encode()) <= MAX_BYTES, data
        return data

    @classmethod
    def parse(cls, fields: list[str]) -> Self | None:
        """The button from its fields after the prefix; None for anything malformed."""
        hints = typing.get_type_hints(cls)
        declared = dataclasses.fields(cls)
        if len(fields) < len(declared) and declared and hints[declared[-1].name] is Filter:
            fields = [*fields, ""]  # a trailing empty filter is left out when encoding
        if len(fields) != len(declared):
            return None
        values = {}
        for field, text in zip(declared, fields, strict=True):
            value = _decode_field(hints[field.name], text)
            if value is None:
                return None
            values[field.name] = value
        button = cls(**values)
        movie_id = getattr(button, "movie_id", 0)
        if isinstance(movie_id, int) and not 0 <= movie_id <= MAX_MOVIE_ID:
            return None
        return button if button.valid() else None


def _is_filter(button: CallbackData, index: int) -> bool:
    fields = dataclasses.fields(button)
    return index == len(fields) - 1 and isinstance(getattr(button, fields[index].name), Filter)


def _encode_field(value: object) -> str:
    if isinstance(value, bool):
        return "y" if value else "n"
    if isinstance(value, Filter):
        return filter_code(value)
    if isinstance(value, StrEnum):
        return value.value
    return str(value)


def _decode_field(kind: Any, text: str) -> object | None:
    if kind is bool:
        return {"y": True, "n": False}.get(text)
    if kind is int:
        return int(text) if _DIGITS.fullmatch(text) else None
    if kind is Filter:
        return decode_filter(text)
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        try:
            return kind(text)
        except ValueError:
            return None
    if kind is str:
        return text if _WORD.fullmatch(text) else None
    raise TypeError(f"no button encoding for {kind!r}")


def decode(data: str | None) -> CallbackData | None:
    """The button a press carries, or None for anything malformed, forged or out of range."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split(":")
    # The longest prefix first: "q:v" (a kind of its own) before "q".
    for size in range(min(len(parts), 3), 0, -1):
        kind = _KINDS.get(":".join(parts[:size]))
        if kind is not None:
            button = kind.parse(parts[size:])
            return button if button is not None and _canonical(button, data) else None
    return None


def _canonical(button: CallbackData, data: str) -> bool:
    """`data` is the button as our own buttons write it (earlier releases kept a trailing ":"
    for an empty filter, which is still read)."""
    encoded = button.encode()
    return data == encoded or data == encoded + ":"


def kinds() -> dict[str, type[CallbackData]]:
    """Every registered button kind by prefix (for the dispatcher's completeness check)."""
    return dict(_KINDS)


def filter_code(wanted: Filter | None) -> str:
    """A filter in a dozen bytes: genre bitmask (hex), first year, last year ("" for none), and
    "r" when the years are "recent" (so that the label still says so after a press)."""
    if wanted is None or wanted.is_empty():
        return ""
    bits = sum(1 << i for i, genre in enumerate(GENRES) if genre in wanted.genres)
    first = "" if wanted.year_from is None else f"{wanted.year_from:04d}"
    last = "" if wanted.year_to is None else f"{wanted.year_to:04d}"
    recent = "r" if wanted.recent else ""
    return (f"{bits:x}" if bits else "") + f".{first}.{last}{recent}"


def decode_filter(code: str) -> Filter | None:
    """The filter a code stands for; None for a malformed one (empty code: no filter)."""
    if not code:
        return Filter()
    if _FILTER.fullmatch(code) is None:
        return None
    recent = code.endswith("r")
    bits, first, last = code.removesuffix("r").split(".")
    mask = int(bits, 16) if bits else 0
    if mask >> len(GENRES):
        return None
    genres = frozenset(g for i, g in enumerate(GENRES) if mask >> i & 1)
    year_from, year_to = int(first) if first else None, int(last) if last else None
    if year_from is not None and year_to is not None and year_from > year_to:
        return None  # no film is from after it was made: not a filter our buttons carry
    if recent and (year_from is None or year_to is None):
        return None  # "recent" is always a range: not a code our buttons write
    return Filter(genres, year_from, year_to, recent=recent)
