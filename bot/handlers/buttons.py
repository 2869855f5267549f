"""Button presses. Every press acts for the person who pressed it, and is answered exactly once.

The data comes back from any Telegram client, so it is decoded defensively (`bot.callbacks`); a
forged or stale button gets a polite answer and a log entry, never an exception.
"""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import callbacks, keyboards, texts
from bot.callbacks import Action
from bot.handlers import (
    edit,
    log,
    remember,
    send_group_picks,
    send_picks,
    services,
    who,
)
from bot.handlers.commands import ratings_view

UNDO_SUFFIX = " · undo"


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    action = callbacks.decode(query.data)
    if action is None or (
        action.movie_id and action.movie_id not in services(context).rec.catalogue
    ):
        log.warning(
            "invalid button", extra={"update_id": update.update_id, "user_id": query.from_user.id}
        )
        await query.answer(texts.STALE_BUTTON, show_alert=False)
        return
    handler = _HANDLERS[action.kind]
    answer = await handler(update, context, query, action)
    await query.answer(answer)


async def _rate(update: Update, context, query: CallbackQuery, action: Action) -> str:
    _, chat, user = who(update)
    svc = services(context)
    remember(context, chat, user)
    svc.storage.rate(chat.id, user.id, action.movie_id, action.value)
    movie = svc.rec.catalogue.get(action.movie_id)
    log.info("rated", extra={"chat_id": chat.id, "user_id": user.id, "count": 1})
    await _update_row(query, action.movie_id, "👍" if action.value > 0 else "👎")
    name = texts.short_title(movie.title if movie else "it", 60)
    return f"Noted: you {texts.verb(action.value)} {name}."


async def _hide(update: Update, context, query: CallbackQuery, action: Action) -> str:
    _, chat, user = who(update)
    services(context).storage.hide(chat.id, user.id, action.movie_id)
    await _update_row(query, action.movie_id, "🙈")
    return "Hidden: I won't suggest it again."


async def _undo(update: Update, context, query: CallbackQuery, action: Action) -> str:
    _, chat, user = who(update)
    storage = services(context).storage
    removed = storage.unrate(chat.id, user.id, action.movie_id)
    unhidden = storage.unhide(chat.id, user.id, action.movie_id)
    await _restore_row(query, action.movie_id)
    return "Undone." if removed or unhidden else "Nothing to undo."


async def _more(update: Update, context, query: CallbackQuery, action: Action) -> str:
    message, chat, user = who(update)
    if action.kind == "g":
        await send_group_picks(message, context, chat, action.number)
    else:
        await send_picks(message, context, chat, user, action.number)
    return ""


async def _remove(update: Update, context, query: CallbackQuery, action: Action) -> str:
    message, chat, user = who(update)
    removed = services(context).storage.unrate(chat.id, user.id, action.movie_id)
    text, markup = ratings_view(context, chat.id, user.id, action.number)
    await edit(message, text, markup)
    return "Removed." if removed else "Already gone."


async def _page(update: Update, context, query: CallbackQuery, action: Action) -> str:
    message, chat, user = who(update)
    text, markup = ratings_view(context, chat.id, user.id, action.number)
    await edit(message, text, markup)
    return ""


async def _reset(update: Update, context, query: CallbackQuery, action: Action) -> str:
    message, chat, user = who(update)
    if not action.confirm:
        await edit(message, texts.CANCELLED)
        return "Cancelled."
    count = services(context).storage.reset(chat.id, user.id)
    log.info("reset", extra={"chat_id": chat.id, "user_id": user.id, "count": count})
    await edit(message, texts.RESET_DONE.format(count=count))
    return "Done."


async def _delete(update: Update, context, query: CallbackQuery, action: Action) -> str:
    message, _, user = who(update)
    if not action.confirm:
        await edit(message, texts.CANCELLED)
        return "Cancelled."
    count = services(context).storage.delete_user(user.id)
    log.info("deleted user data", extra={"user_id": user.id, "count": count})
    await edit(message, texts.DELETE_DONE.format(count=count))
    return "Deleted."


_HANDLERS = {
    "r": _rate,
    "h": _hide,
    "u": _undo,
    "m": _more,
    "g": _more,
    "x": _remove,
    "p": _page,
    "z": _reset,
    "d": _delete,
}


def _rows(query: CallbackQuery) -> list[list[InlineKeyboardButton]] | None:
    message = query.message
    markup = getattr(message, "reply_markup", None)
    if not isinstance(markup, InlineKeyboardMarkup):
        return None
    return [list(row) for row in markup.inline_keyboard]


async def _update_row(query: CallbackQuery, movie_id: int, mark: str) -> None:
    """Turn the pressed film's row into "<mark> label · undo", so the message shows the state."""
    rows = _rows(query)
    if rows is None:
        return
    targets = {callbacks.rate(movie_id, 1), callbacks.rate(movie_id, -1), callbacks.hide(movie_id)}
    changed = False
    for i, row in enumerate(rows):
        if any(b.callback_data in targets for b in row) and len(row) > 1:
            label = row[0].text.split(" ", 1)[-1]
            rows[i] = [
                InlineKeyboardButton(
                    f"{mark} {label}{UNDO_SUFFIX}", callback_data=callbacks.undo(movie_id)
                )
            ]
            changed = True
    if changed:
        await edit(query.message, None, InlineKeyboardMarkup(rows))  # type: ignore[arg-type]


async def _restore_row(query: CallbackQuery, movie_id: int) -> None:
    """Undo: give the row its rating buttons back (or drop a plain Undo button)."""
    rows = _rows(query)
    if rows is None:
        return
    data = callbacks.undo(movie_id)
    out: list[list[InlineKeyboardButton]] = []
    for row in rows:
        pressed = [b for b in row if b.callback_data == data]
        if not pressed:
            out.append(row)
        elif pressed[0].text.endswith(UNDO_SUFFIX):
            label = pressed[0].text.removesuffix(UNDO_SUFFIX).split(" ", 1)[-1]
            out.append(_rating_row(movie_id, label))
        elif len(row) > 1:
            out.append([b for b in row if b.callback_data != data])
    rows_left = [row for row in out if row]
    await edit(query.message, None, InlineKeyboardMarkup(rows_left))  # type: ignore[arg-type]


def _rating_row(movie_id: int, label: str) -> list[InlineKeyboardButton]:
    if label.isdigit():  # a numbered pick
        return [
            InlineKeyboardButton(f"👍 {label}", callback_data=callbacks.rate(movie_id, 1)),
            InlineKeyboardButton(f"👎 {label}", callback_data=callbacks.rate(movie_id, -1)),
            InlineKeyboardButton(f"🙈 {label}", callback_data=callbacks.hide(movie_id)),
        ]
    return keyboards.rate_films([(movie_id, label)]).inline_keyboard[0]  # type: ignore[return-value]
