"""A damaged index the bot cannot rebuild stops its start-up with one log line, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from movierec.config import Settings
from movierec.data import fingerprint
from movierec.recommender import Recommender
from tests.support.catalogue import write_catalogue

# the bot's own entry point, with the data set unreadable once the index is found damaged
START = """
import sys
import movierec.index
from movierec.data import MissingDataError

def gone(path):
    raise MissingDataError(f"No MovieLens data in {path}: expected ratings.dat + movies.dat.")

movierec.index.load_dataset = gone
from bot.__main__ import main
sys.exit(main([]))
"""


@pytest.mark.process  # the bot's start-up in a process of its own
def test_the_bot_reports_a_damaged_index_in_one_line(tmp_path: Path) -> None:
    data = write_catalogue(tmp_path / "catalogue")
    home = tmp_path / "home"
    Recommender.open(Settings(home=home, movielens_dir=data), data_dir=data).close()
    weights = home / "index" / f"catalogue-{fingerprint(data)}" / "graph" / "weights.npy"
    raw = bytearray(weights.read_bytes())
    raw[-len(raw) // 4 :] = os.urandom(len(raw) // 4)
    weights.write_bytes(bytes(raw))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WEBHOOK_", "DATABASE_"))},
        "TELEGRAM_BOT_TOKEN": "123456:TEST-TOKEN",
        "MOVIEREC_HOME": str(home),
        "MOVIELENS_DIR": str(data),
        "LOG_FORMAT": "text",
    }
    done = subprocess.run(
        [sys.executable, "-c", START],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    (line,) = [x for x in done.stderr.splitlines() if "cannot start" in x]
    assert "ERROR bot: the bot cannot start: The index in" in line
    assert "graph/weights.npy does not match its checksum" in line
    assert "could not be read" in line
