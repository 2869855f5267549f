"""The evaluation harness (movierec/evaluation/, `movierec evaluate`): metrics on hand-made lists,
the split, EASE, the tuned baselines, the study's blend, and small runs end to end. One test file
per module of the harness; what they share is the generated two-tastes data set below."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.datasets import write_two_tastes


@pytest.fixture(scope="session")
def two_tastes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_two_tastes(tmp_path_factory.mktemp("two-tastes") / "tiny")
