"""Button presses: one dispatcher, handlers registered by each feature for its own button kinds.

Every press acts for the person who pressed it, is answered at once, and changes a message only
when the presser owns it. The order matters: decode and check the data, store what the press
means (committed), answer the callback (Telegram refuses answers that come late, and a keyboard
edit in a group can wait seconds behind the 20-messages-a-minute limit), then edit.

Ownership: every message with buttons is stored with its owner (`ListInfo.owner_id`). In a group,
a press under someone else's list records the presser's own rating and says so in a toast,
leaving the list as it is; buttons that only make sense for the owner (Undo, ❌, paging, More,
confirmations) refuse others politely (`owner_only`). A movie-night list belongs to everyone and
is never rewritten. A message from before ownership was stored belongs to the chat's person in a
private chat and to nobody in a group.

The data comes back from any Telegram client, so it is decoded defensively
(`bot.ui.callback_data`); a forged or stale button gets a polite answer and a log entry, never an
exception.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from telegram import CallbackQuery, Chat, Message, Update, User

from bot.context import BotContext
from bot.ui import html, texts
from bot.ui.callback_data import CallbackData, decode
from bot.ui.lists import ListInfo, from_row
from bot.ui.messages import log, member_name, refresh

B = TypeVar("B", bound=CallbackData)
FollowUp = Callable[[], Awaitable[None]] | None
Reply = tuple[str, FollowUp]  # the toast, and what to do after answering


@dataclass(frozen=True)
class Press(Generic[B]):
    """One button press, with what is known about the message it was under."""

    context: BotContext
    query: CallbackQuery
    data: B
    message: Message
    chat: Chat
    user: User
    info: ListInfo | None  # None: a message from before ownership was stored (or too old)
    owner_id: int | None

    @property
    def by_owner(self) -> bool:
        return self.owner_id == self.user.id

    def refresh(self) -> FollowUp:
        """Rebuild the owner's keyboard after the answer, when there is one to rebuild."""
        info = self.info
        if info is None or not self.by_owner or info.kind.shared:
            return None
        owner, chat_id, message_id = self.user.id, self.chat.id, self.message.message_id
        return lambda: refresh(self.context, chat_id, message_id, info, owner)


Handler = Callable[[Press[B]], Awaitable[Reply]]
_HANDLERS: dict[type[CallbackData], Callable[[Press], Awaitable[Reply]]] = {}


def on(kind: type[B]) -> Callable[[Handler[B]], Handler[B]]:
    """Register the handler of one button kind (a feature's handlers module does this)."""

    def register(handler: Handler[B]) -> Handler[B]:
        if kind in _HANDLERS:
            raise TypeError(f"{kind.__name__} has a handler already")
        _HANDLERS[kind] = handler
        return handler

    return register


def handled() -> set[type[CallbackData]]:
    """Every button kind with a handler (a test checks each kind has one)."""
    return set(_HANDLERS)


def owner_only(handler: Handler[B]) -> Handler[B]:
    """Buttons that only make sense for the message's owner refuse everyone else, politely,
    without touching the message."""

    async def guarded(press: Press[B]) -> Reply:
        if press.owner_id is None and press.data.needs_owner:
            return texts.expired(), None
        if not press.by_owner:
            return texts.not_yours(), None
        return await handler(press)

    return guarded


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    svc = context.services
    data = decode(query.data)
    handler = _HANDLERS.get(type(data)) if data is not None else None
    message = query.message
    film = getattr(data, data.film_field) if data is not None and data.film_field else None
    if (
        data is None
        or handler is None
        or (film is not None and film not in svc.rec.catalogue)
        or not isinstance(message, Message)  # too old for Telegram to show it to us
        or update.effective_chat is None
    ):
        log.warning("invalid button", extra={"update_id": update.update_id})
        await query.answer(texts.stale_button())
        return
    chat, user = update.effective_chat, query.from_user
    row = await svc.storage.open_press(
        chat.id, message.message_id, user.id, member_name(chat, user) if data.remembers else None
    )
    info = from_row(row)
    owner = info.owner_id if info else (chat.id if chat.type == Chat.PRIVATE else None)
    press = Press(context, query, data, message, chat, user, info, owner)
    answer, follow_up = await handler(press)
    await query.answer(answer[: html.MAX_TOAST])
    if follow_up is not None:
        await follow_up()


async def send(sending: Awaitable[object]) -> None:
    """A follow-up that only sends (the dispatcher wants an awaitable of None)."""
    await sending
