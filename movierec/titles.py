"""Title matching: what people type ("matrix", "se7en", "star wars 1977") to MovieLens titles.

MovieLens writes titles library-style: "Matrix, The (1999)", "Seven (Se7en) (1995)",
"Professional, The (a.k.a. Leon: The Professional) (1994)". Every film therefore gets several
searchable names: the main title with its trailing article moved to the front, each alternate title
in parentheses (a.k.a. or foreign), all folded to lowercase ASCII without punctuation. rapidfuzz
scores the query against every name; a year in the query narrows the choice.

The answer says how sure it is: CONFIDENT (record it), AMBIGUOUS (ask: "star wars" fits several
episodes equally well) or NONE (nothing close), so that the bot can ask instead of guessing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

import pandas as pd
from rapidfuzz import fuzz, process, utils

MAX_QUERY_CHARS = 200
MAX_TITLES = 10
EXACT = 100.0  # the whole name, article or not ("matrix", "the matrix")
PREFIX = 96.0  # the start of a name ("star wars" -> "Star Wars: Episode IV - ...")
ALL_WORDS = 92.0  # every word of the query is in the name ("good bad ugly")
CONFIDENT_SCORE = 88.0  # below this the best candidate is only a question
MATCH_SCORE = 76.0  # below this it is "no match", with the nearest titles as suggestions
SUGGEST_SCORE = 55.0  # nothing below this is even suggested
AMBIGUITY_GAP = 4.0  # candidates within this many points of the best make it ambiguous
CLEAR_LEAD = (84.0, 8.0)  # a near match this good, this far ahead of the next, is confident
DOMINANCE = 5  # among equal exact names, a film rated this many times more often wins

# Articles MovieLens moves behind the title ("Matrix, The", "Cité des enfants perdus, La").
_ARTICLE_WORDS = "the a an la le les l' il lo der die das el los las un une det den de het gli i"
_ARTICLES = tuple(_ARTICLE_WORDS.split(" "))
_TRAILING_ARTICLE = re.compile(r",\s*(" + "|".join(re.escape(a) for a in _ARTICLES) + r")$", re.I)
_YEAR_AT_END = re.compile(r"\s*\((\d{4})(?:[-–]\d{0,4})?\)\s*$")
_PARENS = re.compile(r"\(([^()]*)\)")
_AKA = re.compile(r"^\s*a\.?k\.?a\.?\s*", re.I)
_QUERY_YEAR = re.compile(r"(?:^|\s|\()((?:18|19|20)\d{2})\)?\s*$")


class MatchStatus(Enum):
    CONFIDENT = "confident"
    AMBIGUOUS = "ambiguous"
    NONE = "none"


@dataclass(frozen=True)
class Candidate:
    movie_id: int
    title: str
    year: int | None
    score: float  # 0..100


@dataclass(frozen=True)
class MatchResult:
    query: str
    status: MatchStatus
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def best(self) -> Candidate | None:
        """The film to record, only when the match is confident."""
        return self.candidates[0] if self.status is MatchStatus.CONFIDENT else None


def fold(text: str) -> str:
    """Lowercase ASCII: accents stripped (Amélie -> amelie), other scripts kept as they are."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def _front_article(name: str) -> str:
    """'Matrix, The' -> 'The Matrix'; "Enfants, L'" -> "L'Enfants"."""
    match = _TRAILING_ARTICLE.search(name)
    if not match:
        return name
    article = match.group(1)
    rest = name[: match.start()]
    return f"{article}{rest}" if article.endswith("'") else f"{article} {rest}"


def display_title(title: str) -> str:
    """How a person writes a MovieLens title: "Matrix, The (1999)" -> "The Matrix (1999)"."""
    match = _YEAR_AT_END.search(title)
    body, year = (title[: match.start()], title[match.start() :]) if match else (title, "")
    return _front_article(body.strip()) + year


def normalise_title(text: str) -> str:
    """The comparable form of a title or query: articles in front, folded, no punctuation."""
    text = _front_article(text.strip())
    text = fold(text).replace("&", " and ").replace("'", "").replace("\u2019", "")
    return " ".join(utils.default_process(text).split())


def _without_leading_article(normalised: str) -> str:
    first, _, rest = normalised.partition(" ")
    return rest if first in _ARTICLES and rest else normalised


def title_names(title: str) -> list[str]:
    """The normalised names a MovieLens title is known by: the main title and its alternates."""
    body = _YEAR_AT_END.sub("", title)
    alternates = _PARENS.findall(body)
    main = _PARENS.sub("", body).strip()
    names = [main] + [_AKA.sub("", alt) for alt in alternates]
    out: list[str] = []
    for name in names:
        normal = normalise_title(name)
        if normal and normal not in out:
            out.append(normal)
    return out


def split_titles(text: str, limit: int | None = MAX_TITLES) -> list[str]:
    """Split "Matrix, Toy Story; Alien" into titles, keeping "Matrix, The" together.

    Commas, semicolons and new lines separate titles; a fragment that is only an article ("The")
    belongs to the title before it. At most `limit` titles (None: all) of MAX_QUERY_CHARS
    characters each.
    """
    parts = [p.strip() for p in re.split(r"[,;\n]", text or "")]
    titles: list[str] = []
    for part in parts:
        if not part:
            continue
        if titles and fold(part).rstrip(".") in _ARTICLES:
            titles[-1] = f"{titles[-1]}, {part}"
        else:
            titles.append(part)
    return [title[:MAX_QUERY_CHARS] for title in titles[:limit]]


