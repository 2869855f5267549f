"""Telegram's webhook delivery, for tests of several bot replicas behind a load balancer.

Telegram POSTs each update to the webhook URL with the `X-Telegram-Bot-Api-Secret-Token` header,
over several connections at once (`max_connections`, 40 by default), and sends an update again
(after a pause) until it gets a 2xx answer: an update is never lost because a replica died. These
threads do the same against a list of replica addresses, taking them in turn like a round-robin
load balancer and moving on to the next one when a replica does not answer.

`at_once` is Telegram re-delivering: given updates (the same one, or several) POSTed to given
replicas at the same moment, by hand, without the background threads.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from tests.support.fakegram import FakeTelegram


@dataclass
class WebhookDelivery:
    """POST the stand-in's updates to `targets` (replica URLs), round robin, with retries."""

    fake: FakeTelegram
    targets: list[str]
    secret: str
    retry_pause: float = 0.2
    connections: int = 8
    delivered: int = 0
    refused: int = 0  # non-2xx answers and unreachable replicas, each retried
    per_target: dict[str, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _turn: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> WebhookDelivery:
        for number in range(self.connections):
            thread = threading.Thread(target=self._run, daemon=True, name=f"webhook-{number}")
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(10)

    def _next_target(self) -> str:
        with self._lock:
            target = self.targets[self._turn % len(self.targets)]
            self._turn += 1
            return target

    def _run(self) -> None:
        while not self._stop.is_set():
            update = self.fake.next_for_webhook()
            if update is None:
                continue
            target = self._next_target()
            if self._post(target, update):
                self.fake.delivered(update["update_id"])
                with self._lock:
                    self.delivered += 1
                    self.per_target[target] = self.per_target.get(target, 0) + 1
            else:
                with self._lock:
                    self.refused += 1
                time.sleep(self.retry_pause)
                self.fake.undelivered(update["update_id"])  # the next replica in turn gets it

    def at_once(self, *posts: tuple[dict, str]) -> list[int | None]:
        """POST each (update, replica URL) at the same moment; the HTTP statuses, in order (None:
        no answer). An update that got a 2xx answer is delivered (Telegram stops sending it)."""
        start = threading.Barrier(len(posts))

        def post(update: dict, url: str) -> int | None:
            start.wait()
            return self._status(url, update)

        with ThreadPoolExecutor(len(posts)) as pool:
            statuses = list(pool.map(lambda p: post(*p), posts))
        for (update, _), status in zip(posts, statuses, strict=True):
            if status is not None and 200 <= status < 300:
                self.fake.delivered(update["update_id"])
        return statuses

    def _post(self, url: str, update: dict) -> bool:
        status = self._status(url, update)
        return status is not None and 200 <= status < 300

    def _status(self, url: str, update: dict) -> int | None:
        request = urllib.request.Request(
            url,
            data=json.dumps(update).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Telegram-Bot-Api-Secret-Token": self.secret,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return int(reply.status)
        except urllib.error.HTTPError as error:
            return int(error.code)
        except (urllib.error.URLError, OSError):
            return None
