"""What `pip install movierec` brings, and what each extra adds.

The core (movierec/) is a library: someone who wants picks from the CLI or from Python must not
get Telegram, a web server or a PostgreSQL driver with it. Three layers keep it so:
- the declarations: every third-party module a package imports is a requirement of the install
  that ships it (the core's own list for movierec/, `[eval]` for movierec/evaluation, `[bot]` and
  `[postgres]` for bot/), and the core's list names none of the chat packages;
- the imports: importing the core loads none of them (nor the evaluation's plotting or iALS
  libraries, which it imports only inside the functions that use them);
- the product as installed: the core-only venv recommends on ml-1m, has no Telegram, and its
  `movierec-bot` says in one sentence what to install.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
FIRST_PARTY = {"movierec", "bot", "tests", "benchmarks", "__future__"}

# Import names of the packages only the bot needs (the `bot` and `postgres` extras).
CHAT = ("telegram", "aiohttp", "babel", "cachetools", "sqlalchemy", "psycopg")
# ...and of those only `movierec evaluate` needs (the `eval` extra).
EVALUATION = ("matplotlib", "implicit", "threadpoolctl")

BOT_EXTRA_MISSING = "movierec-bot needs the bot extra: pip install 'movierec[bot]'"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(extras: Sequence[str]) -> set[str]:
    """The distributions the core plus `extras` install directly (a `movierec[...]` requirement,
    as the test extra has, expands to those extras)."""
    requirements = list(PYPROJECT["dependencies"])
    for extra in extras:
        requirements += PYPROJECT["optional-dependencies"][extra]
    names: set[str] = set()
    for requirement in requirements:
        match = re.match(r"([A-Za-z0-9._-]+)\s*(?:\[([^\]]*)\])?", requirement)
        assert match, requirement
        if canonical(match[1]) == "movierec":
            names |= requirement_names([e.strip() for e in (match[2] or "").split(",")])
        else:
            names.add(canonical(match[1]))
    return names


def third_party_imports(files: Iterable[Path]) -> dict[str, set[str]]:
    """{top-level module: the files that import it}, for every import that is neither the
    standard library nor the project's own (lazy imports inside functions included)."""
    found: dict[str, set[str]] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top not in sys.stdlib_module_names and top not in FIRST_PARTY:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def python_files(folder: str, *, without: str | None = None) -> list[Path]:
    files = sorted((ROOT / folder).rglob("*.py"))
    return [p for p in files if without is None or (ROOT / without) not in p.parents]


@pytest.mark.parametrize(
    ("folder", "extras", "without"),
    [
        ("movierec", (), "movierec/evaluation"),
        ("movierec/evaluation", ("eval",), None),
        ("bot", ("bot", "postgres"), None),
        ("tests", ("test",), None),
        ("benchmarks", ("test",), None),
    ],
)
def test_every_import_is_a_requirement_of_the_install_that_ships_it(
    folder: str, extras: tuple[str, ...], without: str | None
) -> None:
    distributions = importlib.metadata.packages_distributions()
    declared = requirement_names(extras)
    imports = third_party_imports(python_files(folder, without=without))
    assert imports, f"no third-party import found under {folder}/"
    undeclared = {}
    for module, files in sorted(imports.items()):
        owners = {canonical(d) for d in distributions.get(module, [])}
        if not owners & declared:
            undeclared[module] = (sorted(owners) or ["not installed"], sorted(files))
    assert undeclared == {}, f"imported under {folder}/ but not required by {extras or 'core'}"


def test_the_audit_sees_an_undeclared_import() -> None:
    """The check above is only worth something if it catches the bot's imports in the core."""
    imports = third_party_imports(python_files("bot"))
    distributions = importlib.metadata.packages_distributions()
    owners = {canonical(d) for d in distributions["telegram"]}
    assert "telegram" in imports and not owners & requirement_names(())


def test_the_core_requires_no_chat_or_evaluation_package() -> None:
    core = requirement_names(())
    extras = {"python-telegram-bot", "aiohttp", "babel", "sqlalchemy", "psycopg"}
    extras |= {"cachetools", "matplotlib", "implicit", "threadpoolctl"}
    assert core & extras == set()
    assert extras <= requirement_names(("bot", "postgres", "eval"))
    assert requirement_names(("test",)) >= requirement_names(("bot", "postgres", "eval"))


