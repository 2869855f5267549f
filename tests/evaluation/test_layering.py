"""What each module of movierec/evaluation/ imports: measuring needs no plotting library."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# A fresh interpreter per module of the harness.
pytestmark = [pytest.mark.process, pytest.mark.slow]


def test_the_evaluation_core_imports_neither_the_report_nor_matplotlib() -> None:
    """Each module imported alone, in a fresh interpreter: measuring needs no plotting library
    (matplotlib is an optional extra) and nothing below the report imports it."""
    modules = (
        "results",
        "split",
        "metrics",
        "methods",
        "batch",
        "tuning",
        "study",
        "run",
        "nights",
    )
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    for name in modules:
        code = (
            f"import sys, movierec.evaluation.{name}; "
            "print(sorted(m for m in ('matplotlib', 'movierec.evaluation.report') "
            "if m in sys.modules))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        ).stdout
        assert out.strip() == "[]", name
    code = "import sys, movierec.evaluation.report; print('matplotlib' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "False"  # only `plot` imports it
