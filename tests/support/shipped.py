"""The product as shipped: the wheel installed without extras into a venv of its own.

The end-to-end tests run `movierec-bot` from this install, outside the source tree, so that a
dependency that only the test extras bring (aiohttp was one) or a file missing from the wheel
fails here as it would in the Docker image (whose install step is the same `pip install` of the
project, without extras).

The venv is kept in `.venv-shipped/` beside the project and rebuilt when any source file or
`pyproject.toml` changes (a hash of them is stored in it).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VENV = PROJECT_ROOT / ".venv-shipped"
STAMP = VENV / ".source-hash"


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


def shipped_bin() -> Path:
    """The `bin/` directory of a venv holding only the wheel and its runtime dependencies."""
    wanted = source_hash()
    if STAMP.is_file() and STAMP.read_text() == wanted and (VENV / "bin" / "movierec-bot").exists():
        return VENV / "bin"
    with tempfile.TemporaryDirectory() as scratch:
        _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", scratch, ".")
        wheel = next(Path(scratch).glob("movierec-*.whl"))
        if VENV.exists():
            shutil.rmtree(VENV)
        _run(sys.executable, "-m", "venv", str(VENV))
        _run(str(VENV / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel))
    STAMP.write_text(wanted)
    return VENV / "bin"


def _run(*command: str) -> None:
    result = subprocess.run(
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=1200, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
