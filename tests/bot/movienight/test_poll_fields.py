"""A night's poll as Telegram has it now (Bot API 9.6, python-telegram-bot 22.8): results hidden
until it closes, people may add a film of their own (a title the catalogue knows is that film;
anything else can win by its text, outside /history), a planned night's poll open until the
start; the stand-in refuses what Telegram refuses."""

from __future__ import annotations

import pytest
from telegram import InputMediaPhoto, InputPollOption, Update

from bot.features.movienight import views
from tests.support import presses
from tests.support.fakegram import BotApiError
from tests.support.harness import Harness
from tests.support.reading import pick_ids
from tests.support.scenes import ANN, BEN, CAT, GROUP


async def _poll(harness: Harness) -> tuple[str, dict, list[int]]:
    await harness.say(GROUP, ANN, "/like Star Wars 1977, Alien", first_name="Ann")
    await harness.say(GROUP, BEN, "/like Heat, Fargo", first_name="Ben")
    picks = await harness.movie_night(GROUP, [ANN, BEN])
    await harness.press(GROUP, ANN, picks, presses.vote("v"))
    poll_id, poll = next(iter(harness.fake.polls.items()))
    return poll_id, poll, pick_ids(picks)


async def _process(harness: Harness, update: dict) -> None:
    await harness.app.process_update(Update.de_json(update, harness.app.bot))


async def test_results_hidden_options_open_to_everyone(harness: Harness) -> None:
    poll_id, poll, _ = await _poll(harness)
    assert harness.fake.poll_settings[poll_id] == {
        "hide_results_until_closes": True,
        "allow_adding_options": True,
    }
    assert poll["description"] == views.poll_description() and "open_period" not in poll


async def test_an_added_film_is_a_real_film_and_can_win(harness: Harness) -> None:
    poll_id, poll, _ = await _poll(harness)
    await _process(harness, harness.fake.add_option(poll_id, BEN, "Toy Story", "Ben"))
    said = harness.fake.last(GROUP)
    assert "is in the vote: a film I know" in said.text and "Toy Story" in said.text
    for user in (ANN, BEN):
        await _process(harness, harness.fake.vote(poll_id, user, [5]))
    assert poll["is_closed"] and "Toy Story" in harness.fake.last(GROUP).text
    assert [m for m, _ in await harness.storage.history(GROUP)] == [1]  # Toy Story (1995)


async def test_an_added_option_that_is_no_film_wins_by_its_text_outside_history(
    harness: Harness,
) -> None:
    poll_id, _, _ = await _poll(harness)
    await _process(harness, harness.fake.add_option(poll_id, ANN, "Board games instead", "Ann"))
    assert "isn't a film I know" in harness.fake.last(GROUP).text
    for user in (ANN, BEN):
        await _process(harness, harness.fake.vote(poll_id, user, [5]))
    announcement = harness.fake.last(GROUP)
    assert "Board games instead" in announcement.text
    assert views.winner_unknown() in announcement.text
    assert await harness.storage.history(GROUP) == []


async def test_the_stand_in_refuses_what_telegram_refuses(harness: Harness) -> None:
    harness.fake.send(GROUP, ANN, "hello")  # the group exists
    base = {"chat_id": GROUP, "question": "Q?", "options": ["A", "B"], "is_anonymous": False}
    refused = [
        {"is_anonymous": True, "allow_adding_options": True},  # not in anonymous polls
        {"type": "quiz", "allow_adding_options": True},  # nor in quizzes
        {"open_period": 2_628_001},
        {"open_period": 4},
        {"open_period": 60, "close_date": 10**10},
        {"close_date": 10**10},  # centuries ahead
        {"description": "x" * 1025},
        {"no_such_field": True},
        {"options": [str(n) for n in range(13)]},
        {"options": ["A" * 101, "B"]},
        {
            "options": [
                {"text": "A", "media": {"type": "document", "media": "https://x/a.pdf"}},
                "B",
            ]
        },
        {"options": [{"text": "A", "media": {"type": "photo", "media": "ftp://x/a.jpg"}}, "B"]},
    ]
    for extra in refused:
        with pytest.raises(BotApiError):
            harness.fake._api_sendpoll({**base, **extra})
    # through python-telegram-bot: every field the bot uses, at Telegram's limits
    sent = await harness.app.bot.send_poll(
        GROUP,
        "Q?",
        [
            InputPollOption(str(n), media=InputMediaPhoto("https://image.tmdb.org/t/p/w185/a.jpg"))
            for n in range(12)
        ],
        is_anonymous=False,
        allow_adding_options=True,
        hide_results_until_closes=True,
        open_period=2_628_000,
        description="d" * 1024,
    )
    assert sent.poll is not None and len(sent.poll.options) == 12
    assert sent.poll.options[0].media is not None
    with pytest.raises(AssertionError):  # a 13th option, added by a person
        harness.fake.add_option(sent.poll.id, ANN, "Thirteen")


async def test_a_pick_added_again_is_the_same_film(harness: Harness) -> None:
    await harness.say(GROUP, ANN, "/like Star Wars 1977, Alien", first_name="Ann")
    await harness.say(GROUP, BEN, "/like Heat, Fargo", first_name="Ben")
    await harness.say(GROUP, CAT, "/like Heat, Alien", first_name="Cat")
    picks = await harness.movie_night(GROUP, [ANN, BEN, CAT])
    ids = pick_ids(picks)
    await harness.press(GROUP, ANN, picks, presses.vote("v"))
    poll_id, poll = next(iter(harness.fake.polls.items()))
    title = poll["options"][3]["text"]
    await _process(harness, harness.fake.add_option(poll_id, CAT, title, "Cat"))
    for user, option in ((ANN, 0), (BEN, 3), (CAT, 5)):  # Cat votes for the copy of option 3
        await _process(harness, harness.fake.vote(poll_id, user, [option]))
    assert "2 of 3 votes" in harness.fake.last(GROUP).text
    assert [m for m, _ in await harness.storage.history(GROUP)] == [ids[3]]
