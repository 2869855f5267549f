"""Importing a history through the real bot and the Telegram stand-in: a person sends their
Letterboxd or IMDb export as a document (getFile, then the download, with Telegram's limits), sees
a summary before anything is saved, decides the unsure ones, imports, and can undo it days
later; /export gives back files that /import takes back to the same ratings; every bad file is
one sentence and nothing saved."""

from __future__ import annotations

import time

import pytest

from bot.features.imports import views
from bot.storage import Taste
from movierec.history import MAX_ROWS, Problem
from tests.support.exports import (
    LETTERBOXD,
    imdb_csv,
    letterboxd_zip,
    table,
    zipped,
)
from tests.support.harness import Harness
from tests.support.scenes import ANN

BEN = 2002
GROUP = -4004
RATED = {2571: 4.5, 1721: 1.5, 260: 5.0, 1214: 3.0, 608: 4.0}  # Matrix, Titanic, Star Wars, …
WATCHED = [6]  # Heat, watched without a rating
WATCHLIST = [1]  # Toy Story
UNSURE = [["2024-03-01", "Alien Resurrected", "1997", "https://boxd.it/x", "3.5"]]
NEWER = [["2024-03-01", "Parasite", "2019", "https://boxd.it/y", "5"]]


def catalogue(harness: Harness):  # type: ignore[no-untyped-def]
    return harness.app.bot_data.services.rec.catalogue


async def nothing_saved(harness: Harness, user: int = ANN) -> None:
    assert await harness.storage.taste(user, user) == Taste()


async def test_a_letterboxd_zip_summary_unsure_import_then_undo_days_later(
    harness: Harness,
) -> None:
    await harness.say(ANN, ANN, "/dislike Fargo")  # overwritten by the import, back after Undo
    before = await harness.storage.ratings(ANN, ANN)
    data = letterboxd_zip(catalogue(harness), RATED, WATCHED, WATCHLIST, UNSURE + NEWER)
    summary = await harness.upload(ANN, ANN, "letterboxd-ann-2026-12-07-10-00-utc.zip", data,
                                   mime_type="application/zip")  # fmt: skip
    assert "Letterboxd export</b>: 9 films" in summary.html
    assert "✅ Matched: 7 (rated: 5, watched without a rating: 1, watchlist: 1)" in summary.text
    assert "👍 3 · 👎 1 · seen: 2" in summary.text  # 3★ is seen; Heat watched
    assert "❓ Unsure: 1" in summary.text and "newer than 2000: 1" in summary.text
    assert [t for t, _ in summary.buttons()] == ["✅ Import", "👀 Show unsure", "❌ Cancel"]
    assert harness.fake.downloads and await harness.storage.ratings(ANN, ANN) == before

    await harness.press(ANN, ANN, summary, summary.button("Show unsure"))
    assert "your file says <b>Alien Resurrected (1997)</b>" in summary.html
    assert "Alien: Resurrection (1997)" in summary.html
    await harness.press(ANN, ANN, summary, summary.button("Yes"))
    assert "confirmed: 1, skipped: 0" in summary.text  # back to the summary, decided
    answer = await harness.press(ANN, ANN, summary, summary.button("✅ Import"))
    assert answer["text"] == views.toast_imported()
    assert "✅ Imported: new ratings: 4, replaced: 1, seen: 2, watchlist: 1" in summary.text
    assert "🍿" in harness.fake.last(ANN).text  # then picks
    ratings = await harness.storage.ratings(ANN, ANN)
    assert ratings[2571] == 1.0 and ratings[1721] == -1.0 and ratings[1690] == 1.0
    assert ratings[608] == 1.0 and 1214 not in ratings
    assert {6, 1214} <= await harness.storage.hidden(ANN, ANN)
    assert await harness.storage.watchlist(ANN, ANN) == [1]

    again = await harness.upload(ANN, ANN, "letterboxd.zip", data)  # the same file twice
    assert "imported this file already" in again.text
    assert "/import lists your imports" in (await harness.say(ANN, ANN, "/ratings")).text

    # days later: the summary's Undo still works (its list row is three days old)
    with harness.storage.engine.begin() as db:
        db.exec_driver_sql(f"UPDATE lists SET created_at = {time.time() - 3 * 86400}")
        db.exec_driver_sql(f"UPDATE imports SET applied_at = {time.time() - 3 * 86400}")
    listing = await harness.say(ANN, ANN, "/import")
    assert "Letterboxd: Settings → Data" in listing.text and "↩️" in listing.buttons()[0][0]
    answer = await harness.press(ANN, ANN, summary, summary.button("Undo import"))
    assert answer["text"] == views.undone(8)
    assert await harness.storage.ratings(ANN, ANN) == before  # Fargo: 👎 again
    assert await harness.storage.hidden(ANN, ANN) == set()
    assert await harness.storage.watchlist(ANN, ANN) == []
    again = await harness.press(ANN, ANN, listing, listing.buttons()[0][1])
    assert again["text"] == views.already_undone()


