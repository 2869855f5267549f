"""Picks people can steer: filters in words and buttons, a watchlist, links."""

from __future__ import annotations

from bot.features.onboarding import views as onboarding_views
from bot.features.picks import views as picks_views
from bot.features.watchlist import views as watchlist_views
from bot.ui import texts as ui_texts
from movierec.recommender import Recommender
from tests.support import presses
from tests.support.fakegram import Message
from tests.support.harness import Harness

ANN, BEN = 3001, 3002
GROUP = -3500


def pick_ids(message: Message) -> list[int]:
    return [presses.decode(d).movie_id for t, d in message.buttons() if t.startswith("👍")]


def genres_of(recommender: Recommender, ids: list[int]) -> list[set[str]]:
    return [set(recommender.catalogue.get(m).genres) for m in ids]


def years_of(recommender: Recommender, ids: list[int]) -> list[int]:
    return [recommender.catalogue.get(m).year for m in ids]


async def _liked(harness: Harness, chat: int = ANN, user: int = ANN) -> None:
    await harness.say(chat, user, "/like Star Wars 1977, Alien, Heat, Toy Story, Fargo")


async def test_rec_with_genre_and_decade_words(harness: Harness, recommender: Recommender) -> None:
    await _liked(harness)
    comedy = await harness.say(ANN, ANN, "/rec comedy")
    ids = pick_ids(comedy)
    assert len(ids) == 5 and all("Comedy" in g for g in genres_of(recommender, ids))
    assert "Your picks: Comedy" in comedy.text
    scifi = await harness.say(ANN, ANN, "/rec 90s sci-fi")
    ids = pick_ids(scifi)
    assert len(ids) == 5 and all("Sci-Fi" in g for g in genres_of(recommender, ids))
    assert all(1990 <= y <= 1999 for y in years_of(recommender, ids))
    # More keeps the filter
    more_data = scifi.button("More")
    assert presses.decode(more_data).filter == presses.decode(scifi.button("Decade")).filter
    await harness.press(ANN, ANN, scifi, more_data)
    more = harness.fake.last(ANN)
    more_ids = pick_ids(more)
    assert more_ids and not set(more_ids) & set(ids)
    assert all("Sci-Fi" in g for g in genres_of(recommender, more_ids))
    assert all(1990 <= y <= 1999 for y in years_of(recommender, more_ids))


async def test_an_empty_filter_result_says_so_and_suggests_widening(harness: Harness) -> None:
    await _liked(harness)
    reply = await harness.say(ANN, ANN, "/rec after 2010")  # ml-1m ends in 2000
    assert "Nothing matches" in reply.text and "since 2011" in reply.text
    reply = await harness.say(ANN, ANN, "/rec before 1980 after 2010")
    assert "Nothing matches" in reply.text
    reply = await harness.say(ANN, ANN, "/rec qwxzy")
    assert "didn't understand" in reply.text and "qwxzy" in reply.text


async def test_plain_words_are_a_request_and_titles_a_search(
    harness: Harness, recommender: Recommender
) -> None:
    await _liked(harness)
    reply = await harness.say(ANN, ANN, "something funny from the 90s")
    assert "I read that as a request for" in reply.text and "Comedy · 1990s" in reply.text
    ids = pick_ids(reply)
    assert len(ids) == 5 and all("Comedy" in g for g in genres_of(recommender, ids))
    search = await harness.say(ANN, ANN, "scary movie")
    assert "request" not in search.text and "Scary Movie" in search.buttons()[0][0]


async def test_genre_and_decade_chips_rerun_the_list(
    harness: Harness, recommender: Recommender
) -> None:
    await _liked(harness)
    picks = await harness.say(ANN, ANN, "/rec")
    await harness.press(ANN, ANN, picks, picks.button("Genre"))
    chips = harness.fake.last(ANN)
    assert chips.text == picks_views.choose_genre() and len(chips.buttons()) >= 18
    await harness.press(ANN, ANN, chips, chips.button("Horror"))
    horror = harness.fake.last(ANN)
    ids = pick_ids(horror)
    assert len(ids) == 5 and all("Horror" in g for g in genres_of(recommender, ids))
    await harness.press(ANN, ANN, horror, horror.button("Decade"))
    decades = harness.fake.last(ANN)
    await harness.press(ANN, ANN, decades, decades.button("1980s"))
    eighties = harness.fake.last(ANN)
    ids = pick_ids(eighties)
    assert ids and all("Horror" in g for g in genres_of(recommender, ids))
    assert all(1980 <= y <= 1989 for y in years_of(recommender, ids))
    await harness.press(ANN, ANN, eighties, eighties.button("Any film"))
    assert "Your picks" in harness.fake.last(ANN).text and ":" not in harness.fake.last(
        ANN
    ).text.split("\n")[0].removeprefix("🍿 Your picks")


