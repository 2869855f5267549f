"""A kustomize renderer for the features used under deploy/k8s: resources (files and directories),
components, namespace, images, JSON 6902 patches (add/replace/remove/test) and strategic-merge
`$patch: delete`. Anything else raises, so a new feature cannot be silently ignored.

tests/deploy/test_kustomize.py checks it against `kubectl kustomize` (the committed renderings in
tests/golden/kustomize, and kubectl itself where it is installed); the other deploy tests read the
objects it renders.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume"}
WORKLOADS = {"Deployment", "StatefulSet", "Job", "DaemonSet"}


def load_yaml_docs(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


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


def pod_specs(doc: dict) -> Iterator[dict]:
    spec = doc.get("spec", {})
    if doc["kind"] in WORKLOADS:
        yield spec["template"]["spec"]
    elif doc["kind"] == "CronJob":
        yield spec["jobTemplate"]["spec"]["template"]["spec"]


def containers(doc: dict) -> Iterator[dict]:
    for pod in pod_specs(doc):
        yield from pod.get("initContainers", [])
        yield from pod.get("containers", [])


def _set_images(docs: list[dict], images: list[dict]) -> None:
    for doc in docs:
        for container in containers(doc):
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


def object_key(doc: dict) -> tuple[str, str, str]:
    meta = doc["metadata"]
    return (doc["kind"], meta.get("namespace", ""), meta["name"])


def by_key(docs: list[dict]) -> dict[tuple[str, str, str], dict]:
    keyed = {object_key(doc): doc for doc in docs}
    assert len(keyed) == len(docs), "two objects with the same kind, namespace and name"
    return keyed


def find(docs: list[dict], kind: str, name: str) -> dict:
    hits = [doc for doc in docs if doc["kind"] == kind and doc["metadata"]["name"] == name]
    assert len(hits) == 1, f"expected one {kind}/{name}, found {len(hits)}"
    return hits[0]