def loaded_after(*statements: str) -> list[str]:
    """Which of the chat and evaluation packages a fresh interpreter has loaded after running
    `statements` with this checkout's code."""
    probe = "\n".join(
        [
            "import json, sys",
            *statements,
            f"print(json.dumps(sorted(m for m in {CHAT + EVALUATION!r} if m in sys.modules)))",
        ]
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    loaded: list[str] = json.loads(result.stdout)
    return loaded


@pytest.mark.process
def test_importing_the_core_loads_no_chat_or_evaluation_package() -> None:
    assert loaded_after("import movierec, movierec.cli, movierec.recommender") == []


@pytest.mark.process
def test_importing_every_core_module_loads_no_chat_or_evaluation_package() -> None:
    every = [
        "import pkgutil, importlib, movierec",
        "for m in pkgutil.walk_packages(movierec.__path__, 'movierec.'):",
        "    importlib.import_module(m.name)",
        "assert 'movierec.evaluation.report' in sys.modules",
    ]
    assert loaded_after(*every) == []


@pytest.mark.process
def test_the_import_probe_sees_the_bots_packages() -> None:
    """The two checks above are only worth something if the probe does see an import."""
    loaded = loaded_after("import bot.app, sqlalchemy.dialects.postgresql.psycopg, psycopg")
    assert {"telegram", "psycopg"} <= set(loaded)


# --------------------------------------------------------------------------------------------
# The product as installed (tests/support/shipped.py builds each venv once)
# --------------------------------------------------------------------------------------------


def run_installed(
    bin_dir: Path, *command: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """A command of an installed venv, outside the source tree, with nothing of the checkout on
    its path."""
    base = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(cwd), **(env or {})}
    return subprocess.run(
        [str(bin_dir / command[0]), *command[1:]],
        cwd=cwd,
        env=base,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def core_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """MOVIEREC_HOME of the core install's CLI: the first recommend builds its index there."""
    return tmp_path_factory.mktemp("core-home")


@pytest.mark.process
@pytest.mark.slow
def test_the_core_install_recommends_on_ml1m(
    shipped_core: Path, core_home: Path, ml1m_dir: Path
) -> None:
    env = {"MOVIEREC_HOME": str(core_home), "MOVIELENS_DIR": str(ml1m_dir)}
    recommend = ("movierec", "recommend", "--like", "Toy Story", "--limit", "3")
    text = run_installed(shipped_core, *recommend, cwd=core_home, env=env)
    assert text.returncode == 0, text.stderr
    picks = [line for line in text.stdout.splitlines() if re.match(r"\d+\. ", line)]
    assert [p.split(".")[0] for p in picks] == ["1", "2", "3"], text.stdout
    assert picks[0].startswith("1. Toy Story 2 (1999)")

    as_json = run_installed(shipped_core, *recommend, "--json", cwd=core_home, env=env)
    assert as_json.returncode == 0, as_json.stderr
    rows = json.loads(as_json.stdout)
    assert [row["title"] for row in rows][:1] == ["Toy Story 2 (1999)"] and len(rows) == 3
    assert all(row["score"] > 0 and row["because"] == [1] for row in rows)


def installed(bin_dir: Path, cwd: Path) -> set[str]:
    """Which of the chat and evaluation packages an install can import."""
    probe = (
        "import importlib.util, json; "
        f"print(json.dumps([m for m in {CHAT + EVALUATION!r} if importlib.util.find_spec(m)]))"
    )
    result = run_installed(bin_dir, "python", "-c", probe, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout))


@pytest.mark.process
def test_the_core_install_has_no_chat_or_evaluation_package(
    shipped_core: Path, tmp_path: Path
) -> None:
    assert installed(shipped_core, tmp_path) == set()
    result = run_installed(shipped_core, "python", "-c", "import telegram", cwd=tmp_path)
    assert result.returncode != 0 and "No module named 'telegram'" in result.stderr


@pytest.mark.process
def test_the_bot_install_has_the_chat_packages_and_not_the_evaluations(
    shipped: Path, tmp_path: Path
) -> None:
    """What the Docker image installs (`.[bot,postgres]`): the bot on SQLite or PostgreSQL."""
    assert installed(shipped, tmp_path) == set(CHAT)


@pytest.mark.process
@pytest.mark.parametrize("command", [("movierec-bot",), ("python", "-m", "bot")])
def test_the_bot_without_its_extra_says_what_to_install(
    shipped_core: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    result = run_installed(shipped_core, *command, cwd=tmp_path, env={"TELEGRAM_BOT_TOKEN": "1:x"})
    assert result.returncode == 1
    assert (result.stdout, result.stderr.strip()) == ("", BOT_EXTRA_MISSING)


@pytest.mark.process
def test_the_bot_with_its_extra_starts_past_the_check(shipped: Path, tmp_path: Path) -> None:
    result = run_installed(shipped, "movierec-bot", "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert BOT_EXTRA_MISSING not in result.stderr and "--healthcheck" in result.stdout


@pytest.mark.process
@pytest.mark.parametrize(
    ("arguments", "missing"),
    [
        (("evaluate", "--quick", "--plot", "out.png"), "matplotlib"),
        (("evaluate", "--onboarding", "--max-users", "5"), None),
        (("evaluate",), "implicit, threadpoolctl"),
    ],
)
def test_evaluate_without_its_extra_says_what_to_install(
    shipped_core: Path, core_home: Path, ml1m_dir: Path, arguments: tuple[str, ...], missing: str
) -> None:
    """A core install evaluates what needs no extra package; what needs one gets one sentence
    naming it and the extra, exit 2, no traceback."""
    env = {"MOVIEREC_HOME": str(core_home), "MOVIELENS_DIR": str(ml1m_dir)}
    result = run_installed(shipped_core, "movierec", *arguments, cwd=core_home, env=env)
    if missing is None:
        assert result.returncode == 0, result.stderr
        assert "adaptive" in result.stdout
        return
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"needs {missing}: pip install 'movierec[eval]'" in result.stderr


def test_the_bot_on_postgresql_without_its_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`[bot]` alone with DATABASE_URL=postgresql://...: one sentence, exit 1, before anything
    connects (psycopg hidden from the import system, as in such an install)."""
    import importlib.util

    import bot.__main__ as entry

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "psycopg" else real(name, *a)
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST-TOKEN")
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot:secret@127.0.0.1:1/bot")
    assert entry.main([]) == 1
    assert capsys.readouterr().err.strip() == entry.POSTGRES_EXTRA_MISSING
