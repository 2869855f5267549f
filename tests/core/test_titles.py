"""Title matching on the real ml-1m and ml-latest-small catalogues, on hand-made titles and on a
generated catalogue the size of ml-32m's."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from rapidfuzz import fuzz, process

from benchmarks.titles import ML32M_TITLES, synthetic
from movierec import titles
from movierec.data import load_movies, load_ratings
from movierec.titles import (
    MatchResult,
    MatchStatus,
    TitleIndex,
    display_title,
    normalise_title,
    split_titles,
)
from tests.conftest import ML1M


@pytest.fixture(scope="module")
def index() -> TitleIndex:
    popularity = load_ratings(ML1M)["movie_id"].value_counts().to_dict()
    return TitleIndex(load_movies(ML1M), popularity=popularity)


@pytest.mark.parametrize(
    ("query", "movie_id"),
    [
        ("matrix", 2571),
        ("the matrix", 2571),
        ("THE MATRIX!!!", 2571),
        ("Matrix, The", 2571),
        ("star wars 1977", 260),
        ("Star Wars (1977)", 260),
        ("se7en", 47),
        ("leon the professional", 293),
        ("sunset boulevard", 922),
        ("toy story", 1),
        ("alien", 1214),
        ("heat", 6),
        ("titanic", 1721),  # 1997's Titanic is far better known than 1953's
        ("titanic 1953", 3404),
        ("the godfather part ii", 1221),
        ("terminator 2", 589),
        ("shawshank", 318),
        ("good bad ugly", 1201),
        ("star wars episode v", 1196),
        ("  pulp   fiction  ", 296),
    ],
)
def test_confident_matches(index: TitleIndex, query: str, movie_id: int) -> None:
    result = index.match(query)
    assert result.status is MatchStatus.CONFIDENT, result
    assert result.best is not None and result.best.movie_id == movie_id


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("star wars", {260, 1196, 1210, 2628}),
        ("indiana jones", {1291, 2115}),
    ],
)
def test_ambiguous_queries_list_the_candidates(
    index: TitleIndex, query: str, expected: set[int]
) -> None:
    result = index.match(query, limit=5)
    assert result.status is MatchStatus.AMBIGUOUS and result.best is None
    assert expected <= {c.movie_id for c in result.candidates}
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)


def test_a_typo_is_a_question_with_the_right_film_first(index: TitleIndex) -> None:
    result = index.match("toy stroy")
    assert result.status is not MatchStatus.NONE
    assert result.candidates[0].movie_id == 1


@pytest.mark.parametrize(
    "query", ["qwxzy", "", "   ", "!!!", "🎬🍿", "Матрица", "黑客帝国", "x" * 4000, "harry potter"]
)
def test_no_match_is_said_clearly(index: TitleIndex, query: str) -> None:
    result = index.match(query)
    assert result.status is MatchStatus.NONE and result.best is None
    assert all(c.score < 76 for c in result.candidates)


def test_huge_input_is_truncated_not_slow_or_fatal(index: TitleIndex) -> None:
    result = index.match("the matrix " + "a" * 100_000)
    assert len(result.query) <= 400


def test_accents_case_articles_and_alternate_titles_on_hand_made_titles() -> None:
    movies = pd.DataFrame(
        {
            "title": [
                "Amélie (Fabuleux destin d'Amélie Poulain, Le) (2001)",
                "Cité des enfants perdus, La (1995)",
                "Bug's Life, A (1998)",
                "Babylon 5",
            ],
            "year": pd.array([2001, 1995, 1998, None], dtype="Int64"),
            "genres": [("Comedy",), ("Sci-Fi",), ("Animation",), ()],
        },
        index=pd.Index([10, 20, 30, 40], name="movie_id"),
    )
    index = TitleIndex(movies)
    for query, movie_id in [
        ("amelie", 10),
        ("AMÉLIE", 10),
        ("le fabuleux destin d amelie poulain", 10),
        ("la cite des enfants perdus", 20),
        ("cite des enfants perdus", 20),
        ("a bug's life", 30),
        ("bugs life", 30),
        ("babylon 5", 40),
    ]:
        result = index.match(query)
        assert result.best is not None and result.best.movie_id == movie_id, (query, result)


def test_normalise_title() -> None:
    assert normalise_title("Matrix, The") == "the matrix"
    assert normalise_title("Amélie: Le  Fabuleux!") == "amelie le fabuleux"
    assert normalise_title("Fast & Furious") == "fast and furious"
    assert normalise_title("Bug's Life, A") == "a bugs life"


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        ("Matrix, Toy Story, Alien", ["Matrix", "Toy Story", "Alien"]),
        ("Matrix, The; Toy Story", ["Matrix, The", "Toy Story"]),
        ("Good, the Bad and the Ugly, The", ["Good", "the Bad and the Ugly, The"]),
        ("  ,, ;\n", []),
        ("a, " * 300, [("a, " * 300).strip(", ")[:200]]),
        (", ".join(f"film {i}" for i in range(20)), [f"film {i}" for i in range(10)]),
    ],
)
def test_split_titles(text: str, titles: list[str]) -> None:
    assert split_titles(text) == titles


def test_display_title_puts_the_article_back_in_front() -> None:
    assert display_title("Matrix, The (1999)") == "The Matrix (1999)"
    assert (
        display_title("Cité des enfants perdus, La (1995)") == "La Cité des enfants perdus (1995)"
    )
    assert display_title("Babylon 5") == "Babylon 5"
    assert display_title("Godfather: Part II, The (1974)") == "The Godfather: Part II (1974)"


# ---------------------------------------------------------------- the shortlist changes no answer
ML_LATEST_SMALL = ML1M.parent / "ml-latest-small"


def reference_match(index: TitleIndex, query: str, limits: tuple[int, ...]) -> list[MatchResult]:
    """`TitleIndex.match` as it was before the shortlist (rapidfuzz over every name), per limit.

    Kept verbatim (on the index's own names) so that the shortlist can be checked against it.
    """
    raw = (query or "")[: titles.MAX_QUERY_CHARS * 2].strip()
    text, year = titles._split_query_year(raw)
    normal = normalise_title(text)[: titles.MAX_QUERY_CHARS].strip()
    if not any(ch.isalnum() for ch in normal):
        return [MatchResult(raw, MatchStatus.NONE, [])] * len(limits)
    bare = titles._without_leading_article(normal)
    words = set(bare.split())
    best: dict[int, float] = {}
    for movie_id in index._exact.get(normal, set()) | index._exact.get(bare, set()):
        best[movie_id] = titles.EXACT
    hits = process.extract(
        normal, index._names, scorer=fuzz.WRatio, processor=None, limit=60, score_cutoff=50
    )
    for _name, score, position in hits:
        movie_id = index._owner[position]
        name_bare = index._bare[position]
        if name_bare.startswith(bare + " "):
            score = titles.PREFIX
        elif words <= set(name_bare.split()):
            score = titles.ALL_WORDS
        else:
            score = min(score * 0.7 + fuzz.ratio(bare, name_bare) * 0.3, titles.CONFIDENT_SCORE - 1)
        best[movie_id] = max(best.get(movie_id, 0.0), score)
    if year is not None:
        for movie_id in best:
            best[movie_id] += 5.0 if index._movies[movie_id][1] == year else -15.0
    ranked = sorted(best.items(), key=lambda item: index._order_key(*item))
    results = []
    for limit in limits:
        candidates = [
            index._candidate(m, s) for m, s in ranked[: max(limit, 1)] if s >= titles.SUGGEST_SCORE
        ]
        results.append(MatchResult(raw, index._status(candidates), candidates))
    return results


# What people type: whole titles, typos, articles, years, accents, alternate and partial titles.
TYPED = [
    "matrix",
    "the matirx",
    "matrix 1999",
    "Matrix, The",
    "toy stroy",
    "toy story 2",
    "star wars",
    "star wars 1977",
    "empire strikes back",
    "the empire strikes bak",
    "godfather",
    "the godfater",
    "godfather 2",
    "pulp fction",
    "shawshank redemption",
    "forest gump",
    "silence of lambs",
    "schindlers list",
    "jurasic park",
    "back to the future part iii",
    "aliens",
    "terminator 2 judgment day",
    "raiders of the lost ark",
    "indiana jones",
    "the good the bad and the ugly",
    "léon",
    "leon",
    "amelie",
    "Amélie",
    "la cite des enfants perdus",
    "cité des enfants perdus",
    "american beauty",
    "titanic 1953",
    "heat 1995",
    "seven",
    "12 monkeys",
    "the princes bride",
    "men in black",
    "et the extra terrestrial",
    "die hard 2",
    "harry potter",
    "the dark knight",
    "inceptoin",
    "avengers infinity war",
    "lord of the rigns",
    "spirited away",
    "el laberinto del fauno",
    "wall-e",
    "findng nemo",
    "grand budapest",
    "drive 2011",
    "inglorious bastards",
    "old boy 2003",
    "cidade de deus",
    "das leben der anderen",
    "the intouchables",
    "eternal sunshine",
    "star wars the force awakens",
    "rogue one",
    "qwxzy",
]


def typed_variants(title: str, rng: random.Random) -> list[str]:
    """How a person might type `title`: lowercase, as shown, folded, without its article, with
    its year, its first words, the first twelve keystrokes, and with two kinds of typo."""
    shown = display_title(title)
    main = titles._PARENS.sub("", titles._YEAR_AT_END.sub("", shown)).strip()
    lower, words = main.lower(), main.split()
    typed = [lower, shown, titles.fold(main), lower[:12]]
    if lower.startswith("the "):
        typed.append(main[4:])
    year = titles._YEAR_AT_END.search(shown)
    if year:
        typed.append(f"{main} {year.group(1)}")
    if len(words) > 2:
        typed.append(" ".join(words[:2]))
    if len(lower) > 5:
        i = rng.randrange(1, len(lower) - 2)
        typed.append(lower[:i] + lower[i + 1] + lower[i] + lower[i + 2 :])  # swapped letters
        typed.append(lower[:i] + lower[i + 1 :])  # a letter left out
    return typed


@pytest.mark.slow
@pytest.mark.parametrize("folder", [ML1M, ML_LATEST_SMALL], ids=["ml-1m", "ml-latest-small"])
def test_the_shortlist_finds_what_scoring_every_name_finds(folder) -> None:
    popularity = load_ratings(folder)["movie_id"].value_counts().to_dict()
    index = TitleIndex(load_movies(folder), popularity=popularity)
    assert len(index._names) > titles.SHORTLIST  # the shortlist is in use
    rng = random.Random(11)
    queries = list(TYPED)
    for title in rng.sample(sorted(index._movies.values()), 60):
        queries += typed_variants(title[0], rng)
    differ, limits = [], (3, 10)
    for query in queries:
        for limit, old in zip(limits, reference_match(index, query, limits), strict=True):
            new = index.match(query, limit)
            if (new.status, new.candidates[:1]) != (old.status, old.candidates[:1]):
                differ.append((query, limit, new.status, new.candidates[:1], old.candidates[:1]))
    assert not differ, differ


# Checked by hand: post-2000 films of ml-latest-small, as typed.
RECENT = [
    ("amelie", 4973),
    ("the dark knight", 58559),
    ("inceptoin", 79132),
    ("avengers infinity war", 122912),
    ("spirited away", 5618),
    ("el laberinto del fauno", 48394),
    ("wall-e", 60069),
    ("findng nemo", 6377),
    ("grand budapest", 109374),
    ("the lives of others", 44555),
    ("star wars the force awakens", 122886),
    ("deadpool 2", 187593),
]


def test_recent_titles_of_ml_latest_small() -> None:
    index = TitleIndex(load_movies(ML_LATEST_SMALL))
    for query, movie_id in RECENT:
        result = index.match(query)
        assert result.best is not None and result.best.movie_id == movie_id, (query, result)


# ---------------------------------------------------------------- an ml-32m-sized catalogue
@pytest.mark.slow
def test_a_generated_ml32m_sized_catalogue_finds_exact_and_mistyped_titles() -> None:
    movies = synthetic(ML32M_TITLES)
    index = TitleIndex(movies)
    assert len(index) == ML32M_TITLES
    rng = random.Random(5)
    checked = 0
    for movie_id, title in rng.sample(list(movies["title"].items()), 400):
        main = titles.title_names(title)[0]
        if index._exact[main] != {movie_id} or len(main) < 12 or " " not in main:
            continue  # a name several films share is rightly ambiguous
        shown = display_title(title)  # as a person writes it, without the alternate titles
        year = titles._YEAR_AT_END.search(shown)
        typed = titles._PARENS.sub("", titles._YEAR_AT_END.sub("", shown)).strip()
        typed += f" ({year.group(1)})" if year else ""
        result = index.match(typed)
        assert result.status is MatchStatus.CONFIDENT, (typed, result)
        assert result.best is not None and result.best.movie_id == movie_id
        longest = max(main.split(), key=len)
        i = rng.randrange(0, len(longest) - 1)
        mistyped = main.replace(
            longest, longest[:i] + longest[i + 1] + longest[i] + longest[i + 2 :]
        )
        candidates = index.match(mistyped).candidates
        assert movie_id in {c.movie_id for c in candidates}, (mistyped, candidates)
        checked += 1
        if checked == 30:
            break
    assert checked == 30
