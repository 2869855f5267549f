"""Button presses. Every press acts for the person who pressed it, is answered at once, and
changes a message only when the presser owns it.

The order matters: decode and check the data, store what the press means (committed), answer the
callback (Telegram refuses answers that come late, and a keyboard edit in a group can wait
seconds behind the 20-messages-a-minute limit), then edit.

Ownership: every message with buttons is stored with its owner (`ListInfo.owner_id`). In a group,
a press under someone else's list records the presser's own rating and says so in a toast,
leaving the list as it is; buttons that only make sense for the owner (Undo, ❌, paging, More,
confirmations) refuse others politely. A movie-night list belongs to everyone and is never
rewritten. A message from before ownership was stored belongs to the chat's person in a private
chat and to nobody in a group.

The data comes back from any Telegram client, so it is decoded defensively (`bot.callbacks`); a
forged or stale button gets a polite answer and a log entry, never an exception.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import CallbackQuery, Chat, Message, Update, User

from bot import callbacks, flows, i18n, keyboards, movienight, texts
from bot.callbacks import Action, Kind
from bot.context import BotContext
from bot.flows import log, remember
from bot.keyboards import ListKind
from bot.logs import person
from bot.storage import ListInfo, PollInfo
from movierec.filters import Filter

FollowUp = Callable[[], Awaitable[None]] | None


@dataclass(frozen=True)
class Press:
    """One button press, with what is known about the message it was under."""

    context: BotContext
    query: CallbackQuery
    action: Action
    message: Message
    chat: Chat
    user: User
    info: ListInfo | None  # None: a message from before ownership was stored (or too old)
    owner_id: int | None

    @property
    def by_owner(self) -> bool:
        return self.owner_id == self.user.id


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    svc = context.services
    action = callbacks.decode(query.data)
    needs_film = action is not None and action.kind in (Kind.RATE, Kind.HIDE, Kind.SAVE)
    message = query.message
    if (
        action is None
        or (needs_film and action.movie_id not in svc.rec.catalogue)
        or not isinstance(message, Message)  # too old for Telegram to show it to us
        or update.effective_chat is None
    ):
        log.warning("invalid button", extra={"update_id": update.update_id})
        await query.answer(texts.stale_button())
        return
    chat, user = update.effective_chat, query.from_user
    info = await svc.storage.get_list(chat.id, message.message_id)
    owner = info.owner_id if info else (chat.id if chat.type == Chat.PRIVATE else None)
    press = Press(context, query, action, message, chat, user, info, owner)
    answer, follow_up = await _HANDLERS[action.kind](press)
    await query.answer(answer[: texts.MAX_TOAST])
    if follow_up is not None:
        await follow_up()


def _refresh(press: Press) -> FollowUp:
    """Rebuild the owner's keyboard after the answer, when there is one to rebuild."""
    info = press.info
    if info is None or not press.by_owner or info.kind == ListKind.NIGHT:
        return None
    owner = press.user.id
    return lambda: flows.refresh(
        press.context, press.chat.id, press.message.message_id, info, owner
    )


async def _rate(press: Press) -> tuple[str, FollowUp]:
    svc, chat, user, action = press.context.services, press.chat, press.user, press.action
    await remember(press.context, chat, user)
    movie = svc.rec.catalogue.get(action.movie_id)
    title = movie.title if movie else None
    await svc.storage.rate(chat.id, user.id, action.movie_id, action.value, title)
    log.info("rated", extra={**person(chat.id, user.id), "count": 1})
    if press.by_owner:
        return texts.noted(action.value, title), _refresh(press)
    return texts.noted_for_you(action.value, title), None


async def _hide(press: Press) -> tuple[str, FollowUp]:
    svc, chat, user = press.context.services, press.chat, press.user
    await svc.storage.hide(chat.id, user.id, press.action.movie_id)
    if press.by_owner:
        return texts.hidden(), _refresh(press)
    movie = svc.rec.catalogue.get(press.action.movie_id)
    return texts.hidden_for_you(movie.title if movie else None), None


