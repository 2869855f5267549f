"""movierec: movie recommendations from MovieLens ratings with Qdrant sparse vectors.

The core library: no Telegram here. `Recommender` is the entry point; see docs/ARCHITECTURE.md.

The names below are imported on first use (PEP 562 `__getattr__`), not here: `import movierec`
and `import movierec.config` must stay cheap for the CLI's start-up and the bot's health check,
which would otherwise pay for pandas, NumPy and the Qdrant clients (about 0.7 s) before doing
anything.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# public name -> the module that defines it
_EXPORTS = {
    "Settings": "movierec.config",
    "StoreKind": "movierec.config",
    "LoadedIndex": "movierec.index",
    "build_index": "movierec.index",
    "open_index": "movierec.index",
    "Catalogue": "movierec.recommender",
    "GroupPick": "movierec.recommender",
    "Movie": "movierec.recommender",
    "MovieLinks": "movierec.recommender",
    "Pick": "movierec.recommender",
    "PreferencesError": "movierec.recommender",
    "Recommender": "movierec.recommender",
    "SCORINGS": "movierec.scoring",
    "Scoring": "movierec.scoring",
}

# Spelled out (not `sorted(_EXPORTS)`) so that linters and IDEs see the public names.
__all__ = [
    "SCORINGS",
    "Catalogue",
    "GroupPick",
    "LoadedIndex",
    "Movie",
    "MovieLinks",
    "Pick",
    "PreferencesError",
    "Recommender",
    "Scoring",
    "Settings",
    "StoreKind",
    "build_index",
    "open_index",
]

if TYPE_CHECKING:
    from movierec.config import Settings, StoreKind
    from movierec.index import LoadedIndex, build_index, open_index
    from movierec.recommender import (
        Catalogue,
        GroupPick,
        Movie,
        MovieLinks,
        Pick,
        PreferencesError,
        Recommender,
    )
    from movierec.scoring import SCORINGS, Scoring


def __getattr__(name: str) -> object:
    """Import the module that defines `name` the first time someone asks for it."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'movierec' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
