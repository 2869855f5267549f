"""/start and the first questions: adaptive, answered only by who asked, ending in picks."""

from __future__ import annotations

from bot.features.onboarding import views as onboarding_views
from bot.ui import texts as ui_texts
from tests.support import presses
from tests.support.fakegram import Message
from tests.support.harness import Harness
from tests.support.reading import pick_ids
from tests.support.scenes import (
    ALICE,
    ANN,
    BEN,
    GROUP,
)


async def test_start_asks_a_first_question_and_registers_commands(harness: Harness) -> None:
    reply = await harness.say(ALICE, ALICE, "/start")
    assert "recommend" in reply.text and "Question 1: have you seen any of these" in reply.text
    kinds = [type(presses.decode(data)).__name__ for _, data in reply.buttons()]
    assert kinds == ["Answer"] * 6 + [
        "NextQuestion"
    ]  # three films, none of these; no picks before an answer
    await harness.app.post_init(harness.app)
    names = [c["command"] for c in next(iter(harness.fake.commands.values()))]
    assert {"like", "dislike", "recommend", "movienight", "deletemydata"} <= set(names)


def _films(question: Message) -> list[int]:
    """The films a first question's 👍 buttons ask about, in order."""
    return [presses.decode(d).movie_id for d in presses.answers(question, 1.0)]


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
    for turn, value in enumerate([None, 1.0, -1.0]):
        data = presses.answers(question, value)[0]
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
        data = presses.answers(question, 1.0)[0]
        await harness.press(BEN, BEN, question, data)
    assert sorted(set(numbers)) == list(range(1, 11))  # ten questions, then the picks
    assert len(pick_ids(harness.fake.last(BEN))) == 5
    assert len(await harness.storage.ratings(BEN, BEN)) == 3 + 9  # a list of three, then one each


async def test_seeing_none_of_the_films_asked_is_no_dead_end(harness: Harness) -> None:
    """Ten "none of these": after two, the other ways to start; never "that's enough" with
    nothing rated, never "you haven't rated anything", never a film asked twice."""
    question = await harness.say(BEN, BEN, "/start")
    asked = _films(question)
    await harness.press(BEN, BEN, question, presses.skip())
    asked += _films(question)
    assert "Question 2:" in question.text
    await harness.press(BEN, BEN, question, presses.skip())
    assert question.text == onboarding_views.other_ways()
    assert [d for _, d in question.buttons()] == [presses.just_show(), presses.keep_asking()]
    await harness.press(BEN, BEN, question, presses.just_show())
    loved = harness.fake.last(BEN)
    shown = [presses.decode(d).movie_id for _, d in loved.buttons() if d.startswith("r:+")]
    assert loved.text == onboarding_views.loved_by_many()
    assert len(shown) == 6 and not set(shown) & set(asked)
    offered, skipped = 1, 2
    while skipped < 10:  # ten "none of these" in all, asking on whenever the other ways come
        if question.text == onboarding_views.other_ways():
            offered += 1
            before = question.text
            await harness.press(BEN, BEN, question, presses.keep_asking())
            if question.text == before:
                break  # nothing left to ask: films many people love came instead
            continue
        films = _films(question) or [
            presses.decode(d).movie_id for _, d in question.buttons() if d.startswith("o:0")
        ]
        assert films and not set(films) & set(asked), "a film asked twice"
        asked += films
        await harness.press(BEN, BEN, question, presses.skip())
        skipped += 1
    assert skipped == 10 and offered >= 4  # the other ways come back every two questions
    sent = [m.text for m in harness.fake.messages(BEN)]
    assert not any("That's enough" in t or "haven't rated anything" in t for t in sent)
    assert await harness.storage.ratings(BEN, BEN) == {}
