"""Callback data: short, self-describing strings that stay valid across restarts.

Telegram gives a button 64 bytes of data and sends them back verbatim when it is pressed, from any
client, so the data must say everything needed (no server-side cache that a restart would lose) and
must be checked like any other input. Formats:

    r:+:2571   like movie 2571          r:-:2571   dislike movie 2571
    u:2571     undo my rating of 2571   h:2571     hide 2571 ("not interested")
    m:5        my picks from offset 5   g:5        the group's picks from offset 5
    x:2571:0   remove 2571 from /ratings (then show page 0)      p:1   /ratings page 1
    z:y / z:n  confirm / cancel /reset  d:y / d:n  confirm / cancel /deletemydata
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

MAX_MOVIE_ID = 10_000_000
MAX_OFFSET = 200
MAX_PAGE = 1_000


class Kind(StrEnum):
    """What a button does: the one source of truth for the prefixes of callback data."""

    RATE = "r"
    UNDO = "u"
    HIDE = "h"
    MORE = "m"
    GROUP_MORE = "g"
    REMOVE = "x"
    PAGE = "p"
    RESET = "z"
    DELETE = "d"


# [0-9], not \d: \d also matches other scripts' digits ("٣"), which no button of ours carries.
_PATTERNS = {
    Kind.RATE: re.compile(r"r:([+-]):([0-9]{1,8})"),
    Kind.UNDO: re.compile(r"u:([0-9]{1,8})"),
    Kind.HIDE: re.compile(r"h:([0-9]{1,8})"),
    Kind.MORE: re.compile(r"m:([0-9]{1,3})"),
    Kind.GROUP_MORE: re.compile(r"g:([0-9]{1,3})"),
    Kind.REMOVE: re.compile(r"x:([0-9]{1,8}):([0-9]{1,4})"),
    Kind.PAGE: re.compile(r"p:([0-9]{1,4})"),
    Kind.RESET: re.compile(r"z:([yn])"),
    Kind.DELETE: re.compile(r"d:([yn])"),
}


@dataclass(frozen=True)
class Action:
    """A decoded button press."""

    kind: Kind
    movie_id: int = 0
    value: float = 0.0  # +1 / -1 for ratings
    number: int = 0  # offset or page
    confirm: bool = False


def decode(data: str | None) -> Action | None:
    """The action a button carries, or None for anything malformed, forged or out of range."""
    if not data or len(data.encode()) > 64:
        return None
    try:
        kind = Kind(data.split(":", 1)[0])
    except ValueError:
        return None
    match = _PATTERNS[kind].fullmatch(data)
    if not match:
        return None
    groups = match.groups()
    if kind is Kind.RATE:
        action = Action(kind, movie_id=int(groups[1]), value=1.0 if groups[0] == "+" else -1.0)
    elif kind in (Kind.UNDO, Kind.HIDE):
        action = Action(kind, movie_id=int(groups[0]))
    elif kind in (Kind.MORE, Kind.GROUP_MORE, Kind.PAGE):
        action = Action(kind, number=int(groups[0]))
    elif kind is Kind.REMOVE:
        action = Action(kind, movie_id=int(groups[0]), number=int(groups[1]))
    else:
        action = Action(kind, confirm=groups[0] == "y")
    if not 0 <= action.movie_id <= MAX_MOVIE_ID:
        return None
    if kind in (Kind.MORE, Kind.GROUP_MORE) and (action.number > MAX_OFFSET or action.number % 5):
        return None
    if kind in (Kind.REMOVE, Kind.PAGE) and action.number > MAX_PAGE:
        return None
    return action


def rate(movie_id: int, value: float) -> str:
    return f"r:{'+' if value > 0 else '-'}:{movie_id}"


def undo(movie_id: int) -> str:
    return f"u:{movie_id}"


def hide(movie_id: int) -> str:
    return f"h:{movie_id}"


def more(offset: int, group: bool = False) -> str:
    return f"{Kind.GROUP_MORE if group else Kind.MORE}:{offset}"


def remove(movie_id: int, page: int) -> str:
    return f"x:{movie_id}:{page}"


def page(number: int) -> str:
    return f"p:{number}"


def confirm(kind: Kind, yes: bool) -> str:
    return f"{kind}:{'y' if yes else 'n'}"
