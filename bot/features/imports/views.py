"""The import feature's texts and keyboards (see `bot.ui.texts` for how texts are written).

Counts are shown as "label: number" wherever several stand together, so no sentence has to agree
with a number in a language with three plural forms; a sentence about one count uses ngettext."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.features.imports.callbacks import Decide, ImportCancel, ImportGo, ShowUnsure, UndoImport
from bot.features.ratings import views as ratings_views
from bot.i18n import _, ngettext
from bot.storage import Imported
from bot.ui import html, texts
from bot.ui.keyboards import button
from movierec.history import MAX_ROWS, Problem

SOURCES = {"letterboxd": "Letterboxd", "imdb": "IMDb", "movierec": "Movierec"}


def summary(counts: dict[str, int], source: str, latest_year: int | None) -> str:
    """The summary before anything is saved."""
    name = SOURCES.get(source, source)
    lines = [
        ngettext(
            "📥 <b>Your {source} export</b>: {count} film.",
            "📥 <b>Your {source} export</b>: {count} films.",
            counts["total"],
        ).format(source=escape(name), count=counts["total"]),
        _(
            "✅ Matched: {matched} (rated: {rated}, watched without a rating: {watched}, "
            "watchlist: {saved})"
        ).format(
            matched=counts["matched"],
            rated=counts["rated"],
            watched=counts["watched"],
            saved=counts["saved"],
        ),
        _("→ 👍 {likes} · 👎 {dislikes} · seen: {seen}").format(
            likes=counts["likes"], dislikes=counts["dislikes"], seen=counts["seen"]
        ),
    ]
    if counts["unsure"]:
        if counts["taken"] or counts["skipped"]:
            lines.append(
                _("❓ Unsure: {count} (confirmed: {taken}, skipped: {skipped})").format(
                    count=counts["unsure"], taken=counts["taken"], skipped=counts["skipped"]
                )
            )
        else:
            lines.append(_("❓ Unsure: {count}").format(count=counts["unsure"]))
    if counts["missing"]:
        if counts["newer"] and latest_year:
            lines.append(
                _("🚫 Not in my catalogue: {count} (newer than {year}: {newer})").format(
                    count=counts["missing"], year=latest_year, newer=counts["newer"]
                )
            )
        else:
            lines.append(_("🚫 Not in my catalogue: {count}").format(count=counts["missing"]))
    if counts["not_films"]:
        lines.append(
            _("⏭ Skipped, not films (TV series, episodes): {count}").format(
                count=counts["not_films"]
            )
        )
    if counts["formulas"]:
        lines.append(
            _("⏭ Skipped, spreadsheet formulas instead of values: {count}").format(
                count=counts["formulas"]
            )
        )
    if counts["unreadable"]:
        lines.append(
            _("⏭ Skipped, rows without a title: {count}").format(count=counts["unreadable"])
        )
    if counts["matched"] or counts["unsure"]:
        lines.append(_("Nothing is saved until you tap ✅ Import."))
    else:
        lines.append(_("None of these films are in my catalogue, so there is nothing to import."))
    return "\n".join(lines)


def summary_keyboard(import_id: int, counts: dict[str, int]) -> InlineKeyboardMarkup:
    """✅ Import, 👀 Show unsure (while any is undecided), ❌ Cancel."""
    row = []
    if counts["matched"] or counts["taken"]:
        row.append(button(_("✅ Import"), ImportGo(import_id)))
    if counts["unsure"] > counts["taken"] + counts["skipped"]:
        row.append(button(_("👀 Show unsure"), ShowUnsure(import_id)))
    row.append(button("❌ " + texts.cancel(), ImportCancel(import_id)))
    return InlineKeyboardMarkup([row])


def unsure_question(number: int, count: int, name: str, year: int | None, title: str) -> str:
    """One unsure row: what the file says, and the catalogue film it may be."""
    said = f"{name} ({year})" if year else name
    return _("❓ {number} of {count}: your file says <b>{said}</b>. Do you mean {title}?").format(
        number=number, count=count, said=escape(said), title=html.title_html(title)
    )


def unsure_keyboard(import_id: int, index: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(_("✅ Yes, that one"), Decide(import_id, index, True)),
                button(_("⏭ Skip"), Decide(import_id, index, False)),
            ],
            [button(_("◀️ Back to the summary"), ShowUnsure(import_id, back=True))],
        ]
    )


def imported(result: Imported) -> str:
    return _(
        "✅ Imported: new ratings: {rated}, replaced: {replaced}, seen: {seen}, watchlist: "
        "{saved}; already here: {unchanged}.\n"
        "↩️ Undo import takes back exactly this, even days later (/import lists your imports)."
    ).format(
        rated=result.rated,
        replaced=result.replaced,
        seen=result.seen,
        saved=result.saved,
        unchanged=result.unchanged,
    )


def undo_keyboard(import_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(_("↩️ Undo import"), UndoImport(import_id))]])


def toast_imported() -> str:
    return _("Imported.")


def cancelled() -> str:
    return _("❌ Cancelled: nothing was saved, and the file is forgotten.")


def undone(count: int) -> str:
    return ratings_views.import_undone(count)


def already_undone() -> str:
    return ratings_views.import_already_undone()


def already_finished() -> str:
    return _("That import is finished already.")


def already_imported(day: str) -> str:
    return _(
        "You imported this file already, on {day}. Undo that import first to import it again."
    ).format(day=day)


def problem(reason: Problem, size_mb: int = 0) -> str:
    """One sentence per file that is refused as a whole (nothing of it is saved)."""
    if reason is Problem.TOO_BIG and size_mb <= 20:  # the size is not known (getFile refused)
        return _(
            "That file is over 20 MB, and Telegram lets me download files of up to 20 MB: a "
            "Letterboxd ZIP or an IMDb CSV is far smaller, send that."
        )
    if reason is Problem.TOO_BIG:
        return _(
            "That file is {size} MB, and Telegram lets me download files of up to 20 MB: a "
            "Letterboxd ZIP or an IMDb CSV is far smaller, send that."
        ).format(size=size_mb)
    if reason is Problem.TOO_MANY_ROWS:
        return _(
            "That file has more than {count} rows; I import at most {count} films at once."
        ).format(count=f"{MAX_ROWS:,}")
    sentences = {
        Problem.EMPTY: _("That file is empty: there is nothing to import."),
        Problem.NOT_AN_EXPORT: _(
            "I can't read that file: send the Letterboxd ZIP (or one of its CSV files) or "
            "IMDb's CSV export."
        ),
        Problem.BAD_ZIP: _(
            "That ZIP file is damaged or incomplete: export it again and send the new one."
        ),
        Problem.UNSAFE_ZIP: _(
            "That ZIP file holds paths outside its own folder, so I won't open it: send the ZIP "
            "as Letterboxd made it."
        ),
        Problem.ZIP_BOMB: _(
            "That ZIP file unpacks to far more than any export could (over 60 MB), so I stopped "
            "reading it."
        ),
        Problem.NOTHING_IN_ZIP: _(
            "That ZIP file has no Letterboxd or IMDb export in it (no ratings.csv, watched.csv "
            "or watchlist.csv)."
        ),
        Problem.COLUMNS: _(
            "That CSV doesn't have an export's columns: Letterboxd's have Name and Year, IMDb's "
            "have Const and Title."
        ),
        Problem.NOT_UTF8: _(
            "That file isn't UTF-8 text, as Letterboxd and IMDb write their exports: send the "
            "file as they made it."
        ),
        Problem.NO_FILMS: _("That file has no film rows I can read."),
    }
    return sentences[reason]


def download_failed() -> str:
    return _("I couldn't download that file from Telegram: please send it again.")


def privately() -> str:
    return _("Send your export to me in a private chat: it holds your ratings.")


def open_private() -> str:
    return _("📥 Open the private chat")


def private_keyboard(bot_username: str) -> InlineKeyboardMarkup:
    url = f"https://t.me/{bot_username}?start=import"
    return InlineKeyboardMarkup([[InlineKeyboardButton(open_private(), url=url)]])


def import_intro(imports: Sequence[tuple[str, int]]) -> str:
    """/import: how to get the file, how it is read, and the imports there are to undo."""
    blocks = [texts.import_hint(), texts.import_mapping()]
    if imports:
        listed = "\n".join(
            _("• {day}: films: {count}").format(day=day, count=count) for day, count in imports
        )
        blocks.append(_("Your imports (↩️ takes one back):") + "\n" + listed)
    return "\n\n".join(blocks)


def imports_keyboard(imports: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup | None:
    if not imports:
        return None
    return InlineKeyboardMarkup(
        [[button(f"↩️ {day}", UndoImport(import_id))] for import_id, day in imports[:10]]
    )


def export_caption(rated: int, seen: int, saved: int) -> str:
    return _(
        "📤 Your films: rated: {rated}, seen: {seen}, watchlist: {saved}. Letterboxd takes the "
        "CSV files (Settings → Data → Import); /import takes any of these back."
    ).format(rated=rated, seen=seen, saved=saved)


def nothing_to_export() -> str:
    return _("Nothing to export yet: rate a few films first (/start).")
