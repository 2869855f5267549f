"""Typed button data: every kind round-trips, has a handler, and refuses what no button of ours
sends; the data of buttons already in people's chats keeps working."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from pathlib import Path

import pytest
from telegram import Update

import bot.app  # noqa: F401 - importing the application registers every feature's buttons
from bot.app import build_application
from bot.features.account.callbacks import SetLanguage
from bot.features.imports.callbacks import Decide, ImportGo, ShowUnsure, UndoImport
from bot.features.movienight.callbacks import GroupMore, JoinNight, StartVote
from bot.features.onboarding.callbacks import Answer, NextQuestion, Seen, ShowPicks
from bot.features.picks.callbacks import ChipKind, Chips, Filtered
from bot.features.ratings.callbacks import ConfirmReset, Rate, Remove, Sign, Undo
from bot.storage import open_storage
from bot.throttle import Throttle
from bot.ui.buttons import handled
from bot.ui.callback_data import CallbackData, decode, kinds
from bot.ui.more import More
from movierec.filters import Filter
from movierec.recommender import Recommender
from tests.support import presses
from tests.support.fakegram import FakeTelegram
from tests.support.harness import Harness
from tests.support.reading import pick_ids
from tests.support.scenes import ALICE, ANN, GROUP, group_with_picks

NINETIES_COMEDY = Filter(frozenset({"Comedy"}), 1990, 1999)
EXAMPLES: list[CallbackData] = [
    Rate(Sign.LIKE, 2571),
    Rate(Sign.DISLIKE, 10_000_000),
    Undo(1),
    Remove(2571, 3),
    ConfirmReset(True),
    ConfirmReset(False),
    More(0),
    More(200, NINETIES_COMEDY),
    GroupMore(5, NINETIES_COMEDY),
    Filtered(),
    Filtered(Filter(year_to=1949)),
    Chips(ChipKind.GENRE, NINETIES_COMEDY),
    Chips(ChipKind.DECADE),
    JoinNight(),
    StartVote(),
    Answer(Seen.NOT_SEEN, 1),
    ShowPicks(),
    NextQuestion(),
    SetLanguage("pt-BR"),
    SetLanguage.of(None),
    ImportGo(99_999_999),
    ShowUnsure(1, back=True),
    Decide(99_999_999, 499, True),
    UndoImport(12_345_678),
]


def test_every_kind_has_one_prefix_and_one_handler() -> None:
    registered = kinds()
    assert (
        len(registered) == 41
    )  # + cards, onboarding ways, group language, imports, /country, match
    assert set(registered.values()) == handled()
    for prefix, kind in registered.items():
        assert kind.prefix == prefix and dataclasses.is_dataclass(kind)


@pytest.mark.parametrize("button", EXAMPLES, ids=lambda b: b.encode())
def test_each_button_decodes_to_itself_within_telegrams_64_bytes(button: CallbackData) -> None:
    data = button.encode()
    assert len(data.encode()) <= 64
    assert decode(data) == button


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("r:+:2571", Rate(Sign.LIKE, 2571)),
        ("m:5", More(5)),
        ("m:5:10.1990.1999", More(5, NINETIES_COMEDY)),
        ("f:", Filtered()),
        ("k:g:", Chips(ChipKind.GENRE)),
        ("o:0:2571", Answer(Seen.NOT_SEEN, 2571)),
        ("o:p", ShowPicks()),
        ("n:i", JoinNight()),
        ("q:v", StartVote()),
        ("y:auto", SetLanguage("auto")),
        ("z:y", ConfirmReset(True)),
    ],
)
def test_buttons_sent_before_this_release_still_work(data: str, expected: CallbackData) -> None:
    assert decode(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "r",
        "r:+",
        "r:*:2571",
        "r:+:٣",  # another script's digit
        "r:+:123456789",
        "r:+:2571:9",
        "m:3",  # not a step of five
        "m:205",
        "m:5:zz.1990.",
        "m:5:fffff.1990.1999",  # a genre bit past the known genres
        "x:1:1001",
        "y:fr",
        "y:pt-br",
        "n:x",
        "q:v:1",
        "o:+",
        "zz:1",
        "r:+:1" + "0" * 70,
        "r:+:00002571",  # leading zeros: not how our buttons write a film
        "r:+:02571",
        "m:05",
        "x:1:01",
        "f:01.1990.1999",
        "f:1.2030.1990",  # the first year after the last: no film, so no filter of ours
        "m:5:4.1990.1999:",
    ],
)
def test_forged_or_malformed_data_is_refused(data: str | None) -> None:
    assert decode(data) is None


@pytest.mark.parametrize(
    "data",
    [
        *("r:+:999999", "r:*:1", "m:3", "m:999", "x:1", "zz", "r:+:1:2", "h:-1", "é" * 30),
        *("r:+:00002571", "f:1.2030.1990"),
    ],
)
async def test_forged_buttons_are_refused_politely(harness: Harness, data: str) -> None:
    reply = await harness.say(ALICE, ALICE, "/start")
    answer = await harness.press(ALICE, ALICE, reply, data, forge=True)
    assert answer["text"] == "That button is no longer valid."
    assert (await harness.storage.ratings(ALICE, ALICE)) == {}


async def test_callbacks_are_answered_before_slow_group_edits(
    recommender: Recommender, tmp_path: Path
) -> None:
    fake = FakeTelegram(callback_deadline=2.0)
    storage = await open_storage(None, tmp_path / "db.sqlite3")
    app = build_application(
        fake.token, recommender, storage, request=fake.request(), throttle=Throttle(burst=1000)
    )
    await app.initialize()
    try:
        harness = Harness(fake, app, storage)
        picks = await group_with_picks(harness)
        ids = pick_ids(picks)
        updates = []
        for i in range(24):  # each press changes Ann's own list: an edit, 20 a minute at most
            movie = ids[i % 5]
            data = presses.rate(movie, 1) if (i // 5) % 2 == 0 else presses.undo(movie)
            updates.append(fake.press(GROUP, ANN, picks.message_id, data, forge=True))
        started = time.monotonic()
        tasks = [
            asyncio.create_task(app.process_update(Update.de_json(u, app.bot))) for u in updates
        ]
        await fake.wait_for(lambda: not fake.unanswered_callbacks(), timeout=10)
        assert time.monotonic() - started < 2.0 or not fake.errors
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        assert not [e for e in fake.errors if "too old" in e.description]
        assert len(fake.callback_answers) >= 24
    finally:
        await app.shutdown()
        await storage.close()
