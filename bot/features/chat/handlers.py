"""A private chat's plain messages, read in this order: an answer to the bot's question (a
reply to "Which film do you like?"), small talk and requests for picks (`movierec.intents`),
a filter on its own ("90s comedy"), and only then a title search."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.features.account.handlers import help_command
from bot.features.chat import views
from bot.features.picks import views as picks_views
from bot.features.picks.handlers import send_picks
from bot.features.ratings import handlers as ratings
from bot.ui import texts
from bot.ui.messages import is_group, reply, who
from movierec.intents import Intent, read


async def plain_text(update: Update, context: BotContext) -> None:
    """A message that is not a command (see the module docstring)."""
    message, chat, user = who(update)
    text = (message.text or "").strip()
    replied = message.reply_to_message
    if (
        replied is not None
        and replied.from_user
        and replied.from_user.id == context.bot.id
        and await ratings.answer_to_question(update, context, replied.message_id)
    ):
        return
    if is_group(chat):
        return  # in groups, only commands and answers to our questions are for us
    reading = read(text)
    if reading is not None and reading.intent is Intent.GREETING:
        await reply(context, message, views.hello(user.first_name))
        return
    if reading is not None and reading.intent is Intent.THANKS:
        await reply(context, message, views.welcome_back())
        return
    if reading is not None and reading.intent is Intent.HELP:
        await help_command(update, context)
        return
    if reading is not None:  # a request for picks, perhaps with a filter in the rest
        parsed = await context.services.parse(reading.rest) if reading.rest else None
        if parsed is None or parsed.filter.is_empty():
            await send_picks(message, context, chat, user, note=views.read_as_picks())
            return
    else:
        parsed = await context.services.parse(text)
        if not parsed.complete or parsed.filter.is_empty():
            await ratings.search(update, context, text)
            return
    note = picks_views.read_as_request(texts.filter_label(parsed.filter))
    await send_picks(message, context, chat, user, wanted=parsed.filter, note=note)
