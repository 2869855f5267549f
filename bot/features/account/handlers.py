"""A person's account: /help, /privacy, /language, /country, /deletemydata."""

from __future__ import annotations

from telegram import Update

from bot import i18n
from bot.context import BotContext
from bot.features.account import views
from bot.features.account.callbacks import ConfirmDelete, SetCountry, SetGroupLanguage, SetLanguage
from bot.features.account.lists import COUNTRY, DELETE, LANGUAGE
from bot.features.ratings.handlers import cancelled
from bot.films import watch_country
from bot.logs import person
from bot.ui import texts
from bot.ui.buttons import Press, Reply, on, owner_only
from bot.ui.keyboards import confirm
from bot.ui.lists import ListInfo
from bot.ui.messages import edit_text, is_admin, is_group, log, reply, who


async def help_command(update: Update, context: BotContext) -> None:
    more = views.help_more(context.bot.username or "")
    text = f"{views.help_text()}\n\n{more}\n{views.help_country()}\n\n{texts.help_import()}"
    await reply(context, who(update)[0], text)


async def privacy(update: Update, context: BotContext) -> None:
    more = f"{views.privacy_more()} {views.privacy_country()}"
    text = f"{views.privacy()}\n\n{more}\n\n{views.privacy_imports()}"
    await reply(context, who(update)[0], text)


async def language(update: Update, context: BotContext) -> None:
    """/language: buttons for each language and "automatic" (Telegram's language). A group
    admin's /language in a group chooses the group's language instead (its shared messages)."""
    message, chat, user = who(update)
    svc = context.services
    if is_group(chat) and await is_admin(context, chat.id, user.id):
        found = await svc.group_language(chat.id)
        chosen_here = found[0] if found and found[1] else None
        current = i18n.NATIVE_NAMES[found[0] if found else i18n.current()]
        text = views.choose_group_language(current)
        markup = views.languages_keyboard(chosen_here, group=True)
        await reply(context, message, text, markup, ListInfo(None, LANGUAGE))
        return
    chosen = i18n.supported(await svc.language(user.id))
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


@on(SetGroupLanguage)
async def _group_language(press: Press[SetGroupLanguage]) -> Reply:
    """A group admin chooses the group's language (anyone else is told only admins can); the
    keyboard is redrawn in the new language."""
    context, chat, user = press.context, press.chat, press.user
    if not is_group(chat) or not await is_admin(context, chat.id, user.id):
        return views.admins_only(), None
    code = i18n.supported(press.data.language)
    svc = context.services
    await svc.set_group_language(chat.id, code, chosen=True)
    log.info("group language set", extra={**person(chat.id), "language": code or "starter"})
    shown = code or i18n.current()
    with i18n.using(shown):
        if code:
            done = views.group_language_set(i18n.NATIVE_NAMES[code])
        else:
            done = views.group_language_by_starter()
        markup = views.languages_keyboard(code, group=True)
    message_id = press.message.message_id
    return done, lambda: edit_text(context, chat.id, message_id, done, markup)


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
