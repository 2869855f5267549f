"""Title-matching latency on ml-1m, ml-latest-small and an ml-32m-sized (87,585-title) catalogue.

    python benchmarks/titles.py                # all three catalogues
    python benchmarks/titles.py --quick        # fewer repeats

The bot matches on every inline-query keystroke, so the query set has whole titles, typos, titles
typed with articles, years and accents, nonsense, a huge paste, and a title typed one keystroke at a
time (the short prefixes are the expensive end: they resemble thousands of titles a little).

The large catalogue is ml-latest-small's real titles plus generated ones up to ml-32m's size. The
generated titles are shaped like MovieLens's: multi-word English titles from a Zipf-distributed
vocabulary with a long tail of invented names, library-style trailing articles ("Harbour, The"),
sequels, subtitles after a colon, foreign titles with accents and an English alternate in
parentheses, a.k.a. titles, and years skewed towards recent decades. A catalogue of a few words in
every combination would make every title look like every other and flatter or punish a prefilter
unrealistically; this one has the word statistics of a real catalogue.
"""

from __future__ import annotations

import argparse
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

ML32M_TITLES = 87_585

QUERIES = [
    "matrix",
    "the matrix",
    "star wars",
    "star wars 1977",
    "se7en",
    "toy stroy",
    "godfather part ii",
    "the godfater",
    "shawshank",
    "qwxzy",
    "amelie",
    "Amélie",
    "lord of the rings",
    "lord of the rigns return of the king",
    "heat",
    "titanic 1997",
    "pulp fiction",
    "good bad ugly",
    "harry potter",
    "the dark knight",
    "inception",
    "x" * 4000,
]


def _words(text: str) -> list[str]:
    return text.split()


# One title typed a keystroke at a time, as inline queries arrive.
KEYSTROKES = ["the silence of the lambs"[:n] for n in range(1, len("the silence of the lambs") + 1)]

_COMMON = _words(
    "love night man day life time world house girl story last city dark death home war king "
    "blood heart dead little big black white red blue green gold summer winter lost secret "
    "american new old great true wild good bad high long first final sweet hard young street "
    "road river island sea sky star sun moon fire water ice stone iron glass paper silver "
    "shadow ghost devil angel god hell heaven dream kiss game play money power body mind eye "
    "eyes hand face head heart voice song music dance party wedding family father mother son "
    "daughter brother sister child children boy boys girls women men lady lord doctor captain "
    "killer hunter soldier stranger friend friends enemy lover lovers wife husband teacher "
    "school town country land mountain valley forest garden road train ship plane car "
    "journey return escape revenge rise fall end beginning edge line point zone case file "
    "mystery legend tale tales chronicles adventure adventures affair story stories diary "
    "letters letter rules code game games machine robot planet space earth alien aliens "
    "monster monsters zombie zombies vampire vampires witch curse spell magic dragon "
    "beast beauty prince princess queen empire kingdom republic nation army battle fight "
    "fighter fighters storm thunder rain snow wind fire flames light darkness midnight "
    "morning evening tomorrow yesterday forever never always again alone together apart "
    "inside outside under over beyond behind between without after before"
)
_FOREIGN = _words(
    "amour été vie nuit jour cœur mère père fille garçon ciudad corazón mujer hombre niño "
    "noche días vida muerte amor tierra cielo señor mädchen nacht liebe tod himmel stadt "
    "leben frau mann kinder sommer winter straße giorno notte vita morte città ragazza "
    "uomo donna cuore sole luna amore tempo mare famiglia dziewczyna miłość życie noc "
    "kärlek natt sommaren flickan"
)
_FOREIGN_ARTICLES = ["La", "Le", "Les", "L'", "El", "Los", "Las", "Il", "Die", "Der", "Das"]
_SYLLABLES = _words(
    "ka ri mo na lu te sa vo el an dor mi ra ko ji ta be li ser gio fa ni ros ma rin kov "
    "ska la van der berg son sen ar tu ya ho ne zu"
)


def _invented_names(rng: np.random.Generator, count: int) -> list[str]:
    """Names and places ("Korimo", "Vanderberg") for the long tail of a real title vocabulary."""
    names = set()
    while len(names) < count:
        parts = rng.choice(_SYLLABLES, size=int(rng.integers(2, 4)))
        names.add("".join(parts).capitalize())
    return sorted(names)


