"""/start: the welcome and the first questions (`movierec.onboarding`), or the film a shared
card's deep link names; the answers' buttons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from telegram import InlineKeyboardMarkup, Message, Update, User

from bot.context import BotContext, Services
from bot.features import argument_text
from bot.features.inline.handlers import film_from_payload
from bot.features.onboarding import views
from bot.features.onboarding.callbacks import Answer, JustShow, KeepAsking, NextQuestion, ShowPicks
from bot.features.onboarding.lists import QUESTION, QuestionPayload
from bot.features.picks.handlers import send_picks
from bot.features.ratings.handlers import send_film, send_starters
from bot.ui import texts
from bot.ui.buttons import Press, Reply, on, owner_only
from bot.ui.lists import ListInfo
from bot.ui.messages import reply, send_edit, store_list, stored_list, who
from movierec.recommender import Movie

QUESTIONS = 10  # then the picks come by themselves
UNSEEN_RUN = 2  # questions in a row with nothing seen before the other ways are offered


async def start(update: Update, context: BotContext) -> None:
    """/start, also with a deep link's payload: `film_<id>` (a shared card) shows that film to
    rate, `import` how to import a history; anything else is the welcome."""
    message, _, user = who(update)
    svc = context.services
    payload = argument_text(update).strip()
    if payload == "import":  # the deep link a group's "send it to me privately" opens
        await reply(context, message, texts.import_hint())
        return
    film = film_from_payload(payload)
    if film is None:
        await send_questions(message, context, user)
        return
    movie = svc.rec.catalogue.get(film)
    if movie is None:
        await reply(context, message, views.film_card_not_found())
        return
    links = texts.links_html(svc.rec.catalogue, film)
    card = texts.film_card(movie.title, movie.genres, links)
    await send_film(message, context, user, film, views.film_from_link(card))


async def send_questions(message: Message, context: BotContext, user: User) -> None:
    """The welcome with the first question, each chosen from the answers so far: a few films
    at once until the person has seen one, then one film at a time, until the person asks for
    their picks or ten questions are answered."""
    svc = context.services
    rated = await svc.storage.ratings(message.chat_id, user.id)
    answers: dict[int, float | None] = dict(rated)
    films = await _ask(svc, answers)
    if not films:
        await send_starters(message, context, user, views.welcome(), exclude=rated)
        return
    text, markup = question_view(1, films, rated, bool(rated))
    ids = tuple(m.movie_id for m in films)
    info = ListInfo(user.id, QUESTION, 0, ids, QuestionPayload(len(films)))
    await reply(context, message, f"{views.welcome_intro()}\n\n{text}", markup, info)


async def _ask(svc: Services, answers: dict[int, float | None]) -> list[Movie]:
    """The films of the next question (none when there is nothing left worth asking)."""
    found = await svc.core(svc.onboarding.next_question, answers)
    return [m for m in map(svc.rec.catalogue.get, found) if m is not None]


def question_view(
    number: int, films: Sequence[Movie], ratings: Mapping[int, float], any_answer: bool
) -> tuple[str, InlineKeyboardMarkup]:
    """A question's text and buttons: one film (👍 / 👎 / haven't seen) or a few (👍 / 👎 each,
    "none of these"), with what was already answered marked."""
    if len(films) == 1:
        return views.question(number, films[0].title), views.question_keyboard(
            films[0].movie_id, any_answer
        )
    entries = [(m.title, ratings.get(m.movie_id)) for m in films]
    answered = [m.movie_id for m in films if m.movie_id in ratings]
    markup = views.batch_question_keyboard(
        [(m.movie_id, m.title) for m in films], answered, any_answer or bool(answered)
    )
    text = views.batch_question(number, entries)
    if number > 1 and not ratings:  # "None of these" so far: a history from elsewhere helps
        text += "\n\n" + texts.import_hint()
    return text, markup


def current_question(info: ListInfo) -> tuple[int, ...]:
    """The films the question now shown asks about: the last ones of every film asked."""
    size = info.payload.size if isinstance(info.payload, QuestionPayload) else 1
    return info.movie_ids[-size:]


async def show_question(
    context: BotContext, chat_id: int, message_id: int, user: User, info: ListInfo
) -> bool:
    """Redraw a question that shows a few films after one of them was answered; False when
    every film it shows is answered (time for the next question)."""
    svc = context.services
    ratings = await svc.storage.ratings(chat_id, user.id)
    films = [m for m in map(svc.rec.catalogue.get, current_question(info)) if m is not None]
    if len(films) < 2 or all(m.movie_id in ratings for m in films):
        return False
    text, markup = question_view(info.start + 1, films, ratings, True)
    await send_edit(context, chat_id, message_id, text, markup)
    return True


async def next_question(
    context: BotContext, chat_id: int, message_id: int, user: User, info: ListInfo
) -> bool:
    """Ask the next question in place; False when there is none left to ask (or enough).
    Called under the message's edit lock, like `show_question`."""
    svc = context.services
    ratings = await svc.storage.ratings(chat_id, user.id)
    asked = list(info.movie_ids)
    answers: dict[int, float | None] = {m: ratings.get(m) for m in asked}
    answers.update({m: v for m, v in ratings.items() if m not in answers})
    number = info.start + 2
    if number > QUESTIONS:
        return False
    films = await _ask(svc, answers)
    if not films:
        return False
    asked += [m.movie_id for m in films]
    text, markup = question_view(number, films, ratings, bool(ratings))
    payload = QuestionPayload(len(films), _offered_at(info))
    updated = ListInfo(info.owner_id, info.kind, number - 1, tuple(asked), payload, info.shown)
    await store_list(context, chat_id, message_id, updated)
    await send_edit(context, chat_id, message_id, text, markup)
    return True


