"""The query page: what a browser gets at the endpoint's own URL (``/sparql`` with
``Accept: text/html``, with ``?query=`` filled in and run), for analysts who know the Wikidata
Query Service and YASGUI.

Its state (query text, or named query and parameters, and the view) is in the URL, so every
page is a permalink (see ``assets/query-page/app.js``). The editor (CodeMirror 6), the graph
renderer and the page's code are inlined; the page asks nothing of any other host.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from sgraph import pages
from sgraph.namespaces import STANDARD_PREFIXES
from sgraph.server import protocol
from sgraph.server.api import library
from sgraph.server.browse import catalogue, vocabulary
from sgraph.server.page import html_response, is_navigation, wants_html

#: The network page's renderer, whichever this package has: draw.js over sigma.js, or
#: vis-network (graph.js adapts to either).
_RENDERERS = (
    (("assets", "network", "sigma-graphology.min.js"), ("assets", "network", "draw.js")),
    (("assets", "network", "vis-network.min.js"),),
)
_RENDERER = next(
    r for r in _RENDERERS if all(resources.files("sgraph").joinpath(*p).is_file() for p in r)
)
#: The query page's scripts, in order: the editor bundle, the graph renderer, the page.
QUERY_PAGE_SCRIPTS = (
    ("assets", "query-page", "codemirror.min.js"),
    *_RENDERER,
    ("assets", "query-page", "graph.js"),
    ("assets", "query-page", "views.js"),
    ("assets", "query-page", "editor.js"),
    ("assets", "query-page", "app.js"),
)
QUERY_PAGE_STYLES = (("assets", "query-page", "style.css"),)


@cache
def _inline(parts: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """The files' texts, to inline in ``<script>`` / ``<style>`` elements (which they must not
    close: checked here, so a vendored file that could never be inlined fails at once)."""
    texts = tuple(pages.asset_text(*p) for p in parts)
    for p, text in zip(parts, texts, strict=True):
        if "</script" in text.lower() or "</style" in text.lower():
            raise ValueError(f"{'/'.join(p)} holds </script or </style: it cannot be inlined")
    return texts


def query_page(request: Request) -> Response:
    """The query page: the editor, the named queries, the views."""

    service = request.app.state.service
    queries = [q.to_dict() for q in library(request).values()]
    prefixes = dict(service.gs.prefixes)
    return html_response(
        "query.html",
        section="query",
        scripts=_inline(QUERY_PAGE_SCRIPTS),
        styles=_inline(QUERY_PAGE_STYLES),
        config={
            "queries": queries,
            "prefixes": prefixes,
            "standard": sorted(STANDARD_PREFIXES),
            "vocabulary": vocabulary(request),
            "base": service.gs.settings.base,
            "entities": len(catalogue(request)),
            "limits": {"max_rows": service.config.max_rows, "timeout_s": service.config.timeout_s},
        },
    )


async def sparql(request: Request) -> Response:
    """``/sparql``: the query page for a browser's GET, the SPARQL protocol for everyone else.

    Without a query, asking for HTML is enough; with ``?query=`` the request must also be a
    browser's navigation (Fetch metadata), so a SPARQL client that lists text/html in its Accept
    header still gets results (or its 406) as before."""
    if (
        request.method == "GET"
        and wants_html(request)
        and ("query" not in request.query_params or is_navigation(request))
    ):
        # the page's catalogue and vocabulary are built once, on first use: off the event loop
        return await run_in_threadpool(query_page, request)
    return await protocol.sparql_endpoint(request)
