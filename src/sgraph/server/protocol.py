"""``/sparql``: the query operation of the SPARQL 1.1 Protocol, read-only and bounded.

* GET ``?query=``; POST ``application/x-www-form-urlencoded`` (``query=``); POST
  ``application/sparql-query`` (the body is the query). ``default-graph-uri`` and
  ``named-graph-uri`` (repeatable) select graphs of the local store.
* Updates (POST ``application/sparql-update``, an ``update`` parameter, or update operations in
  the query) are refused with 403; nothing is ever changed.
* GET with no query answers the SPARQL Service Description.
* A protocol client gets every row of a result, or an error (503) naming ``--max-result-bytes``
  when the complete result is longer: never a cut result. The query page adds ``_limit`` and
  ``_offset`` and gets one page of rows with the total (``sgraph.server.paging``).
* The result format follows the Accept header (q-values honoured); ``format``/``output``
  parameters that some clients add are ignored.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from sgraph.errors import InputError, ReadOnlyError, RequestTooLargeError
from sgraph.server.description import service_description
from sgraph.server.paging import LIMIT_PARAM, OFFSET_PARAM, read_page
from sgraph.server.service import QueryService

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


def _read_only(what: str) -> ReadOnlyError:
    return ReadOnlyError(
        f"this endpoint is read-only: {what} is refused and nothing was changed",
        hint="send SELECT, ASK, CONSTRUCT or DESCRIBE queries with the `query` parameter",
    )


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it is longer than ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large(int(declared), limit)
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise too_large(len(body), limit)
    return bytes(body)


def too_large(size: int, limit: int) -> RequestTooLargeError:
    return RequestTooLargeError(
        f"the request is {size} bytes or more; this endpoint accepts at most {limit}",
        hint="send a shorter query (or ask the operator for a larger --max-request-bytes)",
    )


def _text(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"the {what} is not valid UTF-8 (byte {exc.start})") from None


def _single(params: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise InputError(f"the request has {len(values)} `{name}` parameters; send exactly one")
    return values[0] if values else None


async def sparql_endpoint(request: Request) -> Response:
    service: QueryService = request.app.state.service
    limit = service.config.max_request_bytes
    if len(request.url.query.encode()) > limit:
        raise too_large(len(request.url.query.encode()), limit)
    params: list[tuple[str, str]] = list(QueryParams(request.url.query).multi_items())
    query: str | None
    if request.method == "POST":
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == SPARQL_UPDATE:
            raise _read_only("a SPARQL update")
        body = await read_body(request, limit)
        if ctype == FORM:
            params += parse_qsl(_text(body, "form body"), keep_blank_values=True)
            query = _single(params, "query")
        elif ctype == SPARQL_QUERY:
            query = _text(body, "query")
        else:
            raise InputError(
                f"unsupported Content-Type {ctype or '(none)'!r} for POST",
                hint=f"send {SPARQL_QUERY} (the query as the body) or {FORM} (query=...)",
            )
        if query is None and _single(params, "update") is None:
            raise InputError("the POST request has no query", hint="send query=... or a query body")
    else:
        query = _single(params, "query")
    if any(k == "update" for k, _ in params):
        raise _read_only("a SPARQL update (the `update` parameter)")
    default_graphs = [v for k, v in params if k == "default-graph-uri"]
    named_graphs = [v for k, v in params if k == "named-graph-uri"]
    if query is None:
        return service_description(request, service)
    if not query.strip():
        raise InputError(
            "the query is empty", hint="send a SELECT, ASK, CONSTRUCT or DESCRIBE query"
        )
    # the query page asks for pages (_limit, _offset); a protocol client gets every row or an
    # error naming the limit, never a result cut at the row cap
    paging = {k: v for k, v in params if k in (LIMIT_PARAM, OFFSET_PARAM)}
    page = read_page(paging, service.config.max_rows) if paging else None
    return await service.answer(
        request,
        query,
        default_graph_uris=default_graphs,
        named_graph_uris=named_graphs,
        page=page,
        complete=page is None,
    )
