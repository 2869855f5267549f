"""A TMDB stand-in: a small HTTP server answering `/3/movie/{id}` as TMDB's API does (the JSON
shapes of its documentation: details with `append_to_response=credits,watch/providers,
translations`), 401 without the bearer token, 404 with status_code 34 for unknown ids, 429 with
Retry-After when told to refuse, slow answers when told to be slow, and 503 when "down"."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "tmdb-test-token-3f9a"


def film(tmdb_id: int, title: str, **extra: Any) -> dict[str, Any]:
    """A film as TMDB describes it, with plausible credits, providers and translations."""
    body: dict[str, Any] = {
        "id": tmdb_id,
        "title": title,
        "original_title": title,
        "runtime": 136,
        "overview": (
            "Set in the 22nd century, The Matrix tells the story of a computer hacker who joins a "
            "group of underground insurgents fighting the vast and powerful computers who now "
            "rule the earth. A second sentence that makes the plot longer than two lines on a "
            "phone, so that the card has to cut it between words."
        ),
        "poster_path": f"/poster{tmdb_id}.jpg",
        "genres": [{"id": 28, "name": "Action"}],
        "credits": {
            "cast": [
                {"name": "Keanu Reeves", "order": 0},
                {"name": "Carrie-Anne Moss", "order": 2},
                {"name": "Laurence Fishburne", "order": 1},
                {"name": "Hugo Weaving", "order": 3},
            ],
            "crew": [
                {"name": "Lana Wachowski", "job": "Director"},
                {"name": "Lilly Wachowski", "job": "Director"},
                {"name": "Joel Silver", "job": "Producer"},
            ],
        },
        "watch/providers": {
            "results": {
                "US": {
                    "link": f"https://www.themoviedb.org/movie/{tmdb_id}/watch?locale=US",
                    "flatrate": [
                        {"provider_name": "Mubi", "display_priority": 5},
                        {"provider_name": "Netflix", "display_priority": 1},
                    ],
                    "rent": [{"provider_name": "Apple TV", "display_priority": 2}],
                    "buy": [{"provider_name": "Apple TV", "display_priority": 2}],
                },
                "DE": {
                    "link": f"https://www.themoviedb.org/movie/{tmdb_id}/watch?locale=DE",
                    "rent": [{"provider_name": "Amazon Video", "display_priority": 3}],
                },
            }
        },
        "translations": {
            "translations": [
                {"iso_3166_1": "RU", "iso_639_1": "ru", "data": {"title": "Матрица",
                 "overview": "Жизнь Томаса Андерсона разделена на две части."}},
                {"iso_3166_1": "DE", "iso_639_1": "de", "data": {"title": "", "overview": ""}},
            ]
        },
    }  # fmt: skip
    body.update(extra)
    return body


class FakeTmdb:
    """The stand-in's state: its films and how it behaves now (set by the tests)."""

    def __init__(self, films: dict[int, dict[str, Any]] | None = None) -> None:
        self.films = films or {}
        self.delay = 0.0  # seconds before each answer
        self.refuse = 0  # the next N requests get 429 with Retry-After
        self.retry_after = 1
        self.down = False  # 503 for everything
        self.requests: list[tuple[float, str]] = []  # (time, path) of every request
        self.url = ""
        self.unknown: set[int] = set()  # ids TMDB has no film for (404); any other id is a film

    def answer(self, path: str, headers: Any) -> tuple[int, dict[str, str], dict[str, Any]]:
        self.requests.append((time.monotonic(), path))
        if self.delay:
            time.sleep(self.delay)
        if headers.get("Authorization") != f"Bearer {TOKEN}":
            return 401, {}, {"status_code": 7, "status_message": "Invalid API key."}
        if self.down:
            return 503, {}, {"status_code": 43, "status_message": "Service unavailable."}
        if self.refuse > 0:
            self.refuse -= 1
            return 429, {"Retry-After": str(self.retry_after)}, {"status_code": 25}
        route = path.partition("?")[0]
        parts = route.strip("/").split("/")
        if len(parts) == 3 and parts[:2] == ["3", "movie"] and parts[2].isdigit():
            movie = int(parts[2])
            if movie not in self.unknown:
                return 200, {}, self.films.get(movie) or film(movie, f"Film {movie}")
        message = "The resource you requested could not be found."
        return 404, {}, {"success": False, "status_code": 34, "status_message": message}


@contextmanager
def serve(fake: FakeTmdb) -> Iterator[FakeTmdb]:
    """Run the stand-in on a local port for the block (`fake.url` is its base URL)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, headers, body = fake.answer(self.path, self.headers)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
