"""Settings of one running endpoint (``sgraph serve``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: The default size up to which each query worker loads its own in-memory copy of the graph
#: (about 0.3 GB and a few seconds each at this size; scans 4-10x faster than on disk).
COPY_WORKERS_UP_TO = 2_000_000


@dataclass(frozen=True)
class ServerConfig:
    """Where the endpoint listens and the bounds every query runs within.

    ``timeout_s``         wall-clock limit of one query (answered 503, never a cut body);
    ``max_rows``          rows (or triples) returned at most; more are cut with a visible flag;
    ``max_result_bytes``  largest complete result ``/sparql`` sends a protocol client (which
                          gets every row or an error, never a cut result);
    ``max_request_bytes`` largest query or request body accepted (413 above);
    ``workers``           query worker processes (sharing one on-disk store, read-only);
    ``worker_memory_mb``  memory limit of each worker in MiB (0: none); a query past it: 503;
    ``dist_dir``          folder of a build, for the dumps served by the linked-data routes;
    ``in_memory_workers`` each worker holds an in-memory copy (scans 4-10x faster, memory per
                          worker) or all share the on-disk store (fast start, one copy);
                          ``None``: copies up to ``COPY_WORKERS_UP_TO`` triples, shared above;
    ``cache_bytes``       memory bound of the server-side result cache (0: no cache);
    ``result_store_bytes`` disk bound of the stored results beside a persisted store
                          (``sgraph.server.tier``; 0: none, and no warm-up);
    ``warm_up``           compute and store the named queries' default answers once ready
                          (``sgraph.server.warmup``), each within ``warm_timeout_s``;
    ``public_url``        the address clients reach the server at (behind a proxy, say), used in
                          links the server writes (``head.link``, the service description);
                          default ``http://host:port``. Never taken from a request's Host header.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    timeout_s: float = 5.0
    max_rows: int = 10000
    max_request_bytes: int = 100_000
    max_result_bytes: int = 256 * 1024 * 1024
    dist_dir: Path | None = None
    workers: int = 2
    worker_memory_mb: int = 2048
    public_url: str | None = None
    cache_bytes: int = 64 * 1024 * 1024
    result_store_bytes: int = 1024 * 1024 * 1024
    warm_up: bool = True
    warm_timeout_s: float = 600.0
    in_memory_workers: bool | None = None

    def workers_in_memory(self, triples: int) -> bool:
        """Whether the query workers load their own copies for a graph of ``triples``: as asked,
        or (by default) while copies are small enough to be cheap in memory and start-up."""
        if self.in_memory_workers is not None:
            return self.in_memory_workers
        return triples <= COPY_WORKERS_UP_TO

    @property
    def url(self) -> str:
        """The server's own address, without a trailing ``/``: ``public_url`` or host and port."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"
