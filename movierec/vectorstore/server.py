"""A Qdrant server, Qdrant Cloud or a distributed cluster, through `qdrant-client`.

The same collection layout as the embedded store (`movielens`, named sparse vectors `ratings` and
`unit`, user attributes as payload), so both stores give identical picks. `QDRANT_URL=:memory:` or a
local path selects qdrant-client's local mode, which lets the tests exercise this code without a
server. The data set fingerprint is kept in the collection's metadata so that a deployment notices a
stale collection and rebuilds it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from qdrant_client import QdrantClient, models
from tqdm.auto import tqdm

from movierec.vectors import VECTOR_NAMES, VECTOR_RATINGS, VECTOR_UNIT, UserVectors
from movierec.vectorstore.base import Neighbors, cut_neighbors, points_arrays, query_arrays

UPLOAD_BATCH = 256


@dataclass(frozen=True)
class CollectionOptions:
    """Choices made once, when the collection is created."""

    shards: int = 1
    replicas: int = 1
    on_disk: bool = False


def connect(url: str, api_key: str | None = None, timeout: int = 60) -> QdrantClient:
    """Open a client for `url`: `:memory:`, a local path, an http(s) URL, or a bare host name."""
    if url == ":memory:":
        return QdrantClient(location=":memory:")
    if url.startswith(("http://", "https://")):
        return QdrantClient(url=url, api_key=api_key, timeout=timeout)
    if url.startswith(("/", ".", "~")) or url.startswith("file:"):
        return QdrantClient(path=str(Path(url.removeprefix("file:")).expanduser()))
    return QdrantClient(host=url, api_key=api_key, timeout=timeout, https=api_key is not None)


class ServerStore:
    """The `collection` on the server `client` is connected to."""

    def __init__(self, client: QdrantClient, collection: str) -> None:
        self.client = client
        self.collection = collection

    def metadata(self) -> dict | None:
        """The collection's metadata, or None when the collection does not exist."""
        if not self.client.collection_exists(self.collection):
            return None
        info = self.client.get_collection(self.collection)
        return dict(info.config.metadata or {})

    def recreate(self, metadata: dict, options: CollectionOptions) -> None:
        """Drop and create the collection with both named sparse vectors."""
        if self.client.collection_exists(self.collection):
            self.client.delete_collection(self.collection)
        index = models.SparseIndexParams(on_disk=options.on_disk)
        self.client.create_collection(
            self.collection,
            vectors_config={},
            sparse_vectors_config={
                name: models.SparseVectorParams(index=index) for name in VECTOR_NAMES
            },
            shard_number=options.shards,
            replication_factor=options.replicas,
            metadata=metadata,
        )

    def mark_complete(self, metadata: dict) -> None:
        """Record in the collection that the upload finished (a crashed build is rebuilt)."""
        self.client.update_collection(self.collection, metadata=metadata)

    def upload(
        self,
        vectors: UserVectors,
        payloads: Mapping[int, dict] | None = None,
        *,
        progress: bool = False,
        parallel: int = 2,
    ) -> None:
        """Upload every user, `parallel` worker processes at a time against a server.

        qdrant-client's local mode (`:memory:` or a path) accepts `parallel` and ignores it: it
        upserts in this process, so the same call serves both without asking which one we have.
        """
        points = tqdm(
            _points(vectors, payloads),
            total=len(vectors),
            unit="user",
            leave=False,
            desc="Uploading users (Qdrant)",
            disable=not progress,
        )
        self.client.upload_points(
            self.collection,
            points,
            batch_size=UPLOAD_BATCH,
            parallel=parallel,
            max_retries=5,
            wait=True,
        )

    def neighbors(self, preferences: Mapping[int, float], k: int, using: str) -> Neighbors:
        indices, values = query_arrays(preferences)
        query = models.SparseVector(indices=indices, values=values)

        def fetch(limit: int) -> tuple[np.ndarray, np.ndarray]:
            response = self.client.query_points(
                self.collection,
                query=query,
                using=using,
                limit=limit,
                with_vectors=False,
                with_payload=False,
            )
            return points_arrays(response.points)

        return cut_neighbors(fetch, k)

    def count(self) -> int:
        return self.client.count(self.collection, exact=True).count

    def close(self) -> None:
        self.client.close()


def _points(
    vectors: UserVectors, payloads: Mapping[int, dict] | None
) -> Iterator[models.PointStruct]:
    unit = vectors.unit_values()
    for i in range(len(vectors)):
        lo, hi = int(vectors.indptr[i]), int(vectors.indptr[i + 1])
        movie_ids = vectors.indices[lo:hi].tolist()
        user_id = int(vectors.user_ids[i])
        yield models.PointStruct(
            id=user_id,
            vector={
                VECTOR_RATINGS: models.SparseVector(
                    indices=movie_ids, values=vectors.values[lo:hi].tolist()
                ),
                VECTOR_UNIT: models.SparseVector(indices=movie_ids, values=unit[lo:hi].tolist()),
            },
            payload=(payloads or {}).get(user_id, {}),
        )
