"""Title matching: what people type ("matrix", "se7en", "star wars 1977") to MovieLens titles.

MovieLens writes titles library-style: "Matrix, The (1999)", "Seven (Se7en) (1995)",
"Professional, The (a.k.a. Leon: The Professional) (1994)". Every film therefore gets several
searchable names: the main title with its trailing article moved to the front, each alternate title
in parentheses (a.k.a. or foreign), all folded to lowercase ASCII without punctuation. rapidfuzz
scores the query against the names; a year in the query narrows the choice.

Matching runs on every inline-query keystroke, and scoring every name costs ~1 µs: fine for ml-1m's
4,000 names, ~100 ms for ml-32m's 98,000. So a large catalogue is first narrowed to a shortlist, and
rapidfuzz scores only that:

* the names sharing the most character trigrams with the query (an inverted index from the trigrams
  of each word, padded with spaces, weighted by rarity), closest in length first: a name that
  rapidfuzz would rank high shares most of the query's trigrams, and a typo spoils at most three;
* the first names, in catalogue order, that share a whole word with the query: WRatio gives all of
  them one flat score, and the exhaustive search keeps the first of such ties (see `_word_tier`);
* the names that are a piece of the query ("day" in "day wife"; see `_inside`).

The best match and the status are then those of scoring every name for whole, partial, mistyped,
accented and dated titles; tests/core/test_titles.py checks that against the exhaustive reference on
ml-1m and ml-latest-small. One to three typed characters resemble thousands of names equally
badly; there the candidates and the status may differ from the exhaustive search's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

import numpy as np
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
FUZZY_LIMIT = 60  # names rapidfuzz keeps per query, before the exact/prefix/all-words rules
# Names rapidfuzz scores per query (the trigram prefilter's shortlist); a catalogue with fewer
# names is scored exhaustively. ~1 µs a name: a millisecond, however large the catalogue.
SHORTLIST = 1_000
MAX_INSIDE = 40  # longest piece of a query looked up as a whole name (see `_inside`)

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


def _trigrams(normal: str, typing: bool = False) -> set[str]:
    """Character trigrams of each word padded with spaces: "star wars" -> " st", "sta", ..., "rs ".

    Per word, so that word order (and the article MovieLens moves) does not change the set, and
    a typo in one word leaves the other words' trigrams intact. `typing`: the last word may be
    unfinished ("the sil"), so its end is not padded.
    """
    text = " " + "  ".join(normal.split()) + ("" if typing else " ")
    # every word padded on both sides; a trigram spanning two words has the double space
    return {g for i in range(len(text) - 2) if "  " not in (g := text[i : i + 3])}


def _postings(keys_per_name: list[set[str]]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """An inverted index as CSR: the distinct keys, and for key i the ascending name positions
    `names[starts[i]:starts[i + 1]]`. Grouped by pandas and NumPy, not per key in Python: the
    index of an ml-32m catalogue has two million entries."""
    counts = np.fromiter(map(len, keys_per_name), np.int64, len(keys_per_name))
    flat = [key for keys in keys_per_name for key in keys]
    codes, uniques = pd.factorize(pd.Series(flat, dtype=object), sort=False)
    positions = np.repeat(np.arange(len(keys_per_name), dtype=np.int32), counts)
    names = positions[np.argsort(codes, kind="stable")]
    starts = np.concatenate(([0], np.cumsum(np.bincount(codes, minlength=len(uniques)))))
    return list(uniques), starts, names


def query_year(query: str) -> int | None:
    """The year a query names at its end ("parasite 2019" -> 2019), if any."""
    return _split_query_year(query)[1]


class Doubt(Enum):
    """Why a confident match should still be asked about rather than recorded."""

    OTHER_YEAR = "other-year"  # the query names a year the film does not have ("parasite 2019")
    RARELY_RATED = "rarely-rated"  # its name, but a film hardly anyone rated: likely another one


RARE_SHARE = 0.005  # a film rated by fewer than this share of the most-rated film's ratings...
RARE_AT_LEAST = 3  # ...and fewer than this many is rarely rated


def doubt(result: MatchResult, ratings_count: int, most_rated: int) -> Doubt | None:
    """Whether a confident match is only a guess: the person typed another year (off by more
    than one), or the film is one that hardly anyone rated (on ml-latest-small "parasite" is
    Parasite (1982), rated twice, while the person almost surely means the 2019 film the
    catalogue does not have). Asking costs one tap; recording the wrong film costs the picks."""
    best = result.best
    if best is None:
        return None
    wanted = query_year(result.query)
    if wanted is not None and best.year is not None and abs(wanted - best.year) > 1:
        return Doubt.OTHER_YEAR
    if ratings_count < max(RARE_AT_LEAST, RARE_SHARE * most_rated):
        return Doubt.RARELY_RATED
    return None


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
        self._build_trigrams()

    def _build_trigrams(self) -> None:
        """The inverted index: trigram -> ascending positions in `_names`, as one CSR pair."""
        self._lengths = np.fromiter(map(len, self._names), np.int64, len(self._names))
        # lower positions rank first among equals; 20 bits are enough for a million names
        self._tiebreak = np.maximum((1 << 20) - 1 - np.arange(len(self._names)), 0)
        self._gram_ids: dict[str, int] = {}
        if len(self._names) <= SHORTLIST:
            return  # scored exhaustively: no index needed
        self._by_length = np.argsort(self._lengths, kind="stable")
        self._positions: dict[str, list[int]] = {}  # name -> where it is in `_names`
        for position, name in enumerate(self._names):
            self._positions.setdefault(name, []).append(position)
        keys, starts, names = _postings([_trigrams(name) for name in self._names])
        self._gram_ids = dict(zip(keys, range(len(keys)), strict=True))
        self._gram_start, self._gram_names = starts, names
        # A trigram in a third of all names ("the") says little; one in ten names says much.
        self._gram_weight = np.log(len(self._names) / np.diff(starts))
        keys, starts, names = _postings([set(name.split()) for name in self._names])
        self._word_names = {
            word: names[a:b] for word, a, b in zip(keys, starts[:-1], starts[1:], strict=True)
        }

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
        for position, score in self._fuzzy(normal):
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

    def _fuzzy(self, normal: str) -> list[tuple[int, float]]:
        """(name position, WRatio) of the FUZZY_LIMIT best names, best first, ties by position.

        Exactly what `process.extract` over every name returns whenever the names it would keep
        are on the shortlist (see the module docstring).
        """
        positions = self._shortlist(normal)
        if positions is None:
            hits = process.extract(
                normal,
                self._names,
                scorer=fuzz.WRatio,
                processor=None,
                limit=FUZZY_LIMIT,
                score_cutoff=50,
            )
            return [(position, score) for _name, score, position in hits]
        names = [self._names[p] for p in positions.tolist()]
        hits = process.extract(
            normal, names, scorer=fuzz.WRatio, processor=None, limit=FUZZY_LIMIT, score_cutoff=50
        )
        return [(int(positions[i]), score) for _name, score, i in hits]

    def _shortlist(self, normal: str) -> np.ndarray | None:
        """Ascending positions of the SHORTLIST names most like `normal`, or None for all names.

        Ranked by shared trigrams, then by closeness in length (what rapidfuzz's plain ratio
        rewards, and all a name without shared trigrams can offer), then by position (as
        `process.extract` breaks ties), packed into one int64 key so that a single argpartition
        does the ranking; plus the word tier and the names inside the query.
        """
        if len(self._names) <= SHORTLIST:
            return None
        ids = np.array(
            [self._gram_ids[g] for g in _trigrams(normal, typing=True) if g in self._gram_ids],
            np.int64,
        )
        starts, stops = self._gram_start[ids], self._gram_start[ids + 1]
        postings = np.concatenate(
            [self._gram_names[a:b] for a, b in zip(starts.tolist(), stops.tolist(), strict=True)]
            or [np.zeros(0, np.int32)]
        )
        weights = np.repeat(self._gram_weight[ids], stops - starts)
        shared = np.bincount(postings, weights=weights, minlength=len(self._names))
        hits = np.flatnonzero(shared)  # ranking only these spares a partition of every name
        if len(hits) < SHORTLIST:  # too few: the names nearest in length make up the rest
            hits = np.union1d(hits, self._nearest_in_length(len(normal)))
        distance = np.minimum(np.abs(self._lengths[hits] - len(normal)), 1023)
        # shared trigram weight in 1/64ths (at most ~200 trigrams of weight < 12: < 2**18)
        key = (np.round(shared[hits] * 64).astype(np.int64) << 40) | ((1023 - distance) << 20)
        key |= self._tiebreak[hits]
        if len(key) > SHORTLIST:
            hits = hits[np.argpartition(key, len(key) - SHORTLIST)[len(key) - SHORTLIST :]]
        return np.union1d(np.union1d(hits, self._word_tier(normal)), self._inside(normal))

    def _nearest_in_length(self, size: int) -> np.ndarray:
        """The SHORTLIST names closest in length to `size` (by the build-time length order)."""
        at = int(np.searchsorted(self._lengths[self._by_length], size))
        lo = min(max(at - SHORTLIST // 2, 0), max(len(self._by_length) - SHORTLIST, 0))
        return self._by_length[lo : lo + SHORTLIST]

    def _inside(self, normal: str) -> np.ndarray:
        """Names that are a piece of the query ("day" in "day wife"; "z" in "qwxzy").

        WRatio scores a name at most 2/3 the query's length by the best alignment of the name
        inside the query: a piece that is a whole name scores 90 however few trigrams it shares.
        Pieces up to MAX_INSIDE characters are looked up (a few thousand dict lookups at most).
        """
        size = len(normal)
        longest = min(int(size / 1.5), MAX_INSIDE)
        pieces = {normal[i : i + n] for n in range(1, longest + 1) for i in range(size - n + 1)}
        found = [p for piece in pieces if piece in self._positions for p in self._positions[piece]]
        return np.array(found, np.int64)

    def _word_tier(self, normal: str) -> np.ndarray:
        """The first FUZZY_LIMIT names (by position) that WRatio gives its flat "shared word" score.

        WRatio scores a name 1.5 to 8 times as long as the query at least 85.5 as soon as the two
        share one whole word: "the godfater" ties with every long enough title containing "the".
        `process.extract` keeps the first of such ties in catalogue order, and those (shown as
        runners-up, they decide between CONFIDENT and AMBIGUOUS) need not share many trigrams.
        """
        size = len(normal)
        tier = []
        for word in set(normal.split()):
            names = self._word_names.get(word)
            if names is None:
                continue
            lengths = self._lengths[names]
            longer = (lengths >= 1.5 * size) & (lengths < 8 * size)
            shorter = (lengths * 1.5 <= size) & (lengths * 8 > size)
            tier.append(names[longer | shorter][:FUZZY_LIMIT])
        return np.concatenate(tier) if tier else np.zeros(0, np.int32)

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