async def test_movienight_with_a_filter(harness: Harness, recommender: Recommender) -> None:
    await _liked(harness, GROUP, ANN)
    await harness.say(GROUP, BEN, "/like Jaws, Psycho")
    night = await harness.movie_night(GROUP, [BEN, ANN], "horror")
    ids = pick_ids(night)
    assert len(ids) == 5 and all("Horror" in g for g in genres_of(recommender, ids))


async def test_watchlist_saves_hides_from_picks_and_rates_when_watched(harness: Harness) -> None:
    await _liked(harness)
    picks = await harness.say(ANN, ANN, "/rec")
    first, second = pick_ids(picks)[:2]
    answer = await harness.press(ANN, ANN, picks, presses.save(first))
    assert answer["text"] == watchlist_views.saved()
    assert harness.fake.messages(ANN)[-1].buttons()[0][0] == "🔖 1 · undo"
    await harness.press(ANN, ANN, picks, presses.save(second))
    assert first not in pick_ids(await harness.say(ANN, ANN, "/rec"))  # never picked again
    listing = await harness.say(ANN, ANN, "/watchlist")
    assert listing.text.count("\n") >= 2 and len(listing.buttons()) == 4
    await harness.press(ANN, ANN, listing, presses.watched(second))
    question = harness.fake.last(ANN)
    assert "Did you like it" in question.text
    await harness.press(ANN, ANN, question, presses.rate(second, 1))
    assert (await harness.storage.ratings(ANN, ANN))[second] == 1.0
    assert (await harness.storage.watchlist(ANN, ANN)) == [first]
    await harness.press(ANN, ANN, listing, presses.unsave(first, 0))
    assert (await harness.storage.watchlist(ANN, ANN)) == []
    assert "empty" in harness.fake.messages(ANN)[-2].text or "empty" in listing.text
    empty = await harness.say(ANN, ANN, "/watchlist")
    assert "empty" in empty.text


async def test_ml1m_picks_carry_no_links(harness: Harness) -> None:
    await _liked(harness)
    picks = await harness.say(ANN, ANN, "/rec")
    assert "<a href" not in picks.html  # ml-1m has no links.csv: no broken link


async def test_every_pick_says_why(harness: Harness) -> None:
    await _liked(harness)
    picks = await harness.say(ANN, ANN, "/rec")
    assert picks.text.count("because you liked") >= 4  # reasons from Ann's own likes
    liked = ("Star Wars", "Alien", "Heat", "Toy Story", "Fargo")
    reasons = [line for line in picks.text.split("\n") if line.startswith("because you liked")]
    assert all(any(title in line for title in liked) for line in reasons)
    await _liked(harness, GROUP, ANN)
    await harness.say(GROUP, BEN, "/like Jaws, Psycho", first_name="Ben")
    night = await harness.movie_night(GROUP, [ANN, BEN])
    assert "fits " in night.text and " (" in night.text.split("fits ", 1)[1]


async def test_a_modern_catalogue_finds_recent_films_with_links(
    latest_recommender: Recommender, tmp_path
) -> None:
    from bot.app import build_application
    from bot.storage import open_storage
    from bot.throttle import Throttle
    from tests.support.fakegram import FakeTelegram

    fake = FakeTelegram()
    storage = await open_storage(None, tmp_path / "db.sqlite3")
    app = build_application(
        fake.token, latest_recommender, storage, request=fake.request(), throttle=Throttle()
    )
    await app.initialize()
    try:
        harness = Harness(fake, app, storage)
        found = await harness.say(ANN, ANN, "/like Amelie")  # 2001: not in ml-1m
        assert "Amélie" in found.text or "Amelie" in found.text
        await harness.say(ANN, ANN, "/like Inception, Dark Knight, Interstellar")
        recent = await harness.say(ANN, ANN, "/rec after 2010")
        ids = pick_ids(recent)
        assert len(ids) == 5 and all(y > 2010 for y in years_of(latest_recommender, ids))
        assert '<a href="https://www.imdb.com/title/tt' in recent.html
        assert fake.errors == []
    finally:
        await app.shutdown()
        await storage.close()


