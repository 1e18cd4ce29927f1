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
    ``dist_dir``          folder of a build, for the dumps served by the linked-data routes.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    timeout_s: float = 5.0
    max_rows: int = 10000
    max_request_bytes: int = 100_000
    dist_dir: Path | None = None
    workers: int = 2
