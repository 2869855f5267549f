"""`movierec-bot --healthcheck`: cheap, standard library only (probes run it every few seconds).

Webhook mode asks the running bot's /healthz; polling mode checks that the heartbeat file the bot
touches every 30 s is fresh.
"""

from __future__ import annotations

import os
import time
import urllib.request
from pathlib import Path

MAX_AGE_SECONDS = 120


def heartbeat_path() -> Path:
    home = os.environ.get("MOVIEREC_HOME", "").strip()
    if not home:
        from platformdirs import user_data_dir

        home = user_data_dir("movierec", appauthor=False)
    return Path(home) / "bot.heartbeat"


def check() -> int:
    """0 when healthy, 1 otherwise (the exit code Docker and Kubernetes read)."""
    if os.environ.get("WEBHOOK_URL", "").strip():
        port = os.environ.get("WEBHOOK_PORT", "").strip() or "8080"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as reply:
                return 0 if reply.status == 200 else 1
        except OSError:
            return 1
    path = heartbeat_path()
    try:
        return 0 if time.time() - path.stat().st_mtime < MAX_AGE_SECONDS else 1
    except OSError:
        return 1
