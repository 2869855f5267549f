"""A new catalogue keeps people's ratings of the films it still has."""

from __future__ import annotations

from pathlib import Path

from bot.catalogue_change import adopt_catalogue
from bot.context import Services
from bot.storage import open_storage
from movierec.recommender import Recommender


async def test_a_new_catalogue_keeps_ratings_of_the_same_film(
    recommender: Recommender, tmp_path: Path
) -> None:
    storage = await open_storage(None, tmp_path / "db.sqlite3")
    await storage.rate(1, 1, 9_999_993, 1.0, "Heat (1995)")  # Heat under an old id
    await storage.rate(1, 1, 9_999_994, -1.0, "Not A Film (2099)")
    await storage.rate(1, 1, 1, 1.0, "Toy Story (1995)")
    await adopt_catalogue(Services(recommender, storage))
    assert (await storage.ratings(1, 1)) == {9_999_994: -1.0, 1: 1.0, 6: 1.0}
    await storage.close()
