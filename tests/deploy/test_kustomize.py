"""The kustomizations under deploy/k8s: the tests' renderer against `kubectl kustomize`, and every
object against the official Kubernetes schemas (kubernetes-validate, offline, strict: unknown
fields fail)."""

from __future__ import annotations

import copy
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from tests.support.deployfiles import K8S, KUSTOMIZATIONS, ROOT, ROOTS, SCALE_ROOTS, SECRET_EXAMPLE
from tests.support.kustomize import by_key, find, load_yaml_docs, render

# The Kubernetes release whose schemas the manifests must satisfy: fixed, so that results do not
# change when kubernetes-validate adds newer schemas. The manifests use only long-stable APIs
# (v1, apps/v1, batch/v1, networking.k8s.io/v1, policy/v1).
K8S_VERSION = "1.32.0"
GOLDEN = ROOT / "tests" / "golden" / "kustomize"
# Custom resources of operators the manifests rely on: kubernetes-validate has no schema for them,
# so each gets a focused structural test instead (CloudNativePG's Cluster: test_scale.py).
CUSTOM_RESOURCES = {("postgresql.cnpg.io/v1", "Cluster")}


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