def _owner_only(
    handler: Callable[[Press], Awaitable[tuple[str, FollowUp]]],
) -> Callable[[Press], Awaitable[tuple[str, FollowUp]]]:
    """Buttons that only make sense for the message's owner refuse everyone else, politely,
    without touching the message."""

    async def guarded(press: Press) -> tuple[str, FollowUp]:
        if press.owner_id is None and press.action.kind in (Kind.RESET, Kind.DELETE):
            return texts.expired(), None
        if not press.by_owner:
            return texts.not_yours(), None
        return await handler(press)

    return guarded


@_owner_only
async def _undo(press: Press) -> tuple[str, FollowUp]:
    svc, chat, user, movie_id = (
        press.context.services,
        press.chat,
        press.user,
        press.action.movie_id,
    )
    removed = await svc.storage.unrate(chat.id, user.id, movie_id)
    unhidden = await svc.storage.unhide(chat.id, user.id, movie_id)
    unsaved = await svc.storage.unsave(chat.id, user.id, movie_id)
    if not (removed or unhidden or unsaved):
        return texts.nothing_to_undo(), None
    return texts.undone(), _refresh(press)


async def _more(press: Press) -> tuple[str, FollowUp]:
    """More of a person's picks (the owner's list only) or the group's (anyone). "Recommend"
    under a confirmation (offset 0) gives the presser their own picks."""
    context, message, chat, user, action = (
        press.context,
        press.message,
        press.chat,
        press.user,
        press.action,
    )
    wanted = callbacks.decode_filter(action.code)
    if action.kind is Kind.GROUP_MORE:
        _, night = movienight.night_of(press.info)
        return "", lambda: movienight.send_picks(
            message, context, chat, night, action.number, wanted
        )
    if action.number > 0 and not press.by_owner:
        return texts.not_yours(), None
    return "", lambda: flows.send_picks(message, context, chat, user, action.number, wanted)


async def _night(press: Press) -> tuple[str, FollowUp]:
    """The roster: 🙋 / 🚪 change only the presser's own place; 🍿 picks for who is in."""
    context, chat, user, flag = press.context, press.chat, press.user, press.action.flag
    svc, night_id = context.services, press.message.message_id
    if await svc.storage.night_query(chat.id, night_id) is None:
        return texts.no_roster(), None
    if flag == "p":
        if not await svc.storage.night_members(chat.id, night_id):
            return texts.roster_empty_toast(), None
        return "", lambda: movienight.send_picks(press.message, context, chat, night_id)
    await remember(context, chat, user)
    changed = await svc.storage.join_night(chat.id, night_id, user.id, flag == "i")
    follow = (lambda: movienight.show_roster(context, chat.id, night_id)) if changed else None
    if flag == "i" and not await movienight.taste(svc, chat.id, user.id):
        return texts.rate_first(), follow
    return (texts.roster_joined() if flag == "i" else texts.roster_left()), follow


async def _vote(press: Press) -> tuple[str, FollowUp]:
    """📊 under movie-night picks starts a poll; 🏁 under the poll closes it (people in
    tonight only)."""
    context, chat, user = press.context, press.chat, press.user
    svc = context.services
    if press.action.flag == "v":
        if press.info is None or press.info.kind != ListKind.NIGHT:
            return texts.no_roster(), None
        return await movienight.start_vote(context, chat, press.info), None
    poll = await svc.storage.poll_of_message(chat.id, press.message.message_id)
    if poll is None or poll.closed:
        return texts.vote_closed(), None
    roster = await svc.storage.night_members(chat.id, poll.night_id)
    if user.id not in roster:
        return texts.not_in_roster(), None
    return "", lambda: _close(context, poll)


async def _close(context: BotContext, poll: PollInfo) -> None:
    await movienight.close(context, poll)


async def _filter(press: Press) -> tuple[str, FollowUp]:
    """A chip or "any film": the presser's own picks with that filter, as a new message."""
    context, message, chat, user = press.context, press.message, press.chat, press.user
    wanted = callbacks.decode_filter(press.action.code)
    return "", lambda: flows.send_picks(message, context, chat, user, wanted=wanted)