def _films(question: Message) -> list[int]:
    """The films a first question's 👍 buttons ask about, in order."""
    return [presses.decode(d).movie_id for _, d in question.buttons() if d.startswith("o:+")]


async def test_first_questions_adapt_and_end_in_picks(harness: Harness) -> None:
    question = await harness.say(ANN, ANN, "/start")
    first = _films(question)
    assert "Question 1: have you seen any of these?" in question.text and len(first) == 3
    assert presses.show_picks() not in [d for _, d in question.buttons()]  # nothing answered
    await harness.press(ANN, ANN, question, presses.skip())  # none of these
    second = _films(question)
    assert "Question 2: have you seen any of these?" in question.text
    assert len(second) == 3 and not set(first) & set(second)
    assert presses.show_picks() not in [d for _, d in question.buttons()]  # still nothing
    await harness.press(ANN, ANN, question, presses.answer(second[0], 1.0))
    assert "Question 2:" in question.text and "— 👍" in question.text  # the same question, marked
    assert _films(question) == second[1:]
    assert (onboarding_views.next_question(), presses.skip()) in question.buttons()
    assert (onboarding_views.show_my_picks(), presses.show_picks()) in question.buttons()
    await harness.press(ANN, ANN, question, presses.answer(second[1], -1.0))
    await harness.press(ANN, ANN, question, presses.answer(second[2], 1.0))
    assert "Question 3: have you seen" in question.text  # every film answered: one film now
    asked = first + second
    for turn, answer in enumerate(["0", "+", "-"]):
        data = next(d for _, d in question.buttons() if d.startswith(f"o:{answer}"))
        film = presses.decode(data).movie_id
        assert film not in asked and len(_films(question)) == 1  # a new film every time
        asked.append(film)
        await harness.press(ANN, ANN, question, data)
        assert f"Question {turn + 4}:" in question.text
    stale = presses.answer(second[0], -1.0)  # an earlier question's button
    answer = await harness.press(ANN, ANN, question, stale, forge=True)
    assert answer["text"] == ui_texts.stale_button()
    expected = {second[0]: 1.0, second[1]: -1.0, second[2]: 1.0, asked[7]: 1.0, asked[8]: -1.0}
    assert (await harness.storage.ratings(ANN, ANN)) == expected
    await harness.press(ANN, ANN, question, presses.show_picks())
    picks = harness.fake.last(ANN)
    assert len(pick_ids(picks)) == 5 and not set(pick_ids(picks)) & set(expected)
    assert "Thanks!" in question.text and not question.buttons()


async def test_next_question_leaves_the_rest_of_a_list_as_not_seen(harness: Harness) -> None:
    question = await harness.say(BEN, BEN, "/start")
    shown = _films(question)
    await harness.press(BEN, BEN, question, presses.answer(shown[1], -1.0))
    await harness.press(BEN, BEN, question, presses.skip())  # "next question"
    assert len(_films(question)) == 1 and "Question 2: have you seen" in question.text
    assert (await harness.storage.ratings(BEN, BEN)) == {shown[1]: -1.0}
    assert not set(_films(question)) & set(shown)  # one new film: something was seen
    gone = await harness.press(BEN, BEN, question, presses.answer(shown[0], 1.0), forge=True)
    assert gone["text"] == ui_texts.stale_button()  # the list's other films are behind us


async def test_someone_else_cannot_answer_a_first_question(harness: Harness) -> None:
    question = await harness.say(GROUP, ANN, "/start", first_name="Ann")
    before = question.text
    film = _films(question)[0]
    toast = await harness.press(GROUP, BEN, question, presses.answer(film, 1.0))
    assert toast["text"] != "" and question.text == before and question.edits == 0
    assert (await harness.storage.ratings(GROUP, BEN)) == {}
    assert (await harness.storage.ratings(GROUP, ANN)) == {}


async def test_the_tenth_answer_shows_the_picks(harness: Harness) -> None:
    question = await harness.say(BEN, BEN, "/start")
    numbers = []
    while "Thanks!" not in question.text:
        numbers.append(int(question.text.split("Question ", 1)[1].split(":", 1)[0]))
        data = next(d for _, d in question.buttons() if d.startswith("o:+"))
        await harness.press(BEN, BEN, question, data)
    assert sorted(set(numbers)) == list(range(1, 11))  # ten questions, then the picks
    assert len(pick_ids(harness.fake.last(BEN))) == 5
    assert len(await harness.storage.ratings(BEN, BEN)) == 3 + 9  # a list of three, then one each
