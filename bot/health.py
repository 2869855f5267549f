"""`movierec-bot --healthcheck`: cheap (probes run it every few seconds), and reading the same
settings as the running bot, `.env` included.

Webhook mode asks the running bot's /livez (is the process serving? Docker's restart policies
read this, and restarting would not cure a database outage; /healthz, readiness, also fails while
the chat store is away, for load balancers and Kubernetes' readinessProbe); polling mode checks
that the heartbeat file the bot touches every 30 s is fresh.
"""

from __future__ import annotations

import os
import time
import urllib.request
from pathlib import Path

from movierec.config import Settings

MAX_AGE_SECONDS = 120


def heartbeat_path(settings: Settings | None = None) -> Path:
    return (settings or Settings.from_env()).home / "bot.heartbeat"


def check() -> int:
    """0 when healthy, 1 otherwise (the exit code Docker and Kubernetes read)."""
    settings = Settings.from_env()  # also loads .env into the environment
    if os.environ.get("WEBHOOK_URL", "").strip():
        port = os.environ.get("WEBHOOK_PORT", "").strip() or "8080"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=5) as reply:
                return 0 if reply.status == 200 else 1
        except OSError:
            return 1
    try:
        age = time.time() - heartbeat_path(settings).stat().st_mtime
    except OSError:
        return 1
    return 0 if age < MAX_AGE_SECONDS else 1
