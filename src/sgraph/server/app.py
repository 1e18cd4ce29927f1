"""The Starlette application of ``sgraph serve``."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sgraph.server import api, browse, graphview, network, workbench
from sgraph.server.config import ServerConfig
from sgraph.server.errors import EXCEPTION_HANDLERS
from sgraph.server.linked_data import LinkedData, linked_data_routes
from sgraph.server.service import QueryService
from sgraph.store import GraphStore

#: The policy of every response that sets none of its own (the query page sets a wider one):
#: no script, no plug-in, nothing fetched but this server's images; inline styles (the entity
#: and documentation pages have a ``<style>`` element) are the only inline content allowed.
PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": PAGE_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class SecurityHeaders:
    """ASGI middleware: every response carries a CSP, ``nosniff`` and a referrer policy.

    Headers a route set itself win, so a page can allow what it needs (the query page's script).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(gs: GraphStore, config: ServerConfig | None = None) -> Starlette:
    """The endpoint (and, for browsers, the query page at the same URL), the browse pages, the
    named-query API, the network views and the linked-data routes.

    Query workers start with the app (its lifespan) and stop with it.
    """
    config = config or ServerConfig()
    service = QueryService.create(gs, config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await service.pool.start()
        warming: asyncio.Task[None] | None = None
        if config.warm_up:  # the named queries' default answers, stored beside the store
            warming = asyncio.create_task(service.warm_up.run(service, api.library_of(app)))
        try:
            yield
        finally:
            if warming is not None:
                warming.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await warming
            service.cache.close()
            await service.pool.close()
            ld.files.close()

    ld = LinkedData(gs, config, service.version)
    routes: list[BaseRoute] = [
        Route("/", browse.home, methods=["GET"], name="home"),
        Route("/sparql", workbench.sparql, methods=["GET", "POST"], name="sparql"),
        Route("/search", browse.search, methods=["GET"], name="search"),
        Route("/describe", browse.describe, methods=["GET"], name="describe"),
        Route("/network", network.network_page, methods=["GET"], name="network"),
        Route("/api/queries", api.list_queries, methods=["GET"], name="queries"),
        Route("/api/queries/{name}", api.run_query, methods=["GET"], name="run_query"),
        Route("/api/queries/{name}/network", graphview.named_network, methods=["GET"]),
        Route("/api/network", graphview.query_network, methods=["GET", "POST"], name="graph_view"),
        Route("/api/labels", browse.labels, methods=["POST"], name="labels"),
        Route("/api/check", browse.check, methods=["POST"], name="check"),
        Route("/api/limits", api.limits, methods=["GET"], name="limits"),
    ]
    # linked-data routes come after the fixed paths above and before any catch-all
    routes += linked_data_routes(ld)
    app = Starlette(
        routes=routes,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
        middleware=[Middleware(SecurityHeaders)],
    )
    app.state.service = service
    app.state.config = config
    app.state.gs = gs
    app.state.linked_data = ld
    app.state.network_pages = network.NetworkPages(gs)
    return app