async def test_imdb_by_const_skips_tv_and_cancel_saves_nothing(harness: Harness) -> None:
    data = imdb_csv(catalogue(harness), {2571: 9, 1721: 2, 6: 6}, tv=2)
    summary = await harness.upload(ANN, ANN, "ratings.csv", data)
    assert "IMDb export</b>: 3 films" in summary.html
    assert "Skipped, not films (TV series, episodes): 2" in summary.text
    await harness.press(ANN, ANN, summary, summary.button("Cancel"))
    assert summary.text == views.cancelled()
    await nothing_saved(harness)


async def test_export_round_trips_through_import(harness: Harness) -> None:
    data = letterboxd_zip(catalogue(harness), RATED, WATCHED, WATCHLIST)
    summary = await harness.upload(ANN, ANN, "letterboxd.zip", data)
    await harness.press(ANN, ANN, summary, summary.button("✅ Import"))
    await harness.say(ANN, ANN, "/like Jurassic Park")  # a rating of the bot's own, too
    mine = await harness.storage.taste(ANN, ANN)
    await harness.say(ANN, ANN, "/export")
    sent = [m for m in harness.fake.messages(ANN) if m.document][-3:]
    names = [m.document["file_name"] for m in sent]  # type: ignore[index]
    assert names == ["movierec-ratings.csv", "movierec-watchlist.csv", "movierec.json"]
    assert "rated: 5, seen: 2, watchlist: 1" in sent[0].text
    ratings_csv = harness.fake.file(sent[0].document["file_id"])  # type: ignore[index]
    assert ratings_csv.startswith(b"Title,Year,Rating,imdbID,WatchedDate\r\n")
    assert b"The Matrix,1999,4.5,tt0133093,2024-03-01" in ratings_csv
    for document in sent:  # Ben brings Ann's files: the same films, the same way
        content = harness.fake.file(document.document["file_id"])  # type: ignore[index]
        name = document.document["file_name"]  # type: ignore[index]
        reply = await harness.upload(BEN, BEN, name, content)
        await harness.press(BEN, BEN, reply, reply.button("✅ Import"))
    theirs = await harness.storage.taste(BEN, BEN)
    assert theirs == mine


async def test_a_group_is_sent_to_the_private_chat(harness: Harness) -> None:
    data = letterboxd_zip(catalogue(harness), RATED)
    reply = await harness.upload(GROUP, ANN, "letterboxd.zip", data, chat_type="group")
    assert reply.text == views.privately()
    url = reply.reply_markup["inline_keyboard"][0][0]["url"]  # type: ignore[index]
    assert url == "https://t.me/movierec_test_bot?start=import"
    assert not harness.fake.downloads  # the file was not even fetched
    hint = await harness.say(ANN, ANN, "/start import")
    assert "Letterboxd: Settings → Data" in hint.text


