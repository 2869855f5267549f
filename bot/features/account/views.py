"""The account feature's texts and keyboards (see `bot.ui.texts` for how texts are written)."""

from __future__ import annotations

from html import escape

from babel import Locale, UnknownLocaleError
from telegram import InlineKeyboardMarkup

from bot import i18n
from bot.features.account.callbacks import SetCountry, SetGroupLanguage, SetLanguage
from bot.films import WATCH_COUNTRIES
from bot.i18n import _, ngettext
from bot.ui.keyboards import button


def help_text() -> str:
    return _(
        "<b>What I understand</b>\n"
        "/like <i>titles</i> – e.g. <code>/like The Matrix, Toy Story</code>\n"
        "/dislike <i>titles</i> – e.g. <code>/dislike Titanic</code>\n"
        "/start – a few quick questions (have you seen…?) so that your first picks fit\n"
        "/recommend (or /rec) – five picks for you, with buttons to rate, hide, save or see more\n"
        "/rec <i>genre or years</i> – e.g. <code>/rec comedy</code>, <code>/rec 90s sci-fi</code>, "
        "<code>/rec recent</code>\n"
        "/watchlist – films you saved with 🔖, with ✅ once you watched one\n"
        "/ratings – what you rated, with ❌ to remove any\n"
        "/forget <i>title</i> – e.g. <code>/forget Titanic</code>\n"
        "/reset – forget all your ratings here (asks first)\n"
        "/movienight (or /group) – picks for everyone in this group who rated something\n"
        "/language – speak to me in another language\n"
        "/privacy – what I store and where\n"
        "/deletemydata – delete everything I hold about you (asks first)\n\n"
        "In a private chat you can also just send a title, like <code>the matrix</code>, or ask "
        "in words, like <code>something funny from the 90s</code>.\n"
        "Made a typo? Edit your /like message: I replace what it recorded.\n"
        "<b>Movie nights:</b> each member's taste counts the same, except that someone whose "
        "taste the last five winners fitted less than the others' counts a little more next "
        "time; a film anyone rated is never picked, and a film people with your taste clearly "
        "dislike is vetoed. 🃏 Match privately deals cards in our private chat: a film everyone "
        "in likes is a match (a 👎 there is not a dislike). Buttons under someone else's list "
        "record your own rating and leave their list as it is."
    )


def privacy() -> str:
    return _(
        "<b>What I store</b>\n"
        "• your Telegram user id and the ids of the chats you use me in\n"
        "• the films you liked, disliked or hid, per chat, with their titles\n"
        "• in groups, your first name, to say whose taste a pick matches\n"
        "• which of my messages with buttons belong to you, so that only you can use them\n"
        "• the language you chose with /language, if you chose one\n"
        "Nothing else: no messages, no phone number. It is kept in a database on the server that "
        "runs this bot, and never shared. The bot's logs hold no names, no message texts and no "
        "plain ids: only keyed hashes of ids.\n"
        "/deletemydata removes all of it at once, from the database files too; the log notes only "
        "how many records were deleted."
    )


def delete_ask() -> str:
    return _("Delete <b>everything</b> I hold about you, in every chat? This cannot be undone.")


def delete_done(count: int) -> str:
    return ngettext(
        "Deleted: I no longer hold anything about you ({count} record removed).",
        "Deleted: I no longer hold anything about you ({count} records removed).",
        count,
    ).format(count=count)


def privacy_more() -> str:
    """What /privacy adds since movie nights, the watchlist and languages came."""
    return _(
        "Also: your watchlist, the language you chose, and in groups whether you joined a "
        "movie night and how you voted. /deletemydata removes those too."
    )


def privacy_imports() -> str:
    """What /privacy adds since imports came."""
    return _(
        "Imports (/import): what each one changed, so that ↩️ Undo can take it back, and a "
        "checksum of the file, to spot the same file twice; the file itself is never kept, "
        "and a summary you don't confirm is forgotten after two days."
    )


