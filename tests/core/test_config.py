"""Settings: the store kind and its old name, `.env` from where the command runs, a cheap import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import movierec
from movierec.config import Settings, StoreKind

HEAVY = ("pandas", "numpy", "qdrant_client", "qdrant_edge", "rapidfuzz")


def clean_env() -> dict[str, str]:
    """This process's environment without any setting `Settings.from_env` reads."""
    prefixes = ("MOVIEREC_", "MOVIELENS_", "QDRANT_")
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


def python(code: str, cwd: Path, env: dict[str, str]) -> str:
    """Run `code` as a script file, like the console scripts: python-dotenv treats `python -c`
    as an interactive session and searches the working directory whatever it is asked."""
    script = cwd / "script_under_test.py"
    script.write_text(code)
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.process
def test_importing_the_package_and_its_settings_loads_no_heavy_library(tmp_path: Path) -> None:
    """The CLI and the bot's health check import these first; pandas and Qdrant cost ~0.7 s."""
    out = python(
        f"import movierec, movierec.config, sys\nprint([m for m in {HEAVY!r} if m in sys.modules])",
        tmp_path,
        clean_env(),
    )
    assert out.strip() == "[]"


def test_package_names_resolve_on_first_use() -> None:
    from movierec.recommender import Recommender

    assert movierec.Recommender is Recommender
    assert set(movierec.__all__) == set(movierec._EXPORTS)
    assert all(getattr(movierec, name) is not None for name in movierec.__all__)
    assert set(movierec.__all__) <= set(dir(movierec))
    with pytest.raises(AttributeError, match="no attribute 'Recomender'"):
        _ = movierec.Recomender  # type: ignore[attr-defined]


@pytest.mark.process
def test_dotenv_is_read_from_the_working_directory_and_real_variables_win(tmp_path: Path) -> None:
    """Run from a folder with a `.env`, as a person with an installed package would."""
    (tmp_path / ".env").write_text(
        f"MOVIEREC_HOME={tmp_path / 'home-from-dotenv'}\n"
        "MOVIELENS_DATASET=ml-latest-small\n"
        "QDRANT_COLLECTION=from-dotenv\n"
    )
    env = {**clean_env(), "QDRANT_COLLECTION": "from-the-environment"}
    code = (
        "import json; from movierec.config import Settings; s = Settings.from_env()\n"
        "print(json.dumps([str(s.home), s.dataset, s.collection]))\n"
    )
    below = tmp_path / "a" / "b"  # a sub-folder finds the nearest `.env` above it
    below.mkdir(parents=True)
    for cwd in (tmp_path, below):
        home, dataset, collection = json.loads(python(code, cwd, env))
        assert home == str(tmp_path / "home-from-dotenv")
        assert dataset == "ml-latest-small"
        assert collection == "from-the-environment"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("edge", StoreKind.EDGE),
        ("server", StoreKind.SERVER),
        ("qdrant", StoreKind.SERVER),  # the old name, in compose files and scripts
        (" Server ", StoreKind.SERVER),
        (StoreKind.EDGE, StoreKind.EDGE),
    ],
)
def test_store_names_and_the_qdrant_alias(name: str, kind: StoreKind) -> None:
    assert StoreKind.parse(name) is kind
    assert Settings(home=Path("h"), store=name).store is kind  # type: ignore[arg-type]


def test_an_unknown_store_is_refused_when_settings_are_made() -> None:
    with pytest.raises(ValueError, match="choose edge or server"):
        Settings(home=Path("h"), store="qdrnat")  # type: ignore[arg-type]


def test_store_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no `.env` here
    for name in ("MOVIEREC_STORE", "QDRANT_URL", "QDRANT_HOST"):
        monkeypatch.delenv(name, raising=False)
    assert Settings.from_env().store is StoreKind.EDGE
    monkeypatch.setenv("QDRANT_URL", "http://qdrant:6333")
    assert Settings.from_env().store is StoreKind.SERVER  # a URL alone means the server
    monkeypatch.setenv("MOVIEREC_STORE", "qdrant")
    assert Settings.from_env().store is StoreKind.SERVER
    monkeypatch.setenv("MOVIEREC_STORE", "edge")
    assert Settings.from_env().store is StoreKind.EDGE
    monkeypatch.setenv("MOVIEREC_STORE", "postgres")
    with pytest.raises(ValueError, match="unknown store 'postgres'"):
        Settings.from_env()
