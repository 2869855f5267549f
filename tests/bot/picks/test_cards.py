"""Film cards through the real bot: list -> card -> rate -> next -> back and the button count on
ml-1m (no links: no preview); on ml-latest-small a card without TMDB (Telegram's preview of the
TMDB page), with the TMDB stand-in (facts, poster, where to watch per country with JustWatch's
attribution, the title in the person's language), with TMDB slow, refusing (429) or down; inline
results with posters as thumbnails; /country; a title typed in the person's language; a movie
night's vote with the posters as its options' photos."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.app import build_application
from bot.films import Tmdb, tmdb_id
from bot.storage import open_storage
from bot.throttle import Throttle
from movierec.recommender import Recommender
from tests.support import presses
from tests.support.fakegram import FakeTelegram
from tests.support.harness import Harness
from tests.support.reading import pick_ids
from tests.support.scenes import ANN, BEN, GROUP, like_five_films
from tests.support.tmdb import TOKEN, FakeTmdb, film, serve


async def test_list_card_rate_next_back(harness: Harness) -> None:
    await like_five_films(harness)
    picks = await harness.say(ANN, ANN, "/rec")
    ids = pick_ids(picks)
    assert len(ids) == 5 and len(picks.buttons()) == 7  # was 23: 5 × (👍 👎 🙈 🔖), More, 🎭, 📅
    assert len(picks.text) < 600 and picks.text.count("\n") <= 9  # was 1,006 characters, 28 lines
    assert all(len(label) <= 36 and "…" not in label for label, _ in picks.buttons()[:5])
    await harness.press(ANN, ANN, picks, presses.card(ids[0]))
    card = harness.fake.last(ANN)
    assert card.message_id == picks.message_id and card.text.startswith("🎬 ")
    assert "because you liked" in card.text
    # ml-1m has no links.csv: its films' TMDB pages come from ml-latest-small's, and Telegram's
    # own preview of that page is the card's poster (no key needed)
    assert card.preview is not None and card.preview["url"].startswith(
        "https://www.themoviedb.org/movie/"
    )
    assert card.preview["prefer_large_media"] and card.preview["show_above_text"]
    labels = [t for t, _ in card.buttons()]
    assert labels[:4] == ["👍", "👎", "🙈 Seen it", "🔖 Later"] and "◀ Back to the list" in labels
    answer = await harness.press(ANN, ANN, card, presses.rate(ids[0], 1))
    assert answer["text"].startswith("Noted: you like")
    assert "Noted: you liked it." in card.text and card.button("Next film") == presses.card(ids[1])
    assert (await harness.storage.ratings(ANN, ANN))[ids[0]] == 1.0
    await harness.press(ANN, ANN, card, card.button("Next film"))
    assert card.text.startswith("🎬 ") and presses.rate(ids[1], -1) in [
        d for _, d in card.buttons()
    ]
    await harness.press(ANN, ANN, card, presses.back())
    assert card.text.startswith("🍿") and card.buttons()[0][0].startswith("👍 ")
    assert len(harness.fake.messages(ANN)) == 2  # one list, edited in place


@pytest.fixture
def tmdb() -> Iterator[FakeTmdb]:
    matrix = film(603, "The Matrix")
    with serve(FakeTmdb({603: matrix})) as fake:
        yield fake


async def _latest_harness(
    rec: Recommender, tmp_path: Path, tmdb: FakeTmdb | None, wait: float = 1.0
) -> AsyncIterator[Harness]:
    fake = FakeTelegram()
    storage = await open_storage(None, tmp_path / "db.sqlite3")
    client = Tmdb(TOKEN, tmdb.url, rate=40, timeout=3.0) if tmdb else None
    app = build_application(
        fake.token,
        rec,
        storage,
        request=fake.request(),
        throttle=Throttle(burst=1000),
        tmdb=client,
        facts_wait=wait,
    )
    if client is not None:
        app.bot_data.services.facts.pause = 0.0
    await app.initialize()
    try:
        yield Harness(fake, app, storage)
    finally:
        await app.shutdown()
        await storage.close()
    assert fake.errors == [], fake.errors


async def _matrix_card(harness: Harness, language: str = "en") -> tuple:
    """Ann's card of The Matrix (603 on TMDB), opened from a list of her picks."""
    await harness.say(ANN, ANN, "/like Alien, Heat, Fargo", language_code=language)
    picks = await harness.say(ANN, ANN, "/rec", language_code=language)
    await harness.press(ANN, ANN, picks, presses.card(2571), forge=True, language_code=language)
    return picks, harness.fake.last(ANN)