def help_more(bot_username: str) -> str:
    """What /help adds about movie-night history and inline mode (the bot's name filled in)."""
    return _(
        "/history – the films this group chose on movie nights\n"
        "In any chat, type @{bot} and a title to share a film card."
    ).format(bot=escape(bot_username))


def help_country() -> str:
    return _("/country – where you watch: the streaming services film cards name")


def privacy_country() -> str:
    return _("The country you chose with /country, if you chose one, goes with them.")


def toast_deleted() -> str:
    return _("Deleted.")


def yes_delete() -> str:
    return _("Yes, delete everything")


# ------------------------------------------------------------------ /language
def choose_language(current: str) -> str:
    """The /language question; `current` is the language now spoken, named in itself."""
    return _(
        "🌐 <b>Which language should I speak?</b>\nNow: {language}. “Automatic” follows your "
        "Telegram app's language."
    ).format(language=escape(current))


def automatic_language() -> str:
    return _("🌐 Automatic (from Telegram)")


def language_set(language: str) -> str:
    """Said in the newly chosen language."""
    return _("Done: I'll speak {language} from now on.").format(language=escape(language))


def language_automatic() -> str:
    return _("Done: I'll follow your Telegram app's language.")


def languages_keyboard(chosen: str | None, group: bool = False) -> InlineKeyboardMarkup:
    """/language: each language named in itself (two per row), then "automatic"; ✅ on the
    stored choice. `group`: the group's language (a group admin's /language in the group)."""
    kind = SetGroupLanguage if group else SetLanguage
    buttons = [
        button(("✅ " if code == chosen else "") + native, kind.of(code))
        for code, native in i18n.NATIVE_NAMES.items()
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    automatic = ("✅ " if chosen is None else "") + (
        starters_language() if group else automatic_language()
    )
    rows.append([button(automatic, kind.of(None))])
    return InlineKeyboardMarkup(rows)


def choose_group_language(current: str) -> str:
    return _(
        "This group's language is {language}: rosters, picks, polls and winners are written in "
        "it, whoever presses. Choose another:"
    ).format(language=current)


def starters_language() -> str:
    return _("Each night's starter's")


def group_language_set(language: str) -> str:
    return _("This group's messages are in {language} now.").format(language=language)


def group_language_by_starter() -> str:
    return _("This group's messages follow each movie night's starter now.")


def admins_only() -> str:
    return _("Only a group admin can choose the group's language.")


# ------------------------------------------------------------------ /country
def country_name(code: str) -> str:
    """A country's flag and its name in the language spoken now (CLDR's, through Babel)."""
    flag = "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in code)
    try:
        name = Locale.parse(i18n.LOCALES.get(i18n.current(), "en")).territories.get(code, code)
    except (UnknownLocaleError, ValueError):
        name = code
    return f"{flag} {name}"


def choose_country(current: str) -> str:
    """The /country question; `current` is the country whose services the cards name now."""
    return _(
        "📺 <b>Where do you watch films?</b>\nFilm cards say where to stream, rent or buy a film "
        "in your country. Now: {country}. “Automatic” takes the country of your language."
    ).format(country=escape(current))


def automatic_country() -> str:
    return _("📺 Automatic (from your language)")


def country_set(country: str) -> str:
    return _("Done: film cards will say where to watch in {country}.").format(
        country=escape(country)
    )


def country_automatic(country: str) -> str:
    """`country` is the one of the person's language, named."""
    return _("Done: film cards follow your language ({country} for now).").format(
        country=escape(country)
    )


def countries_keyboard(chosen: str | None) -> InlineKeyboardMarkup:
    """/country: each country of `WATCH_COUNTRIES` with its flag (two per row), then
    "automatic"; ✅ on the person's stored choice."""
    buttons = [
        button(("✅ " if code == chosen else "") + country_name(code), SetCountry.of(code))
        for code in WATCH_COUNTRIES
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    automatic = ("✅ " if chosen is None else "") + automatic_country()
    rows.append([button(automatic, SetCountry.of(None))])
    return InlineKeyboardMarkup(rows)
