"""A tiny generated MovieLens: real titles, years and genres under their ml-1m ids, and a few
hundred made-up people whose seeded ratings follow a few tastes. Unit tests of the recommender's
mechanics (paging, exclusions, validation) open it in seconds; ml-1m stays for what asserts real
films' results."""

from __future__ import annotations

from pathlib import Path

import numpy as np

# (ml-1m id, title, genres): every film the shared preferences of the tests name is here.
FILMS: list[tuple[int, str, str]] = [
    (1, "Toy Story (1995)", "Animation|Children's|Comedy"),
    (6, "Heat (1995)", "Action|Crime|Thriller"),
    (34, "Babe (1995)", "Children's|Comedy|Drama"),
    (47, "Seven (Se7en) (1995)", "Crime|Thriller"),
    (110, "Braveheart (1995)", "Action|Drama|War"),
    (260, "Star Wars: Episode IV - A New Hope (1977)", "Action|Adventure|Fantasy|Sci-Fi"),
    (296, "Pulp Fiction (1994)", "Crime|Drama"),
    (318, "Shawshank Redemption, The (1994)", "Drama"),
    (329, "Star Trek: Generations (1994)", "Action|Adventure|Sci-Fi"),
    (356, "Forrest Gump (1994)", "Comedy|Romance|War"),
    (480, "Jurassic Park (1993)", "Action|Adventure|Sci-Fi"),
    (527, "Schindler's List (1993)", "Drama|War"),
    (589, "Terminator 2: Judgment Day (1991)", "Action|Sci-Fi|Thriller"),
    (593, "Silence of the Lambs, The (1991)", "Drama|Thriller"),
    (608, "Fargo (1996)", "Crime|Drama|Thriller"),
    (858, "Godfather, The (1972)", "Action|Crime|Drama"),
    (903, "Vertigo (1958)", "Mystery|Thriller"),
    (912, "Casablanca (1942)", "Drama|Romance|War"),
    (1036, "Die Hard (1988)", "Action|Thriller"),
    (1097, "E.T. the Extra-Terrestrial (1982)", "Children's|Drama|Fantasy|Sci-Fi"),
    (1196, "Star Wars: Episode V - The Empire Strikes Back (1980)", "Action|Adventure|Sci-Fi"),
    (1197, "Princess Bride, The (1987)", "Action|Adventure|Comedy|Romance"),
    (1198, "Raiders of the Lost Ark (1981)", "Action|Adventure"),
    (1200, "Aliens (1986)", "Action|Sci-Fi|Thriller|War"),
    (1201, "Good, The Bad and The Ugly, The (1966)", "Action|Western"),
    (1210, "Star Wars: Episode VI - Return of the Jedi (1983)", "Action|Adventure|Sci-Fi|War"),
    (1214, "Alien (1979)", "Action|Horror|Sci-Fi|Thriller"),
    (1219, "Psycho (1960)", "Horror|Thriller"),
    (1258, "Shining, The (1980)", "Horror"),
    (1265, "Groundhog Day (1993)", "Comedy|Romance"),
    (1270, "Back to the Future (1985)", "Comedy|Sci-Fi"),
    (1291, "Indiana Jones and the Last Crusade (1989)", "Action|Adventure"),
    (1387, "Jaws (1975)", "Action|Horror"),
    (1721, "Titanic (1997)", "Drama|Romance"),
    (2028, "Saving Private Ryan (1998)", "Action|Drama|War"),
    (2116, "Lord of the Rings, The (1978)", "Adventure|Animation|Children's|Sci-Fi"),
    (2288, "Thing, The (1982)", "Action|Horror|Sci-Fi|Thriller"),
    (2355, "Bug's Life, A (1998)", "Animation|Children's|Comedy"),
    (2396, "Shakespeare in Love (1998)", "Comedy|Romance"),
    (2571, "Matrix, The (1999)", "Action|Sci-Fi|Thriller"),
    (2762, "Sixth Sense, The (1999)", "Thriller"),
    (2858, "American Beauty (1999)", "Comedy|Drama"),
    (2997, "Being John Malkovich (1999)", "Comedy"),
    (3114, "Toy Story 2 (1999)", "Animation|Children's|Comedy"),
]
# The tastes people are drawn from: the genres each one rates high.
TASTES = [
    {"Sci-Fi", "Adventure"},
    {"Horror", "Thriller"},
    {"Children's", "Animation", "Comedy"},
    {"Drama", "Romance", "War"},
    {"Crime", "Thriller", "Action"},
]
PEOPLE = 300


def write_catalogue(folder: Path, people: int = PEOPLE, seed: int = 7) -> Path:
    """`folder` with ratings.dat and movies.dat in the ml-1m layout ('::', latin-1)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    movies = "".join(f"{movie}::{title}::{genres}\n" for movie, title, genres in FILMS)
    (folder / "movies.dat").write_bytes(movies.encode("latin-1"))
    lines = []
    for user in range(1, people + 1):
        taste = TASTES[user % len(TASTES)]
        seen = rng.choice(len(FILMS), size=int(rng.integers(8, 25)), replace=False)
        for index in sorted(seen):
            movie, _, genres = FILMS[index]
            fits = bool(taste & set(genres.split("|")))
            stars = rng.integers(4, 6) if fits else rng.integers(1, 4)
            lines.append(f"{user}::{movie}::{stars}::{978_300_000 + user * 100 + int(index)}\n")
    (folder / "ratings.dat").write_text("".join(lines))
    return folder
