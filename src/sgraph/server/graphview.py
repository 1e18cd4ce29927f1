"""The query page's graph view: the network of a query's rows (``/api/network``).

``/api/network`` runs a SELECT (``query=`` as on ``/sparql``, or a named query at
``/api/queries/{name}/network?param=...``) through the same checks, worker pool and limits as
the endpoint, reads its rows with the Wikidata graph-view conventions (``?x ?xLabel ?y ?yLabel
?edgeLabel``, ``sgraph.network.rows``) and answers the network page's data for them: nodes with
their positions (``sgraph.network.layout``), groups and colours, edges. The page draws it with
the network page's own renderer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sgraph.errors import InputError

if TYPE_CHECKING:
    import networkx as nx

    from sgraph.server.network import NetworkPages

#: At most this many nodes are drawn in the query page's graph view (the most central).
MAX_NODES = 2000


def projection(request: Request) -> nx.MultiDiGraph:
    """The whole graph projected for networks, made once (``server.network.NetworkPages``)."""
    pages: NetworkPages = request.app.state.network_pages
    return pages.graph()


def graph_data(
    request: Request, variables: list[str], rows: list[dict[str, Any]]
) -> dict[str, Any]:
    """The network page's data for the rows of a query (see the module docstring)."""
    from sgraph.network import analyse
    from sgraph.network.page import cap, page_data
    from sgraph.network.rows import from_rows

    g = from_rows(variables, rows, projection(request))
    if g.number_of_nodes() == 0:
        return {"nodes": [], "edges": [], "groups": [], "relations": [], "meta": {"note": ""}}
    g = analyse(g)
    g, note = cap(g, MAX_NODES)
    return page_data(g, title="query result", note=note)


async def query_network(request: Request) -> Response:
    """``/api/network``: the graph view of a query text (GET ``query=`` or a POST form)."""
    from sgraph.server.protocol import read_body

    service = request.app.state.service
    if request.method == "POST":
        from urllib.parse import parse_qsl

        body = await read_body(request, service.config.max_request_bytes)
        params = dict(parse_qsl(body.decode("utf-8", "replace")))
    else:
        params = dict(request.query_params)
    text = params.get("query")
    if not text or not text.strip():
        raise InputError("send the query as `query=`", hint="the query must be a SELECT")
    return await _answer(request, text, None)


async def named_network(request: Request) -> Response:
    """``/api/queries/{name}/network?param=...``: the graph view of a named query."""
    from sgraph.queries import get_query
    from sgraph.server.api import check_entities, library, query_values

    service = request.app.state.service
    query = get_query(request.path_params["name"], library(request))
    bindings = query.bind(query_values(request), service.gs.prefixes)
    await check_entities(request, query, bindings)
    return await _answer(request, query.query, bindings)


async def _answer(request: Request, text: str, bindings: dict[str, Any] | None) -> Response:
    service = request.app.state.service
    result = await service.result(request, text, bindings=bindings)
    if result.kind != "select":
        raise InputError(
            "the graph view draws the rows of a SELECT query",
            hint="select ?x ?xLabel ?y ?yLabel ?edgeLabel (the Wikidata graph-view columns)",
        )
    data = await run_in_threadpool(graph_data, request, result.variables, result.rows)
    data["truncated"] = result.truncated
    return JSONResponse(data)
