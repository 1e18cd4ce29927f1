"""The one place where every error of the HTTP API becomes a response.

Every error body has the same JSON shape, ``{"status", "error", "message", "hint"?}``:
``SgraphError.to_dict()`` for the library's errors, the same keys for Starlette's own HTTP errors
(404, 405, ...), and a fixed message for anything unexpected (500), whose traceback goes to the
server log and never to the client.
"""

from __future__ import annotations

import http
import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sgraph.errors import SgraphError

log = logging.getLogger("sgraph.server")

_HINTS = {
    404: "the API is at /sparql and /api/queries; the query page is at /",
    405: "see the Allow header for the methods this path accepts",
}


def error_body(status: int, error: str, message: str, hint: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status, "error": error, "message": message}
    if hint:
        body["hint"] = hint
    return body


def error_response(exc: SgraphError, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(exc.to_dict(), status_code=exc.http_status, headers=headers)


async def sgraph_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SgraphError)
    return error_response(exc)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = exc.status_code
    try:
        phrase = http.HTTPStatus(code).phrase
    except ValueError:
        phrase = "Error"
    detail = exc.detail if exc.detail and exc.detail != phrase else None
    if code == 404:
        message = f"nothing at {request.url.path}"
    elif code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
    else:
        message = detail or phrase
    body = error_body(code, phrase.replace(" ", ""), message, _HINTS.get(code))
    return JSONResponse(body, status_code=code, headers=exc.headers)


async def internal_error(request: Request, exc: Exception) -> Response:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    body = error_body(
        500,
        "InternalServerError",
        "the server failed to answer this request",
        "the server log has the details; please report it",
    )
    return JSONResponse(body, status_code=500)


#: For ``Starlette(exception_handlers=...)``.
EXCEPTION_HANDLERS = {
    SgraphError: sgraph_error,
    HTTPException: http_error,
    Exception: internal_error,
}
