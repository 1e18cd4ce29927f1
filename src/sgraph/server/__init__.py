"""``sgraph serve``: a read-only, bounded SPARQL 1.1 endpoint, a query page, linked-data routes.

    from sgraph.server import ServerConfig, create_app
    app = create_app(GraphStore.load(), ServerConfig(timeout_s=2))

Names are imported lazily so that the query worker (``python -m sgraph.server.worker``), which
imports this package first, starts without loading Starlette and the rest of the server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sgraph.lazy import lazy_exports

if TYPE_CHECKING:
    from sgraph.server.app import create_app
    from sgraph.server.config import ServerConfig

_EXPORTS = {"create_app": "sgraph.server.app", "ServerConfig": "sgraph.server.config"}

__all__ = ["ServerConfig", "create_app"]

__getattr__ = lazy_exports(__name__, _EXPORTS)
