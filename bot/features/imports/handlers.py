"""Bringing a history in (/import, a document in the private chat) and out (/export).

A document is downloaded (getFile, then the file; Telegram lets bots fetch 20 MB), read and
matched in a worker thread (`movierec.history`), and answered with a summary before anything is
saved; the file itself is never stored or logged: only the matched films wait, as the import's
pending state, for ✅ Import (one transaction), ❌ Cancel, or a decision on each unsure one.
After ✅, the message says what changed and carries ↩️ Undo import, which works days later too
(/import lists every import). "Seen" (watched without a rating, or a middling one) is kept as a
hidden film: never suggested again and not scored, as 🙈 does; the import remembers which of
its films those are, so /export writes them back as watched.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import threading
from datetime import UTC, datetime
from typing import Any

from telegram import Chat, InputFile, Update
from telegram.error import BadRequest, TelegramError

from bot.context import BotContext, Services
from bot.features.imports import views
from bot.features.imports.callbacks import Decide, ImportCancel, ImportGo, ShowUnsure, UndoImport
from bot.features.imports.lists import IMPORTS, SUMMARY, ImportPayload
from bot.features.picks.handlers import send_picks
from bot.logs import person
from bot.storage import ImportInfo, ImportItem, ImportStatus
from bot.ui.buttons import Press, Reply, on, owner_only
from bot.ui.lists import ListInfo
from bot.ui.messages import View, edit_view, log, reply, who
from movierec.history import (
    MAX_BYTES,
    Entry,
    ExportError,
    Kind,
    Matcher,
    Matching,
    Problem,
    Row,
    export_csv,
    export_json,
    opinion_of,
    read_export,
)
from movierec.recommender import Catalogue

MAX_UNSURE_KEPT = 500  # unsure films asked about one by one; more would be a chore anyway
EXPORT_NAMES = (".csv", ".zip", ".json")
_MATCHER: list[tuple[Catalogue, Matcher]] = []  # the catalogue's, kept with it (one at a time)
_MATCHER_LOCK = threading.Lock()

# A pending import, as the store keeps it (JSON): the source, the sure films
# [movie, kind, value, rating10, watched] and the unsure ones
# [movie, name, year, kind, value, rating10, watched, decision (None, 1 taken, 0 skipped)].
Pending = dict[str, Any]


def matcher(catalogue: Catalogue) -> Matcher:
    """The catalogue's matcher, built once per catalogue (about 0.1 s for ml-1m)."""
    with _MATCHER_LOCK:
        if _MATCHER and _MATCHER[0][0] is catalogue:
            return _MATCHER[0][1]
        popularity = {}
        for movie_id in catalogue.frame.index:
            movie = catalogue.get(int(movie_id))
            popularity[int(movie_id)] = movie.ratings_count if movie else 0
        found = Matcher(catalogue.frame, popularity)
        _MATCHER[:] = [(catalogue, found)]
        return found


def item_of(row: Row) -> tuple[str, float | None]:
    """What a row sets: a rating (r, +1/-1), seen (h) or the watchlist (s)."""
    if row.kind is Kind.RATED:
        opinion = opinion_of(row.rating10)
        return ("r", opinion) if opinion is not None else ("h", None)
    if row.kind is Kind.LIKED:
        return "r", 1.0
    if row.kind is Kind.SEEN:
        return "h", None
    return "s", None


def pending_of(source: str, matching: Matching) -> Pending:
    sure = []
    for found in matching.matched:
        kind, value = item_of(found.row)
        sure.append([found.movie_id, kind, value, found.row.rating10, found.row.watched])
    unsure = []
    for asked in matching.unsure[:MAX_UNSURE_KEPT]:
        kind, value = item_of(asked.row)
        row = asked.row
        unsure.append(
            [
                asked.movie_id,
                row.title[:200],
                row.year,
                kind,
                value,
                row.rating10,
                row.watched,
                None,
            ]
        )
    return {"s": source, "m": sure, "u": unsure}


