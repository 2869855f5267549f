"""The conversations several handlers share: recording typed titles, sending picks, a page of
ratings, and keeping a message's buttons in step with what its owner did.

Every message with buttons is stored with its owner and the films it lists (`ListInfo`), so a
press knows whose the message is (in a group only the owner's presses change it) and can rebuild
its keyboard from stored state.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TypeVar

from telegram import Chat, ForceReply, InlineKeyboardMarkup, Message, Update, User
from telegram.error import BadRequest

from bot import callbacks, keyboards, texts
from bot.context import BotContext, Services
from bot.keyboards import ListKind
from bot.logs import person
from bot.storage import ListInfo
from movierec.filters import Filter
from movierec.recommender import Movie, PreferencesError
from movierec.titles import MAX_TITLES, MatchStatus, split_titles

log = logging.getLogger("bot")
PICKS = 5
T = TypeVar("T")
TEXT_KINDS = (ListKind.RATINGS, ListKind.RESET, ListKind.DELETE, ListKind.WATCHLIST)


def who(update: Update) -> tuple[Message, Chat, User]:
    """The message, chat and person of an update that has all three (commands, buttons)."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None and user is not None
    return message, chat, user


def is_group(chat: Chat) -> bool:
    return chat.type in (Chat.GROUP, Chat.SUPERGROUP)


async def remember(context: BotContext, chat: Chat, user: User) -> None:
    """In groups, keep the member's first name to say whose taste a pick matches."""
    if is_group(chat):
        svc = context.services
        await svc.storage.remember_member(chat.id, user.id, user.first_name or "")


async def reply(
    context: BotContext,
    message: Message,
    text: str,
    markup: InlineKeyboardMarkup | ForceReply | None = None,
    info: ListInfo | None = None,
) -> Message:
    """Answer in the chat (HTML by default); a message with buttons is stored with `info`."""
    sent = await message.reply_text(texts.fit(text), reply_markup=markup, do_quote=False)
    if info is not None:
        keyboard = markup if isinstance(markup, InlineKeyboardMarkup) else None
        shown = keyboards.fingerprint(keyboard)
        if info.kind in TEXT_KINDS:  # edited as a whole: compare the text too
            shown = texts.fit(text) + "\n" + shown
        svc = context.services
        await svc.storage.save_list(
            sent.chat_id,
            sent.message_id,
            ListInfo(
                info.owner_id, info.kind, info.start, info.movie_ids, info.value, shown, info.extra
            ),
        )
    return sent


async def known_ratings(
    svc: Services, chat_id: int, user_id: int
) -> tuple[dict[int, float], set[int]]:
    """(what a person's picks are scored from, every film they rated). The first is
    `Recommender.known`: catalogue films only (one that left the catalogue never breaks a list),
    the newest 5,000 at most; the second is never picked again, however old."""
    ratings = await svc.storage.ratings(chat_id, user_id)
    return svc.rec.known(ratings), set(ratings)


# ------------------------------------------------------------------ /like and /dislike
async def record_titles(
    update: Update, context: BotContext, text: str, value: float, edited: bool = False
) -> None:
    """Record confident matches (each film once), ask about ambiguous ones, suggest others.

    An edited /like replaces what the original message recorded (people fix typos)."""
    message, chat, user = who(update)
    svc = context.services
    if edited:
        await _undo_source(svc, chat.id, message.message_id, user.id)
    every = split_titles(text, limit=None)
    titles = every[:MAX_TITLES]
    if not titles:
        kind = ListKind.ASK_LIKE if value > 0 else ListKind.ASK_DISLIKE
        prompt = texts.ask_like() if value > 0 else texts.ask_dislike()
        sent = await message.reply_text(prompt, reply_markup=ForceReply(selective=True))
        await svc.storage.save_list(chat.id, sent.message_id, ListInfo(user.id, kind, 0, ()))
        return
    if len(every) > 1:  # a title that itself has commas: "Good, the Bad and the Ugly, The"
        whole = await svc.core(svc.rec.match, text)
        if whole.best is not None and whole.best.score >= 100:
            titles, every = [text], [text]
    await remember(context, chat, user)
    recorded: dict[int, str] = {}
    for title in titles:
        result = await svc.core(svc.rec.match, title)
        best = result.best
        if result.status is MatchStatus.CONFIDENT and best is not None:
            if best.movie_id not in recorded:
                await svc.storage.rate(chat.id, user.id, best.movie_id, value, best.title)
                recorded[best.movie_id] = best.title
        elif result.status is MatchStatus.AMBIGUOUS:
            entries = [(c.movie_id, c.title) for c in result.candidates]
            await reply(
                context,
                message,
                texts.ambiguous(title, value),
                keyboards.choose(entries, value),
                ListInfo(user.id, ListKind.CHOOSE, 0, tuple(m for m, _ in entries), value),
            )
        else:
            entries = [(c.movie_id, c.title) for c in result.candidates[:3]]
            await reply(
                context,
                message,
                texts.no_match(title, result.candidates[:3]),
                keyboards.films(entries) if entries else None,
                ListInfo(user.id, ListKind.FILMS, 0, tuple(m for m, _ in entries))
                if entries
                else None,
            )
    if recorded:
        await svc.storage.save_source(
            chat.id,
            message.message_id,
            user.id,
            dict.fromkeys(recorded, value),
        )
        log.info("rated", extra={**person(chat.id, user.id), "count": len(recorded)})
        ids = tuple(recorded)
        await reply(
            context,
            message,
            texts.recorded([(t, value) for t in recorded.values()]),
            keyboards.recorded(ids),
            ListInfo(user.id, ListKind.RECORDED, 0, ids),
        )
    if len(every) > len(titles):
        await reply(context, message, texts.too_many_titles(len(titles), len(every) - len(titles)))


