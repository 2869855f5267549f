"""Telegram handlers: they translate messages into core calls and results into messages.

Shared pieces live here: where the recommender and the storage are kept (`bot_data`), who the
acting person is, and the two core flows that several handlers reach (recording titles, sending
picks).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Chat, ForceReply, Message, Update, User
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import keyboards, texts
from bot.storage import Storage
from movierec.recommender import PreferencesError, Recommender
from movierec.titles import MatchStatus, split_titles

log = logging.getLogger("bot")
HTML = ParseMode.HTML
PICKS = 5


@dataclass(frozen=True)
class Services:
    rec: Recommender
    storage: Storage


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data["services"]


def who(update: Update) -> tuple[Message, Chat, User]:
    """The message, chat and person of an update that has all three (commands, buttons)."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None and user is not None
    return message, chat, user


def is_group(chat: Chat) -> bool:
    return chat.type in (Chat.GROUP, Chat.SUPERGROUP)


def remember(context: ContextTypes.DEFAULT_TYPE, chat: Chat, user: User) -> None:
    """In groups, keep the member's first name to say whose taste a pick matches."""
    if is_group(chat):
        services(context).storage.remember_member(chat.id, user.id, user.first_name or "someone")


async def reply(message: Message, text: str, markup: object = None) -> Message:
    return await message.reply_text(
        texts.fit(text), parse_mode=HTML, reply_markup=markup, do_quote=False
    )


async def edit(message: Message, text: str | None, markup: object = None) -> None:
    """Edit text (or only the keyboard); an identical edit is not an error for us."""
    try:
        if text is None:
            await message.edit_reply_markup(reply_markup=markup)
        else:
            await message.edit_text(texts.fit(text), parse_mode=HTML, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


async def record_titles(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, value: float
) -> None:
    """/like and /dislike: record confident matches, ask about ambiguous ones, suggest others."""
    message, chat, user = who(update)
    svc = services(context)
    titles = split_titles(text)
    if not titles:
        prompt = texts.ASK_LIKE if value > 0 else texts.ASK_DISLIKE
        await message.reply_text(prompt, reply_markup=ForceReply(selective=True), do_quote=True)
        return
    if len(titles) > 1:  # a title that itself has commas: "Good, the Bad and the Ugly, The"
        whole = svc.rec.match(text).best
        if whole is not None and whole.score >= 100:
            titles = [text]
    remember(context, chat, user)
    recorded: list[tuple[int, str]] = []
    for title in titles:
        result = svc.rec.match(title)
        if result.status is MatchStatus.CONFIDENT and result.best is not None:
            svc.storage.rate(chat.id, user.id, result.best.movie_id, value)
            recorded.append((result.best.movie_id, result.best.title))
        elif result.status is MatchStatus.AMBIGUOUS:
            await reply(
                message, texts.ambiguous(title, value), keyboards.choose(result.candidates, value)
            )
        else:
            suggestions = result.candidates[:3]
            await reply(
                message,
                texts.no_match(title, suggestions),
                keyboards.choose(suggestions, value) if suggestions else None,
            )
    if recorded:
        log.info("rated", extra={"chat_id": chat.id, "user_id": user.id, "count": len(recorded)})
        await reply(
            message,
            texts.recorded([(t, value) for _, t in recorded]),
            keyboards.recorded([m for m, _ in recorded]),
        )


async def send_picks(
    message: Message, context: ContextTypes.DEFAULT_TYPE, chat: Chat, user: User, offset: int = 0
) -> None:
    """A person's next five picks in this chat, with buttons under them."""
    svc = services(context)
    preferences = svc.storage.ratings(chat.id, user.id)
    if not preferences:
        popular = svc.rec.catalogue.popular(6)
        await reply(message, texts.NO_RATINGS, keyboards.cold_start(popular))
        return
    try:
        items = svc.rec.recommend(
            preferences, limit=PICKS, offset=offset, exclude=svc.storage.hidden(chat.id, user.id)
        )
    except PreferencesError:  # e.g. ratings of films no longer in the catalogue
        log.warning("unusable preferences", extra={"chat_id": chat.id, "user_id": user.id})
        items = []
    if not items:
        await reply(message, texts.NOTHING_LEFT)
        return
    intro = "Your picks" if offset == 0 else "More picks"
    if is_group(chat):
        intro = f"Picks for {user.first_name or 'you'}"
    await reply(message, texts.picks(items, offset, intro), keyboards.picks(items, offset))


async def send_group_picks(
    message: Message, context: ContextTypes.DEFAULT_TYPE, chat: Chat, offset: int = 0
) -> None:
    """Movie night: picks for everyone in the chat who rated something."""
    svc = services(context)
    members = svc.storage.chat_ratings(chat.id)
    if not members:
        await reply(message, texts.GROUP_EMPTY)
        return
    items = svc.rec.recommend_group(
        members, limit=PICKS, offset=offset, exclude=svc.storage.hidden(chat.id)
    )
    if not items:
        await reply(message, texts.NOTHING_LEFT)
        return
    names = svc.storage.member_names(chat.id)
    await reply(
        message, texts.group_picks(items, offset, names), keyboards.picks(items, offset, group=True)
    )
