"""The deployment files the tests in tests/deploy/ check, and what several of them read: the
kustomization roots, the variables `.env.example` documents, Compose's `${VAR}` references."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.kustomize import load_yaml_docs

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
K8S = ROOT / "deploy" / "k8s"
SECRET_EXAMPLE = K8S / "secret.example.yaml"
QDRANT_VALUES = ROOT / "deploy" / "qdrant-values.yaml"
DEPLOY_DOC = ROOT / "docs" / "deploy.md"
NAMESPACE = "movierec"
# Everything `kubectl apply -k` can be pointed at.
KUSTOMIZATIONS = sorted(p.parent for p in K8S.rglob("kustomization.yaml"))
ROOTS = [p for p in KUSTOMIZATIONS if "components" not in p.relative_to(K8S).parts]
# The roots with several webhook replicas on PostgreSQL (components/scale); the others run one
# bot, replaced with Recreate.
SCALE_ROOTS = {"overlays/scale"}
SINGLE_BOT_ROOTS = [
    str(p.relative_to(K8S))
    for p in ROOTS
    if p.name != "jobs" and str(p.relative_to(K8S)) not in SCALE_ROOTS
]
# The catalogue production runs; ml-1m stays the code's default for tests and CI.
PRODUCTION_DATASET = "ml-32m"


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


COMPOSE_VARIABLE = re.compile(r"\$\{([A-Z][A-Z0-9_]*)(?:(:?[-?+])([^}]*))?\}")


def compose_references(value: str) -> set[str]:
    return {match[1] for match in COMPOSE_VARIABLE.finditer(value.replace("$$", ""))}


def compose_default(value: str) -> str:
    """The `:-` default of a `${VAR:-default}` value."""
    match = COMPOSE_VARIABLE.fullmatch(value)
    assert match and match[2] == ":-", value
    return match[3]


def secret_keys() -> dict[str, set[str]]:
    return {
        doc["metadata"]["name"]: set(doc.get("stringData", {})) | set(doc.get("data", {}))
        for doc in load_yaml_docs(SECRET_EXAMPLE)
        if doc["kind"] == "Secret"
    }


def quantity(value: str) -> float:
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "k": 1e3, "M": 1e6, "G": 1e9, "m": 1e-3}
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([A-Za-z]*)", str(value))
    assert match, value
    return float(match[1]) * units.get(match[2], 1)
