"""``/api/...``: the named query library over HTTP, and the endpoint's limits.

* ``GET /api/queries``         every named query, as ``sgraph queries --format json`` prints them;
* ``GET /api/queries/{name}``  runs one; each query-string parameter is a query parameter, bound
  server-side as a typed RDF term (``NamedQuery.bind``), never spliced into the text;
  the result format follows Accept, as on ``/sparql``; a SELECT answers one page of rows
  (``_limit``, default and at most the row cap; ``_offset``) with the total in
  ``X-Sgraph-Total`` (``sgraph.server.paging``);
* ``GET /api/limits``          the time limit, row cap and request-size cap, and how a cut result
  is flagged (the ``head.link`` of truncated JSON/XML results points here).
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from sgraph.errors import InputError
from sgraph.queries import NamedQuery, get_query, load_library
from sgraph.queries import check_entities as _check_entities
from sgraph.server.page import is_navigation, wants_html
from sgraph.server.paging import read_page
from sgraph.server.protocol import too_large
from sgraph.server.service import QueryService
from sgraph.terms import OxTerm


def library(request: Request) -> dict[str, NamedQuery]:
    return library_of(request.app)


def library_of(app: Starlette) -> dict[str, NamedQuery]:
    """The named query library the app serves (read once)."""
    lib: dict[str, NamedQuery] | None = getattr(app.state, "library", None)
    if lib is None:
        service: QueryService = app.state.service
        lib = load_library(service.gs.settings.queries_dirs)
        app.state.library = lib
    return lib


async def list_queries(request: Request) -> Response:
    return JSONResponse([q.to_dict() for q in library(request).values()])


async def run_query(request: Request) -> Response:
    service: QueryService = request.app.state.service
    size = len(request.url.query.encode())
    if size > service.config.max_request_bytes:
        raise too_large(size, service.config.max_request_bytes)
    query = get_query(request.path_params["name"], library(request))
    if wants_html(request) and is_navigation(request):  # a browser: the query page, run
        items = [("_named", query.name), *request.query_params.multi_items()]
        return RedirectResponse("/sparql?" + urlencode(items), status_code=303)
    values = query_values(request)
    page = read_page(values, service.config.max_rows)
    bindings = query.bind(values, service.gs.prefixes)
    await check_entities(request, query, bindings)
    return await service.answer(request, query.query, bindings=bindings, page=page)


def query_values(request: Request) -> dict[str, str]:
    """The query parameters of a request to a named query (each given once)."""
    values: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in values:
            raise InputError(f"parameter {key!r} is given more than once; give it once")
        values[key] = value
    return values


async def check_entities(request: Request, query: NamedQuery, bindings: dict[str, OxTerm]) -> None:
    """Refuse an IRI parameter that names no entity of its class (``queries.check_entities``)."""
    if any(p.type == "iri" for p in query.parameters):
        gs = request.app.state.gs
        await run_in_threadpool(_check_entities, query, bindings, gs.store, gs.prefixes)


async def limits(request: Request) -> Response:
    service: QueryService = request.app.state.service
    return JSONResponse(service.limits())
