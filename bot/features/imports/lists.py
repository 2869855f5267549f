"""The import feature's message with buttons: an import's summary (and its unsure questions,
shown in the same message), which names its import."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ui.lists import ListKind


@dataclass(frozen=True)
class ImportPayload:
    """Which import a summary shows."""

    import_id: int

    def encode(self) -> tuple[str, float]:
        return str(self.import_id), 0.0

    @classmethod
    def decode(cls, extra: str, value: float) -> ImportPayload:
        return cls(int(extra) if extra.isdigit() else 0)


SUMMARY = ListKind.declare("import", ImportPayload, whole=True)
IMPORTS = ListKind.declare("imports", whole=True)  # /import: the imports there are, ↩️ each
