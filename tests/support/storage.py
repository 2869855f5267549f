"""What the storage tests share: their people, and a file as the first release of the schema
left it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.storage import ChatStore, migrations

ANN, BEN = 7_000_000_001, 7_000_000_002  # ids past 2**32, as Telegram's are
GROUP = -1_001_234_567_890  # a supergroup
ANN_NAME = "Annabelle-Zq7"


FIRST_RELEASE_ROWS = [
    "INSERT INTO ratings VALUES (-100123, 7000000001, 2571, 1.0, 1700000000.5)",
    "INSERT INTO ratings VALUES (-100123, 7000000002, 1, -1.0, 1700000001.5)",
    "INSERT INTO ratings VALUES (7000000001, 7000000001, 260, 1.0, 1700000002.5)",
    "INSERT INTO hidden VALUES (-100123, 7000000001, 296)",
    "INSERT INTO members VALUES (-100123, 7000000001, 'Ann')",
    "INSERT INTO members VALUES (-100123, 7000000002, 'Ben')",
    "INSERT INTO chats VALUES (-100123, 'member', 1700000003.0)",
]


def first_release_file(path: Path) -> None:
    """A file as the first release left it: the first step's tables (`migrations.STEPS[0]`), no
    user_version set."""
    db = sqlite3.connect(path)
    db.executescript(migrations.STEPS[0].sqlite)
    for row in FIRST_RELEASE_ROWS:
        db.execute(row)
    db.commit()
    assert db.execute("PRAGMA user_version").fetchone()[0] == 0
    db.close()


async def chat_status(store: ChatStore, chat_id: int) -> str | None:
    """What the store recorded about the bot in a chat (active, blocked, removed): the product
    only writes it, for whoever runs the bot, so the tests read the table itself."""
    from sqlalchemy import select

    from bot.storage.schema import chats

    with store.engine.connect() as db:
        query = select(chats.c.status).where(chats.c.chat_id == chat_id)
        return db.execute(query).scalar()
