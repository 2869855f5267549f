"""docs/deploy.md: the files and kustomizations it names exist."""

from __future__ import annotations

import re

from tests.support.deployfiles import DEPLOY_DOC, ROOT


def test_deploy_doc_points_at_files_that_exist() -> None:
    text = DEPLOY_DOC.read_text()
    for path in sorted(set(re.findall(r"(?<![\w/])(?:deploy|docs)/[\w./-]*\w", text))):
        assert (ROOT / path).exists(), f"docs/deploy.md names a missing {path}"
    applied = re.findall(r"kubectl apply -k ([\w./-]+)", text)
    assert applied, "the Kubernetes walk-through applies a kustomization"
    for path in applied:
        assert (ROOT / path / "kustomization.yaml").is_file(), path
    assert "Docker engine" in text, "say what could not be run here"
