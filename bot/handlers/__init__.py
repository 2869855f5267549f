"""Telegram handlers: they translate updates into core calls and results into messages.

`commands` (slash commands and plain text), `buttons` (callback queries), `chat` (flood control,
membership, errors). The flows several of them share live in `bot.flows`.
"""