async def _chips(press: Press) -> tuple[str, FollowUp]:
    """🎭 / 📅: a small message of chips for the presser, keeping the other half of the filter."""
    context, message, user = press.context, press.message, press.user
    current = callbacks.decode_filter(press.action.code) or Filter()
    if press.action.flag == "g":
        text, markup = texts.choose_genre(), keyboards.genre_chips(current)
    else:
        latest = context.services.latest_year
        text, markup = texts.choose_decade(), keyboards.decade_chips(current, latest)
    info = ListInfo(user.id, ListKind.CHIPS, 0, ())
    return "", lambda: _send(flows.reply(context, message, text, markup, info))


async def _send(sending: Awaitable[object]) -> None:
    await sending


async def _save(press: Press) -> tuple[str, FollowUp]:
    """🔖: on the presser's own watchlist (never picked again); the owner's row shows it."""
    svc, chat, user = press.context.services, press.chat, press.user
    added = await svc.storage.save_for_later(chat.id, user.id, press.action.movie_id)
    answer = texts.saved() if added else texts.already_saved()
    return answer, (_refresh(press) if press.by_owner else None)


@_owner_only
async def _watched(press: Press) -> tuple[str, FollowUp]:
    """✅ under /watchlist: off the list, and a 👍 / 👎 question for it."""
    context, message, chat, user = press.context, press.message, press.chat, press.user
    svc, movie_id = context.services, press.action.movie_id
    await svc.storage.unsave(chat.id, user.id, movie_id)
    movie = svc.rec.catalogue.get(movie_id)
    page = press.info.start if press.info else 0

    async def ask() -> None:
        await _show_watchlist(press, page)
        if movie is None:
            return
        text = texts.watched_ask(movie.title)
        markup = keyboards.films([(movie_id, movie.title)])
        info = ListInfo(user.id, ListKind.FILMS, 0, (movie_id,))
        await flows.reply(context, message, text, markup, info)

    return texts.unsaved(), ask


@_owner_only
async def _unsave(press: Press) -> tuple[str, FollowUp]:
    svc, chat, user = press.context.services, press.chat, press.user
    removed = await svc.storage.unsave(chat.id, user.id, press.action.movie_id)
    page = press.action.number
    return (texts.unsaved() if removed else texts.already_gone()), lambda: _show_watchlist(
        press, page
    )


@_owner_only
async def _watch_page(press: Press) -> tuple[str, FollowUp]:
    return "", lambda: _show_watchlist(press, press.action.number)


async def _show_watchlist(press: Press, page: int) -> None:
    context, chat, user = press.context, press.chat, press.user

    async def view() -> flows.View:
        text, markup, _ = await flows.watchlist_view(context, chat.id, user.id, page)
        return text, markup

    await flows.edit_view(context, chat.id, press.message.message_id, view)


@_owner_only
async def _remove(press: Press) -> tuple[str, FollowUp]:
    svc, chat, user = press.context.services, press.chat, press.user
    removed = await svc.storage.unrate(chat.id, user.id, press.action.movie_id)
    return (texts.removed() if removed else texts.already_gone()), _show_page(press)


@_owner_only
async def _page(press: Press) -> tuple[str, FollowUp]:
    return "", _show_page(press)


def _show_page(press: Press) -> FollowUp:
    context, chat, user, message_id = (
        press.context,
        press.chat,
        press.user,
        press.message.message_id,
    )

    async def view() -> flows.View:
        text, markup, _ = await flows.ratings_view(context, chat.id, user.id, press.action.number)
        return text, markup

    return lambda: flows.edit_view(context, chat.id, message_id, view)


def _cancelled(press: Press) -> tuple[str, FollowUp]:
    """Cancel under a confirmation: say so in the prompt, change nothing else."""
    context, chat_id, message_id = press.context, press.chat.id, press.message.message_id
    return texts.toast_cancelled(), lambda: flows.edit_text(
        context, chat_id, message_id, texts.cancelled()
    )


@_owner_only
async def _reset(press: Press) -> tuple[str, FollowUp]:
    if not press.action.confirm:
        return _cancelled(press)
    context, chat, user = press.context, press.chat, press.user
    message_id = press.message.message_id
    svc = context.services
    count = await svc.storage.reset(chat.id, user.id)
    log.info("reset", extra={**person(chat.id, user.id), "count": count})
    done = texts.reset_done(count)
    return texts.toast_done(), lambda: flows.edit_text(context, chat.id, message_id, done)


