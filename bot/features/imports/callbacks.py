"""The import summary's buttons (each names its import by its id, so any replica finds it)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ui.callback_data import CallbackData

MAX_UNSURE = 20_000


@dataclass(frozen=True)
class ImportGo(CallbackData):
    """✅ Import (`ig:<import>`): save what the summary says, in one transaction."""

    prefix = "ig"
    needs_owner = True
    import_id: int


@dataclass(frozen=True)
class ImportCancel(CallbackData):
    """❌ Cancel (`ic:<import>`): nothing saved, the summary forgotten."""

    prefix = "ic"
    needs_owner = True
    import_id: int


@dataclass(frozen=True)
class ShowUnsure(CallbackData):
    """👀 Show unsure (`iu:<import>`): the first undecided one; ◀️ back to the summary from
    there is `iu` too (`back`)."""

    prefix = "iu"
    needs_owner = True
    import_id: int
    back: bool = False


@dataclass(frozen=True)
class Decide(CallbackData):
    """✅ Yes / ⏭ Skip under an unsure film (`id:<import>:<index>:1`)."""

    prefix = "id"
    needs_owner = True
    import_id: int
    index: int
    take: bool

    def valid(self) -> bool:
        return 0 <= self.index < MAX_UNSURE


@dataclass(frozen=True)
class UndoImport(CallbackData):
    """↩️ Undo import (`iz:<import>`): even days later, from /import's list too."""

    prefix = "iz"
    import_id: int
