"""movierec: movie recommendations from MovieLens ratings with Qdrant sparse vectors.

The core library: no Telegram here. `Recommender` is the entry point; see docs/ARCHITECTURE.md.
"""

from movierec.config import Settings
from movierec.recommender import Catalogue, GroupPick, Movie, Pick, PreferencesError, Recommender
from movierec.scoring import SCORINGS, Scoring

__all__ = [
    "SCORINGS",
    "Catalogue",
    "GroupPick",
    "Movie",
    "Pick",
    "PreferencesError",
    "Recommender",
    "Scoring",
    "Settings",
]
__version__ = "0.1.0"
