"""The product as shipped: the wheel installed into venvs of its own, one per way it is installed.

- `core`: `pip install movierec`, no extras: the library and the `movierec` CLI. The packaging
  tests run the CLI from it and check that no chat package came with it.
- `bot`: `pip install movierec[bot,postgres]`, what the Docker image installs. The end-to-end
  tests run `movierec-bot` from it.

Both run outside the source tree, so that a dependency that only the test extra brings or a file
missing from the wheel fails here as it would for a user or in the image.

Each venv is kept in `.venv-shipped/<name>/` beside the project and rebuilt only when a source
file or `pyproject.toml` changes (a hash of them is stored in it); a session that needs neither
builds neither.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Literal

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VENVS = PROJECT_ROOT / ".venv-shipped"

Install = Literal["core", "bot"]
# What each install adds to the wheel: its extras.
EXTRAS: dict[Install, str] = {"core": "", "bot": "[bot,postgres]"}


def source_hash() -> str:
    """What the wheel is made of: pyproject, README and every file of the two packages."""
    digest = hashlib.sha256()
    files = [PROJECT_ROOT / "pyproject.toml", PROJECT_ROOT / "README.md"]
    for package in ("movierec", "bot"):
        files += sorted(p for p in (PROJECT_ROOT / package).rglob("*") if p.is_file())
    for path in files:
        if "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def shipped_bin(install: Install) -> Path:
    """The `bin/` directory of a venv holding only the wheel, its extras for `install`, and their
    runtime dependencies."""
    venv = VENVS / install
    stamp = venv / ".source-hash"
    wanted = source_hash()
    if stamp.is_file() and stamp.read_text() == wanted and (venv / "bin" / "movierec").exists():
        return venv / "bin"
    # Every step runs in a scratch directory and without PYTHONPATH: the project root holds the
    # build's `movierec.egg-info`, which the venv's pip would take for movierec already installed.
    with tempfile.TemporaryDirectory() as scratch:
        root = str(PROJECT_ROOT)
        _run(scratch, sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", ".", root)
        wheel = next(Path(scratch).glob("movierec-*.whl"))
        if venv.exists():
            shutil.rmtree(venv)
        _run(scratch, sys.executable, "-m", "venv", str(venv))
        python = str(venv / "bin" / "python")
        _run(scratch, python, "-m", "pip", "install", "-q", f"{wheel}{EXTRAS[install]}")
    stamp.write_text(wanted)
    return venv / "bin"


def _run(cwd: str, *command: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=1200, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
