"""Run `movierec-bot` as a real process against the HTTP Telegram stand-in."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from tests.support.fakegram import FakeTelegram

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed_home(home: Path, built_home: Path) -> Path:
    """A fresh MOVIEREC_HOME that reuses an already-built index (copied, a few MB)."""
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "index").exists():
        shutil.copytree(built_home / "index", home / "index")
    return home


class BotProcess:
    """`movierec-bot` as installed from the wheel (`bin_dir`), run from `home` (outside the
    source tree), with the environment a deployment would give it."""

    def __init__(
        self,
        fake: FakeTelegram,
        base_url: str,
        home: Path,
        movielens: Path,
        bin_dir: Path,
        **env: str,
    ) -> None:
        self.fake = fake
        self.home = home
        self.command = [str(bin_dir / "movierec-bot")]
        self.log_path = home / "bot.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("QDRANT_", "WEBHOOK_"))},
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_BASE_URL": base_url,
            "MOVIEREC_HOME": str(home),
            "MOVIELENS_DIR": str(movielens),
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self, wait_for_polling: bool = True) -> BotProcess:
        calls_before = len(self.fake.calls)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command,
            cwd=self.home,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        if wait_for_polling:
            self.fake.wait_for_sync(
                lambda: (
                    any(m == "getUpdates" for m, _ in self.fake.calls[calls_before:]) or self.died()
                ),
                timeout=60,
            )
            assert not self.died(), self.log()
        return self

    def healthcheck(self, cwd: Path | None = None, **env: str) -> int:
        """`movierec-bot --healthcheck` as a probe would run it: its exit code."""
        return subprocess.run(
            [*self.command, "--healthcheck"],
            env={**self.env, **env},
            cwd=cwd or self.home,
            timeout=60,
            check=False,
        ).returncode

    def died(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def kill(self) -> None:
        """SIGKILL: no chance to clean up, like a crash or an OOM kill."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM, the graceful way; returns the exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_reply(self, chat_id: int, count_before: int, timeout: float = 20) -> None:
        """Until the bot has sent more messages to `chat_id` than `count_before`."""
        self.fake.wait_for_sync(lambda: len(self.fake.messages(chat_id)) > count_before, timeout)
        time.sleep(0.05)  # let a multi-message answer finish