@_owner_only
async def _delete(press: Press) -> tuple[str, FollowUp]:
    if not press.action.confirm:
        return _cancelled(press)
    context, user = press.context, press.user
    svc = context.services
    count = await svc.storage.delete_user(user.id)
    log.info("deleted a person's data", extra={"count": count})  # no id: it is gone
    done = texts.delete_done(count)
    return texts.toast_deleted(), lambda: _say_deleted(press, done)


async def _say_deleted(press: Press, done: str) -> None:
    """The prompt's stored owner went with the data: edit it directly."""
    await press.context.bot.edit_message_text(done, press.chat.id, press.message.message_id)


async def _language(press: Press) -> tuple[str, FollowUp]:
    """A language is a person's own setting: whoever presses sets theirs (in a group too). The
    answer is already in the new language; the rest of this update keeps the old one, and the
    next update starts in the new one (`bot.handlers.chat.use_language`)."""
    svc, user = press.context.services, press.user
    code = i18n.supported(press.action.flag)
    await svc.storage.set_language(user.id, code)
    log.info("language set", extra={**person(press.chat.id, user.id), "language": code or "auto"})
    spoken = code or i18n.from_telegram(user.language_code)
    with i18n.using(spoken):
        done = texts.language_set(i18n.NATIVE_NAMES[spoken]) if code else texts.language_automatic()
    if not press.by_owner:
        return done, None
    chat_id, message_id = press.chat.id, press.message.message_id
    markup = keyboards.languages(code)
    return done, lambda: flows.edit_text(press.context, chat_id, message_id, done, markup)


@_owner_only
async def _answer_question(press: Press) -> tuple[str, FollowUp]:
    """A first question answered (or "show my picks"): stored, then the next question in the
    same message, or the picks. A question showing a few films stays until each is answered or
    the person taps "none of these" / "next question"."""
    context, message, chat, user, action = (
        press.context,
        press.message,
        press.chat,
        press.user,
        press.action,
    )
    info = press.info
    if info is None or info.kind != ListKind.QUESTION:
        return texts.stale_button(), None
    if action.flag in "+-0" and action.movie_id not in flows.current_question(info):
        return texts.stale_button(), None  # an earlier question's button, pressed again
    answer = ""
    if action.flag in "+-":
        svc = context.services
        movie = svc.rec.catalogue.get(action.movie_id)
        title = movie.title if movie else None
        await svc.storage.rate(chat.id, user.id, action.movie_id, action.value, title)
        answer = texts.noted(action.value, title)
    elif action.flag == "0":
        answer = texts.not_seen_noted()

    async def follow() -> None:
        # One press at a time moves the questions on, from the question stored now: of presses
        # at once, only the first acts on the question they were under.
        chat_id, message_id = chat.id, message.message_id
        async with context.services.edit_lock(chat_id, message_id):
            now = await context.services.storage.get_list(chat_id, message_id)
            if now is None or now.kind != ListKind.QUESTION or now.start != info.start:
                return
            if action.flag in "+-" and await flows.show_question(
                context, chat_id, message_id, user, now
            ):
                return
            if action.flag != "p" and await flows.next_question(
                context, chat_id, message_id, user, now
            ):
                return
            if not await flows.send_edit(context, chat_id, message_id, texts.questions_done()):
                return  # another press finished the questions already
        await flows.send_picks(message, context, chat, user)

    return answer, follow


_HANDLERS: dict[Kind, Callable[[Press], Awaitable[tuple[str, FollowUp]]]] = {
    Kind.RATE: _rate,
    Kind.HIDE: _hide,
    Kind.UNDO: _undo,
    Kind.MORE: _more,
    Kind.GROUP_MORE: _more,
    Kind.REMOVE: _remove,
    Kind.PAGE: _page,
    Kind.RESET: _reset,
    Kind.DELETE: _delete,
    Kind.FILTER: _filter,
    Kind.CHIPS: _chips,
    Kind.SAVE: _save,
    Kind.WATCHED: _watched,
    Kind.UNSAVE: _unsave,
    Kind.WATCH_PAGE: _watch_page,
    Kind.NIGHT: _night,
    Kind.VOTE: _vote,
    Kind.ONBOARD: _answer_question,
    Kind.LANGUAGE: _language,
}
