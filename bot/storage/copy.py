"""`movierec-bot migrate --to postgresql://...`: move the chat state from SQLite to PostgreSQL.

When a bot outgrows one process (webhook replicas), its existing SQLite file must come along:
every rating, hidden film, message with buttons, movie night and flood bucket. This copies every
table into PostgreSQL after bringing both to the latest schema.

* Consistent: the SQLite file is read in one read transaction (a snapshot, even if the bot is
  still writing), and everything is written to PostgreSQL in one transaction: a failure leaves
  PostgreSQL as it was.
* Idempotent: rows are upserted by their primary key, so running it again (say, once more right
  before switching over) copies the changes and never duplicates a row.
* Quiet about secrets: the URL's password is never printed, not even in an error.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.storage import database_secrets, is_postgres_url
from bot.storage.migrations import TABLES
from bot.storage.sqlite import Storage

CHUNK = 5000


def _columns(db: sqlite3.Connection, table: str) -> tuple[list[str], list[str]]:
    """A table's columns and its primary key, in order, from SQLite's catalogue."""
    info = db.execute(f"PRAGMA table_info({table})").fetchall()
    keys = [name for _, name, *_, pk in sorted(info, key=lambda c: c[5]) if pk > 0]
    return [c[1] for c in info], keys


async def copy_to_postgres(
    source: Path, url: str, *, timeout: float = 30.0
) -> dict[str, tuple[int, int]]:
    """Copy every table of the SQLite file at `source` into the PostgreSQL database at `url`.

    Returns {table: (rows read from SQLite, rows in PostgreSQL afterwards)}.
    """
    from bot.storage.postgres import PostgresStore

    Storage(source).close()  # migrate the file to the latest schema first
    target = await PostgresStore.open(url, min_size=1, max_size=1, timeout=timeout)
    lite = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    counts: dict[str, tuple[int, int]] = {}
    try:
        lite.execute("BEGIN")  # one snapshot of every table
        async with target._tx() as db:
            for table in TABLES:
                columns, keys = _columns(lite, table)
                names = ", ".join(columns)
                await db.execute(f"CREATE TEMP TABLE incoming (LIKE {table}) ON COMMIT DROP")
                read = 0
                cursor = lite.execute(f"SELECT {names} FROM {table}")
                async with db.cursor().copy(f"COPY incoming ({names}) FROM STDIN") as copy:
                    while rows := cursor.fetchmany(CHUNK):
                        for row in rows:
                            await copy.write_row(row)
                        read += len(rows)
                others = [c for c in columns if c not in keys]
                update = (
                    "DO UPDATE SET " + ", ".join(f"{c}=excluded.{c}" for c in others)
                    if others
                    else "DO NOTHING"
                )
                await db.execute(
                    f"INSERT INTO {table} ({names}) SELECT {names} FROM incoming "
                    f"ON CONFLICT ({', '.join(keys)}) {update}"
                )
                await db.execute("DROP TABLE incoming")
                total = await (await db.execute(f"SELECT count(*) FROM {table}")).fetchone()
                counts[table] = (read, int(total[0]) if total else 0)
    finally:
        lite.close()
        await target.close()
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    from bot.logs import Redactor
    from movierec.config import Settings

    parser = argparse.ArgumentParser(
        prog="movierec-bot migrate",
        description="Copy the bot's SQLite chat state into PostgreSQL (safe to run again).",
    )
    parser.add_argument(
        "--to",
        metavar="URL",
        help="postgresql://user:password@host:5432/dbname (default: DATABASE_URL)",
    )
    parser.add_argument(
        "--from",
        dest="source",
        metavar="PATH",
        type=Path,
        help="the SQLite file (default: $MOVIEREC_HOME/bot.sqlite3)",
    )
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="seconds to wait for the server (30)"
    )
    args = parser.parse_args(argv)
    settings = Settings.from_env()  # also reads .env, where DATABASE_URL may be
    url = args.to or os.environ.get("DATABASE_URL")
    if not url or not is_postgres_url(url):
        parser.error("give a postgresql:// URL with --to (or set DATABASE_URL)")
    source = args.source or settings.database_path
    if not source.is_file():
        print(f"no SQLite chat state at {source} (use --from PATH)", file=sys.stderr)
        return 1
    redact = Redactor(database_secrets(url))
    try:
        counts = asyncio.run(copy_to_postgres(source, url, timeout=args.timeout))
    except Exception as error:  # the driver's and the pool's errors: one line, no password
        print(redact(f"migration failed: {type(error).__name__}: {error}"), file=sys.stderr)
        return 1
    width = max(len(t) for t in counts)
    for table, (read, total) in counts.items():
        print(f"{table:<{width}}  {read:>9} copied  {total:>9} in PostgreSQL")
    print(f"copied {sum(r for r, _ in counts.values())} rows from {source}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
