"""What a person is told matches what was stored: a confirmation comes through Telegram's 429s
and 5xx (late, never not at all), and a store write failing around it never brings a "sorry"
for a rating that was stored, nor a second confirmation."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram import Update

from bot.storage import StoreUnavailable
from bot.ui import texts
from tests.support.harness import Harness
from tests.support.scenes import ALICE

HEAT = 6


def _texts(harness: Harness, chat: int) -> list[str]:
    return [m.text for m in harness.fake.messages(chat)]


async def test_a_confirmation_comes_through_six_429s_in_a_row(harness: Harness) -> None:
    harness.fake.inject(
        "sendMessage", 429, "Too Many Requests: retry after 1", times=6, retry_after=1
    )
    reply = await harness.say(ALICE, ALICE, "/like heat")
    assert reply.text.startswith("Noted")
    assert harness.fake.injected_failures == [("sendMessage", 429)] * 6
    assert await harness.storage.ratings(ALICE, ALICE) == {HEAT: 1.0}


@pytest.mark.parametrize(("code", "description"), [(502, "Bad Gateway"), (500, "Internal")])
async def test_a_confirmation_comes_through_telegrams_server_errors(
    harness: Harness, code: int, description: str
) -> None:
    harness.fake.inject("sendMessage", code, description, times=2)
    reply = await harness.say(ALICE, ALICE, "/like heat")
    assert reply.text.startswith("Noted")
    assert texts.error() not in _texts(harness, ALICE)
    assert [c for _, c in harness.fake.injected_failures] == [code, code]
    assert await harness.storage.ratings(ALICE, ALICE) == {HEAT: 1.0}


def _fail_once(monkeypatch: pytest.MonkeyPatch, harness: Harness, method: str) -> list[int]:
    """The store's `method` fails once as a full disk does (SQLite's "database or disk is
    full" is an OperationalError, which the store raises as StoreUnavailable)."""
    calls: list[int] = []
    real = getattr(harness.storage, method)

    async def failing(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise StoreUnavailable("OperationalError: database or disk is full")
        return await real(*args, **kwargs)

    monkeypatch.setattr(harness.storage, method, failing)
    return calls


async def test_a_write_failing_after_the_confirmation_brings_no_sorry(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _fail_once(monkeypatch, harness, "save_list")  # the confirmation's Undo buttons
    await harness.say(ALICE, ALICE, "/like heat")
    sent = _texts(harness, ALICE)
    assert calls and [t.startswith("Noted") for t in sent] == [True]  # once, and nothing else
    assert await harness.storage.ratings(ALICE, ALICE) == {HEAT: 1.0}


async def test_a_write_failing_before_the_confirmation_holds_the_message(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Polling: the update is held and handled again a moment later; meanwhile the person hears
    once that nothing is lost, never that something failed."""
    _fail_once(monkeypatch, harness, "save_source")  # after the rating, before the reply
    update = harness.fake.send(ALICE, ALICE, "/like heat")
    await harness.app.process_update(Update.de_json(update, harness.app.bot))
    assert _texts(harness, ALICE) == [texts.store_away()]
    held = await asyncio.wait_for(harness.app.update_queue.get(), 10)
    assert held.update_id == update["update_id"]
    await harness.app.process_update(held)
    sent = _texts(harness, ALICE)
    assert sent[0] == texts.store_away() and [t.startswith("Noted") for t in sent[1:]] == [True]
    assert texts.error() not in sent
    assert await harness.storage.ratings(ALICE, ALICE) == {HEAT: 1.0}
