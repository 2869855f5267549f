"""The languages movierec speaks, in one place: the filter parser has a lexicon for each
(`movierec/filters/lexicon/<code>.toml`) and the bot a message catalog for each, so adding a
language means adding both, and a test checks they stay in step.

Codes are IETF tags as people and Telegram write them ("pt-BR"); the first is the default.
"""

from __future__ import annotations

LANGUAGES = ("en", "ru", "es", "pt-BR", "de")
