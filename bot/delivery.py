"""Outgoing calls that keep what the bot promised: what a person is told is what was stored.

python-telegram-bot's AIORateLimiter keeps the bot within Telegram's limits (about 30 messages a
second overall, 20 a minute per group) and retries a 429 a few times. A rating stored but never
confirmed is a broken promise, so a message to a chat is retried for longer than that:

* 429 (Too Many Requests): retried, honouring each `retry_after`, for up to `DELIVER_WITHIN`
  seconds: a confirmation may arrive late, never not at all while the chat exists;
* Telegram's 5xx (`NetworkError` such as "Bad Gateway") and a connection that could not be made:
  retried with a growing pause, `SERVER_TRIES` times. A timed-out call is not retried: Telegram
  may have delivered it, and a second copy would be a duplicate message;
* 4xx errors (a blocked chat, a refused edit) are final and go to the caller.

It also notes, for the update being handled, whether anything visible has gone out (a message
sent or edited): an update that already answered must not be handled again when the store
fails afterwards (see `bot.outage`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger("bot")

DELIVER_WITHIN = 600.0  # seconds a message keeps being retried through 429s
SERVER_TRIES = 5  # tries of a message through Telegram's 5xx (pauses 0.5, 1, 2, 4 s)
# Calls that show something to people (and so must arrive, and count as an update's output).
VISIBLE = frozenset(
    {
        "sendMessage",
        "sendPoll",
        "sendDocument",
        "sendPhoto",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "editMessageMedia",
        "stopPoll",
    }
)

_OUTPUT: ContextVar[bool] = ContextVar("movierec_update_output", default=False)


def begin_update() -> None:
    """An update's handling starts (in its own task): nothing has gone out for it yet."""
    _OUTPUT.set(False)


def produced_output() -> bool:
    """True when the update being handled has sent or edited a message already."""
    return _OUTPUT.get()


class PatientRateLimiter(AIORateLimiter):
    """AIORateLimiter that keeps a visible call coming through 429s and Telegram's 5xx (see the
    module docstring)."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if endpoint not in VISIBLE:
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        started, failures = time.monotonic(), 0
        while True:
            try:
                result = await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except RetryAfter as error:
                if time.monotonic() - started > DELIVER_WITHIN:
                    raise
                log.warning("still rate limited, retrying", extra={"method": endpoint})
                await asyncio.sleep(_seconds(error.retry_after) + 0.1)
                continue
            except (TimedOut, BadRequest):  # BadRequest is a NetworkError, but never a retry
                raise
            except NetworkError:
                failures += 1
                if failures >= SERVER_TRIES:
                    raise
                log.warning("Telegram failed a call, retrying", extra={"method": endpoint})
                await asyncio.sleep(0.5 * 2 ** (failures - 1))
                continue
            _OUTPUT.set(True)
            return result


def _seconds(retry_after: Any) -> float:
    """`RetryAfter.retry_after` is an int or a timedelta, by python-telegram-bot's settings."""
    total = getattr(retry_after, "total_seconds", None)
    return float(total()) if callable(total) else float(retry_after)
