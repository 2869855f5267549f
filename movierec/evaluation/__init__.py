"""`movierec evaluate`: how good are the picks, measured the way the bot is used.

Laid out as LensKit lays out its evaluation (see docs/evaluation.md for the protocol and numbers),
each module importing only those above it in this list:

* `results`: the rows and the whole `Evaluation`, plain data;
* `split`: held-out users, what each reveals (`Case`), what counts as a target;
* `metrics`: Precision@5, NDCG@10, Recall@20, coverage, popularity, paired margins: every number
  is computed there;
* `baselines/`: popular, EASE, RP3beta, ItemKNN, iALS, one module each, never shipped in the bot;
* `methods`: the registry: the shipped scorings as the bot calls them, the tunable families;
* `batch`: every method over the held-out users, and the scoring grid's shared-request shortcut;
* `tuning`: the grids and the searches, chosen on validation, never on test;
* `study`: the shipped blend re-tuned over its parameters and its item graph's;
* `run`: the whole run (`run_evaluation` → `Evaluation`);
* `report`: the table, the margins, the plot; only the command line imports it.

`sizing` holds the `--quick` grids and the dense films cap; `onboarding` measures the first
questions. The command line lives in `movierec/cli.py` with the other subcommands.
"""
