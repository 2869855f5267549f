"""The bot's own life in chats: flood control, membership changes, and unexpected errors."""

from __future__ import annotations

import contextlib

from telegram import ChatMember, Update
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import texts
from bot.handlers import HTML, log, services
from bot.throttle import Throttle


async def throttle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every handler: refuse a person's flood, politely, once."""
    user = update.effective_user
    if user is None:
        return
    limiter: Throttle = context.application.bot_data["throttle"]
    allowed, warn = limiter.check(user.id)
    if allowed:
        return
    log.warning("flood refused", extra={"user_id": user.id, "update_id": update.update_id})
    if update.callback_query is not None:
        await update.callback_query.answer(texts.SLOW_DOWN)
    elif warn and update.effective_message is not None:
        await update.effective_message.reply_text(texts.SLOW_DOWN, do_quote=False)
    raise ApplicationHandlerStop


async def membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot was added to, removed from, or blocked in a chat: note it, keep everyone's data."""
    change = update.my_chat_member
    if change is None:
        return
    status = change.new_chat_member.status
    gone = status in (ChatMember.LEFT, ChatMember.BANNED)
    chat = change.chat
    state = ("blocked" if chat.type == chat.PRIVATE else "removed") if gone else "active"
    services(context).storage.set_chat_status(chat.id, state)
    log.info("membership changed", extra={"chat_id": chat.id, "status": state})


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log what went wrong (ids only) and, where possible, tell the person."""
    error = context.error
    chat = update.effective_chat if isinstance(update, Update) else None
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        log.warning(
            "bot cannot write to chat",
            extra={"chat_id": getattr(chat, "id", None), "reason": error.message},
        )
        if chat is not None:
            services(context).storage.set_chat_status(
                chat.id, "blocked" if chat.type == chat.PRIVATE else "removed"
            )
        return
    if isinstance(error, BadRequest) and "not modified" in error.message.lower():
        return
    if isinstance(error, RetryAfter):
        log.warning("rate limited by Telegram", extra={"retry_after": str(error.retry_after)})
        return
    log.error("unhandled error", exc_info=error, extra={"update_id": update_id})
    if isinstance(update, Update):
        if update.callback_query is not None:
            with contextlib.suppress(BadRequest):  # it may have been answered already
                await update.callback_query.answer(texts.ERROR)
        elif chat is not None:
            try:
                await context.bot.send_message(chat.id, texts.ERROR, parse_mode=HTML)
            except Exception:
                log.warning("could not report the error to the chat", extra={"chat_id": chat.id})