async def _undo_source(svc: Services, chat_id: int, message_id: int, user_id: int) -> None:
    """Remove what an edited message recorded, unless the person changed it since."""
    before = await svc.storage.take_source(chat_id, message_id, user_id)
    if not before:
        return
    now = await svc.storage.ratings(chat_id, user_id)
    for movie_id, value in before.items():
        if now.get(movie_id) == value:
            await svc.storage.unrate(chat_id, user_id, movie_id)


# ------------------------------------------------------------------ picks
async def send_picks(
    message: Message,
    context: BotContext,
    chat: Chat,
    user: User,
    offset: int = 0,
    wanted: Filter | None = None,
    note: str = "",
) -> None:
    """A person's next five picks in this chat (within `wanted`, a genre/year filter), with
    buttons under them. The filter is a catalogue mask applied before ranking, so asking for
    horror gives five horror films, not the horror among five general picks."""
    svc = context.services
    wanted = wanted or Filter()
    label = filter_label(wanted)
    preferences, rated = await known_ratings(svc, chat.id, user.id)
    if not preferences:
        await send_starters(message, context, user, texts.no_ratings(), exclude=())
        return
    if wanted.impossible:
        await reply(context, message, texts.nothing_matches(label))
        return
    hidden = await svc.storage.hidden(chat.id, user.id)
    saved = await svc.storage.watchlist(chat.id, user.id)
    try:
        items = await svc.core(
            svc.rec.recommend,
            preferences,
            limit=PICKS,
            offset=offset,
            exclude=hidden | set(saved) | rated,
            filter=wanted,
        )
    except PreferencesError:
        log.warning("unusable preferences", extra=person(chat.id, user.id))
        items = []
    if not items:
        text = texts.nothing_matches(label) if not wanted.is_empty() else texts.nothing_left()
        await reply(context, message, text)
        return
    shown_label = "" if wanted.is_empty() else label
    intro = texts.picks_intro(offset, user.first_name, group=is_group(chat), wanted=shown_label)
    ids = tuple(p.movie_id for p in items)
    code = callbacks.filter_code(wanted)
    links = {p.movie_id: texts.links_html(svc.rec.catalogue, p.movie_id) for p in items}
    reasons = {
        p.movie_id: [m.title for m in map(svc.rec.catalogue.get, p.because) if m is not None]
        for p in items
    }
    body = texts.picks(items, offset, intro, links, reasons)
    await reply(
        context,
        message,
        f"{note}\n\n{body}" if note else body,
        keyboards.picks(ids, offset, code=code),
        ListInfo(user.id, ListKind.PICKS, offset, ids, extra=code),
    )


def filter_label(wanted: Filter) -> str:
    genres, years = wanted.labels()
    if wanted.impossible:
        return wanted.describe()
    return texts.filter_label(genres, years)


# ------------------------------------------------------------------ the first questions
QUESTIONS = 10  # then the picks come by themselves


