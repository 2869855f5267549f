"""Plain messages in a private chat: small talk ("hello", "thanks", "help"), requests for picks
in words ("what should I watch tonight?", "something funny from the 90s"), and, when a message
is none of those, a title search."""
