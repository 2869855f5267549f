"""deploy/qdrant-values.yaml (the Qdrant Helm chart's values): one Qdrant version and one API key
across Compose, the manifests and the chart."""

from __future__ import annotations

import re

import yaml

from tests.support.deployfiles import QDRANT_VALUES
from tests.support.kustomize import find


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