def counts_of(matching: Matching, pending: Pending) -> dict[str, int]:
    """The summary's numbers that come from the file (the rest follow from `pending`)."""
    kinds = [m.row.kind for m in matching.matched]
    return {
        "total": matching.total,
        "rated": sum(k is Kind.RATED for k in kinds),
        "watched": sum(k in (Kind.SEEN, Kind.LIKED) for k in kinds),
        "missing": matching.missing + max(0, len(matching.unsure) - len(pending["u"])),
        "newer": matching.newer,
        "not_films": matching.not_films,
        "formulas": matching.formulas,
        "unreadable": matching.unreadable,
    }


def tally(base: dict[str, int], pending: Pending) -> dict[str, int]:
    """Every number of the summary, with the unsure ones decided so far."""
    chosen = pending["m"] + [u[:1] + u[3:7] for u in pending["u"] if u[7] == 1]
    return {
        **base,
        "matched": len(pending["m"]),
        "saved": sum(kind == "s" for _, kind, *_ in pending["m"]),
        "likes": sum(kind == "r" and (value or 0) > 0 for _, kind, value, *_ in chosen),
        "dislikes": sum(kind == "r" and (value or 0) < 0 for _, kind, value, *_ in chosen),
        "seen": sum(kind == "h" for _, kind, *_ in chosen),
        "unsure": len(pending["u"]),
        "taken": sum(u[7] == 1 for u in pending["u"]),
        "skipped": sum(u[7] == 0 for u in pending["u"]),
    }


def _day(when: float | None) -> str:
    return datetime.fromtimestamp(when or 0, UTC).strftime("%Y-%m-%d")


def summary_view(svc: Services, info: ImportInfo) -> View:
    pending: Pending = json.loads(info.pending or "{}")
    counts = tally(json.loads(info.counts), pending)
    text = views.summary(counts, pending.get("s", ""), svc.rec.catalogue.latest_year)
    return text, views.summary_keyboard(info.import_id, counts)


# ------------------------------------------------------------------ /import, a document
async def import_command(update: Update, context: BotContext) -> None:
    message, chat, user = who(update)
    if chat.type != Chat.PRIVATE:
        await reply(
            context, message, views.privately(), views.private_keyboard(context.bot.username)
        )
        return
    text, markup = await _imports_view(context.services, chat.id, user.id)
    info = ListInfo(user.id, IMPORTS) if markup else None
    await reply(context, message, text, markup, info)


async def _imports_view(svc: Services, chat_id: int, user_id: int) -> View:
    applied = await svc.storage.applied_imports(chat_id, user_id)
    listed = [(_day(i.applied_at), int(json.loads(i.counts).get("applied", 0))) for i in applied]
    text = views.import_intro(listed)
    return text, views.imports_keyboard([(i.import_id, _day(i.applied_at)) for i in applied])


async def document(update: Update, context: BotContext) -> None:
    """A file sent as a document: in the private chat, an export to import."""
    message, chat, user = who(update)
    doc = message.document
    if doc is None:
        return
    name = doc.file_name or ""
    if chat.type != Chat.PRIVATE:
        if name.lower().endswith(EXPORT_NAMES):
            link = views.private_keyboard(context.bot.username)
            await reply(context, message, views.privately(), link)
        return
    svc = context.services
    if doc.file_size is not None and doc.file_size > MAX_BYTES:
        await reply(context, message, views.problem(Problem.TOO_BIG, _mb(doc.file_size)))
        return
    try:
        file = await context.bot.get_file(doc.file_id)
        data = bytes(await file.download_as_bytearray())
    except BadRequest as error:
        if "too big" in error.message.lower():
            await reply(context, message, views.problem(Problem.TOO_BIG, _mb(doc.file_size or 0)))
        else:
            await reply(context, message, views.download_failed())
        return
    except TelegramError:
        await reply(context, message, views.download_failed())
        return
    digest = hashlib.sha256(data).hexdigest()
    try:
        export = await svc.core(read_export, name, data)
    except ExportError as refused:
        log.info("import refused", extra={**person(chat.id, user.id), "why": refused.problem.value})
        await reply(context, message, views.problem(refused.problem, _mb(len(data))))
        return
    finally:
        del data  # nothing of the file is kept
    matching = await svc.core(matcher(svc.rec.catalogue).match, export)
    pending = pending_of(export.source, matching)
    counts = counts_of(matching, pending)
    info = await svc.storage.start_import(
        chat.id, user.id, digest, json.dumps(counts), json.dumps(pending)
    )
    log.info("import summarised", extra={**person(chat.id, user.id), "films": matching.total})
    if info.status is ImportStatus.APPLIED:
        undo = views.undo_keyboard(info.import_id)
        text = views.already_imported(_day(info.applied_at))
        await reply(context, message, text, undo, ListInfo(user.id, IMPORTS))
        return
    text, markup = summary_view(svc, info)
    await reply(
        context,
        message,
        text,
        markup,
        ListInfo(user.id, SUMMARY, payload=ImportPayload(info.import_id)),
    )


