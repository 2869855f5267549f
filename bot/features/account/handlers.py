"""A person's account: /help, /privacy, /language, /country, /deletemydata."""

from __future__ import annotations

from telegram import Update

from bot import i18n
from bot.context import BotContext
from bot.features.account import views
from bot.features.account.callbacks import ConfirmDelete, SetCountry, SetLanguage
from bot.features.account.lists import COUNTRY, DELETE, LANGUAGE
from bot.features.ratings.handlers import cancelled
from bot.films import watch_country
from bot.logs import person
from bot.ui.buttons import Press, Reply, on, owner_only
from bot.ui.keyboards import confirm
from bot.ui.lists import ListInfo
from bot.ui.messages import edit_text, log, reply, who


async def help_command(update: Update, context: BotContext) -> None:
    more = views.help_more(context.bot.username or "")
    text = f"{views.help_text()}\n\n{more}\n{views.help_country()}"
    await reply(context, who(update)[0], text)


async def privacy(update: Update, context: BotContext) -> None:
    more = f"{views.privacy_more()} {views.privacy_country()}"
    await reply(context, who(update)[0], f"{views.privacy()}\n\n{more}")


async def language(update: Update, context: BotContext) -> None:
    """/language: buttons for each language and "automatic" (Telegram's language)."""
    message, _, user = who(update)
    chosen = i18n.supported(await context.services.language(user.id))
    info = ListInfo(user.id, LANGUAGE)
    text = views.choose_language(i18n.NATIVE_NAMES[i18n.current()])
    await reply(context, message, text, views.languages_keyboard(chosen), info)


async def country(update: Update, context: BotContext) -> None:
    """/country: which country's streaming services the film cards name, one button per country
    of `bot.films.WATCH_COUNTRIES` and "automatic" (the country of the person's language)."""
    message, _, user = who(update)
    chosen = await context.services.storage.country(user.id)
    now = watch_country(i18n.current(), chosen)
    info = ListInfo(user.id, COUNTRY)
    text = views.choose_country(views.country_name(now))
    await reply(context, message, text, views.countries_keyboard(chosen), info)


async def delete_my_data(update: Update, context: BotContext) -> None:
    message, _, user = who(update)
    markup = confirm(ConfirmDelete(True), ConfirmDelete(False), views.yes_delete())
    info = ListInfo(user.id, DELETE)
    await reply(context, message, views.delete_ask(), markup, info)


@on(ConfirmDelete)
@owner_only
async def _delete(press: Press[ConfirmDelete]) -> Reply:
    if not press.data.yes:
        return cancelled(press)
    context, user = press.context, press.user
    count = await context.services.delete_user(user.id)
    log.info("deleted a person's data", extra={"count": count})  # no id: it is gone
    done = views.delete_done(count)
    return views.toast_deleted(), lambda: _say_deleted(press, done)


async def _say_deleted(press: Press, done: str) -> None:
    """The prompt's stored owner went with the data: edit it directly."""
    await press.context.bot.edit_message_text(done, press.chat.id, press.message.message_id)


@on(SetLanguage)
async def _language(press: Press[SetLanguage]) -> Reply:
    """A language is a person's own setting: whoever presses sets theirs (in a group too). The
    answer is already in the new language; the rest of this update keeps the old one, and the
    next update starts in the new one (`bot.hooks.use_language`)."""
    svc, user = press.context.services, press.user
    code = i18n.supported(press.data.language)
    await svc.set_language(user.id, code)
    log.info("language set", extra={**person(press.chat.id, user.id), "language": code or "auto"})
    spoken = code or i18n.from_telegram(user.language_code)
    with i18n.using(spoken):
        done = views.language_set(i18n.NATIVE_NAMES[spoken]) if code else views.language_automatic()
    if not press.by_owner:
        return done, None
    chat_id, message_id = press.chat.id, press.message.message_id
    markup = views.languages_keyboard(code)
    return done, lambda: edit_text(press.context, chat_id, message_id, done, markup)


@on(SetCountry)
async def _country(press: Press[SetCountry]) -> Reply:
    """A country is a person's own setting, like a language: whoever presses sets theirs."""
    svc, user = press.context.services, press.user
    code = press.data.country
    await svc.storage.set_country(user.id, code)
    log.info("country set", extra={**person(press.chat.id, user.id), "country": code or "auto"})
    now = views.country_name(watch_country(i18n.current(), code))
    done = views.country_set(now) if code else views.country_automatic(now)
    if not press.by_owner:
        return done, None
    chat_id, message_id = press.chat.id, press.message.message_id
    markup = views.countries_keyboard(code)
    return done, lambda: edit_text(press.context, chat_id, message_id, done, markup)
