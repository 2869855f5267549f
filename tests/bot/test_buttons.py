"""Typed button data: every kind round-trips, has a handler, and refuses what no button of ours
sends; the data of buttons already in people's chats keeps working."""

from __future__ import annotations

import dataclasses

import pytest

import bot.app  # noqa: F401 - importing the application registers every feature's buttons
from bot.features.account.callbacks import SetLanguage
from bot.features.movienight.callbacks import GroupMore, JoinNight, StartVote
from bot.features.onboarding.callbacks import Answer, NextQuestion, Seen, ShowPicks
from bot.features.picks.callbacks import ChipKind, Chips, Filtered, More
from bot.features.ratings.callbacks import ConfirmReset, Rate, Remove, Sign, Undo
from bot.ui.buttons import handled
from bot.ui.callback_data import CallbackData, decode, kinds
from movierec.filters import Filter

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
]


def test_every_kind_has_one_prefix_and_one_handler() -> None:
    registered = kinds()
    assert len(registered) == 24
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
    ],
)
def test_forged_or_malformed_data_is_refused(data: str | None) -> None:
    assert decode(data) is None