def _mb(size: int) -> int:
    return -(-size // (1024 * 1024))


# ------------------------------------------------------------------ the summary's buttons
async def _pending(press: Press, import_id: int) -> ImportInfo | None:
    info = await press.context.services.storage.get_import(import_id)
    if info is None or info.user_id != press.user.id or info.status is not ImportStatus.PENDING:
        return None
    return info


def _show(press: Press, view: View) -> Any:
    context, chat_id, message_id = press.context, press.chat.id, press.message.message_id

    async def shown() -> View:
        return view

    return lambda: edit_view(context, chat_id, message_id, shown)


@on(ImportGo)
@owner_only
async def _import(press: Press[ImportGo]) -> Reply:
    svc, chat, user = press.context.services, press.chat, press.user
    info = await _pending(press, press.data.import_id)
    if info is None or info.pending is None:
        return views.already_finished(), None
    pending: Pending = json.loads(info.pending)
    chosen = pending["m"] + [u[:1] + u[3:7] for u in pending["u"] if u[7] == 1]
    items = []
    for movie_id, kind, value, rating10, watched in chosen:
        movie = svc.rec.catalogue.get(movie_id)
        title = movie.title if movie else None
        items.append(ImportItem(movie_id, kind, value, rating10, watched, title))
    result = await svc.storage.apply_import(info.import_id, items)
    if result is None:
        return views.already_finished(), None
    log.info("import applied", extra={**person(chat.id, user.id), "films": len(items)})
    counts = json.loads(info.counts) | {"applied": len(items)}
    await svc.storage.update_counts(info.import_id, json.dumps(counts))
    context, message = press.context, press.message

    async def follow() -> None:
        text, markup = views.imported(result), views.undo_keyboard(info.import_id)
        await _show(press, (text, markup))()
        await send_picks(message, context, chat, user)

    return views.toast_imported(), follow


@on(ImportCancel)
@owner_only
async def _cancel(press: Press[ImportCancel]) -> Reply:
    if not await press.context.services.storage.cancel_import(press.data.import_id):
        return views.already_finished(), None
    return "", _show(press, (views.cancelled(), None))


@on(ShowUnsure)
@owner_only
async def _unsure(press: Press[ShowUnsure]) -> Reply:
    info = await _pending(press, press.data.import_id)
    if info is None:
        return views.already_finished(), None
    return "", _show(press, _unsure_view(press.context.services, info, back=press.data.back))


def _unsure_view(svc: Services, info: ImportInfo, back: bool = False) -> View:
    """The first undecided unsure film, or the summary when none is left (or asked for)."""
    pending: Pending = json.loads(info.pending or "{}")
    unsure = pending.get("u", [])
    undecided = [i for i, u in enumerate(unsure) if u[7] is None]
    if back or not undecided:
        return summary_view(svc, info)
    index = undecided[0]
    movie_id, name, year, *_ = unsure[index]
    movie = svc.rec.catalogue.get(movie_id)
    title = movie.title if movie else str(movie_id)
    number = len(unsure) - len(undecided) + 1
    text = views.unsure_question(number, len(unsure), name, year, title)
    return text, views.unsure_keyboard(info.import_id, index)


@on(Decide)
@owner_only
async def _decide(press: Press[Decide]) -> Reply:
    svc, data = press.context.services, press.data
    async with svc.edit_lock(press.chat.id, press.message.message_id):
        info = await _pending(press, data.import_id)
        if info is None:
            return views.already_finished(), None
        pending: Pending = json.loads(info.pending or "{}")
        unsure = pending.get("u", [])
        if data.index >= len(unsure) or unsure[data.index][7] is not None:
            return "", None  # decided already (a double tap)
        unsure[data.index][7] = 1 if data.take else 0
        text = json.dumps(pending)
        if not await svc.storage.update_pending(info.import_id, text):
            return views.already_finished(), None
    updated = dataclasses.replace(info, pending=text)
    return "", _show(press, _unsure_view(svc, updated))


@on(UndoImport)
@owner_only
async def _undo(press: Press[UndoImport]) -> Reply:
    svc, chat, user = press.context.services, press.chat, press.user
    changed = await svc.storage.undo_import(press.data.import_id, user.id)
    if changed is None:
        return views.already_undone(), None
    log.info("import undone", extra={**person(chat.id, user.id), "films": changed})
    if press.info is not None and press.info.kind is IMPORTS:
        view = await _imports_view(svc, chat.id, user.id)
        context, message_id = press.context, press.message.message_id

        async def relist() -> None:
            async def shown() -> View:
                return view

            await edit_view(context, chat.id, message_id, shown)
            await reply(context, press.message, views.undone(changed))

        return views.undone(changed), relist
    return views.undone(changed), _show(press, (views.undone(changed), None))


# ------------------------------------------------------------------ /export
async def export_command(update: Update, context: BotContext) -> None:
    message, chat, user = who(update)
    if chat.type != Chat.PRIVATE:
        await reply(
            context, message, views.privately(), views.private_keyboard(context.bot.username)
        )
        return
    svc = context.services
    entries = await entries_of(svc, chat.id, user.id)
    if not entries:
        await reply(context, message, views.nothing_to_export())
        return
    rated = sum(e.kind == "rated" for e in entries)
    seen = sum(e.kind == "seen" for e in entries)
    saved = sum(e.kind == "watchlist" for e in entries)
    caption = views.export_caption(rated, seen, saved)
    files = []
    if rated or seen:
        files.append(("movierec-ratings.csv", export_csv(entries)))
    if saved:
        files.append(("movierec-watchlist.csv", export_csv(entries, watchlist=True)))
    files.append(("movierec.json", export_json(entries)))
    for number, (name, content) in enumerate(files):
        await message.reply_document(
            InputFile(content, filename=name), caption=caption if number == 0 else None
        )
    log.info("exported", extra={**person(chat.id, user.id), "films": len(entries)})


async def entries_of(svc: Services, chat_id: int, user_id: int) -> list[Entry]:
    """What a person has in a chat, as /export writes it: ratings (the file's own rating when
    an import set it and it still stands), the seen films imports marked, the watchlist."""
    taste = await svc.storage.taste(chat_id, user_id)
    facts = await svc.storage.imported_facts(chat_id, user_id)
    catalogue = svc.rec.catalogue
    entries = []

    def entry(movie_id: int, kind: str, rating10: int | None, watched: str | None) -> None:
        movie = catalogue.get(movie_id)
        if movie is None:
            return
        links = catalogue.links(movie_id)
        imdb = _imdb(links.imdb) if links is not None else None
        entries.append(Entry(movie_id, movie.title, movie.year, kind, rating10, imdb, watched))

    for movie_id, value in taste.ratings.items():
        kind, stored, rating10, watched = facts.get(movie_id, ("", None, None, None))
        same = kind == "r" and stored == value and rating10 is not None
        if not (same and opinion_of(rating10) == value):
            rating10 = 8 if value > 0 else 4  # the bot's own 👍 / 👎 as 4★ / 2★
        entry(movie_id, "rated", rating10, watched if kind == "r" else None)
    for movie_id in sorted(taste.hidden):
        kind, _, rating10, watched = facts.get(movie_id, ("", None, None, None))
        if kind == "h":  # seen, as an import said (🙈 hidden films are not "watched")
            entry(movie_id, "seen", rating10, watched)
    for movie_id in sorted(taste.saved):
        entry(movie_id, "watchlist", None, None)
    return entries


@functools.cache
def _imdb(url: str | None) -> int | None:
    if not url or "/tt" not in url:
        return None
    digits = url.rstrip("/").rsplit("/tt", 1)[1]
    return int(digits) if digits.isdigit() else None
