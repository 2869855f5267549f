"""Planned start times from typed words (movierec/when.py): five languages, zones, DST edges."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from movierec.when import parse_when

BERLIN = ZoneInfo("Europe/Berlin")
# Wednesday 11 June 2025, 18:00 in Berlin
NOW = datetime(2025, 6, 11, 18, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("text", "expected", "rest"),
    [
        ("fri 20:00", datetime(2025, 6, 13, 20, 0), ""),
        ("Friday at 8pm comedy", datetime(2025, 6, 13, 20, 0), "comedy"),
        ("tomorrow 21:30", datetime(2025, 6, 12, 21, 30), ""),
        ("20:00", datetime(2025, 6, 11, 20, 0), ""),
        ("17:00", datetime(2025, 6, 12, 17, 0), ""),  # passed today: tomorrow
        ("in 2h", datetime(2025, 6, 11, 20, 0), ""),
        ("in 90m horror", datetime(2025, 6, 11, 19, 30), "horror"),
        ("in 1h30", datetime(2025, 6, 11, 19, 30), ""),
        ("in 2 hours", datetime(2025, 6, 11, 20, 0), ""),
        ("wed 19:00", datetime(2025, 6, 11, 19, 0), ""),  # today, still ahead
        ("wed 17:00", datetime(2025, 6, 18, 17, 0), ""),  # today, passed: next week
        ("sat", datetime(2025, 6, 14, 20, 0), ""),  # a day alone: at eight
        ("в пятницу в 20:00 комедии", datetime(2025, 6, 13, 20, 0), "комедии"),
        ("завтра 21:30", datetime(2025, 6, 12, 21, 30), ""),
        ("через 2 часа", datetime(2025, 6, 11, 20, 0), ""),
        ("viernes a las 21:30", datetime(2025, 6, 13, 21, 30), ""),
        ("mañana 20h", datetime(2025, 6, 12, 20, 0), ""),
        ("sábado 22:00 terror", datetime(2025, 6, 14, 22, 0), "terror"),
        ("en 2 horas", datetime(2025, 6, 11, 20, 0), ""),
        ("sexta-feira às 20h", datetime(2025, 6, 13, 20, 0), ""),
        ("amanhã 21h30", datetime(2025, 6, 12, 21, 30), ""),
        ("daqui a 2h", datetime(2025, 6, 11, 20, 0), ""),
        ("Freitag um 20 Uhr", datetime(2025, 6, 13, 20, 0), ""),
        ("am Samstag 21:00 Komödie", datetime(2025, 6, 14, 21, 0), "Komödie"),
        ("morgen 20:15", datetime(2025, 6, 12, 20, 15), ""),
        ("in 2 Stunden", datetime(2025, 6, 11, 20, 0), ""),
        ("Do 20:00", datetime(2025, 6, 12, 20, 0), ""),
    ],
)
def test_the_documented_forms(text: str, expected: datetime, rest: str) -> None:
    when = parse_when(text, NOW)
    assert when is not None, text
    assert when.at == expected.replace(tzinfo=BERLIN) and when.at.tzinfo is BERLIN
    assert when.rest == rest


@pytest.mark.parametrize(
    "text", ["", "comedy", "90s sci-fi", "top 5", "after 2010", "do it", "25:00"]
)
def test_no_time_is_no_time(text: str) -> None:
    assert parse_when(text, NOW) is None


def test_in_and_a_day_at_once_is_not_a_time() -> None:
    assert parse_when("in 2h fri 20:00", NOW) is None


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError):
        parse_when("20:00", datetime(2025, 6, 11, 18, 0))


def test_a_night_across_the_spring_change_keeps_its_wall_clock_time() -> None:
    # Saturday 29 March 2025, noon in Berlin; clocks go 02:00 -> 03:00 on Sunday
    now = datetime(2025, 3, 29, 12, 0, tzinfo=BERLIN)
    sunday = parse_when("sun 20:00", now)
    assert sunday is not None
    assert sunday.at.astimezone(UTC) == datetime(2025, 3, 30, 18, 0, tzinfo=UTC)  # CEST
    # "in 24h" is absolute time: 13:00 on Sunday's clock
    later = parse_when("in 24h", now)
    assert later is not None and later.at.hour == 13 and later.at.day == 30
    # 02:30 does not exist that night: the same instant as 03:30
    skipped = parse_when("sun 2:30", now)
    assert skipped is not None
    assert skipped.at.astimezone(UTC) == datetime(2025, 3, 30, 1, 30, tzinfo=UTC)


def test_a_night_across_the_autumn_change() -> None:
    # Saturday 25 October 2025; clocks go 03:00 -> 02:00 on Sunday
    now = datetime(2025, 10, 25, 12, 0, tzinfo=BERLIN)
    sunday = parse_when("sun 20:00", now)
    assert sunday is not None
    assert sunday.at.astimezone(UTC) == datetime(2025, 10, 26, 19, 0, tzinfo=UTC)  # CET
    twice = parse_when("sun 2:30", now)  # happens twice: the first
    assert twice is not None
    assert twice.at.astimezone(UTC) == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)


def test_utc_and_other_zones() -> None:
    now = datetime(2025, 6, 11, 18, 0, tzinfo=UTC)
    when = parse_when("20:00", now)
    assert when is not None and when.at == datetime(2025, 6, 11, 20, 0, tzinfo=UTC)
    tokyo = datetime(2025, 6, 11, 23, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    when = parse_when("tomorrow", tokyo)
    assert when is not None and when.at.day == 12 and when.at.hour == 20
