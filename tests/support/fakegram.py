"""A stand-in for Telegram's Bot API servers that enforces the rules Telegram enforces.

Tests drive the real python-telegram-bot `Application` against it, in-process
(`FakeTelegram.request()`, a `BaseRequest`) or over real HTTP (`FakeTelegramServer`, for the
bot as a separate process with `TELEGRAM_BASE_URL`). Either way a test fails where Telegram
would fail:

* message text must be 1-4096 characters after entity parsing (UTF-16 code units);
* `parse_mode=HTML` accepts only Telegram's tags, properly nested, and only `&lt; &gt; &amp; &quot;`
  and numeric entities;
* inline keyboards: callback data 1-64 bytes, non-empty button texts, at most 100 buttons;
* editing a message to identical content fails with "message is not modified";
* callback queries are tracked so tests can assert every one was answered, once, and an answer
  later than `callback_deadline` seconds after the press is refused as "query is too old" (Telegram
  stops waiting for an answer after some seconds);
* blocked users and kicked bots get 403, unknown chats 400, floods 429;
* polls: 2-10 options of 1-100 characters (each may carry a photo by https URL: Bot API 10.0
  poll option media), a question of 1-300, `stopPoll` once; people's votes
  arrive as `poll_answer` updates (non-anonymous polls only) and a closed poll as a `poll` update;
* inline mode: `answerInlineQuery` with at most 50 results, unique result ids of 1-64 bytes, a
  `next_offset` of at most 64 bytes, valid message content, answered once; an answer later than
  `inline_deadline` seconds after the query is refused as "query is too old" (Telegram waits about
  10 s). A person's app shows only the answer to their newest query: an older query of theirs that
  is still waiting when a newer one arrives is *superseded*, and may be answered (in time) or not
  at all; every other query must be answered (`unanswered_inline`). Callback answers may carry
  only a `t.me/<bot>?start=...` URL;
* every refused edit ("message is not modified" included) is counted in `refused_edits`;
* files: a person sends a document (`upload`: `Message.document` with `file_id`,
  `file_unique_id`, `file_name`, `mime_type`, `file_size`); `getFile` answers its `file_path`
  and refuses files over 20 MB, as Telegram does for bots ("Bad Request: file is too big"); the
  file is then downloaded from `<base file URL><token>/<file_path>` (an unknown path is a 404).
  `sendDocument` takes an upload (multipart) of at most 50 MB, or a known `file_id`, with a
  caption of at most 1024 characters;
* a group can become a supergroup (`migrate`): a new chat id, the two service messages
  (`migrate_to_chat_id` in the old chat, `migrate_from_chat_id` in the new one, in either order),
  and from then on every send or edit to the old chat is refused with 400 "group chat was upgraded
  to a supergroup chat" carrying `parameters.migrate_to_chat_id` (python-telegram-bot raises
  `ChatMigrated` for it); nobody can write in the old chat any more.

The error descriptions are Telegram's own wording.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote, urlsplit

from telegram.request import BaseRequest, RequestData

MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
MAX_BUTTONS = 100
MAX_CALLBACK_ANSWER = 200
MAX_POLL_OPTIONS, MAX_POLL_OPTION, MAX_POLL_QUESTION = 12, 100, 300  # Bot API 9.6: 12 options
MAX_POLL_DESCRIPTION = 1024
MIN_OPEN_PERIOD, MAX_OPEN_PERIOD = 5, 2_628_000  # seconds (Bot API 9.6: up to a month)
# Every parameter sendPoll takes (Bot API 9.6 / 10.0); anything else is refused (Telegram ignores
# unknown parameters: refusing them catches a misspelt field here), except `parse_mode`, which
# python-telegram-bot sends to every send method from its Defaults and Telegram ignores here.
SEND_POLL_FIELDS = frozenset(
    {
        "chat_id", "business_connection_id", "message_thread_id", "question",
        "question_parse_mode", "question_entities", "options", "is_anonymous", "type",
        "allows_multiple_answers", "allows_revoting", "allow_adding_options",
        "hide_results_until_closes", "correct_option_id", "correct_option_ids", "explanation",
        "explanation_parse_mode", "explanation_entities", "explanation_media", "open_period",
        "close_date", "is_closed", "description", "description_parse_mode",
        "description_entities", "shuffle_options", "members_only", "country_codes", "media",
        "disable_notification", "protect_content", "allow_paid_broadcast", "message_effect_id",
        "reply_parameters", "reply_markup", "parse_mode",
    }
)  # fmt: skip
POLL_OPTION_FIELDS = frozenset({"text", "text_parse_mode", "text_entities", "media"})
# What a poll option's media may be (InputPollOptionMedia)
POLL_OPTION_MEDIA = frozenset(
    {"animation", "live_photo", "location", "photo", "sticker", "venue", "video"}
)
MAX_INLINE_RESULTS, MAX_INLINE_ID, MAX_INLINE_OFFSET = 50, 64, 64
MAX_DOWNLOAD = 20 * 1024 * 1024  # getFile: a bot may download files of at most 20 MB
MAX_UPLOAD = 50 * 1024 * 1024  # sendDocument: a bot may send files of at most 50 MB
MAX_CAPTION = 1024
FILE_TOO_BIG = "Bad Request: file is too big"
CALLBACK_DEADLINE = 15.0  # seconds; Telegram drops unanswered queries after roughly this long
INLINE_DEADLINE = 10.0  # seconds; Telegram discards an inline answer after about this long
UPGRADED = "Bad Request: group chat was upgraded to a supergroup chat"
FIRST_SUPERGROUP = 1_234_567_890  # supergroup ids are -100 followed by the channel's own id
TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class BotApiError(Exception):
    """An error response of the Bot API: HTTP-like code and Telegram's description."""

    def __init__(
        self,
        code: int,
        description: str,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    @property
    def parameters(self) -> dict[str, int]:
        """The response's `parameters` (ResponseParameters), empty when there are none."""
        found = {"retry_after": self.retry_after, "migrate_to_chat_id": self.migrate_to_chat_id}
        return {key: value for key, value in found.items() if value}


class _TelegramHtml(HTMLParser):
    """Parses like Telegram's HTML mode: returns the plain text or raises BotApiError."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.text: list[str] = []

    def fail(self, why: str) -> None:
        raise BotApiError(400, f"Bad Request: can't parse entities: {why}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.fail(f'Unsupported start tag "{tag}"')
        if tag == "span" and dict(attrs).get("class") != "tg-spoiler":
            self.fail('Tag "span" must have class "tg-spoiler"')
        if tag == "a" and not dict(attrs).get("href"):
            self.fail('Tag "a" must have attribute "href"')
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.fail(f'Unsupported start tag "{tag}"')

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.fail(f'Unmatched end tag "{tag}"')
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data:
            self.fail("Unsupported start tag")
        if "&" in data:
            self.fail("Character '&' is reserved and must be escaped")
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in NAMED_ENTITIES:
            self.fail(f'Unsupported HTML entity "&{name};"')
        self.text.append(NAMED_ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        try:
            self.text.append(chr(int(name[1:], 16) if name[:1] in "xX" else int(name)))
        except ValueError:
            self.fail(f"Invalid character reference &#{name};")

    def handle_comment(self, data: str) -> None:
        self.fail("Unsupported start tag")

    def unknown_decl(self, data: str) -> None:
        self.fail("Unsupported start tag")

    def parse(self, html: str) -> str:
        self.feed(html)
        self.close()
        if self.rawdata:  # an unterminated tag such as "<b"
            self.fail("Unclosed start tag")
        if self.stack:
            self.fail(f'Can\'t find end tag corresponding to start tag "{self.stack[-1]}"')
        return "".join(self.text)


def plain_text(text: str, parse_mode: str | None) -> str:
    """The text as Telegram displays it, validating the markup."""
    if parse_mode is None:
        return text
    if parse_mode.upper() == "HTML":
        return _TelegramHtml().parse(text)
    raise BotApiError(400, f"Bad Request: unsupported parse_mode in this fake: {parse_mode}")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[dict]:
    """`bot_command` entities as Telegram computes them: every `/cmd[@bot]` that starts a word,
    anywhere in the text, with offsets and lengths in UTF-16 code units."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: found.start()]),
            "length": utf16_len(found.group()),
        }
        for found in _COMMAND.finditer(text)
    ]


