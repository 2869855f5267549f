"""Short film titles for buttons and sentences: the part of a title people know a film by.

One rule, here, used wherever a title must be short (the bot's buttons, its reasons):

* the year and the alternate titles in brackets go: "Amelie (Fabuleux destin d'Amélie Poulain,
  Le) (2001)" -> "Amélie" (an alternate that spells the same word with its accents lends them);
* articles go back in front: "Matrix, The" -> "The Matrix";
* a title that does not fit loses its series prefix when what follows is distinctive on its own
  ("Star Wars: Episode V - The Empire Strikes Back" -> "The Empire Strikes Back"), else keeps
  its head and loses the subtitle ("Dr. Strangelove or: How I Learned…" -> "Dr. Strangelove"),
  as a sequel's numbered head does ("Revenge of the Nerds III: The Next Generation");
  "X and the Y" becomes "X: Y" ("Indiana Jones and the Temple of Doom" -> "Indiana Jones:
  Temple of Doom");
* what still does not fit is cut between words, with an ellipsis, never inside a word.

`short_labels` does the same for the films of one list and makes the labels unique there: two
films that would read the same get their years, then their full titles.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from movierec.titles import display_title

LIMIT = 32  # characters: what a phone shows of a full-width button in a readable size

_YEAR = re.compile(r"\s*\((\d{4})(?:[-–]\d{0,4})?\)\s*$")
_ALTERNATE = re.compile(r"\s*\([^()]*\)")
_SUBTITLE = re.compile(r":\s+|\s+-\s+|\s+–\s+")
_MARKER = re.compile(
    r"^(?:episode|part|chapter|vol\.?|volume)\s+(?:[ivxlc]+|\d+)\b[\s:.,-]*", re.IGNORECASE
)
_AND_THE = re.compile(r"^(.{3,}?)\s+and\s+the\s+(.+)$", re.IGNORECASE)
_TRAILING_OR = re.compile(r"[\s,]+or$", re.IGNORECASE)
_SEQUEL = re.compile(r"\s(?:[IVX]+|\d{1,2})$")  # "Revenge of the Nerds III": the number counts
_ARTICLE = re.compile(r"^(?:the|a|an)\s", re.IGNORECASE)
_SMALL = {"a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _accented(main: str, alternates: Sequence[str]) -> str:
    """A one-word title written without its accents in MovieLens ("Amelie") takes the accented
    spelling an alternate title gives it ("Amélie")."""
    if " " in main or main.isascii() is False:
        return main
    wanted = _fold(main)
    for alternate in alternates:
        for word in re.findall(r"[^\W\d_]+", alternate):
            if word != main and _fold(word) == wanted:
                return str(word[0].upper() + word[1:])
    return main


def _parts(title: str) -> tuple[str, str]:
    """(the main title with its article in front and its accents, the year in brackets or "")."""
    match = _YEAR.search(title)
    body, year = (title[: match.start()], f"({match.group(1)})") if match else (title, "")
    alternates = re.findall(r"\(([^()]*)\)", body)
    main = _ALTERNATE.sub("", body).strip() or body.strip()
    main = display_title(main)
    return _accented(main, alternates), year


def _cut(text: str, limit: int) -> str:
    """`text` cut between words to at most `limit` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    words = text.split()
    kept = ""
    for word in words:
        candidate = f"{kept} {word}" if kept else word
        if len(candidate) + 1 > limit:
            break
        kept = candidate
    if not kept:  # one very long word: the only cut left
        return text[: limit - 1] + "…"
    shown = kept.split()
    while len(shown) > 1 and shown[-1].casefold() in _SMALL:  # not "…Came in from the…"
        shown.pop()
    return " ".join(shown).rstrip(",;:-–.") + "…"


def _distinctive(rest: str) -> bool:
    """What follows a series prefix says which film it is by itself: two words or more."""
    return len(rest.split()) >= 2


def _shorten(main: str, limit: int) -> str:
    if len(main) <= limit:
        return main
    split = _SUBTITLE.search(main)
    if split is not None:
        head, rest = main[: split.start()].strip(), main[split.end() :].strip()
        # "Episode V - The Empire Strikes Back": the marker goes with the prefix
        rest = _SUBTITLE.split(rest, maxsplit=1)[-1] if _MARKER.match(rest) else rest
        rest = _MARKER.sub("", rest).strip() or rest
        head = _TRAILING_OR.sub("", head)
        if _SEQUEL.search(head) and len(head) <= limit:
            return head
        if _distinctive(rest) and len(rest) <= limit:
            return rest
        if len(head) <= limit and _distinctive(head + " x"):
            return head
        return _cut(rest if len(rest) < len(head) and _distinctive(rest) else head, limit)
    and_the = _AND_THE.match(main)
    if and_the is not None and not _ARTICLE.match(main):
        joined = f"{and_the.group(1)}: {and_the.group(2)[0].upper()}{and_the.group(2)[1:]}"
        if len(joined) <= limit:
            return joined
    return _cut(main, limit)


def short_title(title: str, limit: int = LIMIT) -> str:
    """A MovieLens title as people say it, in at most `limit` characters (see the module)."""
    main, _ = _parts(title)
    return _shorten(main, limit)


def short_labels(titles: Sequence[str], limit: int = LIMIT) -> list[str]:
    """The short titles of the films of one list, unique within it: films that would read the
    same get their year ("Hamlet (1948)", "Hamlet (1996)"), then their whole title with it.
    Two identical MovieLens titles (the same film twice in a data set) stay identical."""
    labels = [short_title(t, limit) for t in titles]
    for widen in (_with_year, _whole):
        counts = Counter(labels)
        if all(counts[label] == 1 for label in labels):
            break
        labels = [
            widen(title, label, limit) if counts[label] > 1 else label
            for title, label in zip(titles, labels, strict=True)
        ]
    return labels


def _with_year(title: str, label: str, limit: int) -> str:
    main, year = _parts(title)
    if not year:
        return label
    room = max(limit - len(year) - 1, 8)
    return f"{_shorten(main, room)} {year}"


def _whole(title: str, label: str, limit: int) -> str:
    main, year = _parts(title)
    return f"{main} {year}".strip()
