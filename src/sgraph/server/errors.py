"""The one place where every error of the HTTP API becomes a response.

Every error body has the same JSON shape, ``{"status", "error", "message", "hint"?}``:
``SgraphError.to_dict()`` for the library's errors, the same keys for Starlette's own HTTP errors
(404, 405, ...), and a fixed message for anything unexpected (500), whose traceback goes to the
server log and never to the client.

Below the application, :class:`JsonErrorH11Protocol` gives uvicorn's own refusals of requests
it cannot parse (a negative ``Content-Length``, a head longer than the server reads) the same
shape, 413 for a head that is too long and 400 otherwise, instead of a plain-text 400. A client
that goes away in the middle of its upload is logged in one line, without a traceback. A client
that takes longer than ``REQUEST_READ_S`` to send its request gets 408 in the same shape.
"""

from __future__ import annotations

import asyncio
import http
import json
import logging
import sys
from typing import Any

import h11
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from uvicorn.protocols.http.h11_impl import H11Protocol

from sgraph.errors import ServerBusyError, SgraphError

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
    if isinstance(exc, ServerBusyError):  # 503 with the time to wait before trying again
        return error_response(exc, headers={"Retry-After": str(exc.retry_after_s)})
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


async def client_gone(request: Request, exc: Exception) -> Response:
    """The client closed the connection before its request body was complete: one log line."""
    client = f"{request.client.host}:{request.client.port}" if request.client else "a client"
    log.warning(
        "%s closed the connection during its %s %s", client, request.method, request.url.path
    )
    return Response(status_code=400)  # never sent: there is nobody left to send it to


#: For ``Starlette(exception_handlers=...)``.
EXCEPTION_HANDLERS = {
    SgraphError: sgraph_error,
    HTTPException: http_error,
    ClientDisconnect: client_gone,
    Exception: internal_error,
}


def protocol_error_body(exc: BaseException | None) -> tuple[int, dict[str, Any]]:
    """The status and JSON body for a request that h11 could not parse (``exc``)."""
    hint = getattr(exc, "error_status_hint", 400)
    reason = str(exc) if exc is not None else "malformed request"
    if hint in (413, 414, 431) or "too long" in reason.lower():
        return 413, error_body(
            413,
            "RequestTooLarge",
            "the request line and headers are longer than this server reads",
            "send a long query with POST (application/sparql-query) instead of in the URL",
        )
    return 400, error_body(
        400,
        "BadRequest",
        f"the request is not valid HTTP/1.1: {reason}",
        "check the request line and the headers (Content-Length, Transfer-Encoding)",
    )


#: How long a refused connection's further input is read and dropped before it is closed, so
#: the client reads the answer instead of a reset (a "lingering close").
LINGER_S = 2.0


#: How long a client has to send one whole request, head and body, counted from its connection
#: or from the first byte of its next request on a kept-alive one (408 after it).
REQUEST_READ_S = 10.0
#: How long a kept-alive connection may stay idle between requests before it is closed.
KEEP_ALIVE_S = 5.0


class JsonErrorH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, whose own error answers use the one JSON error shape, and which
    bounds the time a client may take to send a request (``REQUEST_READ_S``: 408): uvicorn
    itself times only the idle gap after an answer, so a connection that sends nothing, or
    its head one byte at a time, stayed open for good."""

    _lingering = False
    _read_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_read_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_read_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._lingering:  # the answer is sent: drop what the client still sends
            return
        if self._read_timer is None and self.conn.their_state is h11.IDLE:
            self._arm_read_timer()  # the next request on a kept-alive connection begins
        super().data_received(data)
        if self.conn.their_state not in (h11.IDLE, h11.SEND_BODY):
            self._disarm_read_timer()  # the whole request is in (or the connection ends)

    def _arm_read_timer(self) -> None:
        self._disarm_read_timer()
        self._read_timer = self.loop.call_later(REQUEST_READ_S, self._read_timed_out)

    def _disarm_read_timer(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def _read_timed_out(self) -> None:
        self._read_timer = None
        if self.transport.is_closing():
            return
        client = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
        log.warning("%s did not send its request within %g s: 408", client, REQUEST_READ_S)
        body = error_body(
            408,
            "RequestTimeout",
            f"the request did not arrive within {REQUEST_READ_S:g} s",
            "send the whole request (head and body) at once",
        )
        self._send_error(408, body)

    def send_400_response(self, msg: str) -> None:
        # called by uvicorn while it handles h11.RemoteProtocolError: that is the exception
        exc = sys.exc_info()[1]
        status, body = protocol_error_body(
            exc if isinstance(exc, h11.RemoteProtocolError) else None
        )
        self._disarm_read_timer()
        self._send_error(status, body)

    def _send_error(self, status: int, body: dict[str, Any]) -> None:
        """Answer ``status`` with ``body`` (JSON) and close the connection."""
        data = json.dumps(body).encode("utf-8")
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(data)).encode()),
            (b"connection", b"close"),
            (b"x-content-type-options", b"nosniff"),
        ]
        phrase = http.HTTPStatus(status).phrase.encode()
        try:
            self.transport.write(
                self.conn.send(h11.Response(status_code=status, headers=headers, reason=phrase))
                or b""
            )
            self.transport.write(self.conn.send(h11.Data(data=data)) or b"")
            self.transport.write(self.conn.send(h11.EndOfMessage()) or b"")
        except h11.LocalProtocolError:  # h11 cannot answer in this state: write it ourselves
            head = f"HTTP/1.1 {status} {phrase.decode()}\r\n".encode() + b"".join(
                k + b": " + v + b"\r\n" for k, v in headers
            )
            self.transport.write(head + b"\r\n" + data)
        # closing now, with the client's bytes unread, would reset the connection before the
        # client reads the answer: end our side, drop its input for a moment, then close
        self._lingering = True
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_S, self.transport.close)
