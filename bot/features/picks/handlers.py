"""Picks: /rec (with filter words), a private message read as a filtered request, and the
buttons under a person's picks (🙈, More, 🎭 / 📅 chips, "any film")."""

from __future__ import annotations

from telegram import Chat, InlineKeyboardMarkup, Message, Update, User

from bot.context import BotContext, Services
from bot.features import argument_text
from bot.features.picks import views
from bot.features.picks.callbacks import ChipKind, Chips, Filtered, Hide
from bot.features.picks.lists import CHIPS, PICKS, PicksPayload
from bot.features.ratings import handlers as ratings
from bot.logs import person
from bot.storage import Taste
from bot.ui import texts
from bot.ui.buttons import Press, Reply, on, send
from bot.ui.keyboards import marks
from bot.ui.lists import ListInfo
from bot.ui.messages import is_group, log, rebuilds, remember, reply, who
from bot.ui.more import More
from movierec.filters import Filter, Parsed
from movierec.recommender import PreferencesError

PICK_COUNT = 5  # picks per list


def known_ratings(svc: Services, taste: Taste) -> tuple[dict[int, float], set[int]]:
    """(what a person's picks are scored from, every film they rated). The first is
    `Recommender.known`: catalogue films only (one that left the catalogue never breaks a list),
    the newest 5,000 at most; the second is never picked again, however old."""
    return svc.rec.known(taste.ratings), set(taste.ratings)


async def recommend(update: Update, context: BotContext) -> None:
    """/rec, or /rec with filter words: /rec comedy, /rec 90s sci-fi, /rec after 2010."""
    message, chat, user = who(update)
    await remember(context, chat, user)
    words, parsed = await filter_words(update, context)
    if words and parsed is None:
        return
    note = texts.filter_not_understood(parsed.rest) if parsed and parsed.rest else ""
    wanted = parsed.filter if parsed else None
    await send_picks(message, context, chat, user, wanted=wanted, note=note)


async def filter_words(update: Update, context: BotContext) -> tuple[str, Parsed | None]:
    """The filter words after a command and what they mean; (words, None) after telling the
    person that nothing in them was understood."""
    words = argument_text(update).strip()
    if not words:
        return "", None
    parsed = await context.services.parse(words)
    if parsed.filter.is_empty():
        await reply(context, who(update)[0], texts.filter_not_understood(words))
        return words, None
    return words, parsed


async def send_picks(
    message: Message,
    context: BotContext,
    chat: Chat,
    user: User,
    offset: int = 0,
    wanted: Filter | None = None,
    note: str = "",
) -> None:
    """A person's next five picks in this chat (within `wanted`, a genre/year filter), with
    buttons under them. The filter is applied before ranking, so asking for horror gives five
    horror films, not the horror among five general picks."""
    svc = context.services
    wanted = wanted or Filter()
    label = texts.filter_label(wanted)
    taste = await svc.storage.taste(chat.id, user.id)
    preferences, rated = known_ratings(svc, taste)
    if not preferences:
        await ratings.send_starters(message, context, user, texts.no_ratings(), exclude=())
        return
    if wanted.impossible:
        await reply(context, message, texts.nothing_matches(label))
        return
    try:
        items = await svc.core(
            svc.rec.recommend,
            preferences,
            limit=PICK_COUNT,
            offset=offset,
            exclude=taste.hidden | taste.saved | rated,
            filter=wanted,
        )
    except PreferencesError:
        log.warning("unusable preferences", extra=person(chat.id, user.id))
        items = []
    if not items:
        text = texts.nothing_matches(label) if not wanted.is_empty() else texts.nothing_left()
        await reply(context, message, text)
        return
    shown_label = "" if wanted.is_empty() else label
    intro = views.picks_intro(offset, user.first_name, group=is_group(chat), wanted=shown_label)
    ids = tuple(p.movie_id for p in items)
    links = {p.movie_id: texts.links_html(svc.rec.catalogue, p.movie_id) for p in items}
    reasons = {
        p.movie_id: [m.title for m in map(svc.rec.catalogue.get, p.because) if m is not None]
        for p in items
    }
    body = views.picks(items, offset, intro, links, reasons)
    await reply(
        context,
        message,
        f"{note}\n\n{body}" if note else body,
        views.picks_keyboard(ids, offset, wanted=wanted),
        ListInfo(user.id, PICKS, offset, ids, PicksPayload(wanted)),
    )


# ------------------------------------------------------------------ buttons
@on(Hide)
async def _hide(press: Press[Hide]) -> Reply:
    svc, chat, user = press.context.services, press.chat, press.user
    await svc.storage.hide(chat.id, user.id, press.data.movie_id)
    if press.by_owner:
        return views.hidden(), press.refresh()
    movie = svc.rec.catalogue.get(press.data.movie_id)
    return views.hidden_for_you(movie.title if movie else None), None


@on(More)
async def _more(press: Press[More]) -> Reply:
    """More of the owner's picks; "Recommend" under a confirmation (offset 0) gives the presser
    their own picks."""
    context, message, chat, user, data = (
        press.context,
        press.message,
        press.chat,
        press.user,
        press.data,
    )
    if data.offset > 0 and not press.by_owner:
        return texts.not_yours(), None
    return "", lambda: send_picks(message, context, chat, user, data.offset, data.filter)


@on(Filtered)
async def _filtered(press: Press[Filtered]) -> Reply:
    """A chip or "any film": the presser's own picks with that filter, as a new message."""
    context, message, chat, user = press.context, press.message, press.chat, press.user
    wanted = press.data.filter
    return "", lambda: send_picks(message, context, chat, user, wanted=wanted)


@on(Chips)
async def _chips(press: Press[Chips]) -> Reply:
    """🎭 / 📅: a small message of chips for the presser, keeping the other half of the filter."""
    context, message, user = press.context, press.message, press.user
    current = press.data.filter
    if press.data.which is ChipKind.GENRE:
        text, markup = views.choose_genre(), views.genre_chips(current)
    else:
        latest = context.services.latest_year
        text, markup = views.choose_decade(), views.decade_chips(current, latest)
    info = ListInfo(user.id, CHIPS)
    return "", lambda: send(reply(context, message, text, markup, info))


@rebuilds(PICKS)
def _rebuild(context: BotContext, info: ListInfo, taste: Taste) -> InlineKeyboardMarkup | None:
    done = marks(taste.ratings, taste.hidden, taste.saved)
    wanted = info.payload.filter if isinstance(info.payload, PicksPayload) else Filter()
    return views.picks_keyboard(info.movie_ids, info.start, done=done, wanted=wanted)
