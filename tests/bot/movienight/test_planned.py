"""Planned movie nights on a controllable clock (no sleeping): `/movienight fri 20:00` in the
group's zone, the reminder, the vote that opens and closes by itself, /cancel, /timezone, and a
night planned across a change of the clocks. The job runner is driven by hand (`run_due`) after
each move of the clock, as the claim loop would be woken."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from telegram import Update

from bot.clock import FileClock
from bot.features.movienight import planned
from bot.features.movienight import views as night_views
from bot.jobs import JobRunner
from tests.support import presses
from tests.support.fakegram import Message
from tests.support.harness import Harness
from tests.support.scenes import ANN, BEN, CAT, GROUP

BERLIN = ZoneInfo("Europe/Berlin")


def _at(*when: int, zone: ZoneInfo = BERLIN) -> float:
    return datetime(*when, tzinfo=zone).timestamp()  # type: ignore[misc]


@pytest.fixture
def clock(harness: Harness, tmp_path: Path) -> FileClock:
    fake = FileClock(tmp_path / "clock")
    jobs = harness.app.bot_data.jobs
    assert isinstance(jobs, JobRunner)
    jobs.clock = fake
    fake.set(_at(2025, 6, 11, 12, 0))  # Wednesday noon in Berlin
    return fake


async def _tick(harness: Harness, clock: FileClock, when: float) -> list[Message]:
    """Move the clock to `when`, run what is due; what the bot sent to the group meanwhile."""
    before = len(harness.fake.messages(GROUP))
    clock.set(when)
    jobs = harness.app.bot_data.jobs
    assert jobs is not None
    await jobs.run_due()
    return harness.fake.messages(GROUP)[before:]


async def _group(harness: Harness) -> None:
    await harness.say(GROUP, ANN, "/like Star Wars 1977, Alien", first_name="Ann")
    await harness.say(GROUP, BEN, "/like Heat, Fargo", first_name="Ben")
    await harness.say(GROUP, CAT, "/like Toy Story, Babe", first_name="Cat")
    harness.fake.admins.add((GROUP, ANN))
    await harness.say(GROUP, ANN, "/timezone europe/berlin")


async def test_a_night_planned_for_friday_is_reminded_votes_and_closes_at_its_deadline(
    harness: Harness, clock: FileClock
) -> None:
    await _group(harness)
    assert await harness.storage.zone(GROUP) == "Europe/Berlin"
    roster = await harness.say(GROUP, ANN, "/movienight fri 20:00")
    assert "Fri 13 Jun, 20:00" in roster.text and "Times are in Europe/Berlin" in roster.text
    for who in (ANN, BEN, CAT):
        await harness.press(GROUP, who, roster, presses.night("i"))
    assert "Fri 13 Jun, 20:00" in roster.text and roster.text.count("•") == 3
    harness.fake.left.add((GROUP, CAT))  # Cat leaves the group before the reminder
    assert await _tick(harness, clock, _at(2025, 6, 13, 17, 0)) == []  # nothing due yet
    (reminder,) = await _tick(harness, clock, _at(2025, 6, 13, 18, 0))
    assert reminder.reply_to == roster.message_id
    assert "Ann" in reminder.text and "Ben" in reminder.text and "Cat" not in reminder.text
    assert "@" not in reminder.html and "Fri 13 Jun, 20:00" in reminder.text
    assert await harness.storage.night_members(GROUP, roster.message_id) == [ANN, BEN]
    assert "Cat" not in roster.text and roster.text.count("•") == 2
    picks, poll_message, nudge = await _tick(harness, clock, _at(2025, 6, 13, 19, 0))
    assert "Movie night picks" in picks.text and picks.reply_to == roster.message_id
    assert poll_message.reply_to == roster.message_id and "closes at 20:00" in poll_message.text
    assert nudge.reply_to == poll_message.message_id and "Not voted yet: Ann, Ben" in nudge.text
    poll_id = next(iter(harness.fake.polls))
    assert harness.fake.polls[poll_id]["open_period"] == 3600  # open until the start
    update = harness.fake.vote(poll_id, ANN, [1])
    await harness.app.process_update(Update.de_json(update, harness.app.bot))
    assert not harness.fake.polls[poll_id]["is_closed"]  # Ben has not voted
    (winner,) = await _tick(harness, clock, _at(2025, 6, 13, 20, 0))
    assert "Tonight:" in winner.text and "1 of 1 vote" in winner.text and "late" not in winner.text
    assert winner.reply_to == roster.message_id and harness.fake.polls[poll_id]["is_closed"]
    history = await harness.say(GROUP, BEN, "/history")
    assert "(13 Jun 2025)" in history.text  # the night's date, not the day it was planned
    jobs = await harness.storage.night_jobs(GROUP, roster.message_id)
    assert [(j.kind, j.attempts, done is not None) for j, done, _ in jobs] == [
        (planned.REMIND, 1, True),
        (planned.OPEN, 1, True),
        (planned.CLOSE, 1, True),
    ]
    assert await _tick(harness, clock, _at(2025, 6, 14, 20, 0)) == []  # nothing runs twice


async def test_the_vote_closes_early_once_everyone_in_has_voted(
    harness: Harness, clock: FileClock
) -> None:
    await _group(harness)
    roster = await harness.say(GROUP, ANN, "/movienight tomorrow 21:30")
    for who in (ANN, BEN):
        await harness.press(GROUP, who, roster, presses.night("i"))
    await harness.press(GROUP, ANN, roster, presses.night("p"))  # Pick now: picks, then Vote
    picks = harness.fake.last(GROUP)
    await harness.press(GROUP, BEN, picks, presses.vote("v"))
    poll_id = next(iter(harness.fake.polls))
    for who in (ANN, BEN):
        update = harness.fake.vote(poll_id, who, [0])
        await harness.app.process_update(Update.de_json(update, harness.app.bot))
    assert harness.fake.polls[poll_id]["is_closed"] and "2 of 2" in harness.fake.last(GROUP).text
    # the reminder still names who is in; opening and closing find the vote decided
    (reminder,) = await _tick(harness, clock, _at(2025, 6, 12, 19, 30))
    assert "Ann, Ben" in reminder.text and "vote" not in reminder.text.lower()
    assert await _tick(harness, clock, _at(2025, 6, 12, 22, 0)) == []
    assert len(harness.fake.polls) == 1 and len(await harness.storage.history(GROUP)) == 1


async def test_cancel_by_whoever_planned_it_or_an_admin(harness: Harness, clock: FileClock) -> None:
    await _group(harness)
    roster = await harness.say(GROUP, BEN, "/movienight sat 20:00")
    await harness.press(GROUP, ANN, roster, presses.night("i"))
    refused = await harness.say(GROUP, CAT, "/cancel")
    assert refused.text == night_views.cancel_not_allowed()
    done = await harness.say(GROUP, ANN, "/cancel")  # Ann is an admin
    assert done.text == night_views.cancel_done()
    assert "cancelled" in roster.text and roster.buttons() == []
    assert await _tick(harness, clock, _at(2025, 6, 15, 0, 0)) == []  # no reminder, no vote
    again = await harness.say(GROUP, BEN, "/cancel")
    assert again.text == night_views.cancel_none()


async def test_without_a_zone_times_are_utc_and_the_roster_says_so(
    harness: Harness, clock: FileClock
) -> None:
    await harness.say(GROUP, ANN, "/like Alien", first_name="Ann")
    roster = await harness.say(GROUP, ANN, "/movienight in 3h comedy")
    assert "Times are in UTC" in roster.text and "/timezone" in roster.text
    assert "Comedy" in roster.text
    found = await harness.storage.plan(GROUP, roster.message_id)
    assert found is not None and found.zone == "UTC"
    assert found.starts_at == _at(2025, 6, 11, 12, 0) + 3 * 3600
    refused = await harness.say(GROUP, BEN, "/timezone Europe/Berlin")
    assert refused.text == night_views.zone_admin_only()
    unknown = await harness.say(GROUP, ANN, "/timezone Mars/Olympus")
    assert "Mars/Olympus" in unknown.text


async def test_a_night_planned_across_the_clock_change(harness: Harness, clock: FileClock) -> None:
    await _group(harness)
    clock.set(_at(2025, 3, 29, 12, 0))  # Saturday; the clocks go forward on Sunday 02:00
    roster = await harness.say(GROUP, ANN, "/movienight sun 20:00")
    assert "Sun 30 Mar, 20:00" in roster.text
    jobs = {
        j.kind: j.due_at for j, _, _ in await harness.storage.night_jobs(GROUP, roster.message_id)
    }
    assert jobs[planned.CLOSE] == datetime(2025, 3, 30, 18, 0, tzinfo=UTC).timestamp()  # CEST
    assert jobs[planned.REMIND] == datetime(2025, 3, 30, 16, 0, tzinfo=UTC).timestamp()
    await harness.press(GROUP, ANN, roster, presses.night("i"))
    # 19:00 CET would be 18:00 UTC: the clock change made it 17:00 UTC; the vote opens then
    (reminder,) = await _tick(harness, clock, _at(2025, 3, 30, 16, 30, zone=UTC))  # type: ignore[arg-type]
    assert "Sun 30 Mar, 20:00" in reminder.text
    opened = await _tick(harness, clock, datetime(2025, 3, 30, 17, 0, tzinfo=UTC).timestamp())
    assert any("closes at 20:00" in m.text for m in opened)
    (winner,) = await _tick(harness, clock, datetime(2025, 3, 30, 18, 0, tzinfo=UTC).timestamp())
    assert "Tonight:" in winner.text
