"""Messages with buttons as stored: every feature's list kinds, declared in its own folder, come
back from the table as they went in (kind, payload, films, owner), a kind this release does not
declare reads as stale, and a kind's stored name can be declared only once."""

from __future__ import annotations

import dataclasses

import pytest

import bot.app  # noqa: F401  (every feature's kinds are declared when the application is)
from bot.features.movienight.lists import NIGHT, ROSTER, NightPayload
from bot.features.onboarding.lists import QUESTION, QuestionPayload
from bot.features.picks.lists import PICKS, PicksPayload
from bot.features.ratings.lists import CHOOSE, RATINGS, ChoosePayload
from bot.storage import ListRow, Opinion
from bot.ui.lists import ListInfo, ListKind, NoPayload, Payload, from_row, to_row
from movierec.filters import Filter

SAMPLES: list[tuple[ListKind, Payload]] = [
    (PICKS, PicksPayload(Filter(frozenset({"Comedy"}), 1990, 1999))),
    (NIGHT, NightPayload(Filter(year_from=2000), night_id=77)),
    (NIGHT, NightPayload()),
    (QUESTION, QuestionPayload(3)),
    (CHOOSE, ChoosePayload(Opinion.DISLIKE)),
    (RATINGS, NoPayload()),
]


@pytest.mark.parametrize(("kind", "payload"), SAMPLES, ids=lambda v: str(v)[:30])
def test_a_list_comes_back_as_it_was_stored(kind: ListKind, payload: Payload) -> None:
    info = ListInfo(42, kind, 5, (1, 2, 3), payload, "shown")
    row = to_row(info)
    assert row.kind == kind.name
    assert from_row(row) == info


def test_every_declared_kind_reads_back_with_its_default_payload() -> None:
    kinds = list(ListKind._declared.values())
    assert len(kinds) >= 15  # every feature's kinds are declared
    for kind in kinds:
        info = ListInfo(None, kind, 0, (), kind.payload.decode("", 0.0))
        assert from_row(to_row(info)) == info, kind.name


def test_an_unknown_kind_reads_as_a_stale_message() -> None:
    assert from_row(ListRow(1, "from-a-newer-release", 0, ())) is None
    assert from_row(None) is None


def test_a_kind_is_declared_once() -> None:
    with pytest.raises(ValueError, match="twice"):
        ListKind.declare("picks")


def test_whole_and_shared_are_the_kinds_own() -> None:
    assert ROSTER.whole and RATINGS.whole and PICKS.whole  # a picks list becomes a card
    assert NIGHT.shared and not PICKS.shared
    assert dataclasses.replace(ChoosePayload(), opinion=Opinion.LIKE).encode() == ("", 1.0)
