"""A person's film history from elsewhere, in and out: Letterboxd and IMDb exports read safely
(`read.py`), matched to the catalogue (`matching.py`), and written back out (`export.py`).

Nothing here knows about Telegram or the bot's storage: `read_export(name, data)` turns the bytes
of a file into rows, `Matcher(catalogue).match(rows)` turns rows into catalogue films with a
confidence, and `export_csv` / `export_json` write what a person has in a form Letterboxd's own
importer (and this one) accepts.
"""

from __future__ import annotations

from movierec.history.export import Entry, export_csv, export_json
from movierec.history.matching import Matched, Matcher, Matching, Unsure
from movierec.history.read import (
    MAX_BYTES,
    MAX_ROWS,
    Export,
    ExportError,
    Kind,
    Problem,
    Row,
    opinion_of,
    read_export,
)

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "Entry",
    "Export",
    "ExportError",
    "Kind",
    "Matched",
    "Matcher",
    "Matching",
    "Problem",
    "Row",
    "Unsure",
    "export_csv",
    "export_json",
    "opinion_of",
    "read_export",
]
