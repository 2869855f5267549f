"""Title-matching latency: ml-1m's 3,883 titles and a generated catalogue the size of ml-32m's.

python benchmarks/titles.py
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from movierec.data import load_movies  # noqa: E402
from movierec.titles import TitleIndex  # noqa: E402

QUERIES = [
    "matrix",
    "the matrix",
    "star wars",
    "star wars 1977",
    "se7en",
    "toy stroy",
    "godfather part ii",
    "qwxzy",
    "amelie",
    "lord of the rings",
    "heat",
    "x" * 4000,
]


def measure(index: TitleIndex, queries: list[str], repeat: int = 20) -> dict:
    samples = []
    for _ in range(repeat):
        for query in queries:
            start = time.perf_counter()
            index.match(query)
            samples.append(time.perf_counter() - start)
    values = np.array(samples) * 1000
    return {
        "titles": len(index),
        "p50_ms": float(np.percentile(values, 50)),
        "p99_ms": float(np.percentile(values, 99)),
    }


def synthetic(count: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    words = [
        "night",
        "star",
        "love",
        "dark",
        "city",
        "last",
        "man",
        "house",
        "war",
        "blue",
        "dead",
        "girl",
        "road",
        "king",
        "time",
        "river",
        "secret",
        "ghost",
        "summer",
        "game",
    ]
    titles = [
        " ".join(rng.choice(words, size=rng.integers(1, 5))).title() + f" ({1900 + i % 125})"
        for i in range(count)
    ]
    return pd.DataFrame(
        {
            "title": titles,
            "year": pd.array([1900 + i % 125 for i in range(count)], dtype="Int64"),
            "genres": [()] * count,
        },
        index=pd.Index(range(1, count + 1), name="movie_id"),
    )


def main() -> None:
    data = Path(os.environ.get("MOVIELENS_DIR") or ROOT.parent / "shared/data/ml-1m")
    results = [measure(TitleIndex(load_movies(data)), QUERIES)]
    start = time.perf_counter()
    large = TitleIndex(synthetic(87_585))
    built = time.perf_counter() - start
    results.append({**measure(large, QUERIES, repeat=3), "build_s": built})
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
