"""Baselines the scorings are measured against; each family in a module of its own.

They live here, not in the product: their job is to show how good the product's scoring is.
"""

from movierec.evaluation.baselines import gfcf, ials, itemknn, rp3beta
from movierec.evaluation.baselines.common import (
    ItemItem,
    Ranker,
    excluded,
    item_ranker,
    prune_rows,
    query_of,
    train_matrix,
)
from movierec.evaluation.baselines.ease import EASES, Ease, ease_ranker, ease_weights
from movierec.evaluation.baselines.gfcf import GFCF
from movierec.evaluation.baselines.ials import IALS
from movierec.evaluation.baselines.itemknn import ItemKNN
from movierec.evaluation.baselines.popular import popular_ranker
from movierec.evaluation.baselines.rp3beta import RP3beta

__all__ = [
    "EASES",
    "GFCF",
    "IALS",
    "Ease",
    "ItemItem",
    "ItemKNN",
    "RP3beta",
    "Ranker",
    "ease_ranker",
    "ease_weights",
    "excluded",
    "gfcf",
    "ials",
    "item_ranker",
    "itemknn",
    "popular_ranker",
    "prune_rows",
    "query_of",
    "rp3beta",
    "train_matrix",
]
