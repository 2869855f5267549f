"""People and chats: display names, each person's language and country and each group's
language, whether the bot may still write to a chat, a group that became a supergroup, and a
person's whole deletion (/deletemydata)."""

from __future__ import annotations

import functools
import time

from sqlalchemy import Executable, bindparam, delete, exists, or_, select, update

from bot.storage.base import ChatStatus
from bot.storage.engine import StoreEngine, insert_for, match, threaded
from bot.storage.migrations import PERSON_COLUMNS
from bot.storage.schema import (
    TABLES,
    chat_languages,
    chats,
    members,
    metadata,
    people,
    polls,
    votes,
)

_MEMBER_NAMES = select(members.c.user_id, members.c.name).where(match(members, "chat_id"))


_LANGUAGE = select(people.c.language).where(match(people, "user_id"))
_COUNTRY = select(people.c.country).where(match(people, "user_id"))


_CHAT_LANGUAGE = select(chat_languages.c.language, chat_languages.c.chosen).where(
    match(chat_languages, "chat_id")
)
_FORGET_CHAT_LANGUAGE = delete(chat_languages).where(match(chat_languages, "chat_id"))


@functools.cache
def _set_chat_language(dialect: str, chosen: bool) -> Executable:
    """A group's language; a starter's (`chosen` False) only where no admin chose one."""
    insert = insert_for(dialect, chat_languages).values(
        chat_id=bindparam("chat_id"),
        language=bindparam("language"),
        chosen=bindparam("chosen"),
        changed_at=bindparam("now"),
    )
    change = {"language": insert.excluded.language, "chosen": insert.excluded.chosen}
    return insert.on_conflict_do_update(
        index_elements=["chat_id"],
        set_=change | {"changed_at": insert.excluded.changed_at},
        where=None if chosen else chat_languages.c.chosen == 0,
    )


class People(StoreEngine):
    """Names, languages, countries, chat status, chat migration and deletion."""

    @threaded
    def remember_member(self, chat_id: int, user_id: int, name: str) -> None:
        """A display name for group picks ("matches Ann and Bob"), at most 64 characters."""
        with self._write() as db:
            self._upsert(db, members, chat_id=chat_id, user_id=user_id, name=name[:64])

    @threaded
    def member_names(self, chat_id: int) -> dict[int, str]:
        return {user: name for user, name in self._rows(_MEMBER_NAMES, chat_id=chat_id)}

    @threaded
    def set_chat_status(self, chat_id: int, status: ChatStatus) -> None:
        """Whether the bot can still write to a chat (everyone's data stays either way)."""
        with self._write() as db:
            self._upsert(db, chats, chat_id=chat_id, status=status, changed_at=time.time())

    @threaded
    def chat_language(self, chat_id: int) -> tuple[str, bool] | None:
        """A group's language and whether an admin chose it (False: the latest movie-night
        starter's), or None when it has none."""
        rows = self._rows(_CHAT_LANGUAGE, chat_id=chat_id)
        return (rows[0][0], bool(rows[0][1])) if rows else None

    @threaded
    def set_chat_language(self, chat_id: int, language: str | None, chosen: bool) -> None:
        """A group admin's choice (`chosen`; None: no choice, back to the starters'), or a
        night starter's language, which never replaces an admin's choice."""
        key = {"chat_id": chat_id}
        with self._write() as db:
            if language is None:
                db.execute(_FORGET_CHAT_LANGUAGE, key)
                return
            values = key | {"language": language, "chosen": int(chosen), "now": time.time()}
            db.execute(_set_chat_language(self._dialect, chosen), values)

    @threaded
    def reactivate_chat(self, chat_id: int) -> bool:
        """A chat marked blocked or removed is active again; True when it was marked (a chat
        never marked stays without a row)."""
        with self._write() as db:
            marked = chats.c.chat_id == chat_id, chats.c.status != ChatStatus.ACTIVE
            done = update(chats).where(*marked).values(status=ChatStatus.ACTIVE)
            return db.execute(done.values(changed_at=time.time())).rowcount > 0

    @threaded
    def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> int:
        """Move everything kept under a chat id to a new id (a group that became a supergroup),
        in one transaction; returns how many rows moved (0 when called again). Where the new id
        already has a row with the same key, the new id's row stays and the old one goes; a
        vote's ballots go with its poll."""
        if old_chat_id == new_chat_id:
            return 0
        moved = 0
        with self._write() as db:
            for name in TABLES:
                table = metadata.tables[name]
                if "chat_id" not in table.c:
                    continue
                keys = [[c.name for c in table.primary_key]] + [
                    [c.name for c in index.columns] for index in table.indexes if index.unique
                ]
                other = table.alias("other")
                clashes = [
                    exists().where(
                        other.c.chat_id == new_chat_id,
                        *(other.c[c] == table.c[c] for c in key if c != "chat_id"),
                    )
                    for key in keys
                    if "chat_id" in key
                ]
                result = db.execute(
                    update(table)
                    .where(table.c.chat_id == old_chat_id, *(~clash for clash in clashes))
                    .values(chat_id=new_chat_id)
                )
                moved += result.rowcount
                if table is polls:  # the polls that gave way take their ballots along
                    left = select(polls.c.poll_id).where(polls.c.chat_id == old_chat_id)
                    db.execute(delete(votes).where(votes.c.poll_id.in_(left)))
                db.execute(delete(table).where(table.c.chat_id == old_chat_id))
        return moved

    @threaded
    def set_language(self, user_id: int, language: str | None) -> None:
        with self._write() as db:
            self._upsert(db, people, user_id=user_id, language=language)

    @threaded
    def language(self, user_id: int) -> str | None:
        rows = self._rows(_LANGUAGE, user_id=user_id)
        return rows[0][0] if rows else None

    @threaded
    def set_country(self, user_id: int, country: str | None) -> None:
        """The country (ISO 3166-1) whose watch providers a person's cards name; None: the
        country of their language."""
        with self._write() as db:
            self._upsert(db, people, user_id=user_id, country=country)

    @threaded
    def country(self, user_id: int) -> str | None:
        rows = self._rows(_COUNTRY, user_id=user_id)
        return rows[0][0] if rows else None

    @threaded
    def delete_user(self, user_id: int) -> int:
        """Everything held about a person, in every chat (see `migrations.PERSON_COLUMNS`), in
        one transaction; returns how many rows.

        SQLite: the WAL is then checkpointed and truncated, so the deleted rows survive in no
        file (`secure_delete` zeroes the freed pages of the main file). PostgreSQL keeps deleted
        row versions until VACUUM and WAL recycling reclaim them; autovacuum does, and operators
        who must prove erasure run VACUUM.
        """
        total = 0
        with self._write() as db:
            for name, columns in PERSON_COLUMNS.items():
                table = metadata.tables[name]
                result = db.execute(
                    delete(table).where(or_(*(table.c[c] == user_id for c in columns)))
                )
                total += result.rowcount
        self._truncate_wal()
        return total
