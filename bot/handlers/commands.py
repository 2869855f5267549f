"""Slash commands and plain messages."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.ext import ContextTypes

from bot import keyboards, texts
from bot.handlers import (
    is_group,
    log,
    record_titles,
    remember,
    reply,
    send_group_picks,
    send_picks,
    services,
    who,
)
from movierec.titles import MatchStatus


def _argument_text(update: Update) -> str:
    """What follows the command ("/like@bot Matrix" -> "Matrix"), from the raw text."""
    message, _, _ = who(update)
    parts = (message.text or "").split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, chat, user = who(update)
    svc = services(context)
    popular = svc.rec.catalogue.popular(6, exclude=svc.storage.ratings(chat.id, user.id))
    await reply(message, texts.WELCOME, keyboards.cold_start(popular))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(who(update)[0], texts.HELP)


async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(who(update)[0], texts.PRIVACY)


async def like(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await record_titles(update, context, _argument_text(update), 1.0)


async def dislike(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await record_titles(update, context, _argument_text(update), -1.0)


async def recommend(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, chat, user = who(update)
    remember(context, chat, user)
    await send_picks(message, context, chat, user)


async def movienight(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, chat, user = who(update)
    if not is_group(chat):
        await reply(message, texts.GROUP_ONLY)
        return
    remember(context, chat, user)
    await send_group_picks(message, context, chat)


async def ratings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, chat, user = who(update)
    text, markup = ratings_view(context, chat.id, user.id, 0)
    await reply(message, text, markup)


def ratings_view(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int, page: int
) -> tuple[str, object]:
    """One page of a person's ratings (newest first) with ❌ buttons; bounded for any count."""
    svc = services(context)
    rated = list(reversed(svc.storage.ratings(chat_id, user_id).items()))
    if not rated:
        return texts.NO_RATINGS, None
    size = keyboards.PAGE_SIZE
    pages = (len(rated) + size - 1) // size
    page = min(max(page, 0), pages - 1)
    chunk = rated[page * size : (page + 1) * size]
    movies = [svc.rec.catalogue.get(m) for m, _ in chunk]
    text = texts.ratings_page(movies, [v for _, v in chunk], page, pages)
    return text, keyboards.ratings([m for m, _ in chunk], page, pages)


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, chat, user = who(update)
    query = _argument_text(update).strip()
    if not query:
        await reply(message, texts.ASK_FORGET)
        return
    svc = services(context)
    rated = svc.storage.ratings(chat.id, user.id)
    result = svc.rec.match(query, limit=10)
    hit = next((c for c in result.candidates if c.movie_id in rated), None)
    if hit is None or result.status is MatchStatus.NONE:
        await reply(
            message, f"You haven't rated anything like “{escape(query[:100])}”. See /ratings."
        )
        return
    svc.storage.unrate(chat.id, user.id, hit.movie_id)
    await reply(message, f"Forgotten: {texts.title(hit.title)}.")


async def reset(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(who(update)[0], texts.RESET_ASK, keyboards.confirm("z", "Yes, forget them"))


async def delete_my_data(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(who(update)[0], texts.DELETE_ASK, keyboards.confirm("d", "Yes, delete everything"))


async def plain_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A message that is not a command: an answer to our prompt, or (private) a title search."""
    message, chat, _ = who(update)
    text = (message.text or "").strip()
    replied = message.reply_to_message
    if replied is not None and replied.from_user and replied.from_user.id == context.bot.id:
        if replied.text == texts.ASK_LIKE:
            await record_titles(update, context, text, 1.0)
            return
        if replied.text == texts.ASK_DISLIKE:
            await record_titles(update, context, text, -1.0)
            return
    if is_group(chat):
        return  # in groups, only commands and answers to our questions are for us
    await search(update, context, text)


async def search(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """A private message with a title: show the match(es) with 👍 / 👎."""
    message, chat, _ = who(update)
    result = services(context).rec.match(text, limit=3)
    log.info("search", extra={"chat_id": chat.id, "status": result.status.value})
    if result.status is MatchStatus.NONE:
        suggestions = result.candidates[:3]
        await reply(
            message,
            texts.no_match(text, suggestions),
            keyboards.candidates(suggestions) if suggestions else None,
        )
        return
    found = [result.best] if result.best is not None else result.candidates
    await reply(message, texts.search_results(text, len(found)), keyboards.candidates(found))
