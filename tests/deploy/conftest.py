"""Static checks of the deployment files: Dockerfile, Compose, Kubernetes manifests, `.env.example`.

There is no Docker engine or Kubernetes cluster in CI, so these tests check what can be checked
without one: the Dockerfile against hadolint (test_dockerfile.py), every Kubernetes object against
the official schemas (test_kustomize.py), the references between objects that the schemas cannot
see (test_kubernetes.py, test_scale.py), the Compose file's wiring (test_compose.py), and that
every environment variable the code reads is documented (test_env_example.py).

Kustomize overlays are rendered by a small renderer (tests/support/kustomize.py); the paths and
readers several files share are in tests/support/deployfiles.py. Here: the parsed Compose file and
the rendered kustomization roots, each made once per session.
"""

from __future__ import annotations

import pytest
import yaml

from tests.support.deployfiles import COMPOSE, K8S, ROOTS, SCALE_ROOTS
from tests.support.kustomize import render


@pytest.fixture(scope="session")
def rendered() -> dict[str, list[dict]]:
    """Every kustomization root, rendered once: {path relative to deploy/k8s: objects}."""
    return {str(root.relative_to(K8S)): render(root) for root in ROOTS}


@pytest.fixture(scope="session")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="session")
def scale() -> list[dict]:
    (root,) = SCALE_ROOTS
    return render(K8S / root)
