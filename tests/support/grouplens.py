"""A local HTTP server playing files.grouplens.org (`MOVIELENS_BASE_URL` points at it), serving
generated archives only: the tests never reach the network or hold a MovieLens file."""

from __future__ import annotations

import hashlib
import http.server
import io
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class GroupLens:
    """The running server: `base_url` (ends in /datasets/movielens/), the `files` it serves by
    name (edit freely), and the paths requested so far."""

    base_url: str
    files: dict[str, bytes] = field(default_factory=dict)
    requested: list[str] = field(default_factory=list)

    def publish(self, name: str, archive: bytes) -> None:
        """`name`.zip and the `name`.zip.md5 GroupLens publishes beside it."""
        self.files[f"{name}.zip"] = archive
        digest = hashlib.md5(archive).hexdigest()
        self.files[f"{name}.zip.md5"] = f"{digest}  {name}.zip\n".encode()


@contextmanager
def grouplens_server() -> Iterator[GroupLens]:
    served = GroupLens("")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.requested.append(self.path)
            body = served.files.get(self.path.rsplit("/", 1)[-1])
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    served.base_url = f"http://127.0.0.1:{server.server_address[1]}/datasets/movielens/"
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()


def zip_folder(folder: Path, name: str) -> bytes:
    """`folder`'s files zipped under `name`/, as GroupLens lays out its archives."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"{name}/{path.name}")
    return buffer.getvalue()