def synthetic(count: int = ML32M_TITLES, seed: int = 3) -> pd.DataFrame:
    """`count` generated MovieLens-style titles (see the module docstring), ids 1..count."""
    rng = np.random.default_rng(seed)
    common = np.array(_COMMON)
    zipf = 1.0 / np.arange(1, len(common) + 1) ** 0.5
    zipf /= zipf.sum()
    names = np.array(_invented_names(rng, 40_000))
    # Words drawn in bulk (one rng call per word is most of the generation time): mostly common
    # words, else the long tail (rare words, names, places).
    pool = np.where(
        rng.random(count * 8) < 0.7,
        rng.choice(common, size=count * 8, p=zipf),
        np.char.lower(rng.choice(names, size=count * 8)),
    ).tolist()
    draws = iter(pool)

    def word() -> str:
        return next(draws)

    def name() -> str:
        return str(names[rng.integers(len(names))])

    def english() -> tuple[str, bool]:
        """An English title, and whether it starts with "The"."""
        kind = rng.random()
        if kind < 0.22:
            body = f"{word()} {word()}".title()
        elif kind < 0.34:
            body = word().title()
        elif kind < 0.46:
            body = f"{word()} of the {word()}".title().replace(" Of The ", " of the ")
        elif kind < 0.56:
            body = f"{name()}"
        elif kind < 0.66:
            body = f"{name()}'s {word().title()}"
        elif kind < 0.76:
            body = f"{word()} {word()} {word()}".title()
        elif kind < 0.84:
            body = f"{word()} and {word()}".title().replace(" And ", " and ")
        elif kind < 0.96:
            body = f"{word().title()} {name()}"
        else:
            body = f"{word()} in the {word()}".title().replace(" In The ", " in the ")
        return body, rng.random() < 0.25

    def library(body: str, the: bool) -> str:
        return f"{body}, The" if the else body

    titles, years = [], []
    for _ in range(count):
        body, the = english()
        kind = rng.random()
        if kind < 0.08:  # a sequel
            title = library(f"{body} {rng.choice(['2', '3', 'II', 'III', 'Part 2'])}", the)
        elif kind < 0.17:  # a subtitle
            title = library(body, the) + f": {english()[0]}"
        elif kind < 0.25:  # a foreign title with its English name
            words = " ".join(rng.choice(_FOREIGN, size=int(rng.integers(1, 4))))
            article = str(rng.choice(_FOREIGN_ARTICLES))
            foreign = f"{words.capitalize()}, {article}" if rng.random() < 0.4 else words.title()
            title = f"{foreign} ({library(body, the)})"
        elif kind < 0.29:  # an a.k.a.
            title = f"{library(body, the)} (a.k.a. {english()[0]})"
        else:
            title = library(body, the)
        year = None if rng.random() < 0.003 else int(min(2023, 2024 - rng.gamma(1.6, 14)))
        year = None if year is None else max(year, 1895)
        titles.append(title if year is None else f"{title} ({year})")
        years.append(year)
    return pd.DataFrame(
        {
            "title": titles,
            "year": pd.array(years, dtype="Int64"),
            "genres": [()] * count,
        },
        index=pd.Index(range(1, count + 1), name="movie_id"),
    )


def large_catalogue(real: pd.DataFrame, count: int = ML32M_TITLES) -> pd.DataFrame:
    """Real titles first (ids kept), generated ones after them up to `count` titles."""
    generated = synthetic(max(count - len(real), 0))
    generated.index = generated.index + int(real.index.max())
    return pd.concat([real[["title", "year", "genres"]], generated])


def measure(index: TitleIndex, queries: list[str], repeat: int) -> dict:
    for query in queries:  # warm up caches and lazily built structures
        index.match(query)
    samples = []
    for _ in range(repeat):
        for query in queries:
            start = time.perf_counter()
            index.match(query)
            samples.append(time.perf_counter() - start)
    values = np.array(samples) * 1000
    return {
        "titles": len(index),
        "p50_ms": round(float(np.percentile(values, 50)), 3),
        "p99_ms": round(float(np.percentile(values, 99)), 3),
        "max_ms": round(float(values.max()), 3),
    }


def built(label: str, movies: pd.DataFrame) -> tuple[dict, TitleIndex]:
    start = time.perf_counter()
    index = TitleIndex(movies)
    return {"catalogue": label, "build_s": round(time.perf_counter() - start, 3)}, index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data = Path(os.environ.get("MOVIELENS_DIR") or ROOT.parent / "shared/data/ml-1m")
    parser.add_argument("--ml1m", type=Path, default=data)
    parser.add_argument("--small", type=Path, default=data.parent / "ml-latest-small")
    parser.add_argument("--quick", action="store_true", help="3 repeats instead of 20")
    args = parser.parse_args()
    repeat = 3 if args.quick else 20
    queries = QUERIES + KEYSTROKES
    small = load_movies(args.small)
    results = []
    for label, movies in [
        ("ml-1m", load_movies(args.ml1m)),
        ("ml-latest-small", small),
        ("87k: ml-latest-small + generated", large_catalogue(small)),
    ]:
        report, index = built(label, movies)
        results.append({**report, **measure(index, queries, repeat)})
        print(json.dumps(results[-1]), file=sys.stderr)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
