"""The production catalogue (ml-32m) in every deployment: Compose's and the ConfigMaps' dataset, the
bot's memory and start-up time for it, the catalogue table of docs/deploy.md."""

from __future__ import annotations

import re

import pytest

from tests.support.deployfiles import (
    DEPLOY_DOC,
    K8S,
    PRODUCTION_DATASET,
    ROOTS,
    SCALE_ROOTS,
    SINGLE_BOT_ROOTS,
    compose_default,
    documented_variables,
    quantity,
)
from tests.support.kustomize import find


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


@pytest.mark.parametrize("root", [r for r in SINGLE_BOT_ROOTS] + sorted(SCALE_ROOTS))
def test_bot_is_sized_and_given_time_for_the_modern_catalogue(rendered: dict, root: str) -> None:
    pod = find(rendered[root], "Deployment", "movierec-bot")["spec"]["template"]["spec"]
    bot = pod["containers"][0]
    assert quantity(bot["resources"]["requests"]["memory"]) >= 1.5 * 2**30
    assert quantity(bot["resources"]["limits"]["memory"]) >= 2.5 * 2**30
    (index,) = pod["initContainers"]
    assert quantity(index["resources"]["limits"]["memory"]) >= 3 * 2**30, "ml-32m index build"
    probe = bot["startupProbe"]
    assert probe["periodSeconds"] * probe["failureThreshold"] >= 600, "10 minutes to start"


def test_compose_gives_the_first_start_time(compose: dict) -> None:
    period = re.fullmatch(r"(\d+)s", compose["services"]["bot"]["healthcheck"]["start_period"])
    assert period and int(period[1]) >= 600