async def test_a_card_without_tmdb_previews_the_films_tmdb_page(
    latest_recommender: Recommender, tmp_path: Path
) -> None:
    async for harness in _latest_harness(latest_recommender, tmp_path, None):
        _, card = await _matrix_card(harness)
        assert card.preview == {
            "url": "https://www.themoviedb.org/movie/603",
            "prefer_large_media": True,
            "show_above_text": True,
        }
        assert '<a href="https://www.imdb.com/title/tt0133093/">IMDb</a>' in card.html
        assert "Directed by" not in card.text


async def test_a_card_with_tmdb_shows_the_facts_and_where_to_watch(
    latest_recommender: Recommender,
    tmp_path: Path,
    tmdb: FakeTmdb,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    async for harness in _latest_harness(latest_recommender, tmp_path, tmdb):
        _, card = await _matrix_card(harness)
        print("\n" + card.text)  # the closing note's card
        assert card.text.startswith("🎬 The Matrix (1999) · 2 h 16 min")
        assert "Directed by Lana Wachowski, Lilly Wachowski" in card.text
        assert "with Keanu Reeves, Laurence Fishburne, Carrie-Anne Moss" in card.text
        assert "📺 Stream on Netflix, Mubi · rent on Apple TV (data: JustWatch)" in card.text
        assert 'href="https://www.themoviedb.org/movie/603/watch?locale=US">JustWatch' in card.html
        plot = card.text.split("\n")[3]
        assert plot.startswith("Set in the 22nd century") and plot.endswith("…") and len(plot) < 225
        assert card.preview["url"] == "https://image.tmdb.org/t/p/w500/poster603.jpg"
        stored = await harness.storage.film_facts([2571])
        assert '"runtime":136' in stored[2571][0]
    assert TOKEN not in caplog.text


async def test_where_to_watch_and_the_title_follow_the_persons_language(
    latest_recommender: Recommender, tmp_path: Path, tmdb: FakeTmdb
) -> None:
    async for harness in _latest_harness(latest_recommender, tmp_path, tmdb):
        _, card = await _matrix_card(harness, "ru")
        assert card.text.startswith("🎬 Матрица (The Matrix, 1999)")
        assert "Жизнь Томаса Андерсона" in card.text and "📺" not in card.text  # none in RU
    async for harness in _latest_harness(latest_recommender, tmp_path / "de", tmdb):
        _, card = await _matrix_card(harness, "de")
        assert card.text.startswith("🎬 The Matrix (1999)") and "Amazon Video" in card.text


async def test_a_slow_tmdb_never_delays_the_card_and_fills_it_in_later(
    latest_recommender: Recommender, tmp_path: Path, tmdb: FakeTmdb
) -> None:
    tmdb.delay = 1.5
    async for harness in _latest_harness(latest_recommender, tmp_path, tmdb, wait=0.3):
        start = time.monotonic()
        _, card = await _matrix_card(harness)
        assert "Directed by" not in card.text  # rendered with what was cached: nothing
        assert time.monotonic() - start < 2.5  # /like, /rec and the card: not 3 × 1.5 s
        await harness.app.bot_data.services.facts.drain()
        await harness.press(ANN, ANN, card, presses.back())
        await harness.press(ANN, ANN, card, presses.card(2571), forge=True)
        assert "Directed by Lana Wachowski" in card.text  # filled in on the next view


async def test_tmdb_refusing_or_down_or_without_the_film(
    latest_recommender: Recommender, tmp_path: Path, tmdb: FakeTmdb
) -> None:
    tmdb.refuse, tmdb.retry_after = 1, 0  # one 429: retried after its Retry-After
    async for harness in _latest_harness(latest_recommender, tmp_path, tmdb):
        _, card = await _matrix_card(harness)
        assert "Directed by" in card.text
        assert any(r[1].startswith("/3/movie/603?") for r in tmdb.requests)
    tmdb.down = True
    async for harness in _latest_harness(latest_recommender, tmp_path / "down", tmdb):
        _, card = await _matrix_card(harness)
        assert card.text.startswith("🎬 The Matrix (1999)\n") and "Directed by" not in card.text
        assert card.preview["url"] == "https://www.themoviedb.org/movie/603"
    tmdb.down, tmdb.unknown = False, {603}
    async for harness in _latest_harness(latest_recommender, tmp_path / "gone", tmdb):
        _, card = await _matrix_card(harness)
        assert "Directed by" not in card.text
        assert (await harness.storage.film_facts([2571]))[2571][0] == ""  # known missing


async def test_inline_results_have_posters_as_thumbnails(
    latest_recommender: Recommender, tmp_path: Path, tmdb: FakeTmdb
) -> None:
    async for harness in _latest_harness(latest_recommender, tmp_path, tmdb):
        answer = await harness.inline(ANN, "matrix")
        first = answer["results"][0]
        assert first["id"] == "m2571"
        assert first["thumbnail_url"] == "https://image.tmdb.org/t/p/w92/poster603.jpg"
        preview = first["input_message_content"]["link_preview_options"]
        assert preview["url"] == "https://image.tmdb.org/t/p/w500/poster603.jpg"


async def test_country_chooses_where_to_watch_until_deletemydata(
    latest_recommender: Recommender, tmp_path: Path, tmdb: FakeTmdb
) -> None:
    async for harness in _latest_harness(latest_recommender, tmp_path, tmdb):
        _, card = await _matrix_card(harness, "ru")
        assert "📺" not in card.text  # Russia: no providers
        ask = await harness.say(ANN, ANN, "/country", language_code="ru")
        labels = [t for t, _ in ask.buttons()]
        assert "🇩🇪 Германия" in labels and "🇷🇺 Россия" in labels and len(labels) == 26
        assert labels[-1].startswith("✅ ")  # automatic, as nothing was chosen
        await harness.press(ANN, ANN, ask, presses.country("DE"), language_code="ru")
        assert await harness.storage.country(ANN) == "DE"
        assert "✅ 🇩🇪 Германия" in [t for t, _ in ask.buttons()]  # the question, edited
        _, card = await _matrix_card(harness, "ru")
        assert card.text.startswith("🎬 Матрица (The Matrix, 1999)")  # still in Russian
        assert "📺" in card.text and "Amazon Video" in card.text and "JustWatch" in card.text
        await harness.press(ANN, ANN, ask, presses.country(None), language_code="ru")
        assert await harness.storage.country(ANN) is None
        await harness.press(ANN, ANN, ask, presses.country("US"), language_code="ru")
        gone = await harness.say(ANN, ANN, "/deletemydata")
        await harness.press(ANN, ANN, gone, presses.delete(True))
        assert await harness.storage.country(ANN) is None


async def test_a_title_in_the_persons_language_is_found_once_cached(
    latest_recommender: Recommender, tmp_path: Path, tmdb: FakeTmdb
) -> None:
    async for harness in _latest_harness(latest_recommender, tmp_path, tmdb):
        await harness.say(ANN, ANN, "/like матрица", language_code="ru")
        assert 2571 not in await harness.storage.ratings(ANN, ANN)  # not cached yet
        await _matrix_card(harness, "ru")  # TMDB's facts: Матрица
        await harness.say(ANN, ANN, "/like Матрица", language_code="ru")
        assert (await harness.storage.ratings(ANN, ANN))[2571] == 1.0
        asked = await harness.say(ANN, ANN, "/dislike матрца", language_code="ru")  # a typo
        assert asked.text.startswith("Ты имел в виду The Matrix (1999)?")
        offered = {getattr(presses.decode(d), "movie_id", None) for _, d in asked.buttons()}
        assert 2571 in offered and (await harness.storage.ratings(ANN, ANN))[2571] == 1
        await harness.say(ANN, ANN, "/forget The Matrix")
        found = await harness.say(ANN, ANN, "матрица", language_code="ru")  # a title search
        assert pick_ids(found) == [2571]
        await harness.say(ANN, ANN, "/like матрица", language_code="de")  # not German
        assert 2571 not in await harness.storage.ratings(ANN, ANN)


async def test_a_movie_nights_vote_has_the_posters_as_its_options_photos(
    latest_recommender: Recommender, tmp_path: Path, tmdb: FakeTmdb
) -> None:
    async for harness in _latest_harness(latest_recommender, tmp_path, tmdb):
        await harness.say(GROUP, ANN, "/like Alien, Heat, Fargo", first_name="Ann")
        await harness.say(GROUP, BEN, "/like Toy Story", first_name="Ben")
        night = await harness.movie_night(GROUP, [ANN, BEN])
        await harness.app.bot_data.services.facts.drain()  # the five films, fetched as listed
        await harness.press(GROUP, BEN, night, presses.vote("v"))
        (media,) = harness.fake.poll_media.values()
        links = latest_recommender.catalogue.links
        posters = [f"https://image.tmdb.org/t/p/w500/poster{tmdb_id(links(m).tmdb)}.jpg"
                   for m in pick_ids(night)]  # fmt: skip
        assert [m["media"] for m in media] == posters
