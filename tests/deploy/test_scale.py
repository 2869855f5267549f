"""The scale overlay (deploy/k8s/components/scale): several webhook replicas on PostgreSQL, their
disruption budget and autoscaler, and the CloudNativePG Cluster (a custom resource, so checked
field by field here instead of against a schema)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.support.deployfiles import K8S, NAMESPACE, ROOTS, SCALE_ROOTS, quantity, secret_keys
from tests.support.kustomize import containers, find


def test_scale_roots_are_the_ones_with_the_scale_component() -> None:
    for root in ROOTS:
        spec = yaml.safe_load((root / "kustomization.yaml").read_text())
        scaled = any(Path(c).name == "scale" for c in spec.get("components", []))
        assert scaled == (str(root.relative_to(K8S)) in SCALE_ROOTS), root


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
    assert all("cpu" in c["resources"]["requests"] for c in containers(bot))


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
    assert quantity(spec["storage"]["size"]) >= 1 * 2**30
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