async def send_questions(message: Message, context: BotContext, user: User) -> None:
    """The welcome with the first question, each chosen from the answers so far
    (`movierec.onboarding`): a few films at once until the person has seen one, then one film at
    a time, until the person asks for their picks or ten questions are answered."""
    svc = context.services
    rated = await svc.storage.ratings(message.chat_id, user.id)
    answers: dict[int, float | None] = dict(rated)
    films = await _ask(svc, answers)
    if not films:
        await send_starters(message, context, user, texts.welcome(), exclude=rated)
        return
    text, markup = question_view(1, films, rated, bool(rated))
    ids = tuple(m.movie_id for m in films)
    info = ListInfo(user.id, ListKind.QUESTION, 0, ids, extra=str(len(films)))
    await reply(context, message, f"{texts.welcome_intro()}\n\n{text}", markup, info)


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
        return texts.question(number, films[0].title), keyboards.question(
            films[0].movie_id, any_answer
        )
    entries = [(m.title, ratings.get(m.movie_id)) for m in films]
    answered = [m.movie_id for m in films if m.movie_id in ratings]
    markup = keyboards.batch_question(
        [(m.movie_id, m.title) for m in films], answered, any_answer or bool(answered)
    )
    return texts.batch_question(number, entries), markup


def current_question(info: ListInfo) -> tuple[int, ...]:
    """The films the question now shown asks about: the last ones of every film asked."""
    size = int(info.extra) if info.extra.isdigit() else 1
    return info.movie_ids[-max(size, 1) :]


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
    await edit_text(context, chat_id, message_id, text, markup)
    return True


async def next_question(
    context: BotContext, chat_id: int, message_id: int, user: User, info: ListInfo
) -> bool:
    """Ask the next question in place; False when there is none left to ask (or enough)."""
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
    await edit_text(context, chat_id, message_id, text, markup)
    updated = ListInfo(info.owner_id, info.kind, number - 1, tuple(asked), extra=str(len(films)))
    await svc.storage.save_list(chat_id, message_id, updated)
    return True


async def send_starters(
    message: Message, context: BotContext, user: User, text: str, exclude: object
) -> None:
    """Well-known films to rate with one tap (the welcome, or picks asked for too early)."""
    svc = context.services
    popular = await svc.core(svc.rec.catalogue.popular, 6, exclude=exclude)
    entries = [(m.movie_id, m.title) for m in popular]
    await reply(
        context,
        message,
        text,
        keyboards.films(entries),
        ListInfo(user.id, ListKind.FILMS, 0, tuple(m for m, _ in entries)),
    )


# ------------------------------------------------------------------ /ratings
def page_of(items: list[T], page: int) -> tuple[list[T], int, int]:
    """(the items on `page`, clamped to the pages there are, the page, how many pages)."""
    size = keyboards.PAGE_SIZE
    pages = (len(items) + size - 1) // size
    page = min(max(page, 0), pages - 1)
    return items[page * size : (page + 1) * size], page, pages


async def ratings_view(
    context: BotContext, chat_id: int, user_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup | None, int]:
    """One page of a person's ratings (newest first) with ❌ buttons; bounded for any count.
    Films no longer in the catalogue are listed with their stored title and can be removed."""
    svc = context.services
    ratings = await svc.storage.ratings(chat_id, user_id)
    rated = list(reversed(ratings.items()))
    if not rated:
        return texts.no_ratings(), None, 0
    chunk, page, pages = page_of(rated, page)
    stored = await svc.storage.rated_titles(chat_id, user_id)
    entries = [(svc.rec.catalogue.get(m), stored.get(m)) for m, _ in chunk]
    text = texts.ratings_page(entries, [v for _, v in chunk], page, pages)
    return text, keyboards.ratings([m for m, _ in chunk], page, pages), page


async def send_ratings(message: Message, context: BotContext, user: User) -> None:
    text, markup, page = await ratings_view(context, message.chat_id, user.id, 0)
    info = ListInfo(user.id, ListKind.RATINGS, page, ()) if markup else None
    await reply(context, message, text, markup, info)


# ------------------------------------------------------------------ /watchlist
async def watchlist_view(
    context: BotContext, chat_id: int, user_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup | None, int]:
    """One page of saved films (newest first), with ✅ / ❌ per film and paging."""
    svc = context.services
    saved = await svc.storage.watchlist(chat_id, user_id)
    if not saved:
        return texts.watchlist_empty(), None, 0
    chunk, page, pages = page_of(saved, page)
    entries = [(m, movie.title if (movie := svc.rec.catalogue.get(m)) else None) for m in chunk]
    links = [texts.links_html(svc.rec.catalogue, m) for m in chunk]
    text = texts.watchlist_page(entries, page, pages, links)
    return text, keyboards.watchlist(chunk, page, pages), page


