"""Importing a Letterboxd or IMDb export: the matcher's precision and recall, and its speed.

    python benchmarks/history.py             # ml-latest-small and ml-1m, 2,000 films each
    python benchmarks/history.py --films 500 # a quicker run

Exports are built from real catalogue titles, shaped as each service writes them, with the noise
real exports have against MovieLens' titles: the English or the original title (MovieLens keeps the
other in parentheses), the subtitle dropped, a year off by one (release years differ by country),
"The" in front or dropped, punctuation changed or dropped ("&" / "and", colons, commas), lower case.
IMDb rows carry the film's `Const` where the catalogue has links (ml-1m: ml-latest-small's, ~76%),
the rest only title and year. A tenth of the rows are films the catalogue does not have (newer ones,
from ml-latest-small, for ml-1m; invented ones for ml-latest-small), so a wrong match there is a
wrong match too.

A last row takes real title variation: ml-1m's films as ml-latest-small (a later release, the same
ids) writes their titles and years, title and year only.

For each source and data set: correct = matched, without asking, to the film the row is; wrong =
matched without asking to another film (or to anything, for a film the catalogue lacks); asked =
the unsure ones (the person confirms or skips them); missed = nothing offered. Speed: reading
and matching a 2,000-row Letterboxd ZIP (summary before saving), best of five; then the whole
way through the real bot in-process (the document update, getFile, the download from the
stand-in, reading, matching, the pending import committed to SQLite, the summary sent), the
first upload (which builds the matcher's index) and the next four.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import random
import re
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from movierec.data import load_movies, load_ratings  # noqa: E402
from movierec.history import Matcher, read_export  # noqa: E402
from movierec.history.export import plain_title  # noqa: E402
from movierec.links import borrow_links  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
_YEAR = re.compile(r"\s*\((\d{4})\)\s*$")
_PARENS = re.compile(r"\(([^()]*)\)")


def alternates(title: str) -> list[str]:
    body = _YEAR.sub("", title)
    return [a.removeprefix("a.k.a. ").strip() for a in _PARENS.findall(body) if a.strip()]


def noisy(title: str, rng: random.Random) -> str:
    """A catalogue title as another service might write it."""
    name = plain_title(title)
    others = alternates(title)
    if others and rng.random() < 0.35:
        other = rng.choice(others)
        name = plain_title(f"{other} (2000)")
    roll = rng.random()
    if roll < 0.1 and name.lower().startswith("the "):
        name = name[4:]
    elif roll < 0.2 and not name.lower().startswith("the "):
        name = "The " + name if rng.random() < 0.3 else name
    if ":" in name and rng.random() < 0.1:  # "Star Wars: Episode IV - A New Hope" as "Star Wars"
        name = name.split(":", 1)[0]
    if rng.random() < 0.2:
        name = name.replace(":", "").replace(",", "").replace(" - ", " ")
    if rng.random() < 0.1:
        name = name.replace("&", "and") if "&" in name else name.replace(" and ", " & ")
    if rng.random() < 0.05:
        name = name.lower()
    return name


def year_of(movies: pd.DataFrame, movie_id: int, rng: random.Random) -> int | None:
    year = movies.at[movie_id, "year"]
    if pd.isna(year):
        return None
    return int(year) + (rng.choice((-1, 1)) if rng.random() < 0.1 else 0)


def build(movies: pd.DataFrame, absent: list[tuple[str, int]], films: int, seed: int):
    rng = random.Random(seed)
    ids = rng.sample(list(movies.index), min(films, len(movies)))
    truth: list[int | None] = []
    letterboxd = [["Date", "Name", "Year", "Letterboxd URI", "Rating"]]
    imdb = [["Const", "Your Rating", "Date Rated", "Title", "Original Title", "URL",
             "Title Type", "IMDb Rating", "Runtime (mins)", "Year", "Genres", "Num Votes",
             "Release Date", "Directors"]]  # fmt: skip
    rows: list[tuple[str, int | None, int | None, str]] = []
    for movie_id in ids:
        title = str(movies.at[movie_id, "title"])
        imdb_id = movies.at[movie_id, "imdb_id"] if "imdb_id" in movies else None
        known = None if imdb_id is None or pd.isna(imdb_id) else int(imdb_id)
        rows.append((noisy(title, rng), year_of(movies, movie_id, rng), known, title))
        truth.append(int(movie_id))
    for name, year in rng.sample(absent, min(len(absent), films // 10)):
        rows.append((name, year, None, name))
        truth.append(None)
    for number, (name, year, imdb_id, title) in enumerate(rows):
        stars = rng.choice([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5])
        shown = "" if year is None else str(year)
        letterboxd.append(["2024-01-01", name, shown, f"https://boxd.it/{number}", str(stars)])
        others = alternates(title)
        original = plain_title(f"{others[0]} (2000)") if others else name
        const = f"tt{imdb_id:07d}" if imdb_id is not None else f"tt9{number:08d}"
        imdb.append([const, str(int(stars * 2)), "2024-01-01", name, original, "", "Movie", "7",
                     "100", shown, "Drama", "1000", "", ""])  # fmt: skip
    return truth, letterboxd, imdb


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def score(matcher: Matcher, data: bytes, name: str, truth: list[int | None]) -> dict[str, float]:
    export = read_export(name, data)
    found: dict[int, tuple[int, bool]] = {}
    for index, row in enumerate(export.rows):
        best = matcher.best(row)
        if best is not None:
            found[index] = (best[0], best[2])
    correct = wrong = asked = missed = 0
    for index, want in enumerate(truth):
        got = found.get(index)
        if got is None:
            missed += want is not None
        elif not got[1]:
            asked += 1
        elif got[0] == want:
            correct += 1
        else:
            wrong += 1
    present = sum(t is not None for t in truth)
    return {
        "rows": len(truth),
        "recall": correct / present,
        "precision": correct / max(correct + wrong, 1),
        "wrong": wrong / len(truth),
        "asked": asked / len(truth),
        "missed": missed / present,
    }


def popularity(folder: Path) -> dict[int, int]:
    """How often each film was rated: the bot's matcher breaks a tie of the same name and year
    by it (a film rated five times as often wins)."""
    counts = load_ratings(folder)["movie_id"].value_counts()
    return {int(m): int(n) for m, n in counts.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--films", type=int, default=2000)
    args = parser.parse_args()
    small = load_movies(DATA / "ml-latest-small")
    one_m = borrow_links(load_movies(DATA / "ml-1m"), DATA / "ml-latest-small")
    newer = [(plain_title(t), int(y)) for t, y in zip(small["title"], small["year"], strict=True)
             if not pd.isna(y) and y > 2000]  # fmt: skip
    invented = [(f"Nonexistent Picture {n} of the Western Sky", 1990 + n % 30) for n in range(500)]
    print("| data set | source | rows | correct (recall) | precision | wrong | asked | missed |")
    print("|---|---|---|---|---|---|---|---|")
    popular = {label: popularity(DATA / label) for label in ("ml-latest-small", "ml-1m")}
    for label, movies, absent in (("ml-latest-small", small, invented), ("ml-1m", one_m, newer)):
        matcher = Matcher(movies, popular[label])
        truth, letterboxd, imdb = build(movies, absent, args.films, seed=7)
        for source, data, name in (
            ("Letterboxd", as_csv(letterboxd), "ratings.csv"),
            ("IMDb", as_csv(imdb), "ratings.csv"),
        ):
            r = score(matcher, data, name, truth)
            print(f"| {label} | {source} | {r['rows']:,.0f} | {r['recall']:.2%} | "
                  f"{r['precision']:.2%} | {r['wrong']:.2%} | {r['asked']:.2%} | "
                  f"{r['missed']:.2%} |")  # fmt: skip
    # real title variation: ml-1m's films as the later release (ml-latest-small) writes them
    shared = [m for m in one_m.index if m in small.index]
    rng = random.Random(3)
    chosen = rng.sample(shared, min(args.films, len(shared)))
    rows = [["Date", "Name", "Year", "Letterboxd URI", "Rating"]]
    for number, movie_id in enumerate(chosen):
        title, year = str(small.at[movie_id, "title"]), small.at[movie_id, "year"]
        rows.append(["2024-01-01", plain_title(title), "" if pd.isna(year) else str(int(year)),
                     f"https://boxd.it/{number}", "4"])  # fmt: skip
    r = score(
        Matcher(one_m, popular["ml-1m"]), as_csv(rows), "ratings.csv", [int(m) for m in chosen]
    )
    print(f"| ml-1m | ml-latest-small's own titles and years (real variation) | {r['rows']:,.0f} "
          f"| {r['recall']:.2%} | {r['precision']:.2%} | {r['wrong']:.2%} | {r['asked']:.2%} | "
          f"{r['missed']:.2%} |")  # fmt: skip
    # speed: a 2,000-row Letterboxd ZIP, read and matched (what the summary waits for)
    matcher = Matcher(one_m, popular["ml-1m"])
    truth, letterboxd, _ = build(one_m, newer, 1800, seed=11)
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ratings.csv", as_csv(letterboxd))
        archive.writestr("watched.csv", as_csv([r[:4] for r in letterboxd]))
    data = packed.getvalue()
    times = []
    for _ in range(5):
        started = time.perf_counter()
        result = matcher.match(read_export("letterboxd.zip", data))
        times.append(time.perf_counter() - started)
    started = time.perf_counter()
    Matcher(one_m)
    built = time.perf_counter() - started
    bot_times = asyncio.run(through_the_bot(data))
    print(f"\n{result.total:,} films ({len(data) / 1024:.0f} KB ZIP, two files) read and matched "
          f"in {min(times) * 1000:.0f} ms (best of 5; worst {max(times) * 1000:.0f} ms); the "
          f"matcher's index of ml-1m builds in {built * 1000:.0f} ms, once")  # fmt: skip
    print(f"Through the bot (document -> summary): first upload {bot_times[0] * 1000:.0f} ms "
          f"(builds the matcher), then {min(bot_times[1:]) * 1000:.0f}-"
          f"{max(bot_times[1:]) * 1000:.0f} ms")  # fmt: skip


async def through_the_bot(data: bytes) -> list[float]:
    """Seconds from a person's document to the bot's summary, five uploads (the first builds the
    matcher), through the real Application and the Telegram stand-in."""
    from telegram import Update

    from bot.app import build_application
    from bot.storage import open_storage
    from bot.throttle import Throttle
    from movierec.config import Settings
    from movierec.recommender import Recommender
    from tests.support.fakegram import FakeTelegram

    times = []
    with tempfile.TemporaryDirectory(prefix="movierec-bench-") as scratch:
        home = Path(scratch)
        settings = Settings(home=home, movielens_dir=DATA / "ml-1m")
        with Recommender.open(settings, data_dir=DATA / "ml-1m") as rec:
            fake = FakeTelegram()
            storage = await open_storage(None, home / "bot.sqlite3")
            app = build_application(
                fake.token, rec, storage, request=fake.request(), throttle=Throttle(burst=1000)
            )
            await app.initialize()
            for person in range(1, 6):
                update = fake.upload(person, person, "letterboxd.zip", data)
                started = time.perf_counter()
                await app.process_update(Update.de_json(update, app.bot))
                times.append(time.perf_counter() - started)
                assert "export" in fake.last(person).text
            await app.shutdown()
            await storage.close()
    return times


if __name__ == "__main__":
    main()
