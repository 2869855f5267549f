"""The account's buttons: /deletemydata's Yes / Cancel, the /language and /country choices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from bot import i18n
from bot.films import WATCH_COUNTRIES
from bot.ui.callback_data import CallbackData

AUTOMATIC = "auto"  # follow Telegram's language


@dataclass(frozen=True)
class ConfirmDelete(CallbackData):
    """/deletemydata's Yes / Cancel (`d:y`, `d:n`)."""

    prefix = "d"
    needs_owner = True
    yes: bool


@dataclass(frozen=True)
class SetLanguage(CallbackData):
    """Speak one of `bot.i18n.LOCALES` (`y:ru`), or follow Telegram's (`y:auto`)."""

    prefix = "y"
    code: str

    def valid(self) -> bool:
        return self.code == AUTOMATIC or self.code in i18n.LOCALES

    @property
    def language(self) -> str | None:
        return None if self.code == AUTOMATIC else self.code

    @classmethod
    def of(cls, code: str | None) -> Self:
        return cls(code or AUTOMATIC)


@dataclass(frozen=True)
class SetGroupLanguage(SetLanguage):
    """A group admin's choice of the group's language for its shared messages (`yg:de`), or
    none (`yg:auto`: each night's starter's)."""

    prefix = "yg"


@dataclass(frozen=True)
class SetCountry(CallbackData):
    """Name the streaming services of one of `bot.films.WATCH_COUNTRIES` on film cards (`a:DE`),
    or of the country of the person's language (`a:auto`)."""

    prefix = "a"
    code: str

    def valid(self) -> bool:
        return self.code == AUTOMATIC or self.code in WATCH_COUNTRIES

    @property
    def country(self) -> str | None:
        return None if self.code == AUTOMATIC else self.code

    @staticmethod
    def of(code: str | None) -> SetCountry:
        return SetCountry(code or AUTOMATIC)
