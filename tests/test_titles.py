"""Title matching on the real ml-1m catalogue and on hand-made titles."""

from __future__ import annotations

import pandas as pd
import pytest

from movierec.data import load_movies, load_ratings
from movierec.titles import (
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
