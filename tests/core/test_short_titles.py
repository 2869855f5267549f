"""Short titles (movierec/short_titles.py): the examples people know, and the rule's promises over
the whole ml-1m and ml-latest-small catalogues (within the limit, never cut inside a word, unique
within a list)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from movierec.data import load_dataset
from movierec.short_titles import LIMIT, short_labels, short_title
from tests.conftest import ML1M


@pytest.mark.parametrize(
    ("title", "short"),
    [
        ("Star Wars: Episode V - The Empire Strikes Back (1980)", "The Empire Strikes Back"),
        ("Star Wars: Episode VI - Return of the Jedi (1983)", "Return of the Jedi"),
        ("Amelie (Fabuleux destin d'Amélie Poulain, Le) (2001)", "Amélie"),
        ("Matrix, The (1999)", "The Matrix"),
        ("Princess Bride, The (1987)", "The Princess Bride"),
        ("Lord of the Rings: The Fellowship of the Ring, The (2001)", "The Fellowship of the Ring"),
        (
            "Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb (1963)",
            "Dr. Strangelove",
        ),
        ("Indiana Jones and the Temple of Doom (1984)", "Indiana Jones: Temple of Doom"),
        ("Revenge of the Nerds III: The Next Generation (1992)", "Revenge of the Nerds III"),
        ("Star Trek II: The Wrath of Khan (1982)", "Star Trek II: The Wrath of Khan"),
        ("Mission: Impossible II (2000)", "Mission: Impossible II"),
        ("Toy Story (1995)", "Toy Story"),
    ],
)
def test_short_titles_keep_what_matters(title: str, short: str) -> None:
    assert short_title(title) == short


def test_labels_of_one_list_are_unique_with_years_then_whole_titles() -> None:
    titles = ["Hamlet (1948)", "Hamlet (1996)", "Matrix, The (1999)"]
    assert short_labels(titles) == ["Hamlet (1948)", "Hamlet (1996)", "The Matrix"]


def _catalogue(path: Path) -> list[str]:
    # never skipped: without the data set this test must fail, not pass as green in CI
    assert path.is_dir(), f"{path} not found: point MOVIELENS_DIR at ../shared/data/ml-1m"
    return [str(t) for t in load_dataset(path).movies["title"]]


@pytest.mark.parametrize("name", ["ml-1m", "ml-latest-small"])
def test_the_rule_over_a_whole_catalogue(name: str) -> None:
    titles = _catalogue(ML1M.parent / name)
    words = {w for t in titles for w in re.findall(r"\w+", t)}
    for title in titles:
        short = short_title(title)
        assert 0 < len(short) <= LIMIT, title
        # never a cut inside a word: every word shown is a whole word of the title
        shown = re.findall(r"\w+", short.removesuffix("…"))
        assert all(w in words or w.lower() in title.lower() for w in shown), (title, short)
        assert not short.endswith(("the…", "of…", " …")), (title, short)
    # the whole catalogue as one list: no two different films read the same
    labels = short_labels(titles)
    same_title = Counter(titles)
    counts = Counter(labels)
    clashes = [(t, lab) for t, lab in zip(titles, labels, strict=True)
               if counts[lab] > 1 and same_title[t] == 1]  # fmt: skip
    assert clashes == []
