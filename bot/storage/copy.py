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
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import URL, Engine, create_engine, func, select
from sqlalchemy.dialects.postgresql import insert

from bot.storage import database_secrets, is_postgres_url
from bot.storage.schema import TABLES, metadata
from bot.storage.store import ChatStore

CHUNK = 5000


async def copy_to_postgres(
    source: Path, url: str, *, timeout: float = 30.0
) -> dict[str, tuple[int, int]]:
    """Copy every table of the SQLite file at `source` into the PostgreSQL database at `url`.

    Returns {table: (rows read from SQLite, rows in PostgreSQL afterwards)}.
    """
    await (await ChatStore.open_sqlite(source)).close()  # the file at the latest schema first
    target = await ChatStore.open_postgres(url, pool_size=1, max_overflow=0, timeout=timeout)
    try:
        return await asyncio.to_thread(_copy, source, target.engine)
    finally:
        await target.close()


def _copy(source: Path, target: Engine) -> dict[str, tuple[int, int]]:
    lite = create_engine(
        URL.create(
            "sqlite+pysqlite",
            database=source.resolve().as_uri(),
            query={"mode": "ro", "uri": "true"},
        )
    )
    counts: dict[str, tuple[int, int]] = {}
    try:
        with lite.connect() as snapshot, target.begin() as db:
            snapshot.exec_driver_sql("BEGIN")  # one read transaction: one snapshot
            for name in TABLES:
                table = metadata.tables[name]
                keys = [c.name for c in table.primary_key]
                upsert = insert(table)
                others = {c.name: upsert.excluded[c.name] for c in table.c if c.name not in keys}
                statement = (
                    upsert.on_conflict_do_update(index_elements=keys, set_=others)
                    if others
                    else upsert.on_conflict_do_nothing(index_elements=keys)
                )
                read = 0
                rows = snapshot.execution_options(yield_per=CHUNK).execute(select(table))
                for chunk in rows.mappings().partitions():
                    db.execute(statement, [dict(row) for row in chunk])
                    read += len(chunk)
                total = db.scalar(select(func.count()).select_from(table))
                counts[name] = (read, int(total or 0))
    finally:
        lite.dispose()
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
