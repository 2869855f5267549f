"""The rendered Kubernetes objects: what the schemas cannot see (references between objects: a
Secret key, a port name, a Service selector), locked-down and sized pods, one bot replaced rather
than rolled, the webhook overlay's route, Qdrant's cluster settings, the Secret example."""

from __future__ import annotations

import re

import pytest

from tests.support.deployfiles import (
    COMPOSE,
    ENV_EXAMPLE,
    K8S,
    NAMESPACE,
    ROOT,
    ROOTS,
    SCALE_ROOTS,
    SECRET_EXAMPLE,
    SINGLE_BOT_ROOTS,
    documented_variables,
    secret_keys,
)
from tests.support.kustomize import (
    CLUSTER_SCOPED,
    WORKLOADS,
    containers,
    find,
    load_yaml_docs,
    object_key,
    pod_specs,
)

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
            assert doc["metadata"].get("namespace") == NAMESPACE, object_key(doc)
        for pod in pod_specs(doc):
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
            ports = {p["name"] for d in selected for c in containers(d) for p in c.get("ports", [])}
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
        for pod in pod_specs(doc):
            assert pod["automountServiceAccountToken"] is False
            pod_security = pod.get("securityContext", {})
            assert pod_security.get("runAsNonRoot") is True, object_key(doc)
            assert pod_security["seccompProfile"]["type"] == "RuntimeDefault"
            for container in [*pod.get("initContainers", []), *pod["containers"]]:
                where = (*object_key(doc), container["name"])
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
                    assert {"readinessProbe", "livenessProbe"} <= set(container), object_key(doc)


@pytest.mark.parametrize("root", SINGLE_BOT_ROOTS)
def test_one_bot_replaced_not_rolled(rendered: dict, root: str) -> None:
    bot = find(rendered[root], "Deployment", "movierec-bot")
    assert bot["spec"]["replicas"] == 1, "long polling allows exactly one poller"
    assert bot["spec"]["strategy"] == {"type": "Recreate"}
    # One process, one SQLite file on one ReadWriteOnce volume: no PostgreSQL, no autoscaler.
    kinds = {doc["kind"] for doc in rendered[root]}
    assert not kinds & {"HorizontalPodAutoscaler", "Cluster"}, root
    env = {var["name"] for c in containers(bot) for var in c.get("env", [])}
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
        for container in containers(doc):
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
