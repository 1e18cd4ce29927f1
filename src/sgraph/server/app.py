"""The Starlette application of ``sgraph serve``."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route

from sgraph.server import api, network, page, protocol
from sgraph.server.config import ServerConfig
from sgraph.server.errors import EXCEPTION_HANDLERS
from sgraph.server.service import QueryService
from sgraph.store import GraphStore

log = logging.getLogger("sgraph.server")


def _linked_data_routes(gs: GraphStore, config: ServerConfig) -> list[BaseRoute]:
    """Dereferenceable IRIs, /ontology, /dumps, /void.ttl (module written by the export helper)."""
    try:
        from sgraph.server.linked_data import (  # type: ignore[import-not-found,unused-ignore]
            linked_data_routes,
        )
    except ModuleNotFoundError as exc:
        # Tolerated only while that module does not exist yet; any other import error is a bug.
        if exc.name != "sgraph.server.linked_data":
            raise
        log.warning("sgraph.server.linked_data is missing: IRIs are not dereferenceable")
        return []
    return list(linked_data_routes(gs, config))


def create_app(gs: GraphStore, config: ServerConfig | None = None) -> Starlette:
    """The endpoint, the query page, the named-query API and the linked-data routes.

    Query workers start with the app (its lifespan) and stop with it.
    """
    config = config or ServerConfig()
    service = QueryService.create(gs, config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await service.pool.start()
        try:
            yield
        finally:
            await service.pool.close()

    routes: list[BaseRoute] = [
        Route("/", page.query_page, methods=["GET"], name="query_page"),
        Route("/assets/query-page/{name}", page.page_asset, methods=["GET"], name="page_asset"),
        Route("/sparql", protocol.sparql_endpoint, methods=["GET", "POST"], name="sparql"),
        Route("/api/queries", api.list_queries, methods=["GET"], name="queries"),
        Route("/api/queries/{name}", api.run_query, methods=["GET"], name="run_query"),
        Route("/api/limits", api.limits, methods=["GET"], name="limits"),
        Route("/network", network.network_page, methods=["GET"], name="network"),
    ]
    # linked-data routes come after the fixed paths above and before any catch-all
    routes += _linked_data_routes(gs, config)
    app = Starlette(routes=routes, exception_handlers=EXCEPTION_HANDLERS, lifespan=lifespan)
    app.state.service = service
    app.state.config = config
    app.state.gs = gs
    app.state.network_pages = network.NetworkPages(gs)
    return app
