"""What a message means when it is not a film title: a greeting, thanks, a call for help, or a
request for picks ("what should I watch tonight?", "any good horror?"), in every language of
`movierec.languages.LANGUAGES`.

A chat bot that takes "hello" for a title search ("Hello Mary Lou: Prom Night II?") feels broken
in its first minute, so a message is read as an intent first and as a title only when it is none.
The rules are plain and predictable rather than clever:

* greeting, thanks, help: the whole message is made of that intent's phrases and `fillers`
  ("hello bot!", "thanks so much"); a title that merely starts with such a word ("Hello, Dolly!")
  stays a title;
* request: one of the request phrases appears anywhere; what remains is given back (`rest`) for
  the filter parser ("any good horror from the 80s?" → horror, 1980–1989).

The words are data (`words.toml`), one list per language and intent, compared folded (case,
accents, apostrophes and punctuation aside), so a speaker can correct a language in one place.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import Enum
from importlib.resources import files

from movierec.filters.lexicon import fold as fold_word
from movierec.languages import LANGUAGES


class Intent(Enum):
    GREETING = "greeting"
    THANKS = "thanks"
    HELP = "help"
    REQUEST = "request"  # picks, perhaps filtered by `Reading.rest`


@dataclass(frozen=True)
class Reading:
    """A message read as an intent; `rest` is what remains besides the request phrase."""

    intent: Intent
    rest: str = ""


_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
MAX_CHARS = 200  # longer messages are never small talk


def fold(text: str) -> str:
    """The message's words folded as the filter words are (`movierec.filters.lexicon.fold`),
    punctuation dropped, single-spaced."""
    words = (fold_word(w).replace("’", "").replace("-", " ") for w in _WORD.findall(text))
    return " ".join(" ".join(words).split())


def _load() -> tuple[dict[Intent, frozenset[str]], frozenset[str], tuple[str, ...]]:
    data = tomllib.loads(files("movierec.intents").joinpath("words.toml").read_text("utf-8"))
    expected = {*(i.value for i in Intent), "fillers"}
    if set(data) != expected:
        raise ValueError(f"movierec/intents/words.toml: sections {sorted(data)} != {expected}")
    for section, by_language in data.items():
        if set(by_language) != set(LANGUAGES):
            raise ValueError(f"words.toml [{section}]: languages {sorted(by_language)}")
    phrases = {
        intent: frozenset(fold(p) for words in data[intent.value].values() for p in words)
        for intent in Intent
    }
    fillers = frozenset(fold(w) for words in data["fillers"].values() for w in words)
    requests = tuple(sorted(phrases[Intent.REQUEST], key=len, reverse=True))  # longest first
    return phrases, fillers, requests


_PHRASES, _FILLERS, _REQUESTS = _load()


def _made_of(words: list[str], phrases: frozenset[str]) -> bool:
    """True when `words` are phrases of the set and fillers, at least one phrase (greedy,
    longest phrase first at each position)."""
    i, found = 0, False
    while i < len(words):
        for size in range(min(5, len(words) - i), 0, -1):
            if " ".join(words[i : i + size]) in phrases:
                i, found = i + size, True
                break
        else:
            if words[i] not in _FILLERS:
                return False
            i += 1
    return found


def read(text: str) -> Reading | None:
    """The intent of a message, or None when it should be read as a title (or a filter)."""
    if not text or len(text) > MAX_CHARS:
        return None
    folded = fold(text)
    if not folded:
        return None
    words = folded.split()
    for intent in (Intent.GREETING, Intent.THANKS, Intent.HELP):
        if _made_of(words, _PHRASES[intent]):
            return Reading(intent)
    padded = f" {folded} "
    for phrase in _REQUESTS:
        at = padded.find(f" {phrase} ")
        if at >= 0:
            rest = (padded[:at] + " " + padded[at + len(phrase) + 2 :]).split()
            return Reading(Intent.REQUEST, " ".join(rest))
    return None