async def send_watchlist(message: Message, context: BotContext, user: User) -> None:
    text, markup, page = await watchlist_view(context, message.chat_id, user.id, 0)
    info = ListInfo(user.id, ListKind.WATCHLIST, page, ()) if markup else None
    await reply(context, message, text, markup, info)


# ------------------------------------------------------------------ keeping buttons in step
async def refresh(
    context: BotContext, chat_id: int, message_id: int, info: ListInfo, owner_id: int
) -> None:
    """Rebuild a message's keyboard from its owner's stored state and send it if it changed.

    One press at a time per message (a lock), reading state after the press was stored: the last
    edit shows every change."""
    svc = context.services
    async with svc.edit_lock(chat_id, message_id):
        ratings = await svc.storage.ratings(chat_id, owner_id)
        hidden = await svc.storage.hidden(chat_id, owner_id)
        saved = await svc.storage.watchlist(chat_id, owner_id)
        markup = build_keyboard(context, info, ratings, hidden, saved)
        if markup is None:
            return
        current = await svc.storage.get_list(chat_id, message_id)
        shown = keyboards.fingerprint(markup)
        if current is not None and current.shown == shown:
            return  # Telegram would refuse it: "message is not modified"
        await _edit_markup(context, chat_id, message_id, markup)
        await svc.storage.set_shown(chat_id, message_id, shown)


def build_keyboard(
    context: BotContext,
    info: ListInfo,
    ratings: dict[int, float],
    hidden: set[int],
    saved: list[int],
) -> InlineKeyboardMarkup | None:
    done = keyboards.marks(ratings, hidden, saved if info.kind == ListKind.PICKS else ())
    catalogue = context.services.rec.catalogue
    ids = info.movie_ids
    if info.kind == ListKind.PICKS:
        return keyboards.picks(ids, info.start, done=done, code=info.extra)
    if info.kind in (ListKind.FILMS, ListKind.CHOOSE):
        entries = [(m, movie.title) for m in ids if (movie := catalogue.get(m)) is not None]
        if info.kind == ListKind.FILMS:
            return keyboards.films(entries, done)
        return keyboards.choose(entries, info.value, done)
    if info.kind == ListKind.RECORDED:
        return keyboards.recorded(ids, still=set(ratings) & set(ids))
    return None


async def _edit_markup(
    context: BotContext, chat_id: int, message_id: int, markup: InlineKeyboardMarkup
) -> None:
    try:
        await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


async def edit_text(
    context: BotContext,
    chat_id: int,
    message_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Replace a message's text (and keyboard); skipped when nothing would change."""
    svc = context.services
    shown = texts.fit(text) + "\n" + keyboards.fingerprint(markup)
    async with svc.edit_lock(chat_id, message_id):
        current = await svc.storage.get_list(chat_id, message_id)
        if current is not None and current.shown == shown:
            return
        try:
            await context.bot.edit_message_text(
                texts.fit(text), chat_id, message_id, reply_markup=markup
            )
        except BadRequest as error:
            if "not modified" not in error.message.lower():
                raise
        if current is not None:
            await svc.storage.set_shown(chat_id, message_id, shown)


# ------------------------------------------------------------------ a new catalogue
async def adopt_catalogue(svc: Services) -> int:
    """After the catalogue changed (a new data set): move stored ratings of films that are no
    longer known to the same film in the new catalogue, matched by exact title and year
    (MovieLens ids are stable across its releases, so most films need nothing). Films with no
    match stay, shown as "no longer in the catalogue" and ignored in scoring."""
    titles = svc.rec.catalogue.titles()
    by_title = {t: m for m, t in titles.items()}
    stored = await svc.storage.stored_titles(list(titles))
    mapping = {old: by_title[t] for old, t in stored.items() if t and t in by_title}
    moved = await svc.storage.remap_movies(mapping) if mapping else 0
    if stored:
        log.info(
            "ratings of films outside the catalogue",
            extra={"films": len(stored), "remapped": len(mapping), "ratings_moved": moved},
        )
    return moved