def _offered_at(info: ListInfo) -> int:
    return info.payload.offered_at if isinstance(info.payload, QuestionPayload) else 0


async def offer_other_ways(
    context: BotContext, chat_id: int, message_id: int, info: ListInfo
) -> None:
    """In place of the question: nothing asked so far was seen, so rather than more famous
    films (or "that's enough" with nothing to go on), the other ways to start."""
    payload = QuestionPayload(len(current_question(info)), info.start + 1)
    updated = ListInfo(
        info.owner_id, info.kind, info.start, info.movie_ids, payload, info.shown
    )  # fmt: skip
    await store_list(context, chat_id, message_id, updated)
    markup = views.other_ways_keyboard()
    await send_edit(context, chat_id, message_id, views.other_ways(), markup)


async def _finish(press: Press, answered: bool, more: bool) -> None:
    """After an answer: redraw a question of a few films, else the next question, else the
    picks (`more` False: the person asked for the picks now). Someone who has seen none of the
    films of `UNSEEN_RUN` questions in a row, or who reaches the end with nothing rated, is
    offered the other ways to start instead (`offer_other_ways`).

    One press at a time moves the questions on, from the question stored now: of presses at
    once, only the first acts on the question they were under."""
    context, message, chat, user = press.context, press.message, press.chat, press.user
    asked = press.info
    assert asked is not None
    chat_id, message_id = chat.id, message.message_id
    async with context.services.edit_lock(chat_id, message_id):
        info = await stored_list(context, chat_id, message_id)
        if info is None or info.kind != QUESTION or info.start != asked.start:
            return
        if answered and await show_question(context, chat_id, message_id, user, info):
            return
        ratings = await context.services.storage.ratings(chat_id, user.id)
        unseen_run = info.start + 1 - _offered_at(info)
        if more and not ratings and unseen_run >= UNSEEN_RUN:
            await offer_other_ways(context, chat_id, message_id, info)
            return
        if more and await next_question(context, chat_id, message_id, user, info):
            return
        if not ratings:
            await offer_other_ways(context, chat_id, message_id, info)
            return
        if not await send_edit(context, chat_id, message_id, views.questions_done()):
            return  # another press finished the questions already
    await send_picks(message, context, chat, user)


@on(JustShow)
@owner_only
async def _just_show(press: Press[JustShow]) -> Reply:
    """Films many people love, none asked before, to rate with one tap."""
    info = _question_of(press)
    if info is None:
        return texts.stale_button(), None
    context, message, user = press.context, press.message, press.user
    rated = await context.services.storage.ratings(press.chat.id, user.id)
    exclude = {*info.movie_ids, *rated}
    text = views.loved_by_many()
    return "", lambda: send_starters(message, context, user, text, exclude=exclude)


@on(KeepAsking)
@owner_only
async def _keep_asking(press: Press[KeepAsking]) -> Reply:
    """The questions go on in place; when none are left, films many people love."""
    info = _question_of(press)
    if info is None:
        return texts.stale_button(), None

    async def go_on() -> None:
        context, message, chat, user = press.context, press.message, press.chat, press.user
        async with context.services.edit_lock(chat.id, message.message_id):
            current = await stored_list(context, chat.id, message.message_id)
            if current is None or current.kind != QUESTION:
                return
            if await next_question(context, chat.id, message.message_id, user, current):
                return
        exclude = set(current.movie_ids)
        await send_starters(message, context, user, views.loved_by_many(), exclude=exclude)

    return "", go_on


def _question_of(press: Press) -> ListInfo | None:
    info = press.info
    return info if info is not None and info.kind == QUESTION else None


@on(Answer)
@owner_only
async def _answer(press: Press[Answer]) -> Reply:
    """A first question answered: stored, then the next question in the same message, or the
    picks. A question showing a few films stays until each is answered or the person taps
    "none of these" / "next question"."""
    info, data = _question_of(press), press.data
    if info is None or data.movie_id not in current_question(info):
        return texts.stale_button(), None  # an earlier question's button, pressed again
    value = data.seen.rating
    if value is None:
        return views.not_seen_noted(), lambda: _finish(press, False, True)
    svc, chat, user = press.context.services, press.chat, press.user
    movie = svc.rec.catalogue.get(data.movie_id)
    title = movie.title if movie else None
    await svc.storage.rate(chat.id, user.id, data.movie_id, value, title)
    return texts.noted(value, title), lambda: _finish(press, True, True)


@on(NextQuestion)
@owner_only
async def _next(press: Press[NextQuestion]) -> Reply:
    if _question_of(press) is None:
        return texts.stale_button(), None
    return "", lambda: _finish(press, False, True)


@on(ShowPicks)
@owner_only
async def _show_picks(press: Press[ShowPicks]) -> Reply:
    if _question_of(press) is None:
        return texts.stale_button(), None
    return "", lambda: _finish(press, False, False)
