"""The Starlette application of ``sgraph serve``."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route

from sgraph.server import api, network, page, protocol
from sgraph.server.config import ServerConfig
from sgraph.server.errors import EXCEPTION_HANDLERS
from sgraph.server.linked_data import linked_data_routes
from sgraph.server.service import QueryService
from sgraph.store import GraphStore


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
    routes += linked_data_routes(gs, config)
    app = Starlette(routes=routes, exception_handlers=EXCEPTION_HANDLERS, lifespan=lifespan)
    app.state.service = service
    app.state.config = config
    app.state.gs = gs
    app.state.network_pages = network.NetworkPages(gs)
    return app
