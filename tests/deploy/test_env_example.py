"""`.env.example` and the variables the code reads: every one documented, the deployment contract
covered, no secret in it."""

from __future__ import annotations

import ast
import re

from tests.support.deployfiles import ROOT, documented_variables

# Process environment that is not project configuration (set by the OS or by tools).
NOT_CONFIGURATION = {"HOME", "PATH", "TERM", "TZ", "USER", "PYTEST_CURRENT_TEST"}


def _is_environ(node: ast.AST) -> bool:
    """`os.environ`, `environ`, or a mapping named like one (`env`, `self._environ`)."""
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return "env" in name.lower()


def environment_reads(source: str) -> set[str]:
    """Names of environment variables a module reads.

    Recognises os.environ[...], os.environ.get/pop/setdefault(...), `... in os.environ` (also on
    a mapping called env/environ, as code that takes the environment as a parameter does),
    os.getenv(...), and any helper whose name contains "env" (`_env("X")`, `env_int("X")`),
    with the name given literally or through a string constant assigned in the module.
    """
    tree = ast.parse(source)
    constants = {
        target.id: node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }

    def literal(node: ast.AST | None) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return constants.get(node.id)
        return None

    found: list[str | None] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _is_environ(node.value):
            found.append(literal(node.slice))
        elif isinstance(node, ast.Compare) and any(_is_environ(c) for c in node.comparators):
            found.append(literal(node.left))
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            on_environ = isinstance(func, ast.Attribute) and _is_environ(func.value)
            if (on_environ and name in {"get", "pop", "setdefault"}) or "env" in name.lower():
                found.append(literal(node.args[0]))
    return {
        name for name in found if name and re.fullmatch(r"[A-Z][A-Z0-9_]*[A-Z0-9]", name)
    } - NOT_CONFIGURATION


def test_environment_scanner_finds_every_kind_of_read() -> None:
    source = """
import os
from os import environ
TOKEN_VAR = "TELEGRAM_BOT_TOKEN"
a = os.environ["A_VAR"]
b = os.environ.get("B_VAR", "x")
c = os.getenv("C_VAR")
d = _env("D_VAR", "1")
e = env_int(
    "E_VAR",
)
f = os.environ.get(TOKEN_VAR)
g = "G_VAR" in os.environ
h = environ.setdefault("H_VAR", "y")
i = os.environ.get(name)          # a variable name: not resolvable, ignored
j = settings.get("NOT_ENV")       # not the environment
k = os.environ.get("HOME")        # not project configuration
def read(env):
    return env.get("L_VAR"), env["M_VAR"], self._environ.get("N_VAR")
"""
    assert environment_reads(source) == {
        "A_VAR",
        "B_VAR",
        "C_VAR",
        "D_VAR",
        "E_VAR",
        "TELEGRAM_BOT_TOKEN",
        "G_VAR",
        "H_VAR",
        "L_VAR",
        "M_VAR",
        "N_VAR",
    }


def code_variables() -> dict[str, set[str]]:
    """{variable: files that read it} over the movierec/ and bot/ packages."""
    reads: dict[str, set[str]] = {}
    for package in ("movierec", "bot"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for name in environment_reads(path.read_text()):
                reads.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return reads


def test_env_example_documents_every_variable_the_code_reads() -> None:
    reads = code_variables()
    # The scanner must see the settings module's reads, or this test proves nothing.
    assert {"MOVIEREC_HOME", "QDRANT_URL", "QDRANT_API_KEY", "QDRANT_SHARDS"} <= set(reads)
    missing = {name: sorted(files) for name, files in reads.items()}
    for name in documented_variables():
        missing.pop(name, None)
    assert missing == {}, f"read by the code but not in .env.example: {missing}"


def test_env_example_covers_the_deployment_contract_and_holds_no_secrets() -> None:
    variables = documented_variables()
    contract = {
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_BASE_URL",
        "WEBHOOK_URL",
        "WEBHOOK_SECRET",
        "WEBHOOK_LISTEN",
        "WEBHOOK_PORT",
        "MOVIEREC_HOME",
        "MOVIELENS_DIR",
        "MOVIELENS_DATASET",
        "MOVIEREC_STORE",
        "QDRANT_URL",
        "QDRANT_HOST",
        "QDRANT_API_KEY",
        "QDRANT_COLLECTION",
        "QDRANT_SHARDS",
        "QDRANT_REPLICAS",
        "QDRANT_ON_DISK",
        "LOG_LEVEL",
        "LOG_FORMAT",
    }
    assert contract <= set(variables), contract - set(variables)
    for name in ("TELEGRAM_BOT_TOKEN", "WEBHOOK_SECRET", "QDRANT_API_KEY"):
        assert variables[name] == "", f"{name} must be empty in the example"
