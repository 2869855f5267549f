"""Logging: text or one JSON object per line, secrets scrubbed, no personal data at any level.

* Secrets (the bot token, the Qdrant API key, the webhook secret) are replaced by `[redacted]` in
  every record, its arguments and its traceback, case-insensitively (python-telegram-bot
  lowercases some API error descriptions, which can repeat the request path `/bot<token>/...`).
  The same scrubbing covers exceptions that escape everything (`sys.excepthook`,
  `threading.excepthook`), which Python would otherwise print raw.
* People are logged as keyed hashes (`person()`): the same person gets the same short hash in
  every line, so a support question can be followed, but a log line does not reveal an id. The key
  is derived from the bot token, so hashes are not comparable between deployments. Names and
  message texts are never logged.
* Third-party loggers (python-telegram-bot prints whole updates, with names and texts, at DEBUG)
  are held at INFO or above whatever LOG_LEVEL says; LOG_LEVEL=DEBUG makes only the bot's own
  loggers, which carry no personal data, more talkative.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import sys
import threading
import time
import traceback
from collections.abc import Iterable
from types import TracebackType
from urllib.parse import quote

_RESERVED = set(vars(logging.makeLogRecord({})))
_OWN_LOGGERS = ("bot", "movierec")
_QUIET = {"httpx": logging.WARNING, "httpcore": logging.WARNING, "aiohttp.access": logging.WARNING}
_key = b"movierec"


def person(chat_id: int | None = None, user_id: int | None = None) -> dict[str, str]:
    """Log fields for a chat and a person: keyed hashes, never the ids themselves."""
    fields = {}
    if chat_id is not None:
        fields["chat"] = pseudonym(chat_id)
    if user_id is not None:
        fields["user"] = pseudonym(user_id)
    return fields


def pseudonym(value: int, key: bytes | None = None) -> str:
    """The short keyed hash that stands for an id in the logs."""
    return hmac.new(key or _key, str(value).encode(), hashlib.sha256).hexdigest()[:12]


def derive_key(secret: str) -> bytes:
    """The hashing key of a deployment, from a secret it already has (the bot token)."""
    return hashlib.sha256(b"movierec-log-ids:" + secret.encode()).digest()


class Redactor:
    """Replaces every known secret, whatever its letter case."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        plain = {s for s in secrets if s}
        words = sorted(plain | {quote(s, safe="") for s in plain}, key=len, reverse=True)
        self._pattern = (
            re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None
        )

    def __call__(self, text: str) -> str:
        return self._pattern.sub("[redacted]", text) if self._pattern else text


class RedactSecrets(logging.Filter):
    """Render each record's message and traceback, then scrub them."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        self.redact = Redactor(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self.redact(record.getMessage()), None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        for name, value in list(vars(record).items()):
            if name not in _RESERVED and isinstance(value, str):
                setattr(record, name, self.redact(value))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and any `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            {
                k: v
                for k, v in vars(record).items()
                if k not in _RESERVED and k not in ("message", "asctime")
            }
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(
    level: str = "INFO",
    fmt: str = "text",
    secrets: Iterable[str | None] = (),
    key: str | None = None,
) -> None:
    """Set up logging once for the bot process: handler, filter, levels, exception hooks."""
    global _key
    secrets = list(secrets)
    if key:
        _key = derive_key(key)
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactSecrets(secrets))
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    numeric = logging.getLevelName(level)
    numeric = numeric if isinstance(numeric, int) else logging.INFO
    root.setLevel(max(numeric, logging.INFO))  # third-party loggers: never DEBUG
    for own in _OWN_LOGGERS:
        logging.getLogger(own).setLevel(numeric)
    for noisy, floor in _QUIET.items():
        logging.getLogger(noisy).setLevel(max(floor, numeric))
    install_exception_hooks(Redactor(secrets))


def install_exception_hooks(redact: Redactor) -> None:
    """Exceptions nobody caught are printed by Python itself: scrub those too."""

    def print_scrubbed(
        kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        text = "".join(traceback.format_exception(kind, error, tb))
        sys.stderr.write(redact(text))
        sys.stderr.flush()

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            print_scrubbed(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = print_scrubbed
    threading.excepthook = thread_hook
