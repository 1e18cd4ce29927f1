"""Settings of one running endpoint (``sgraph serve``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ServerConfig:
    """Where the endpoint listens and the bounds every query runs within.

    ``timeout_s``         wall-clock limit of one query (answered 503, never a cut body);
    ``max_rows``          rows (or triples) returned at most; more are cut with a visible flag;
    ``max_request_bytes`` largest query or request body accepted (413 above);
    ``workers``           query worker processes (each holds its own copy of the store);
    ``worker_memory_mb``  memory limit of each worker in MiB (0: none); a query past it: 503;
    ``dist_dir``          folder of a build, for the dumps served by the linked-data routes;
    ``public_url``        the address clients reach the server at (behind a proxy, say), used in
                          links the server writes (``head.link``, the service description);
                          default ``http://host:port``. Never taken from a request's Host header.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    timeout_s: float = 5.0
    max_rows: int = 10000
    max_request_bytes: int = 100_000
    dist_dir: Path | None = None
    workers: int = 2
    worker_memory_mb: int = 2048
    public_url: str | None = None

    @property
    def url(self) -> str:
        """The server's own address, without a trailing ``/``: ``public_url`` or host and port."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"
