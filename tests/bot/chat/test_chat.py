"""A private chat's plain messages, as a new person writes them: small talk and questions get
the right thing in all five languages before any title search, a film the catalogue lacks is
answered with what the catalogue covers, and a match that is only a guess is asked about."""

from __future__ import annotations

import pytest
from telegram import Update

from bot import i18n
from bot.app import build_application
from bot.features.account import views as account_views
from bot.features.chat import views as chat_views
from bot.features.ratings import views as ratings_views
from bot.storage import open_storage
from bot.throttle import Throttle
from movierec.recommender import Recommender
from movierec.titles import Doubt
from tests.support.fakegram import FakeTelegram, plain_text
from tests.support.harness import Harness
from tests.support.reading import genres_of, pick_ids
from tests.support.scenes import ALICE, BOB

GREETINGS = {"en": "Hello!", "ru": "Привет", "es": "hola", "pt-br": "Oi", "de": "Hallo"}
LANGUAGE = {"en": "en", "ru": "ru", "es": "es", "pt-br": "pt-BR", "de": "de"}


def _shown(language: str, text: str) -> str:
    with i18n.using(language):
        return plain_text(text, "HTML")


@pytest.mark.parametrize("code", list(GREETINGS))
async def test_a_greeting_gets_a_hello_in_that_language(harness: Harness, code: str) -> None:
    reply = await harness.say(ALICE, ALICE, GREETINGS[code], language_code=code)
    with i18n.using(LANGUAGE[code]):
        expected = plain_text(chat_views.hello("User1001"), "HTML")
    assert reply.text == expected and not reply.buttons()  # not "Is this the one? Hello…"


async def test_thanks_and_help_are_not_title_searches(harness: Harness) -> None:
    thanks = await harness.say(ALICE, ALICE, "thanks so much!")
    assert thanks.text == _shown("en", chat_views.welcome_back())
    helped = await harness.say(ALICE, ALICE, "help")
    assert helped.text.startswith(_shown("en", account_views.help_text()))
    danke = await harness.say(BOB, BOB, "Danke schön", language_code="de")
    assert danke.text == _shown("de", chat_views.welcome_back())


async def test_questions_get_picks(harness: Harness, recommender: Recommender) -> None:
    await harness.say(ALICE, ALICE, "/like Alien, Heat, Fargo")
    tonight = await harness.say(ALICE, ALICE, "what should I watch tonight?")
    assert len(pick_ids(tonight)) == 5
    horror = await harness.say(ALICE, ALICE, "any good horror?")
    ids = pick_ids(horror)
    assert len(ids) == 5 and all("Horror" in g for g in genres_of(recommender, ids))
    russian = await harness.say(ALICE, ALICE, "что посмотреть из комедий?", language_code="ru")
    ids = pick_ids(russian)
    assert len(ids) == 5 and all("Comedy" in g for g in genres_of(recommender, ids))


async def test_a_film_the_catalogue_lacks_says_what_it_covers(harness: Harness) -> None:
    latest = 2000  # ml-1m's newest films
    reply = await harness.say(ALICE, ALICE, "/like amelie")
    assert f"I know films up to {latest}" in reply.text
    searched = await harness.say(ALICE, ALICE, "inception")
    assert f"I know films up to {latest}" in searched.text
    assert await harness.storage.ratings(ALICE, ALICE) == {}


async def test_another_year_typed_is_asked_about_not_recorded(harness: Harness) -> None:
    reply = await harness.say(ALICE, ALICE, "/like parasite 2019")
    expected = ratings_views.doubtful("parasite 2019", "Parasite (1982)", Doubt.OTHER_YEAR, 2000)
    assert reply.text == _shown("en", expected)
    assert [t for t, _ in reply.buttons()] == ["👍 Parasite (1982)"]
    assert await harness.storage.ratings(ALICE, ALICE) == {}


async def test_inline_filter_words_are_filtered_picks(
    harness: Harness, recommender: Recommender
) -> None:
    await harness.say(ALICE, ALICE, "/like Alien, Heat, Fargo")
    answer = await harness.inline(ALICE, "horror 80s")
    ids = [int(r["id"][1:]) for r in answer["results"]]
    assert ids and all("Horror" in g for g in genres_of(recommender, ids))
    years = [recommender.catalogue.get(m).year for m in ids]
    assert all(1980 <= y <= 1989 for y in years)


@pytest.mark.slow  # the ml-latest-small index, built once per session
async def test_a_rarely_rated_namesake_is_asked_about(
    latest_recommender: Recommender, tmp_path
) -> None:
    """On ml-latest-small "Parasite" is Parasite (1982), rated twice: the person almost surely
    means the 2019 film the catalogue (to 2018) does not have."""
    fake = FakeTelegram()
    storage = await open_storage(None, tmp_path / "db.sqlite3")
    app = build_application(
        fake.token, latest_recommender, storage, request=fake.request(), throttle=Throttle()
    )
    await app.initialize()
    try:
        await app.process_update(Update.de_json(fake.send(ALICE, ALICE, "/like Parasite"), app.bot))
        reply = fake.last(ALICE)
        assert "Few people have rated it" in reply.text and "2018" in reply.text
        assert await storage.ratings(ALICE, ALICE) == {}
        await app.process_update(Update.de_json(fake.send(ALICE, ALICE, "/like Shrek"), app.bot))
        assert fake.last(ALICE).text.startswith("Noted")  # a well-known film is recorded
    finally:
        await app.shutdown()
        await storage.close()
