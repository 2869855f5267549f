"""Slash commands and plain messages."""

from __future__ import annotations

from telegram import Update

from bot import flows, i18n, inline, keyboards, texts
from bot import movienight as movienight_flow
from bot.callbacks import Kind
from bot.context import BotContext
from bot.flows import is_group, log, remember, reply, send_picks, who
from bot.keyboards import ListKind
from bot.logs import person
from bot.storage import ListInfo
from movierec.filters import Parsed
from movierec.titles import MatchStatus


def _argument_text(update: Update) -> str:
    """What follows the command ("/like@bot Matrix" -> "Matrix"), from the raw text."""
    message, _, _ = who(update)
    parts = (message.text or "").split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


async def start(update: Update, context: BotContext) -> None:
    """/start, also with a deep link's payload: `film_<id>` (a shared card) shows that film to
    rate; anything else is the welcome."""
    message, _, user = who(update)
    svc = context.services
    film = inline.film_from_payload(_argument_text(update).strip())
    if film is not None:
        movie = svc.rec.catalogue.get(film)
        if movie is None:
            await reply(context, message, texts.film_card_not_found())
            return
        links = texts.links_html(svc.rec.catalogue, film)
        card = texts.film_card(movie.title, movie.genres, links)
        info = ListInfo(user.id, ListKind.FILMS, 0, (film,))
        markup = keyboards.films([(film, movie.title)])
        await reply(context, message, texts.film_from_link(card), markup, info)
        return
    await flows.send_questions(message, context, user)


async def help_command(update: Update, context: BotContext) -> None:
    more = texts.help_more(context.bot.username or "")
    await reply(context, who(update)[0], f"{texts.help_text()}\n\n{more}")


async def privacy(update: Update, context: BotContext) -> None:
    await reply(context, who(update)[0], f"{texts.privacy()}\n\n{texts.privacy_more()}")


async def language(update: Update, context: BotContext) -> None:
    """/language: buttons for each language and "automatic" (Telegram's language)."""
    message, _, user = who(update)
    svc = context.services
    chosen = i18n.supported(await svc.storage.language(user.id))
    info = ListInfo(user.id, ListKind.LANGUAGE, 0, ())
    text = texts.choose_language(i18n.NATIVE_NAMES[i18n.current()])
    await reply(context, message, text, keyboards.languages(chosen), info)


async def like(update: Update, context: BotContext) -> None:
    edited = update.edited_message is not None
    await flows.record_titles(update, context, _argument_text(update), 1.0, edited)


async def dislike(update: Update, context: BotContext) -> None:
    edited = update.edited_message is not None
    await flows.record_titles(update, context, _argument_text(update), -1.0, edited)


async def recommend(update: Update, context: BotContext) -> None:
    """/rec, or /rec with filter words: /rec comedy, /rec 90s sci-fi, /rec after 2010."""
    message, chat, user = who(update)
    await remember(context, chat, user)
    words, parsed = await _filter_words(update, context)
    if words and parsed is None:
        return
    note = texts.filter_not_understood(parsed.rest) if parsed and parsed.rest else ""
    wanted = parsed.filter if parsed else None
    await send_picks(message, context, chat, user, wanted=wanted, note=note)


async def watchlist(update: Update, context: BotContext) -> None:
    message, _, user = who(update)
    await flows.send_watchlist(message, context, user)


async def movienight(update: Update, context: BotContext) -> None:
    message, chat, user = who(update)
    if not is_group(chat):
        await reply(context, message, texts.group_only())
        return
    await remember(context, chat, user)
    words, parsed = await _filter_words(update, context)
    if words and parsed is None:
        return
    await movienight_flow.start(message, context, chat, words)


async def _filter_words(update: Update, context: BotContext) -> tuple[str, Parsed | None]:
    """The filter words after a command and what they mean; (words, None) after telling the
    person that nothing in them was understood."""
    words = _argument_text(update).strip()
    if not words:
        return "", None
    parsed = await context.services.parse(words)
    if parsed.filter.is_empty():
        await reply(context, who(update)[0], texts.filter_not_understood(words))
        return words, None
    return words, parsed


