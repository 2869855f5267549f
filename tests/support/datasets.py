"""Tiny MovieLens-shaped files, written byte for byte: the loaders' and the index's edge cases."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def write_dat(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ratings.dat").write_bytes(b"1::10::5::978300760\n1::20::3::978302109\n2::10::1::0\n")
    (folder / "movies.dat").write_bytes(
        "10::Cit\xe9 des enfants perdus, La (1995)::Adventure|Sci-Fi\n"
        "20::Matrix, The (1999)::Action|Sci-Fi|Thriller\n"
        '30::"Quoted" Title: Part 2 (2001)::Drama\n'.encode("latin-1")
    )
    (folder / "users.dat").write_bytes(b"1::F::1::10::48067\n2::M::56::16::70072\n")
    return folder


def write_csv(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ratings.csv").write_bytes(
        b"userId,movieId,rating,timestamp\r\n1,10,4.5,964982703\r\n3,30,0.5,964981247\r\n"
    )
    (folder / "movies.csv").write_bytes(
        'movieId,title,genres\r\n10,"Good, the Bad and the Ugly, The (1966)",Western\r\n'
        "30,Babylon 5,(no genres listed)\r\n"
        '40,"Amélie (Fabuleux destin d\'Amélie Poulain, Le) (2001)",Comedy|Romance\r\n'.encode()
    )
    return folder


def small_data(folder: Path) -> Path:
    """A few users with overlapping tastes, in the ml-1m layout (generated, not MovieLens)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for user in range(1, 31):
        for movie in range(1, 21):
            if (user + movie) % 3:
                lines.append(f"{user}::{movie}::{1 + (user * movie) % 5}::0")
    (folder / "ratings.dat").write_text("\n".join(lines) + "\n")
    (folder / "movies.dat").write_text(
        "\n".join(f"{m}::Film {m} ({1980 + m})::Drama" for m in range(1, 21)) + "\n"
    )
    return folder


N_MOVIES = 40


def write_two_tastes(folder: Path, users: int = 200, seed: int = 3) -> Path:
    """A MovieLens-layout CSV data set with two tastes: taste A loves films 1–20 and dislikes 21–40,
    taste B the opposite. Each person rated 24 random films, a few at 3 stars."""
    rng = np.random.default_rng(seed)
    rows = []
    for user in range(1, users + 1):
        taste_a = user % 2 == 0
        for movie in rng.choice(np.arange(1, N_MOVIES + 1), 24, replace=False):
            liked = (movie <= N_MOVIES // 2) == taste_a
            stars = rng.choice([4, 5]) if liked else rng.choice([1, 2])
            if rng.random() < 0.1:
                stars = 3
            rows.append((user, int(movie), float(stars), 0))
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=["userId", "movieId", "rating", "timestamp"]).to_csv(
        folder / "ratings.csv", index=False
    )
    pd.DataFrame(
        {
            "movieId": range(1, N_MOVIES + 1),
            "title": [f"Film {i} (2000)" for i in range(1, N_MOVIES + 1)],
            "genres": ["Drama"] * N_MOVIES,
        }
    ).to_csv(folder / "movies.csv", index=False)
    return folder
