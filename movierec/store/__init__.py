"""Vector stores: Qdrant Edge (embedded default) and qdrant-client (server, cluster, local)."""

from movierec.store.base import Neighbours, VectorStore

__all__ = ["Neighbours", "VectorStore"]
