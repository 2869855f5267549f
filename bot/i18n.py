"""The bot in people's own language: gettext catalogs (made and kept with Babel), one per language,
and the current person's language for the update being handled.

Why gettext and Babel rather than Fluent: the interface is short sentences with at most a count in
them, which gettext's plural forms cover (Russian's three included, from each catalog's
Plural-Forms header); `pybabel extract/update` keeps the catalogs in step with the code, and every
translator's tool (Poedit, Weblate, Crowdin) reads `.po` files.

Why the language lives in a `ContextVar`: python-telegram-bot runs every handler group of one
update in the same asyncio task (and each update in its own task when updates are concurrent), so a
variable set by the first handler (`bot.hooks.use_language`, group -2) holds for the whole
update, the error handler included, and for work it sends to threads (`asyncio.to_thread` copies
the context). Strings are translated when they are used (the `views` and `bot.ui.texts`
functions call `_`), never at import time, so one process speaks to everyone in their own language.

Why the `.po` files are compiled in memory at start instead of committing `.mo` files: the `.po`
text is the one source (a binary `.mo` beside it could silently fall behind it), compiling all five
takes milliseconds, and Babel is a runtime dependency anyway. `load()` compiles every catalog once
per process; a broken catalog fails at start, not in the middle of a conversation. Fuzzy entries are
left out (they are a translator's unfinished guess), so such a message shows in English.
"""

from __future__ import annotations

import gettext
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from movierec.languages import LANGUAGES

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
DEFAULT = "en"
# Our language codes (`movierec.languages`, as stored by /language and used in callback data) ->
# Babel locale names, which name the catalog directories ("pt-BR" -> "pt_BR").
LOCALES = {code: code.replace("-", "_") for code in LANGUAGES}
# Each language named in itself, for the /language buttons.
NATIVE_NAMES = {
    "en": "English",
    "ru": "Русский",
    "es": "Español",
    "pt-BR": "Português (Brasil)",
    "de": "Deutsch",
}

_current: ContextVar[str] = ContextVar("language", default=DEFAULT)
_catalogs: dict[str, gettext.NullTranslations] = {}
_lock = threading.Lock()


def from_telegram(language_code: str | None) -> str:
    """Our language for a Telegram `language_code` (an IETF tag such as "ru", "pt-br", "de-AT");
    anything we do not speak is English."""
    tag = (language_code or "").strip().lower().replace("_", "-")
    primary = tag.split("-", 1)[0]
    if primary == "pt":
        return "pt-BR"  # the Portuguese we have; closer to pt-PT readers than English is
    return primary if primary in LOCALES else DEFAULT


def supported(code: str | None) -> str | None:
    """A stored or pressed language code if we speak it (exact spelling), else None."""
    return code if code in LOCALES else None


def load() -> dict[str, gettext.NullTranslations]:
    """Every catalog, compiled from its `.po` file once per process (English is the source text:
    no catalog)."""
    with _lock:
        if not _catalogs:
            compiled: dict[str, gettext.NullTranslations] = {DEFAULT: gettext.NullTranslations()}
            for code, locale in LOCALES.items():
                if code == DEFAULT:
                    continue
                path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
                with path.open("rb") as po:
                    catalog = read_po(po, locale=locale)
                buffer = BytesIO()
                write_mo(buffer, catalog, use_fuzzy=False)
                buffer.seek(0)
                compiled[code] = gettext.GNUTranslations(buffer)
            _catalogs.update(compiled)
        return _catalogs


def current() -> str:
    """The language of the update being handled (English outside any)."""
    return _current.get()


def activate(code: str) -> Token[str]:
    """Speak `code` from now on in this context (the update's task)."""
    return _current.set(code if code in LOCALES else DEFAULT)


@contextmanager
def using(code: str) -> Iterator[None]:
    """Speak `code` inside the block only (the command menu per language, tests)."""
    token = activate(code)
    try:
        yield
    finally:
        _current.reset(token)


def _translations() -> gettext.NullTranslations:
    return (_catalogs or load())[_current.get()]


def _(message: str) -> str:
    """`message` in the current language."""
    return _translations().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for `count` in the current language (Russian has three)."""
    return _translations().ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a string for extraction without translating it (translated later with `_`)."""
    return message