_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])")


@dataclass
class Message:
    """A message the bot sent, in its current state."""

    message_id: int
    chat_id: int
    html: str
    text: str
    parse_mode: str | None
    reply_markup: dict | None
    reply_to: int | None = None
    document: dict | None = None  # a document the bot sent (file_id, file_name, ...)
    edits: int = 0
    deleted: bool = False
    preview: dict | None = None  # link_preview_options as sent (a card's poster)
    sent_at: float = field(default_factory=time.monotonic)  # for latency measurements

    def buttons(self) -> list[tuple[str, str]]:
        """(text, callback_data) of every callback button, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [
            (b["text"], b["callback_data"]) for row in rows for b in row if "callback_data" in b
        ]

    def button(self, text_contains: str) -> str:
        """Callback data of the first button whose text contains `text_contains`."""
        for text, data in self.buttons():
            if text_contains in text:
                return data
        raise AssertionError(f"no button with {text_contains!r} in {self.buttons()}")


@dataclass
class _Chat:
    id: int
    type: str
    title: str | None = None
    next_message_id: int = 1
    history: dict[int, dict] = field(default_factory=dict)  # every message, user or bot


class FakeTelegram:
    """The Bot API and the people using it, in memory."""

    def __init__(
        self,
        *,
        bot_username: str = "movierec_test_bot",
        token: str = "123456:TEST-TOKEN",
        flood_limit: int | None = None,
        callback_deadline: float = CALLBACK_DEADLINE,
        inline_deadline: float = INLINE_DEADLINE,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.flood_limit = flood_limit
        self.callback_deadline = callback_deadline
        self.inline_deadline = inline_deadline
        self.errors: list[BotApiError] = []
        self.calls: list[tuple[str, dict]] = []
        self.callback_answers: dict[str, dict] = {}
        self.commands: dict[str, list[dict]] = {}
        self.webhook: dict | None = None
        self._chats: dict[int, _Chat] = {}
        self._bot_messages: dict[tuple[int, int], Message] = {}
        self._by_chat: dict[int, list[Message]] = {}  # in the order sent
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._pending_callbacks: dict[str, float] = {}  # query id -> when it was pressed
        self._in_flight: set[int] = set()  # updates being POSTed to a webhook
        self._blocked: set[int] = set()
        self._kicked: set[int] = set()
        self._migrated: dict[int, int] = {}  # old group id -> its supergroup's id
        self._supergroups = itertools.count(FIRST_SUPERGROUP)
        self._sent_times: dict[int, list[float]] = {}
        self._names: dict[int, str] = {}
        self.polls: dict[str, dict] = {}  # poll id -> the poll, as the Bot API shows it
        self.poll_settings: dict[str, dict] = {}  # poll id -> the settings the Poll hides
        self.admins: set[tuple[int, int]] = set()  # (chat, person): getChatMember says admin
        self.left: set[tuple[int, int]] = set()  # (chat, person) who left the group
        self._poll_messages: dict[str, tuple[int, int]] = {}  # poll id -> (chat, message)
        self._poll_ids = itertools.count(1)
        self.poll_media: dict[str, list[dict | None]] = {}  # poll id -> each option's media sent
        self._inline_ids = itertools.count(1)
        self._pending_inline: dict[str, float] = {}
        self._inline_asked: dict[str, tuple[int, float]] = {}  # query id -> (person, when)
        self._newest_inline: dict[int, str] = {}  # person -> their newest query id
        self._superseded: set[str] = set()
        self.inline_answers: dict[str, dict] = {}
        self.inline_latency: dict[str, float] = {}  # query id -> seconds until its answer came
        self.refused_edits: list[tuple[str, dict, str]] = []  # (method, params, description)
        self._injected: dict[str, list[BotApiError]] = {}  # method -> failures still to come
        self.injected_failures: list[tuple[str, int]] = []  # (method, code) as they happened
        self._files: dict[str, bytes] = {}  # file id -> content (people's and the bot's)
        self._file_meta: dict[str, dict] = {}  # file id -> the Document as the Bot API shows it
        self._file_paths: dict[str, str] = {}  # file_path (from getFile) -> file id
        self._file_numbers = itertools.count(1)
        self.downloads: list[str] = []  # file paths the bot downloaded
        self._lock = threading.RLock()
        self._arrived = threading.Condition(self._lock)

    # ------------------------------------------------------------------ people
    @property
    def bot_user(self) -> dict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Movierec",
            "username": self.bot_username,
        }

    def _chat(self, chat_id: int, chat_type: str | None = None) -> _Chat:
        if chat_id not in self._chats:
            kind = chat_type or ("private" if chat_id > 0 else "group")
            self._chats[chat_id] = _Chat(
                chat_id, kind, None if kind == "private" else "Movie night"
            )
        return self._chats[chat_id]

    def _user(self, user_id: int, first_name: str | None = None, language_code: str = "en") -> dict:
        """A person; like on Telegram, their name stays what it was last set to, and the
        language is their Telegram app's (an IETF tag: "en", "ru", "pt-br")."""
        if first_name:
            self._names[user_id] = first_name
        name = self._names.get(user_id, f"User{user_id}")
        return {"id": user_id, "is_bot": False, "first_name": name, "language_code": language_code}

    def _chat_dict(self, chat: _Chat) -> dict:
        if chat.type == "private":
            return {"id": chat.id, "type": "private", "first_name": f"User{chat.id}"}
        return {"id": chat.id, "type": chat.type, "title": chat.title}

    def _enqueue(self, update: dict) -> dict:
        with self._arrived:
            self._updates.append(update)
            self._arrived.notify_all()
        return update

    def send(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        chat_type: str | None = None,
        first_name: str | None = None,
        reply_to: int | None = None,
        language_code: str = "en",
    ) -> dict:
        """A person sends `text`; returns the Update (also queued for getUpdates)."""
        with self._lock:
            if chat_id in self._migrated:
                new = self._migrated[chat_id]
                raise AssertionError(f"group {chat_id} is a supergroup now: people write in {new}")
            chat = self._chat(chat_id, chat_type)
            message_id = chat.next_message_id
            chat.next_message_id += 1
            message = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": self._chat_dict(chat),
                "from": self._user(user_id, first_name, language_code),
                "text": text,
            }
            entities = command_entities(text)
            if entities:
                message["entities"] = entities
            if reply_to is not None:
                message["reply_to_message"] = chat.history[reply_to]
            chat.history[message_id] = message
            return self._enqueue({"update_id": next(self._update_ids), "message": message})

    def _add_file(self, data: bytes, file_name: str | None, mime_type: str | None) -> dict:
        number = next(self._file_numbers)
        file_id = f"BQACAgIAAxkBAAI{number:08d}"
        document: dict[str, Any] = {
            "file_id": file_id,
            "file_unique_id": f"AgAD{number:06d}",
            "file_size": len(data),
        }
        if file_name is not None:
            document["file_name"] = file_name
        if mime_type is not None:
            document["mime_type"] = mime_type
        self._files[file_id] = data
        self._file_meta[file_id] = document
        return document

    def upload(
        self,
        chat_id: int,
        user_id: int,
        file_name: str | None,
        data: bytes,
        *,
        mime_type: str | None = "text/csv",
        caption: str | None = None,
        chat_type: str | None = None,
        language_code: str = "en",
        size_shown: bool = True,
    ) -> dict:
        """A person sends a file as a document; returns the Update (also queued). Telegram
        keeps the file and hands the bot only its id and facts; `getFile` then a download
        fetch its bytes. `file_size` is optional in the Bot API (`size_shown=False` leaves it
        out, so only `getFile` can tell)."""
        with self._lock:
            chat = self._chat(chat_id, chat_type)
            message_id = chat.next_message_id
            chat.next_message_id += 1
            message: dict[str, Any] = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": self._chat_dict(chat),
                "from": self._user(user_id, language_code=language_code),
                "document": self._add_file(data, file_name, mime_type),
            }
            if not size_shown:
                message["document"] = {
                    k: v for k, v in message["document"].items() if k != "file_size"
                }
            if caption:
                message["caption"] = caption
            chat.history[message_id] = message
            return self._enqueue({"update_id": next(self._update_ids), "message": message})

    def file(self, file_id: str) -> bytes:
        """The content of a file (one the bot sent, for a test to send it back)."""
        return self._files[file_id]

    def download(self, file_path: str) -> tuple[int, bytes]:
        """The file server: `<base file URL><token>/<file_path>`."""
        with self._lock:
            file_id = self._file_paths.get(file_path)
            if file_id is None:
                return 404, json.dumps(
                    {"ok": False, "error_code": 404, "description": "Not Found"}
                ).encode()
            self.downloads.append(file_path)
            return 200, self._files[file_id]

    def press(
        self,
        chat_id: int,
        user_id: int,
        message_id: int,
        data: str,
        *,
        forge: bool = False,
        language_code: str = "en",
    ) -> dict:
        """A person taps the button with `data` under a bot message; returns the Update."""
        with self._lock:
            message = self._bot_messages.get((chat_id, message_id))
            if message is None or message.deleted:
                raise AssertionError(f"no bot message {message_id} in chat {chat_id}")
            if not forge and data not in [d for _, d in message.buttons()]:
                raise AssertionError(f"message {message_id} has no button {data!r}")
            query_id = str(next(self._callback_ids))
            self._pending_callbacks[query_id] = time.monotonic()
            chat = self._chats[chat_id]
            return self._enqueue(
                {
                    "update_id": next(self._update_ids),
                    "callback_query": {
                        "id": query_id,
                        "from": self._user(user_id, language_code=language_code),
                        "message": chat.history[message_id],
                        "chat_instance": str(chat_id),
                        "data": data,
                    },
                }
            )

    def inline_query(self, user_id: int, query: str, offset: str = "") -> dict:
        """A person types "@bot <query>" in any chat; returns the Update."""
        with self._lock:
            query_id = f"iq{next(self._inline_ids)}"
            now = time.monotonic()
            older = self._newest_inline.get(user_id)
            if older in self._pending_inline:
                self._superseded.add(older)
            self._newest_inline[user_id] = query_id
            self._pending_inline[query_id] = now
            self._inline_asked[query_id] = (user_id, now)
            return self._enqueue(
                {
                    "update_id": next(self._update_ids),
                    "inline_query": {
                        "id": query_id,
                        "from": self._user(user_id),
                        "query": query,
                        "offset": offset,
                        "chat_type": "sender",
                    },
                }
            )

    def vote(self, poll_id: str, user_id: int, options: list[int]) -> dict:
        """A person answers (or, with no options, retracts their answer to) a poll."""
        with self._lock:
            poll = self.polls[poll_id]
            if poll["is_closed"]:
                raise AssertionError("Telegram does not let people vote in a closed poll")
            if any(not 0 <= o < len(poll["options"]) for o in options) or len(options) > 1:
                raise AssertionError(f"no such choice {options} in a single-answer poll")
            if not options and not poll["allows_revoting"]:
                raise AssertionError("this poll does not let people take their vote back")
            if poll["is_anonymous"]:
                raise AssertionError("bots receive no poll_answer for anonymous polls")
            return self._enqueue(
                {
                    "update_id": next(self._update_ids),
                    "poll_answer": {
                        "poll_id": poll_id,
                        "user": self._user(user_id),
                        "option_ids": options,
                        "option_persistent_ids": [
                            poll["options"][o]["persistent_id"] for o in options
                        ],
                    },
                }
            )

    def add_option(self, poll_id: str, user_id: int, text: str, first_name: str = "") -> dict:
        """A person adds an option of their own to a poll that allows it: the service message
        (poll_option_added) Telegram sends to the poll's chat; returns the Update."""
        with self._lock:
            poll = self.polls[poll_id]
            if poll["is_closed"] or not self.poll_settings[poll_id]["allow_adding_options"]:
                raise AssertionError("Telegram does not let people add options to this poll")
            if len(poll["options"]) >= MAX_POLL_OPTIONS or not 1 <= len(text) <= MAX_POLL_OPTION:
                raise AssertionError("Telegram refuses a 13th option or one of that length")
            persistent = f"{poll_id}-o{len(poll['options'])}"
            user = self._user(user_id, first_name or None)
            poll["options"].append(
                {"text": text, "voter_count": 0, "persistent_id": persistent,
                 "added_by_user": user, "addition_date": int(time.time())}
            )  # fmt: skip
            chat_id, poll_message = self._poll_messages[poll_id]
            chat = self._chats[chat_id]
            message_id = chat.next_message_id
            chat.next_message_id += 1
            message = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": self._chat_dict(chat),
                "from": user,
                "poll_option_added": {
                    "option_persistent_id": persistent,
                    "option_text": text,
                    "poll_message": {
                        "message_id": poll_message,
                        "date": int(time.time()),
                        "chat": self._chat_dict(chat),
                    },
                },
            }
            chat.history[message_id] = message
            return self._enqueue({"update_id": next(self._update_ids), "message": message})

    def my_chat_member(self, chat_id: int, user_id: int, new_status: str) -> dict:
        """The bot's membership changed (e.g. removed from a group: "left" / "kicked")."""
        with self._lock:
            chat = self._chat(chat_id)
            if new_status in ("left", "kicked"):
                self._kicked.add(chat_id)
            return self._enqueue(
                {
                    "update_id": next(self._update_ids),
                    "my_chat_member": {
                        "chat": self._chat_dict(chat),
                        "from": self._user(user_id),
                        "date": int(time.time()),
                        "old_chat_member": {"user": self.bot_user, "status": "member"},
                        "new_chat_member": {
                            "user": self.bot_user,
                            "status": new_status,
                            **({"until_date": 0} if new_status == "kicked" else {}),
                        },
                    },
                }
            )

    def migrate(self, old_chat_id: int, user_id: int, *, new_first: bool = False) -> int:
        """`user_id` upgrades the group `old_chat_id` to a supergroup; returns its new id.

        Telegram posts a service message in each chat, `migrate_to_chat_id` in the old one and
        `migrate_from_chat_id` in the new one; they reach the bot as two updates in either order
        (`new_first`: the new chat's first). The old chat refuses the bot from now on."""
        with self._lock:
            old = self._chats.get(old_chat_id)
            if old is None or old.type != "group" or old_chat_id in self._migrated:
                raise AssertionError(f"chat {old_chat_id} is not a group that can be upgraded")
            new_chat_id = int(f"-100{next(self._supergroups)}")
            new = _Chat(new_chat_id, "supergroup", old.title)
            self._chats[new_chat_id] = new
            person = self._user(user_id)
            service = []
            for chat, field_name, other in (
                (old, "migrate_to_chat_id", new_chat_id),
                (new, "migrate_from_chat_id", old_chat_id),
            ):
                message_id = chat.next_message_id
                chat.next_message_id += 1
                message = {
                    "message_id": message_id,
                    "date": int(time.time()),
                    "chat": self._chat_dict(chat),
                    "from": person,
                    field_name: other,
                }
                chat.history[message_id] = message
                service.append(message)
            self._migrated[old_chat_id] = new_chat_id
            for message in reversed(service) if new_first else service:
                self._enqueue({"update_id": next(self._update_ids), "message": message})
            return new_chat_id

    def block(self, user_id: int) -> None:
        with self._lock:
            self._blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        """The person unblocks the bot (in Telegram's app: Unblock, or Restart): it may write
        to them again."""
        with self._lock:
            self._blocked.discard(user_id)

    def kick(self, chat_id: int) -> None:
        with self._lock:
            self._kicked.add(chat_id)

    # ------------------------------------------------------------------ observation
    def messages(self, chat_id: int) -> list[Message]:
        with self._lock:
            return [m for m in self._by_chat.get(chat_id, []) if not m.deleted]

    def last(self, chat_id: int) -> Message:
        messages = self.messages(chat_id)
        if not messages:
            raise AssertionError(f"the bot sent nothing to chat {chat_id}")
        return messages[-1]

    def unanswered_callbacks(self) -> list[str]:
        with self._lock:
            return list(self._pending_callbacks)

    def superseded_inline(self) -> set[str]:
        """Inline queries a newer query of the same person arrived for while they waited."""
        with self._lock:
            return set(self._superseded)

    def unanswered_inline(self) -> list[str]:
        """Inline queries that needed an answer (not superseded) and got none."""
        with self._lock:
            return [q for q in self._pending_inline if q not in self._superseded]

    def inline_report(self) -> dict[str, float]:
        """Latency of inline answers (tried, in time or not) and how many were late or skipped."""
        with self._lock:
            ms = sorted(1000 * t for t in self.inline_latency.values())
            late = sum(1 for t in self.inline_latency.values() if t > self.inline_deadline)
            skipped = sum(1 for q in self._superseded if q not in self.inline_latency)

        def pct(p: float) -> float:
            return round(ms[min(len(ms) - 1, int(p * len(ms)))], 1) if ms else 0.0

        return {
            "asked": len(self._inline_asked),
            "answers": len(ms),
            "p50_ms": pct(0.50),
            "p99_ms": pct(0.99),
            "late": late,
            "superseded": len(self._superseded),
            "superseded_skipped": skipped,
            "unanswered": len(self.unanswered_inline()),
        }

    def pending_updates(self) -> int:
        with self._lock:
            return len(self._updates)

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting for the bot")
            await asyncio.sleep(0.01)

    def wait_for_sync(self, predicate: Callable[[], bool], timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting for the bot")
            time.sleep(0.01)

    # ------------------------------------------------------------------ the Bot API
    def inject(
        self,
        method: str,
        code: int,
        description: str,
        *,
        times: int = 1,
        retry_after: int | None = None,
    ) -> None:
        """The next `times` calls of `method` fail as Telegram fails them when it is overloaded
        (429 "Too Many Requests: retry after N", with `retry_after`) or its gateway fails (502
        "Bad Gateway", 500 "Internal Server Error"): nothing is done for such a call. Kept apart
        from `errors`, which are refusals of what the bot asked."""
        failure = BotApiError(code, description, retry_after=retry_after)
        with self._lock:
            self._injected.setdefault(method.lower(), []).extend([failure] * times)

    def call(self, method: str, params: dict) -> Any:
        """Answer one Bot API call; raises BotApiError exactly where Telegram would."""
        params = {k: _decode(v) for k, v in params.items()}
        with self._lock:
            waiting = self._injected.get(method.lower())
            if waiting:
                failure = waiting.pop(0)
                self.injected_failures.append((method, failure.code))
                raise failure
            self.calls.append((method, params))
            handler = getattr(self, f"_api_{method.lower()}", None)
            try:
                if handler is None:
                    raise BotApiError(404, "Not Found")
                return handler(params)
            except BotApiError as error:
                self.errors.append(error)
                if method.lower() in ("editmessagetext", "editmessagereplymarkup"):
                    self.refused_edits.append((method, params, error.description))
                raise

    def take_updates(self, params: dict, record: bool = True) -> list[dict]:
        """getUpdates without waiting (offset confirms earlier updates). `record=False` for the
        long poll's waiting loop: only the answer the client gets counts as an error."""
        with self._lock:
            if self.webhook:
                error = BotApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook "
                    "is active; use deleteWebhook to delete the webhook first",
                )
                if record:
                    self.errors.append(error)
                raise error
            offset = int(params.get("offset") or 0)
            if offset:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            limit = int(params.get("limit") or 100)
            return list(self._updates[:limit])

    def next_for_webhook(self, timeout: float = 0.5) -> dict | None:
        """The oldest update not being delivered already, for the webhook delivery (it stays
        queued until `delivered` is called: an update whose POST failed is sent again, like
        Telegram does, after `undelivered`)."""
        with self._arrived:
            for _ in range(2):
                for update in self._updates:
                    if update["update_id"] not in self._in_flight:
                        self._in_flight.add(update["update_id"])
                        return update
                self._arrived.wait(timeout)
            return None

    def delivered(self, update_id: int) -> None:
        with self._lock:
            self._updates = [u for u in self._updates if u["update_id"] != update_id]
            self._in_flight.discard(update_id)

    def undelivered(self, update_id: int) -> None:
        with self._arrived:
            self._in_flight.discard(update_id)
            self._arrived.notify_all()

    def wait_updates(self, params: dict) -> list[dict]:
        """getUpdates with long polling, blocking this (server) thread up to `timeout` s."""
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                updates = self.take_updates(params, record=False)
                remaining = deadline - time.monotonic()
                if updates or remaining <= 0:
                    return updates
                self._arrived.wait(min(remaining, 0.5))

    def _api_getme(self, params: dict) -> dict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    def _api_getupdates(self, params: dict) -> list[dict]:
        return self.take_updates(params)

    def _target(self, params: dict) -> _Chat:
        chat_id = int(params["chat_id"])
        if chat_id not in self._chats:
            raise BotApiError(400, "Bad Request: chat not found")
        if chat_id in self._migrated:
            raise BotApiError(400, UPGRADED, migrate_to_chat_id=self._migrated[chat_id])
        if chat_id in self._blocked and chat_id > 0:
            raise BotApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id in self._kicked:
            raise BotApiError(403, "Forbidden: bot was kicked from the group chat")
        return self._chats[chat_id]

    def _check_text(self, params: dict) -> str:
        text = params.get("text")
        if text is None or str(text).strip() == "":
            raise BotApiError(400, "Bad Request: message text is empty")
        shown = plain_text(str(text), params.get("parse_mode"))
        if not shown.strip():
            raise BotApiError(400, "Bad Request: message text is empty")
        if utf16_len(shown) > MAX_TEXT:
            raise BotApiError(400, "Bad Request: message is too long")
        return shown

    @staticmethod
    def _check_preview(options: Any) -> dict | None:
        """link_preview_options as Telegram reads them: known fields, one media size, a URL
        Telegram can fetch."""
        if options is None:
            return None
        if not isinstance(options, dict) or set(options) - PREVIEW_FIELDS:
            raise BotApiError(400, "Bad Request: can't parse link preview options JSON object")
        if options.get("prefer_small_media") and options.get("prefer_large_media"):
            raise BotApiError(400, "Bad Request: LINK_PREVIEW_OPTIONS_INVALID")
        url = options.get("url")
        if url is not None and not _fetchable(str(url)):
            raise BotApiError(400, "Bad Request: WEBPAGE_URL_INVALID")
        return options

    @staticmethod
    def _check_markup(markup: Any) -> dict | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise BotApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return markup  # ForceReply and other keyboards
        buttons = [button for row in rows for button in row]
        if len(buttons) > MAX_BUTTONS:
            raise BotApiError(400, "Bad Request: reply markup is too long")
        for button in buttons:
            if not str(button.get("text", "")).strip():
                raise BotApiError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                raise BotApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if data is None and "url" not in button:
                raise BotApiError(400, "Bad Request: can't parse inline keyboard button")
        return markup

    def _flood_check(self, chat_id: int) -> None:
        if not self.flood_limit:
            return
        now = time.monotonic()
        recent = [t for t in self._sent_times.get(chat_id, []) if now - t < 1.0]
        if len(recent) >= self.flood_limit:
            raise BotApiError(429, "Too Many Requests: retry after 1", retry_after=1)
        self._sent_times[chat_id] = [*recent, now]

    def _message_dict(self, chat: _Chat, message: Message) -> dict:
        out = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": self._chat_dict(chat),
            "from": self.bot_user,
            "text": message.text,
        }
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            out["reply_markup"] = message.reply_markup
        if message.edits:
            out["edit_date"] = int(time.time())
        return out

    def _api_sendmessage(self, params: dict) -> dict:
        chat = self._target(params)
        shown = self._check_text(params)
        markup = self._check_markup(params.get("reply_markup"))
        preview = self._check_preview(params.get("link_preview_options"))
        self._flood_check(chat.id)
        message_id = chat.next_message_id
        chat.next_message_id += 1
        reply = params.get("reply_to_message_id") or (params.get("reply_parameters") or {}).get(
            "message_id"
        )
        message = Message(
            message_id,
            chat.id,
            str(params["text"]),
            shown,
            params.get("parse_mode"),
            markup,
            reply_to=reply,
            preview=preview,
        )
        self._bot_messages[(chat.id, message_id)] = message
        self._by_chat.setdefault(chat.id, []).append(message)
        chat.history[message_id] = self._message_dict(chat, message)
        return chat.history[message_id]

    def _api_getfile(self, params: dict) -> dict:
        file_id = str(params.get("file_id") or "")
        if file_id not in self._files:
            raise BotApiError(400, "Bad Request: invalid file_id")
        meta = self._file_meta[file_id]
        if meta["file_size"] > MAX_DOWNLOAD:
            raise BotApiError(400, FILE_TOO_BIG)
        name = meta.get("file_name") or ""
        extension = name[name.rfind(".") :] if "." in name else ""
        path = f"documents/file_{len(self._file_paths)}{extension}"
        self._file_paths[path] = file_id
        return {
            "file_id": file_id,
            "file_unique_id": meta["file_unique_id"],
            "file_size": meta["file_size"],
            "file_path": path,
        }

    def _api_senddocument(self, params: dict) -> dict:
        chat = self._target(params)
        given = params.get("document")
        if isinstance(given, dict) and "upload" in given:
            file_name, content, mime_type = given["upload"]
            if len(content) > MAX_UPLOAD:
                raise BotApiError(413, "Request Entity Too Large")
            document = self._add_file(content, file_name, mime_type)
        elif isinstance(given, str) and given in self._files:
            document = self._file_meta[given]
        else:
            raise BotApiError(400, "Bad Request: there is no document in the request")
        caption = str(params.get("caption") or "")
        shown = plain_text(caption, params.get("parse_mode")) if caption else ""
        if utf16_len(shown) > MAX_CAPTION:
            raise BotApiError(400, "Bad Request: message caption is too long")
        markup = self._check_markup(params.get("reply_markup"))
        self._flood_check(chat.id)
        message_id = chat.next_message_id
        chat.next_message_id += 1
        message = Message(
            message_id, chat.id, caption, shown, params.get("parse_mode"), markup,
            document=document,
        )  # fmt: skip
        self._bot_messages[(chat.id, message_id)] = message
        self._by_chat.setdefault(chat.id, []).append(message)
        out = self._message_dict(chat, message)
        out.pop("text")
        out["document"] = document
        if caption:
            out["caption"] = caption
        chat.history[message_id] = out
        return out

    def _editable(self, params: dict) -> tuple[_Chat, Message]:
        chat = self._target(params)
        message = self._bot_messages.get((chat.id, int(params.get("message_id") or 0)))
        if message is None or message.deleted:
            raise BotApiError(400, "Bad Request: message to edit not found")
        return chat, message

    def _api_editmessagetext(self, params: dict) -> dict:
        chat, message = self._editable(params)
        shown = self._check_text(params)
        markup = self._check_markup(params.get("reply_markup"))
        preview = self._check_preview(params.get("link_preview_options"))
        if (
            shown == message.text
            and markup == message.reply_markup
            and (params.get("parse_mode") == message.parse_mode)
            and preview == message.preview
        ):
            raise BotApiError(400, NOT_MODIFIED)
        message.preview = preview
        message.html, message.text = str(params["text"]), shown
        message.parse_mode, message.reply_markup = params.get("parse_mode"), markup
        message.edits += 1
        chat.history[message.message_id] = self._message_dict(chat, message)
        return chat.history[message.message_id]

    def _api_editmessagereplymarkup(self, params: dict) -> dict:
        chat, message = self._editable(params)
        markup = self._check_markup(params.get("reply_markup"))
        if markup == message.reply_markup:
            raise BotApiError(400, NOT_MODIFIED)
        message.reply_markup = markup
        message.edits += 1
        chat.history[message.message_id] = self._message_dict(chat, message)
        return chat.history[message.message_id]

    def _api_deletemessage(self, params: dict) -> bool:
        _, message = self._editable(params)
        message.deleted = True
        return True

    def _api_answercallbackquery(self, params: dict) -> bool:
        query_id = str(params.get("callback_query_id"))
        pressed = self._pending_callbacks.get(query_id)
        if pressed is None or time.monotonic() - pressed > self.callback_deadline:
            raise BotApiError(400, TOO_OLD)
        if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER:
            raise BotApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        url = params.get("url")
        if url and not str(url).startswith(f"https://t.me/{self.bot_username}?start="):
            raise BotApiError(400, "Bad Request: URL_INVALID")
        del self._pending_callbacks[query_id]
        self.callback_answers[query_id] = params
        return True

    def _api_sendpoll(self, params: dict) -> dict:
        chat = self._target(params)
        unknown = set(params) - SEND_POLL_FIELDS
        if unknown:
            raise BotApiError(400, f"Bad Request: unknown parameters {sorted(unknown)}")
        question = str(params.get("question") or "")
        if not 1 <= len(question) <= MAX_POLL_QUESTION:
            raise BotApiError(400, "Bad Request: poll question length must not exceed 300")
        options = params.get("options") or []
        texts, media, sent = [], [], []  # media: as the Poll shows it; sent: as the bot sent it
        for option in options:
            if isinstance(option, dict):
                if set(option) - POLL_OPTION_FIELDS or "text" not in option:
                    raise BotApiError(400, "Bad Request: can't parse InputPollOption")
                texts.append(str(option["text"]))
                media.append(_check_poll_media(option.get("media")))
                given = option.get("media")
                sent.append(json.loads(given) if isinstance(given, str) else given)
            else:
                texts.append(str(option))
                media.append(None)
                sent.append(None)
        if not 2 <= len(texts) <= MAX_POLL_OPTIONS:
            raise BotApiError(400, "Bad Request: poll must have at least 2 option")
        if any(not 1 <= len(t) <= MAX_POLL_OPTION for t in texts):
            raise BotApiError(400, "Bad Request: poll options length must not exceed 100")
        anonymous = _flag(params.get("is_anonymous", True))
        quiz = params.get("type") == "quiz"
        adding = _flag(params.get("allow_adding_options", False))
        if adding and (anonymous or quiz):
            raise BotApiError(400, "Bad Request: POLL_ADDING_OPTIONS_NOT_ALLOWED")
        description = str(params.get("description") or "")
        if len(description) > MAX_POLL_DESCRIPTION:
            raise BotApiError(400, "Bad Request: poll description is too long")
        open_period, close_date = params.get("open_period"), params.get("close_date")
        if open_period is not None and close_date is not None:
            raise BotApiError(400, "Bad Request: open_period and close_date can't be used together")
        if open_period is not None and not MIN_OPEN_PERIOD <= int(open_period) <= MAX_OPEN_PERIOD:
            raise BotApiError(400, "Bad Request: wrong open period")
        if close_date is not None:
            ahead = int(close_date) - time.time()
            if not MIN_OPEN_PERIOD - 1 <= ahead <= MAX_OPEN_PERIOD + 1:
                raise BotApiError(400, "Bad Request: wrong close date")
        markup = self._check_markup(params.get("reply_markup"))
        poll_id = f"poll{next(self._poll_ids)}"
        self.poll_media[poll_id] = sent
        poll = {
            "id": poll_id,
            "question": question,
            "options": [
                {"text": t, "voter_count": 0, "persistent_id": f"{poll_id}-o{i}"}
                for i, t in enumerate(texts)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": anonymous,
            "type": "quiz" if quiz else "regular",
            "allows_multiple_answers": _flag(params.get("allows_multiple_answers")),
            "allows_revoting": _flag(params.get("allows_revoting", True)),
            "members_only": _flag(params.get("members_only", False)),
        }
        for shown, found in zip(poll["options"], media, strict=True):
            if found is not None:
                shown["media"] = found
        if description:
            poll["description"] = description
        if open_period is not None:
            poll["open_period"] = int(open_period)
        if close_date is not None:
            poll["close_date"] = int(close_date)
        # what the bot asked for that the Poll object does not echo, for tests to read
        self.poll_settings[poll_id] = {
            "hide_results_until_closes": _flag(params.get("hide_results_until_closes", False)),
            "allow_adding_options": adding,
        }
        message_id = chat.next_message_id
        chat.next_message_id += 1
        reply = (params.get("reply_parameters") or {}).get("message_id")
        message = Message(message_id, chat.id, question, question, None, markup, reply_to=reply)
        self._bot_messages[(chat.id, message_id)] = message
        self._by_chat.setdefault(chat.id, []).append(message)
        self.polls[poll_id] = poll
        self._poll_messages[poll_id] = (chat.id, message_id)
        out = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat_dict(chat),
            "from": self.bot_user,
            "poll": poll,
        }
        if markup:
            out["reply_markup"] = markup
        chat.history[message_id] = out
        return out

    def _api_stoppoll(self, params: dict) -> dict:
        chat, message = self._editable(params)
        poll_id = next(
            (
                p
                for p, where in self._poll_messages.items()
                if where == (chat.id, message.message_id)
            ),
            None,
        )
        if poll_id is None:
            raise BotApiError(400, "Bad Request: message with poll to stop not found")
        poll = self.polls[poll_id]
        if poll["is_closed"]:
            raise BotApiError(400, "Bad Request: poll has already been closed")
        poll["is_closed"] = True
        message.reply_markup = None
        self._enqueue({"update_id": next(self._update_ids), "poll": dict(poll)})
        return poll

    def _api_answerinlinequery(self, params: dict) -> bool:
        query_id = str(params.get("inline_query_id"))
        asked = self._pending_inline.get(query_id)
        if asked is not None:
            self.inline_latency[query_id] = time.monotonic() - asked
        if asked is None or time.monotonic() - asked > self.inline_deadline:
            raise BotApiError(400, TOO_OLD)
        results = params.get("results") or []
        if len(results) > MAX_INLINE_RESULTS:
            raise BotApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        ids = [str(r.get("id", "")) for r in results]
        if any(not 1 <= len(i.encode()) <= MAX_INLINE_ID for i in ids):
            raise BotApiError(400, "Bad Request: RESULT_ID_INVALID")
        if len(set(ids)) != len(ids):
            raise BotApiError(400, "Bad Request: RESULT_ID_DUPLICATE")
        if len(str(params.get("next_offset") or "").encode()) > MAX_INLINE_OFFSET:
            raise BotApiError(400, "Bad Request: NEXT_OFFSET_INVALID")
        for result in results:
            if result.get("type") != "article" or not result.get("title"):
                raise BotApiError(400, "Bad Request: RESULT_TYPE_INVALID")
            content = result.get("input_message_content") or {}
            self._check_text(
                {"text": content.get("message_text"), "parse_mode": content.get("parse_mode")}
            )
            self._check_preview(content.get("link_preview_options"))
            thumbnail = result.get("thumbnail_url")
            if thumbnail is not None and not _fetchable(str(thumbnail)):
                raise BotApiError(400, "Bad Request: THUMBNAIL_URL_INVALID")
            self._check_markup(result.get("reply_markup"))
        del self._pending_inline[query_id]
        self.inline_answers[query_id] = {
            **params,
            "is_personal": _flag(params.get("is_personal")),
            "cache_time": int(params.get("cache_time") or 300),
        }
        return True

    def _api_setmycommands(self, params: dict) -> bool:
        commands = params.get("commands") or []
        if len(commands) > 100:
            raise BotApiError(400, "Bad Request: too many commands")
        import re

        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise BotApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise BotApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        scope = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
        self.commands[scope + str(params.get("language_code") or "")] = commands
        return True

    def _api_getmycommands(self, params: dict) -> list[dict]:
        scope = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
        return self.commands.get(scope + str(params.get("language_code") or ""), [])

    def _api_deletemycommands(self, params: dict) -> bool:
        scope = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
        self.commands.pop(scope + str(params.get("language_code") or ""), None)
        return True

    def _api_setwebhook(self, params: dict) -> bool:
        url = str(params.get("url") or "")
        self.webhook = {"url": url, "secret_token": params.get("secret_token")} if url else None
        return True

    def _api_deletewebhook(self, params: dict) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _api_getwebhookinfo(self, params: dict) -> dict:
        return {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _api_sendchataction(self, params: dict) -> bool:
        self._target(params)
        return True

    def _api_getchat(self, params: dict) -> dict:
        chat = self._target(params)
        return {**self._chat_dict(chat), "accent_color_id": 0, "max_reaction_count": 11}

    def _api_getchatmember(self, params: dict) -> dict:
        chat_id = int(params.get("chat_id") or 0)
        if chat_id not in self._chats:
            raise BotApiError(400, "Bad Request: chat not found")
        user_id = int(params.get("user_id") or 0)
        if user_id == self.bot_id:
            status = "kicked" if chat_id in self._kicked else "member"
            return {
                "status": status,
                "user": self.bot_user,
                **({"until_date": 0} if status == "kicked" else {}),
            }
        if (chat_id, user_id) in self.admins:
            return {"status": "administrator", "user": self._user(user_id), **_ADMIN_RIGHTS}
        if (chat_id, user_id) in self.left:
            return {"status": "left", "user": self._user(user_id)}
        return {"status": "member", "user": self._user(user_id)}

    def _api_close(self, params: dict) -> bool:
        return True

    def _api_logout(self, params: dict) -> bool:
        return True

    # ------------------------------------------------------------------ transports
    def request(self) -> BaseRequest:
        """An in-process transport for python-telegram-bot."""
        return _InProcessRequest(self)

    def response(self, method: str, params: dict) -> tuple[int, bytes]:
        """(status, body) as the HTTP API would answer."""
        try:
            result = self.call(method, params)
        except BotApiError as error:
            body: dict[str, Any] = {
                "ok": False,
                "error_code": error.code,
                "description": error.description,
            }
            if error.parameters:
                body["parameters"] = error.parameters
            return error.code, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()


PREVIEW_FIELDS = {
    "is_disabled",
    "url",
    "prefer_small_media",
    "prefer_large_media",
    "show_above_text",
}


def _fetchable(url: str) -> bool:
    """A URL Telegram fetches for a preview or a thumbnail: http(s), a host, no spaces."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url


_ADMIN_RIGHTS = dict.fromkeys(
    (
        "can_be_edited",
        "is_anonymous",
        "can_manage_chat",
        "can_delete_messages",
        "can_manage_video_chats",
        "can_restrict_members",
        "can_promote_members",
        "can_change_info",
        "can_invite_users",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
    ),
    False,
)


def _decode(value: Any) -> Any:
    """Form-encoded requests carry nested objects as JSON strings; decode those."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _check_poll_media(media: Any) -> dict | None:
    """An option's media as Telegram reads it: a known type and a file (an https URL here)."""
    if media is None:
        return None
    if isinstance(media, str):
        media = json.loads(media)
    if not isinstance(media, dict) or media.get("type") not in POLL_OPTION_MEDIA:
        raise BotApiError(400, "Bad Request: unsupported poll option media")
    if media["type"] not in ("location", "venue") and not str(media.get("media", "")).startswith(
        "https://"
    ):
        raise BotApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
    return {"type": media["type"]}


def _flag(value: Any) -> bool:
    """A boolean parameter as it arrives (JSON true, or the form-encoded "true")."""
    return value is True or str(value).lower() == "true"


def _file_path(url: str, token: str) -> str | None:
    """The file_path of a download URL (`.../file/bot<token>/<file_path>`), else None."""
    marker = f"/file/bot{token}/"
    url = unquote(url)  # python-telegram-bot quotes the token's ":" in download URLs
    at = url.find(marker)
    return url[at + len(marker) :] if at >= 0 else None


def _uploads(parts: dict[str, Any]) -> dict[str, dict]:
    """Multipart files as parameters: {name: {"upload": (file name, bytes, MIME type)}}."""
    found = {}
    for name, part in parts.items():
        file_name, content, *rest = part
        data = content.read() if hasattr(content, "read") else bytes(content)
        found[name] = {"upload": (file_name, data, rest[0] if rest else None)}
    return found


def _split_url(url: str, token: str) -> str | None:
    """The method name from `.../bot<token>/<method>`, or None for a wrong token."""
    prefix, _, method = url.rpartition("/")
    return method if prefix.endswith(f"bot{token}") else None


class _InProcessRequest(BaseRequest):
    """python-telegram-bot's transport interface, answered by the fake without sockets."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        file_path = _file_path(url, self.fake.token)
        if file_path is not None:
            await asyncio.sleep(0)
            return self.fake.download(file_path)
        api_method = _split_url(url, self.fake.token)
        if api_method is None:
            return 401, json.dumps(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}
            ).encode()
        params: dict[str, Any] = dict(request_data.json_parameters) if request_data else {}
        if request_data is not None:
            params.update(_uploads(dict(request_data.multipart_data)))
        if api_method == "getUpdates" and float(params.get("timeout") or 0) > 0:
            deadline = time.monotonic() + min(float(params["timeout"]), 2.0)
            while not self.fake.pending_updates() and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
        await asyncio.sleep(0)
        return self.fake.response(api_method, params)


class FakeTelegramServer:
    """The fake over real HTTP (aiohttp in a background thread), for TELEGRAM_BASE_URL."""

    def __init__(self, fake: FakeTelegram, host: str = "127.0.0.1", port: int = 0) -> None:
        self.fake = fake
        self.host = host
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: Any = None
        self._ready = threading.Event()
        self.requests = 0

    def start(self) -> str:
        self._thread = threading.Thread(target=self._run, daemon=True, name="fake-telegram")
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fake Telegram server did not start")
        return f"http://{self.host}:{self.port}/bot"

    def _run(self) -> None:
        from aiohttp import web

        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)

        async def handle(request: web.Request) -> web.Response:
            self.requests += 1
            file_path = _file_path(request.path, self.fake.token)
            if file_path is not None:
                status, body = self.fake.download(file_path)
                return web.Response(status=status, body=body)
            method = _split_url(request.path, self.fake.token)
            if method is None:
                return web.json_response(
                    {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
                )
            params: dict[str, Any] = dict(request.query)
            if request.can_read_body:
                if request.content_type == "application/json":
                    params.update(await request.json())
                else:
                    form = await request.post()
                    params.update({k: v for k, v in form.items() if isinstance(v, str)})
                    params.update(
                        _uploads(
                            {
                                k: (v.filename, v.file.read(), v.content_type)
                                for k, v in form.items()
                                if isinstance(v, web.FileField)
                            }
                        )
                    )
            if method == "getUpdates" and float(params.get("timeout") or 0) > 0:
                wait = {**params, "timeout": min(float(params["timeout"]), 5.0)}
                with contextlib.suppress(BotApiError):  # the call below reports it
                    await asyncio.get_running_loop().run_in_executor(
                        None, self.fake.wait_updates, wait
                    )
                if request.transport is None or request.transport.is_closing():
                    # The client gave up (a bot that stopped): Telegram answers nobody, and
                    # records nothing, so neither does the stand-in.
                    return web.Response(status=499)
            status, body = self.fake.response(method, params)
            return web.Response(status=status, body=body, content_type="application/json")

        async def start() -> None:
            app = web.Application(client_max_size=1 << 26)  # uploads of up to 50 MB
            app.router.add_route("*", "/{tail:.*}", handle)
            self._runner = web.AppRunner(app, access_log=None)
            await self._runner.setup()
            site = web.TCPSite(self._runner, self.host, self.port)
            await site.start()
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            self._ready.set()

        self._loop.run_until_complete(start())
        self._loop.run_forever()
        self._loop.run_until_complete(self._runner.cleanup())
        self._loop.close()

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
