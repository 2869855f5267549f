"""`movierec evaluate`: how good are the picks, measured the way the bot is used.

Laid out as LensKit lays out its evaluation (see docs/evaluation.md for the protocol and numbers):

* `split`: held-out users, what each reveals (`Case`), what counts as a target;
* `metrics`: Precision@5, NDCG@10, Recall@20, coverage, popularity: every number is computed there;
* `baselines/`: popular, EASE, RP3beta, ItemKNN, iALS, one module each, never shipped in the bot;
* `run`: the scoring grid, tuning on validation, the whole run (`run_evaluation` → `Evaluation`);
* `report`: the table, paired margins, the plot.

The command line lives in `movierec/cli.py` with the other subcommands.
"""

from movierec.evaluation.baselines import EASES, Ease, ease_ranker, ease_weights, popular_ranker
from movierec.evaluation.metrics import (
    Metric,
    ResultRow,
    Tally,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
)
from movierec.evaluation.report import (
    MarginRow,
    format_table,
    margins,
    paired_difference,
    plot,
    render,
)
from movierec.evaluation.run import (
    FAMILIES,
    LAMBDAS,
    SLOW,
    Evaluation,
    Tuned,
    grid_scorings,
    grid_tallies,
    run_evaluation,
    scoring_ranker,
    select_best,
)
from movierec.evaluation.split import REVEALS, SELECT_REVEALS, Case, Split, make_cases, split_users

__all__ = [
    "EASES",
    "FAMILIES",
    "LAMBDAS",
    "REVEALS",
    "SELECT_REVEALS",
    "SLOW",
    "Case",
    "Ease",
    "Evaluation",
    "MarginRow",
    "Metric",
    "ResultRow",
    "Split",
    "Tally",
    "Tuned",
    "ease_ranker",
    "ease_weights",
    "format_table",
    "grid_scorings",
    "grid_tallies",
    "make_cases",
    "margins",
    "ndcg_at_k",
    "paired_difference",
    "plot",
    "popular_ranker",
    "precision_at_k",
    "recall_at_k",
    "render",
    "run_evaluation",
    "scoring_ranker",
    "select_best",
    "split_users",
]
