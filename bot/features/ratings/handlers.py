"""Ratings: /like and /dislike with typed titles, a private message as a title search, 👍 / 👎
and Undo under any list, /ratings with ❌ and pages, /forget, /reset."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import ForceReply, InlineKeyboardMarkup, Message, Update, User

from bot import i18n
from bot.context import BotContext, Services
from bot.features import argument_text
from bot.features.ratings import views
from bot.features.ratings.callbacks import (
    ConfirmReset,
    Rate,
    RatingsPage,
    Remove,
    Undo,
    UndoImported,
)
from bot.features.ratings.lists import (
    ASK_DISLIKE,
    ASK_LIKE,
    CHOOSE,
    FILMS,
    RATINGS,
    RECORDED,
    RESET,
    ChoosePayload,
)
from bot.logs import person
from bot.storage import Opinion, Taste
from bot.ui import texts
from bot.ui.buttons import FollowUp, Press, Reply, on, owner_only
from bot.ui.keyboards import confirm, marks, paginate
from bot.ui.lists import ListInfo
from bot.ui.messages import (
    View,
    edit_text,
    edit_view,
    log,
    rebuilds,
    remember,
    reply,
    store_list,
    stored_list,
    who,
)
from movierec.titles import MAX_TITLES, Candidate, MatchResult, MatchStatus, split_titles


# ------------------------------------------------------------------ /like and /dislike
async def like(update: Update, context: BotContext) -> None:
    edited = update.edited_message is not None
    await record_titles(update, context, argument_text(update), Opinion.LIKE, edited)


async def dislike(update: Update, context: BotContext) -> None:
    edited = update.edited_message is not None
    await record_titles(update, context, argument_text(update), Opinion.DISLIKE, edited)


async def record_titles(
    update: Update, context: BotContext, text: str, value: Opinion, edited: bool = False
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
        kind = ASK_LIKE if value > 0 else ASK_DISLIKE
        prompt = views.ask_like() if value > 0 else views.ask_dislike()
        sent = await message.reply_text(prompt, reply_markup=ForceReply(selective=True))
        await store_list(context, chat.id, sent.message_id, ListInfo(user.id, kind))
        return
    if len(every) > 1:  # a title that itself has commas: "Good, the Bad and the Ugly, The"
        whole = await svc.core(svc.rec.match, text)
        if whole.best is not None and whole.best.score >= 100:
            titles, every = [text], [text]
    await remember(context, chat, user)
    recorded: dict[int, str] = {}
    for title in titles:
        result = await match_title(svc, title)
        best = result.best
        doubt = svc.rec.doubt(result)
        if best is not None and doubt is not None:
            entries = [(best.movie_id, best.title)]
            latest = svc.rec.catalogue.latest_year
            await reply(
                context,
                message,
                views.doubtful(title, best.title, doubt, latest),
                views.choose_keyboard(entries, value),
                ListInfo(user.id, CHOOSE, 0, (best.movie_id,), ChoosePayload(value)),
            )
        elif result.status is MatchStatus.CONFIDENT and best is not None:
            if best.movie_id not in recorded:
                await svc.storage.rate(chat.id, user.id, best.movie_id, value, best.title)
                recorded[best.movie_id] = best.title
        elif result.status is MatchStatus.AMBIGUOUS:
            entries = [(c.movie_id, c.title) for c in result.candidates]
            ids = tuple(m for m, _ in entries)
            one = len(entries) == 1  # a title in the person's language, nearly
            await reply(
                context,
                message,
                views.did_you_mean(entries[0][1]) if one else views.ambiguous(title, value),
                views.choose_keyboard(entries, value),
                ListInfo(user.id, CHOOSE, 0, ids, ChoosePayload(value)),
            )
        else:
            entries = [(c.movie_id, c.title) for c in result.candidates[:3]]
            await reply(
                context,
                message,
                views.no_match(title, result.candidates[:3], svc.rec.catalogue.latest_year),
                views.films_keyboard(entries) if entries else None,
                ListInfo(user.id, FILMS, 0, tuple(m for m, _ in entries)) if entries else None,
            )
    if recorded:
        await svc.storage.save_source(
            chat.id, message.message_id, user.id, dict.fromkeys(recorded, value)
        )
        log.info("rated", extra={**person(chat.id, user.id), "count": len(recorded)})
        ids = tuple(recorded)
        await reply(
            context,
            message,
            views.recorded([(t, value) for t in recorded.values()]),
            views.recorded_keyboard(ids),
            ListInfo(user.id, RECORDED, 0, ids),
        )
    if len(every) > len(titles):
        await reply(context, message, views.too_many_titles(len(titles), len(every) - len(titles)))


async def match_title(svc: Services, text: str, limit: int = 5) -> MatchResult:
    """The catalogue's match of a typed title (`Recommender.match`) and, where that is not
    confident, the film whose cached title in the person's language is the text (`FactsCache.
    find_title`): "матрица" is The Matrix, recorded (or, only near a cached title, asked)."""
    result = await svc.core(svc.rec.match, text, limit=limit)
    if result.status is MatchStatus.CONFIDENT:
        return result
    found = await svc.facts.find_title(text, i18n.current())
    movie = svc.rec.catalogue.get(found[0]) if found else None
    if found is None or movie is None:
        return result
    status = MatchStatus.CONFIDENT if found[1] else MatchStatus.AMBIGUOUS
    return MatchResult(text, status, [Candidate(movie.movie_id, movie.title, movie.year, 100.0)])


async def _undo_source(svc: Services, chat_id: int, message_id: int, user_id: int) -> None:
    """Remove what an edited message recorded, unless the person changed it since."""
    before = await svc.storage.take_source(chat_id, message_id, user_id)
    if not before:
        return
    now = await svc.storage.ratings(chat_id, user_id)
    for movie_id, value in before.items():
        if now.get(movie_id) == value:
            await svc.storage.unrate(chat_id, user_id, movie_id)


async def answer_to_question(update: Update, context: BotContext, replied_to: int) -> bool:
    """A reply to our "which film do you like?" records its titles; False for any other reply.

    An answer is recognised by the question it replies to, as stored when it was asked (not by
    its wording, which changes between releases and languages)."""
    message, chat, _ = who(update)
    info = await stored_list(context, chat.id, replied_to)
    if info is None or info.kind not in (ASK_LIKE, ASK_DISLIKE):
        return False
    value = Opinion.LIKE if info.kind is ASK_LIKE else Opinion.DISLIKE
    edited = update.edited_message is not None
    await record_titles(update, context, (message.text or "").strip(), value, edited)
    return True


# ------------------------------------------------------------------ a title search
async def search(update: Update, context: BotContext, text: str) -> None:
    """A private message with a title: show the match(es) with 👍 / 👎."""
    message, chat, user = who(update)
    svc = context.services
    result = await match_title(svc, text, limit=3)
    log.info("search", extra={**person(chat.id), "status": result.status.value})
    if result.status is MatchStatus.NONE:
        found = result.candidates[:3]
        reply_text = views.no_match(text, found, svc.rec.catalogue.latest_year)
    else:
        found = [result.best] if result.best is not None else result.candidates
        reply_text = views.search_results(text, len(found))
    entries = [(c.movie_id, c.title) for c in found]
    if not entries:
        await reply(context, message, reply_text)
        return
    info = ListInfo(user.id, FILMS, 0, tuple(m for m, _ in entries))
    await reply(context, message, reply_text, views.films_keyboard(entries), info)


async def send_starters(
    message: Message, context: BotContext, user: User, text: str, exclude: object
) -> None:
    """Well-known films to rate with one tap (the welcome, or picks asked for too early)."""
    svc = context.services
    popular = await svc.core(svc.rec.catalogue.popular, 6, exclude=exclude)
    entries = [(m.movie_id, m.title) for m in popular]
    info = ListInfo(user.id, FILMS, 0, tuple(m for m, _ in entries))
    await reply(context, message, text, views.films_keyboard(entries), info)


async def send_film(
    message: Message, context: BotContext, user: User, movie_id: int, text: str
) -> None:
    """One film to rate with 👍 / 👎 (a shared card opened, a watched film)."""
    movie = context.services.rec.catalogue.get(movie_id)
    if movie is None:
        return
    info = ListInfo(user.id, FILMS, 0, (movie_id,))
    await reply(context, message, text, views.films_keyboard([(movie_id, movie.title)]), info)


# ------------------------------------------------------------------ /ratings, /forget, /reset
async def ratings_view(
    context: BotContext, chat_id: int, user_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup | None, int]:
    """One page of a person's ratings (newest first) with ❌ buttons; bounded for any count.
    Films no longer in the catalogue are listed with their stored title and can be removed."""
    svc = context.services
    stored = await svc.storage.rated_titles(chat_id, user_id)
    ratings = await svc.storage.ratings(chat_id, user_id)
    rated = list(reversed(ratings.items()))
    if not rated:
        return texts.no_ratings(), None, 0
    chunk, page, pages = paginate(rated, page)
    entries = [(svc.rec.catalogue.get(m), stored.get(m)) for m, _ in chunk]
    text = views.ratings_page(entries, [v for _, v in chunk], page, pages)
    imports = await svc.storage.applied_imports(chat_id, user_id)
    newest = None
    if imports:  # some came from a file (bot.features.imports): its Undo is here too
        text += "\n\n" + views.ratings_imported()
        day = datetime.fromtimestamp(imports[0].applied_at or 0, UTC).strftime("%Y-%m-%d")
        newest = (imports[0].import_id, day)
    return text, views.ratings_keyboard([m for m, _ in chunk], page, pages, newest), page


async def ratings(update: Update, context: BotContext) -> None:
    message, _, user = who(update)
    text, markup, page = await ratings_view(context, message.chat_id, user.id, 0)
    info = ListInfo(user.id, RATINGS, page) if markup else None
    await reply(context, message, text, markup, info)


async def forget(update: Update, context: BotContext) -> None:
    """Forget one rating, matched against the person's own rated films (stored titles too, so
    a film that left the catalogue can still be forgotten)."""
    message, chat, user = who(update)
    query = argument_text(update).strip()
    if not query:
        await reply(context, message, views.ask_forget())
        return
    svc = context.services
    stored = await svc.storage.rated_titles(chat.id, user.id)
    result = await svc.core(svc.rec.match, query, limit=10)
    hit = next((c.movie_id for c in result.candidates if c.movie_id in stored), None)
    if hit is None or result.status is MatchStatus.NONE:
        hit = _stored_match(query, stored)
    if hit is None:
        await reply(context, message, views.not_rated(query))
        return
    await svc.storage.unrate(chat.id, user.id, hit)
    movie = svc.rec.catalogue.get(hit)
    await reply(context, message, views.forgotten(movie.title if movie else stored.get(hit)))


def _stored_match(query: str, stored: dict[int, str | None]) -> int | None:
    """A rated film outside the catalogue whose stored title contains the query."""
    wanted = query.casefold()
    return next((m for m, t in stored.items() if t and wanted in t.casefold()), None)


async def reset(update: Update, context: BotContext) -> None:
    message, _, user = who(update)
    markup = confirm(ConfirmReset(True), ConfirmReset(False), views.yes_reset())
    info = ListInfo(user.id, RESET)
    await reply(context, message, views.reset_ask(), markup, info)


# ------------------------------------------------------------------ buttons
@on(Rate)
async def _rate(press: Press[Rate]) -> Reply:
    svc, chat, user, data = press.context.services, press.chat, press.user, press.data
    movie = svc.rec.catalogue.get(data.movie_id)
    title = movie.title if movie else None
    value = data.sign.opinion
    await svc.storage.rate(chat.id, user.id, data.movie_id, value, title)
    log.info("rated", extra={**person(chat.id, user.id), "count": 1})
    if press.by_owner:
        return texts.noted(value, title), press.refresh()
    return views.noted_for_you(value, title), None


@on(Undo)
@owner_only
async def _undo(press: Press[Undo]) -> Reply:
    svc, chat, user, movie_id = press.context.services, press.chat, press.user, press.data.movie_id
    removed = await svc.storage.unrate(chat.id, user.id, movie_id)
    unhidden = await svc.storage.unhide(chat.id, user.id, movie_id)
    unsaved = await svc.storage.unsave(chat.id, user.id, movie_id)
    if not (removed or unhidden or unsaved):
        return views.nothing_to_undo(), None
    return views.undone(), press.refresh()


@on(Remove)
@owner_only
async def _remove(press: Press[Remove]) -> Reply:
    svc, chat, user = press.context.services, press.chat, press.user
    removed = await svc.storage.unrate(chat.id, user.id, press.data.movie_id)
    answer = views.removed() if removed else texts.already_gone()
    return answer, _show_page(press, press.data.page)


@on(UndoImported)
@owner_only
async def _undo_imported(press: Press[UndoImported]) -> Reply:
    """↩️ under /ratings: the newest import taken back, exactly (see bot.storage.areas.imports)."""
    svc, chat, user = press.context.services, press.chat, press.user
    changed = await svc.storage.undo_import(press.data.import_id, user.id)
    if changed is None:
        return views.import_already_undone(), None
    log.info("import undone", extra={**person(chat.id, user.id), "films": changed})
    return views.import_undone(changed), _show_page(press, press.data.page)


@on(RatingsPage)
@owner_only
async def _page(press: Press[RatingsPage]) -> Reply:
    return "", _show_page(press, press.data.page)


def _show_page(press: Press, page: int) -> FollowUp:
    context, chat, user, message_id = (
        press.context,
        press.chat,
        press.user,
        press.message.message_id,
    )

    async def view() -> View:
        text, markup, _ = await ratings_view(context, chat.id, user.id, page)
        return text, markup

    return lambda: edit_view(context, chat.id, message_id, view)


def cancelled(press: Press) -> Reply:
    """Cancel under a confirmation: say so in the prompt, change nothing else."""
    context, chat_id, message_id = press.context, press.chat.id, press.message.message_id
    return texts.toast_cancelled(), lambda: edit_text(
        context, chat_id, message_id, texts.cancelled()
    )


@on(ConfirmReset)
@owner_only
async def _reset(press: Press[ConfirmReset]) -> Reply:
    if not press.data.yes:
        return cancelled(press)
    context, chat, user = press.context, press.chat, press.user
    message_id = press.message.message_id
    count = await context.services.storage.reset(chat.id, user.id)
    log.info("reset", extra={**person(chat.id, user.id), "count": count})
    done = views.reset_done(count)
    return views.toast_done(), lambda: edit_text(context, chat.id, message_id, done)


@rebuilds(FILMS, CHOOSE, RECORDED)
def _rebuild(context: BotContext, info: ListInfo, taste: Taste) -> InlineKeyboardMarkup | None:
    """Films to rate, candidates of an ambiguous title, a confirmation: marks where done."""
    ids = info.movie_ids
    if info.kind == RECORDED:
        return views.recorded_keyboard(ids, still=set(taste.ratings) & set(ids))
    done = marks(taste.ratings, taste.hidden)
    catalogue = context.services.rec.catalogue
    entries = [(m, movie.title) for m in ids if (movie := catalogue.get(m)) is not None]
    if isinstance(info.payload, ChoosePayload):
        return views.choose_keyboard(entries, info.payload.opinion, done)
    return views.films_keyboard(entries, done)
