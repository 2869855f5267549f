"""Logs never show secrets, names or message texts."""

from __future__ import annotations

import logging

import pytest

from bot.logs import RedactSecrets


def test_redaction_ignores_letter_case_and_catches_short_secrets() -> None:
    token = "123456:AbCdEf-GhIjK"
    scrub = RedactSecrets([token, "k3y", None])
    for message in (
        f"POST /bot{token}/getMe",
        f"bad request: /bot{token.lower()}/getme",
        f"{token.upper()} and k3Y",
        "path /bot123456%3AAbCdEf-GhIjK/x",
    ):
        record = logging.makeLogRecord({"msg": message, "args": None})
        scrub.filter(record)
        rendered = record.getMessage()
        assert "[redacted]" in rendered
        assert "abcdef" not in rendered.lower() and "k3y" not in rendered.lower()


def test_debug_logging_never_shows_names_or_texts(capsys: pytest.CaptureFixture[str]) -> None:
    from bot import logs

    logs.configure("DEBUG", "json", secrets=["123456:TOKEN-abcdef"], key="k")
    try:
        logging.getLogger("telegram.ext.Application").debug("update %s", "Zebediahqux says hi")
        logging.getLogger("bot").debug("own debug line")
        err = capsys.readouterr().err
        assert "Zebediahqux" not in err and "own debug line" in err
    finally:
        logging.getLogger().handlers.clear()
