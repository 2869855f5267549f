"""Sending and editing the bot's messages, and keeping their buttons in step with their owner.

Every message with buttons is stored with its owner and the films it lists (`bot.ui.lists`), so a
press can rebuild its keyboard from stored state rather than from the pressed message's copy:
three quick presses end with all three shown, whatever order their edits arrive in. An edit that
would change nothing is never sent (Telegram refuses it: "message is not modified"): the stored
`shown` fingerprint says what the message shows now, and one lock per message orders the edits.

A feature that shows a list whose keyboard follows its owner's ratings registers how to rebuild
it (`rebuilds`), so `refresh` needs no knowledge of any feature; a message edited as a whole
(a film card, whose text says what its owner did) registers its whole page (`rebuilds_page`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from telegram import (
    Chat,
    ChatMember,
    ForceReply,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
    User,
)
from telegram.error import BadRequest

from bot.context import BotContext
from bot.storage import Taste
from bot.ui import html
from bot.ui.keyboards import fingerprint
from bot.ui.lists import ListInfo, ListKind, from_row, to_row

log = logging.getLogger("bot")

View = tuple[str, InlineKeyboardMarkup | None]  # a message's text and keyboard

Rebuild = Callable[[BotContext, ListInfo, Taste], InlineKeyboardMarkup | None]
_REBUILDS: dict[ListKind, Rebuild] = {}

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


@dataclass(frozen=True)
class Page:
    """A message as a whole: its text, keyboard and link preview (a card's poster)."""

    text: str
    markup: InlineKeyboardMarkup | None = None
    preview: LinkPreviewOptions | None = None


RebuildPage = Callable[[BotContext, int, ListInfo, Taste], Awaitable[Page | None]]
_PAGES: dict[ListKind, RebuildPage] = {}
P = TypeVar("P", bound=RebuildPage)


def rebuilds_page(*kinds: ListKind) -> Callable[[P], P]:
    """Register how a kind edited as a whole is rebuilt (text, keyboard, preview) from the
    chat id, what it lists and its owner's stored taste."""

    def register(build: P) -> P:
        for kind in kinds:
            _PAGES[kind] = build
        return build

    return register


def rebuilds(*kinds: ListKind) -> Callable[[Rebuild], Rebuild]:
    """Register how a list kind's keyboard is rebuilt from its owner's stored taste."""

    def register(build: Rebuild) -> Rebuild:
        for kind in kinds:
            _REBUILDS[kind] = build
        return build

    return register


def who(update: Update) -> tuple[Message, Chat, User]:
    """The message, chat and person of an update that has all three (commands, buttons)."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None and user is not None
    return message, chat, user


def is_group(chat: Chat) -> bool:
    return chat.type in (Chat.GROUP, Chat.SUPERGROUP)


async def is_admin(context: BotContext, chat_id: int, user_id: int) -> bool:
    """Whether a person administers a group (its creator or an admin), as Telegram says now
    (a group's admins change: never cached)."""
    member = await context.bot.get_chat_member(chat_id, user_id)
    return member.status in (ChatMember.ADMINISTRATOR, ChatMember.OWNER)


def member_name(chat: Chat, user: User) -> str | None:
    """The name a group remembers a member by (to say whose taste a pick matches); None in a
    private chat, where nobody needs it."""
    return (user.first_name or "") if is_group(chat) else None


async def remember(context: BotContext, chat: Chat, user: User) -> None:
    """In groups, keep the member's first name to say whose taste a pick matches."""
    name = member_name(chat, user)
    if name is not None:
        await context.services.storage.remember_member(chat.id, user.id, name)


async def stored_list(context: BotContext, chat_id: int, message_id: int) -> ListInfo | None:
    return from_row(await context.services.storage.get_list(chat_id, message_id))


async def store_list(context: BotContext, chat_id: int, message_id: int, info: ListInfo) -> None:
    await context.services.storage.save_list(chat_id, message_id, to_row(info))


def shown_as(
    text: str, markup: InlineKeyboardMarkup | None, preview: LinkPreviewOptions | None = None
) -> str:
    """What a message edited as a whole shows (its fitted text, its keyboard and the link it
    previews), stored to tell whether an edit would change anything."""
    shown = text + "\n" + fingerprint(markup)
    return shown + f"\npreview:{preview.url}" if preview is not None and preview.url else shown


async def reply(
    context: BotContext,
    message: Message,
    text: str,
    markup: InlineKeyboardMarkup | ForceReply | None = None,
    info: ListInfo | None = None,
    preview: LinkPreviewOptions | None = None,
) -> Message:
    """Answer in the chat (HTML by default); a message with buttons is stored with `info`;
    `preview`: the link Telegram previews (a card's poster), else its own choice."""
    text = html.fit(text)
    sent = await message.reply_text(
        text, reply_markup=markup, do_quote=False, link_preview_options=preview
    )
    if info is not None:
        keyboard = markup if isinstance(markup, InlineKeyboardMarkup) else None
        # edited as a whole: compare the text too
        shown = shown_as(text, keyboard, preview) if info.kind.whole else fingerprint(keyboard)
        storage = context.services.storage
        await storage.save_list(sent.chat_id, sent.message_id, to_row(info, shown))
    return sent


async def refresh(
    context: BotContext, chat_id: int, message_id: int, info: ListInfo, owner_id: int
) -> None:
    """Rebuild a message's keyboard from its owner's stored state and send it if it changed.

    One press at a time per message (a lock), reading state after the press was stored: the last
    edit shows every change."""
    page = _PAGES.get(info.kind)
    if page is not None:
        await _refresh_page(context, chat_id, message_id, info, owner_id, page)
        return
    build = _REBUILDS.get(info.kind)
    if build is None:
        return
    svc = context.services
    async with svc.edit_lock(chat_id, message_id):
        taste = await svc.storage.taste(chat_id, owner_id)
        markup = build(context, info, taste)
        if markup is None:
            return
        current = await svc.storage.get_list(chat_id, message_id)
        shown = fingerprint(markup)
        if current is not None and current.shown == shown:
            return  # Telegram would refuse it: "message is not modified"
        try:
            await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=markup)
        except BadRequest as error:
            if "not modified" not in error.message.lower():
                raise
        await svc.storage.set_shown(chat_id, message_id, shown)


async def _refresh_page(
    context: BotContext,
    chat_id: int,
    message_id: int,
    info: ListInfo,
    owner_id: int,
    build: RebuildPage,
) -> None:
    """`refresh` for a kind edited as a whole, from the list as stored now (a card opened since
    the press was made shows the card)."""
    svc = context.services
    async with svc.edit_lock(chat_id, message_id):
        stored = await stored_list(context, chat_id, message_id)
        taste = await svc.storage.taste(chat_id, owner_id)
        page = await build(context, chat_id, stored or info, taste)
        if page is not None:
            await send_edit(context, chat_id, message_id, page.text, page.markup, page.preview)


async def edit_page(
    context: BotContext, chat_id: int, message_id: int, view: Callable[[], Awaitable[Page]]
) -> None:
    """`edit_view` for a whole page (text, keyboard and link preview)."""
    async with context.services.edit_lock(chat_id, message_id):
        page = await view()
        await send_edit(context, chat_id, message_id, page.text, page.markup, page.preview)


async def edit_text(
    context: BotContext,
    chat_id: int,
    message_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Replace a message's text (and keyboard); skipped when nothing would change."""
    async with context.services.edit_lock(chat_id, message_id):
        await send_edit(context, chat_id, message_id, text, markup)


async def edit_view(
    context: BotContext, chat_id: int, message_id: int, view: Callable[[], Awaitable[View]]
) -> None:
    """Replace a message's text with `view()`, computed under the message's lock from the state
    stored then: of presses at once, none sends a view older than another's, nor the same twice."""
    async with context.services.edit_lock(chat_id, message_id):
        text, markup = await view()
        await send_edit(context, chat_id, message_id, text, markup)


async def send_edit(
    context: BotContext,
    chat_id: int,
    message_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    preview: LinkPreviewOptions | None = None,
) -> bool:
    """`edit_text` for a caller that holds the message's edit lock; False when skipped
    (the message shows this already)."""
    svc = context.services
    text = html.fit(text)
    shown = shown_as(text, markup, preview)
    current = await svc.storage.get_list(chat_id, message_id)
    if current is not None and current.shown == shown:
        return False
    try:
        await context.bot.edit_message_text(
            text, chat_id, message_id, reply_markup=markup, link_preview_options=preview
        )
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise
    if current is not None:
        await svc.storage.set_shown(chat_id, message_id, shown)
    return True
