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

MAX_MOVIE_ID = 10_000_000
MAX_OFFSET = 200
MAX_PAGE = 1_000

_PATTERNS = {
    "r": re.compile(r"r:([+-]):(\d{1,8})"),
    "u": re.compile(r"u:(\d{1,8})"),
    "h": re.compile(r"h:(\d{1,8})"),
    "m": re.compile(r"m:(\d{1,3})"),
    "g": re.compile(r"g:(\d{1,3})"),
    "x": re.compile(r"x:(\d{1,8}):(\d{1,4})"),
    "p": re.compile(r"p:(\d{1,4})"),
    "z": re.compile(r"z:([yn])"),
    "d": re.compile(r"d:([yn])"),
}


@dataclass(frozen=True)
class Action:
    """A decoded button press."""

    kind: str
    movie_id: int = 0
    value: float = 0.0  # +1 / -1 for ratings
    number: int = 0  # offset or page
    confirm: bool = False


def decode(data: str | None) -> Action | None:
    """The action a button carries, or None for anything malformed, forged or out of range."""
    if not data or len(data.encode()) > 64:
        return None
    kind = data.split(":", 1)[0]
    pattern = _PATTERNS.get(kind)
    match = pattern.fullmatch(data) if pattern else None
    if not match:
        return None
    groups = match.groups()
    if kind == "r":
        action = Action("r", movie_id=int(groups[1]), value=1.0 if groups[0] == "+" else -1.0)
    elif kind in ("u", "h"):
        action = Action(kind, movie_id=int(groups[0]))
    elif kind in ("m", "g"):
        action = Action(kind, number=int(groups[0]))
    elif kind == "x":
        action = Action("x", movie_id=int(groups[0]), number=int(groups[1]))
    elif kind == "p":
        action = Action("p", number=int(groups[0]))
    else:
        action = Action(kind, confirm=groups[0] == "y")
    if not 0 <= action.movie_id <= MAX_MOVIE_ID:
        return None
    if kind in ("m", "g") and (action.number > MAX_OFFSET or action.number % 5):
        return None
    if kind in ("x", "p") and action.number > MAX_PAGE:
        return None
    return action


def rate(movie_id: int, value: float) -> str:
    return f"r:{'+' if value > 0 else '-'}:{movie_id}"


def undo(movie_id: int) -> str:
    return f"u:{movie_id}"


def hide(movie_id: int) -> str:
    return f"h:{movie_id}"


def more(offset: int, group: bool = False) -> str:
    return f"{'g' if group else 'm'}:{offset}"


def remove(movie_id: int, page: int) -> str:
    return f"x:{movie_id}:{page}"


def page(number: int) -> str:
    return f"p:{number}"


def confirm(kind: str, yes: bool) -> str:
    return f"{kind}:{'y' if yes else 'n'}"