def _split_query_year(query: str) -> tuple[str, int | None]:
    match = _QUERY_YEAR.search(query)
    if not match or not query[: match.start()].strip():
        return query, None
    return query[: match.start()], int(match.group(1))


class TitleIndex:
    """Fuzzy title lookup over a catalogue; build once, query per message."""

    def __init__(self, movies: pd.DataFrame, popularity: Mapping[int, int] | None = None) -> None:
        self._names: list[str] = []  # searchable names, articles in front
        self._bare: list[str] = []  # the same names without a leading article
        self._owner: list[int] = []
        self._exact: dict[str, set[int]] = {}
        self._movies: dict[int, tuple[str, int | None]] = {}
        self._popularity = {int(k): int(v) for k, v in (popularity or {}).items()}
        for movie_id, title, year in zip(
            movies.index.astype(int), movies["title"].astype(str), movies["year"], strict=True
        ):
            self._movies[movie_id] = (title, None if pd.isna(year) else int(year))
            for name in title_names(title):
                bare = _without_leading_article(name)
                for key in {name, bare}:
                    self._exact.setdefault(key, set()).add(movie_id)
                self._names.append(name)
                self._bare.append(bare)
                self._owner.append(movie_id)

    def __len__(self) -> int:
        return len(self._movies)

    def match(self, query: str, limit: int = 5) -> MatchResult:
        """Ranked candidates for `query`, with CONFIDENT / AMBIGUOUS / NONE."""
        raw = (query or "")[: MAX_QUERY_CHARS * 2].strip()
        text, year = _split_query_year(raw)
        normal = normalise_title(text)[:MAX_QUERY_CHARS].strip()
        if not any(ch.isalnum() for ch in normal):
            return MatchResult(raw, MatchStatus.NONE, [])
        scores = self._score(normal, year)
        ranked = sorted(scores.items(), key=lambda item: self._order_key(*item))
        candidates = [
            self._candidate(m, s) for m, s in ranked[: max(limit, 1)] if s >= SUGGEST_SCORE
        ]
        return MatchResult(raw, self._status(candidates), candidates)

    def _score(self, normal: str, year: int | None) -> dict[int, float]:
        """Best score per film over all its names; exact names, prefixes and the year weigh in."""
        bare = _without_leading_article(normal)
        words = set(bare.split())
        best: dict[int, float] = {}
        for movie_id in self._exact.get(normal, set()) | self._exact.get(bare, set()):
            best[movie_id] = EXACT
        hits = process.extract(
            normal, self._names, scorer=fuzz.WRatio, processor=None, limit=60, score_cutoff=50
        )
        for _name, score, position in hits:
            movie_id = self._owner[position]
            name_bare = self._bare[position]
            if name_bare.startswith(bare + " "):
                score = PREFIX
            elif words <= set(name_bare.split()):
                score = ALL_WORDS
            else:  # WRatio flatters a short query inside a long title: temper by plain ratio
                score = min(score * 0.7 + fuzz.ratio(bare, name_bare) * 0.3, CONFIDENT_SCORE - 1)
            best[movie_id] = max(best.get(movie_id, 0.0), score)
        if year is not None:
            for movie_id in best:
                best[movie_id] += 5.0 if self._movies[movie_id][1] == year else -15.0
        return best

    def _order_key(self, movie_id: int, score: float) -> tuple[float, int, int]:
        return (-round(score, 1), -self._popularity.get(movie_id, 0), movie_id)

    def _candidate(self, movie_id: int, score: float) -> Candidate:
        title, year = self._movies[movie_id]
        return Candidate(movie_id, title, year, round(min(score, 100.0), 1))

    def _status(self, candidates: list[Candidate]) -> MatchStatus:
        if not candidates or candidates[0].score < MATCH_SCORE:
            return MatchStatus.NONE
        top = candidates[0]
        if top.score < CONFIDENT_SCORE:
            runner_up = candidates[1].score if len(candidates) > 1 else 0.0
            good, lead = CLEAR_LEAD
            clear = top.score >= good and top.score - runner_up >= lead
            return MatchStatus.CONFIDENT if clear else MatchStatus.AMBIGUOUS
        rivals = [c for c in candidates[1:] if c.score >= top.score - AMBIGUITY_GAP]
        if not rivals:
            return MatchStatus.CONFIDENT
        if top.score >= EXACT and all(c.score < EXACT for c in rivals):
            return MatchStatus.CONFIDENT  # "toy story": the exact title beats "Toy Story 2"
        top_count = self._popularity.get(top.movie_id, 0)
        if all(
            top_count >= DOMINANCE * max(self._popularity.get(c.movie_id, 0), 1) for c in rivals
        ):
            return MatchStatus.CONFIDENT  # "titanic": 1997's far better known than 1953's
        return MatchStatus.AMBIGUOUS