def _bomb() -> bytes:
    return zipped({"ratings.csv": table(LETTERBOXD, []) + b"0" * (80 * 1024 * 1024)})


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("poster.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", Problem.NOT_AN_EXPORT),
        ("people.csv", b"name,age\nann,30\n", Problem.COLUMNS),
        ("ratings.csv", b"", Problem.EMPTY),
        ("letterboxd.zip", _bomb(), Problem.ZIP_BOMB),
        ("letterboxd.zip", zipped({"../../ratings.csv": b"x"}), Problem.UNSAFE_ZIP),
        ("letterboxd.zip", zipped({"a/b/c/ratings.csv": b"x"}), Problem.NOTHING_IN_ZIP),
        ("ratings.csv", table(LETTERBOXD, [["2024", '=HYPERLINK("x")', "1999", "u", "5"]]),
         Problem.NO_FILMS),
        ("ratings.csv", b"Date,Name,Year,Letterboxd URI,Rating\n2024,Am\xe9lie,2001,u,4\n",
         Problem.NOT_UTF8),
        ("ratings.csv", table(LETTERBOXD, [["2024", "Heat", "1995", "u", "4"]] * (MAX_ROWS * 5)),
         Problem.TOO_MANY_ROWS),
    ],
)  # fmt: skip
async def test_bad_files_get_one_sentence_and_nothing_is_saved(
    harness: Harness, name: str, data: bytes, problem: Problem
) -> None:
    reply = await harness.upload(ANN, ANN, name, data)
    assert reply.text == views.problem(problem) and not reply.buttons()
    assert ". " not in reply.text  # one sentence
    await nothing_saved(harness)


async def test_a_file_over_twenty_megabytes_is_refused_before_download(harness: Harness) -> None:
    data = b"x" * (30 * 1024 * 1024)
    reply = await harness.upload(ANN, ANN, "ratings.csv", data)
    assert reply.text == views.problem(Problem.TOO_BIG, 30)
    assert not harness.fake.downloads
    unsized = await harness.upload(ANN, ANN, "ratings.csv", data, size_shown=False)
    assert unsized.text == views.problem(Problem.TOO_BIG)  # getFile said "file is too big"
    assert [e.description for e in harness.fake.errors] == ["Bad Request: file is too big"]
    harness.fake.errors.clear()  # Telegram refused, as it should: the bot said so
    assert not harness.fake.downloads
    await nothing_saved(harness)


async def test_formula_cells_are_skipped_and_said(harness: Harness) -> None:
    rows = [["2024", '=HYPERLINK("http://evil","x")', "1999", "u", "5"],
            ["2024", "Heat", "1995", "u", "4"]]  # fmt: skip
    summary = await harness.upload(ANN, ANN, "ratings.csv", table(LETTERBOXD, rows))
    assert "spreadsheet formulas instead of values: 1" in summary.text
    assert "✅ Matched: 1" in summary.text


async def test_undo_from_ratings(harness: Harness) -> None:
    await harness.say(ANN, ANN, "/like Alien")
    data = imdb_csv(catalogue(harness), {2571: 9, 1721: 2, 1214: 3})  # Alien: 👍 -> 👎
    summary = await harness.upload(ANN, ANN, "imdb-ratings.csv", data)
    await harness.press(ANN, ANN, summary, summary.button("✅ Import"))
    assert await harness.storage.ratings(ANN, ANN) == {1214: -1.0, 2571: 1.0, 1721: -1.0}
    listing = await harness.say(ANN, ANN, "/ratings")
    assert "came from a file" in listing.text
    answer = await harness.press(ANN, ANN, listing, listing.button("Undo the import of"))
    assert answer["text"] == views.undone(3)
    assert await harness.storage.ratings(ANN, ANN) == {1214: 1.0}
    assert "came from a file" not in listing.text  # the page again, without the import
    assert not [t for t, _ in listing.buttons() if "Undo the import" in t]
