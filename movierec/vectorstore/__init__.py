"""Vector stores: Qdrant Edge (embedded default) and qdrant-client (server, cluster, local)."""

from movierec.vectorstore.base import Neighbors, VectorStore

__all__ = ["Neighbors", "VectorStore"]