async def history(update: Update, context: BotContext) -> None:
    message, chat, _ = who(update)
    if not is_group(chat):
        await reply(context, message, texts.group_only())
        return
    await movienight_flow.history(message, context, chat)


async def ratings(update: Update, context: BotContext) -> None:
    message, _, user = who(update)
    await flows.send_ratings(message, context, user)


async def forget(update: Update, context: BotContext) -> None:
    """Forget one rating, matched against the person's own rated films (stored titles too, so
    a film that left the catalogue can still be forgotten)."""
    message, chat, user = who(update)
    query = _argument_text(update).strip()
    if not query:
        await reply(context, message, texts.ask_forget())
        return
    svc = context.services
    stored = await svc.storage.rated_titles(chat.id, user.id)
    result = await svc.core(svc.rec.match, query, limit=10)
    hit = next((c.movie_id for c in result.candidates if c.movie_id in stored), None)
    if hit is None or result.status is MatchStatus.NONE:
        hit = _stored_match(query, stored)
    if hit is None:
        await reply(context, message, texts.not_rated(query))
        return
    await svc.storage.unrate(chat.id, user.id, hit)
    movie = svc.rec.catalogue.get(hit)
    await reply(context, message, texts.forgotten(movie.title if movie else stored.get(hit)))


def _stored_match(query: str, stored: dict[int, str | None]) -> int | None:
    """A rated film outside the catalogue whose stored title contains the query."""
    wanted = query.casefold()
    return next((m for m, t in stored.items() if t and wanted in t.casefold()), None)


async def reset(update: Update, context: BotContext) -> None:
    message, _, user = who(update)
    markup = keyboards.confirm(Kind.RESET, texts.yes_reset())
    info = ListInfo(user.id, ListKind.RESET, 0, ())
    await reply(context, message, texts.reset_ask(), markup, info)


async def delete_my_data(update: Update, context: BotContext) -> None:
    message, _, user = who(update)
    markup = keyboards.confirm(Kind.DELETE, texts.yes_delete())
    info = ListInfo(user.id, ListKind.DELETE, 0, ())
    await reply(context, message, texts.delete_ask(), markup, info)


async def plain_text(update: Update, context: BotContext) -> None:
    """A message that is not a command: an answer to our question, or (private) a title search.

    An answer is recognised by the question it replies to, as stored when it was asked (not by
    its wording, which changes between releases and languages)."""
    message, chat, _ = who(update)
    text = (message.text or "").strip()
    replied = message.reply_to_message
    if replied is not None and replied.from_user and replied.from_user.id == context.bot.id:
        svc = context.services
        info = await svc.storage.get_list(chat.id, replied.message_id)
        if info is not None and info.kind in (ListKind.ASK_LIKE, ListKind.ASK_DISLIKE):
            value = 1.0 if info.kind == ListKind.ASK_LIKE else -1.0
            edited = update.edited_message is not None
            await flows.record_titles(update, context, text, value, edited)
            return
    if is_group(chat):
        return  # in groups, only commands and answers to our questions are for us
    parsed = await context.services.parse(text)
    if parsed.complete and not parsed.filter.is_empty():
        user = update.effective_user
        assert user is not None
        label = flows.filter_label(parsed.filter)
        note = texts.read_as_request(label)
        await send_picks(message, context, chat, user, wanted=parsed.filter, note=note)
        return
    await search(update, context, text)


async def search(update: Update, context: BotContext, text: str) -> None:
    """A private message with a title: show the match(es) with 👍 / 👎."""
    message, chat, user = who(update)
    svc = context.services
    result = await svc.core(svc.rec.match, text, limit=3)
    log.info("search", extra={**person(chat.id), "status": result.status.value})
    if result.status is MatchStatus.NONE:
        found = result.candidates[:3]
        reply_text = texts.no_match(text, found)
    else:
        found = [result.best] if result.best is not None else result.candidates
        reply_text = texts.search_results(text, len(found))
    entries = [(c.movie_id, c.title) for c in found]
    if not entries:
        await reply(context, message, reply_text)
        return
    info = ListInfo(user.id, ListKind.FILMS, 0, tuple(m for m, _ in entries))
    await reply(context, message, reply_text, keyboards.films(entries), info)
