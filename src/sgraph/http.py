"""The one way out: every HTTP request sgraph makes goes through ``request``.

Two commands talk to other servers, at the user's request: ``sgraph push`` (SPARQL 1.1 Graph
Store Protocol, ``sgraph.push``) and ``sgraph query --endpoint`` (SPARQL 1.1 Protocol,
``sgraph.sparql.execute_remote``). ``sgraph serve`` never calls this module: the endpoint makes no
outbound requests.

Requests are sent by httpx, through a transport that can be replaced, as httpx's own tests do::

    with use_transport(httpx.MockTransport(handler)):
        push(gs, "http://127.0.0.1:7878/store")   # every request goes to handler(request)

The test suite does that only for faults a real server cannot be made to show (a connection cut
in the middle of an upload); everything else is tested against a real Oxigraph server.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass

import httpx

from sgraph import __version__
from sgraph.errors import InputError, UnreachableError

USER_AGENT = f"sgraph/{__version__} (+https://w3id.org/sgraph/)"

_transport: ContextVar[httpx.BaseTransport | None] = ContextVar("sgraph_http", default=None)


@contextlib.contextmanager
def use_transport(transport: httpx.BaseTransport) -> Iterator[None]:
    """Send every request made inside the ``with`` block through ``transport``."""
    token = _transport.set(transport)
    try:
        yield
    finally:
        _transport.reset(token)


def request(
    method: str,
    url: str,
    *,
    timeout_s: float,
    headers: Mapping[str, str] | None = None,
    content: bytes | Iterable[bytes] | None = None,
    form: Mapping[str, str] | None = None,
    follow_redirects: bool = False,
    auth: httpx.Auth | None = None,
) -> httpx.Response:
    """Send one request and read the whole answer.

    ``content`` is the body (bytes, or an iterable of chunks: streamed, with the
    ``Content-Length`` of ``headers`` if given); ``form`` an HTML form body instead. Every HTTP
    status is returned as it is: what a status means is the caller's to say. No answer at all
    (connection refused, unknown host, timeout, connection cut) raises ``UnreachableError``.
    """
    with (
        _reaching(url, timeout_s),
        httpx.Client(
            transport=_transport.get(),
            timeout=timeout_s,
            follow_redirects=follow_redirects,
            headers={"User-Agent": USER_AGENT},
        ) as client,
    ):
        return client.request(method, url, headers=headers, content=content, data=form, auth=auth)


@dataclass(frozen=True)
class Probe:
    """The head of an answer: status, reason, headers and at most ``max_bytes`` of the body."""

    status_code: int
    reason_phrase: str
    headers: httpx.Headers
    content: bytes


def probe(
    method: str,
    url: str,
    *,
    timeout_s: float,
    auth: httpx.Auth | None = None,
    max_bytes: int = 4096,
) -> Probe:
    """Send a request without a body and read only the first ``max_bytes`` of the answer (a
    ``GET`` of a large graph costs no more than a ``HEAD``). ``UnreachableError`` as
    ``request``."""
    with (
        _reaching(url, timeout_s),
        httpx.Client(
            transport=_transport.get(), timeout=timeout_s, headers={"User-Agent": USER_AGENT}
        ) as client,
        client.stream(method, url, auth=auth) as response,
    ):
        body = b""
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) >= max_bytes:
                break
        return Probe(
            response.status_code, response.reason_phrase, response.headers, body[:max_bytes]
        )


@contextlib.contextmanager
def _reaching(url: str, timeout_s: float) -> Iterator[None]:
    """httpx's ways of getting no answer as ``UnreachableError`` (a bad URL: ``InputError``)."""
    try:
        yield
    except httpx.TimeoutException:
        raise UnreachableError(url, f"no answer within {timeout_s:g} s") from None
    except httpx.TransportError as exc:
        raise UnreachableError(url, _reason(exc)) from None
    except httpx.InvalidURL as exc:
        raise InputError(f"not a valid URL: {url!r} ({exc})", hint="give an http(s) URL") from None


def _reason(exc: httpx.TransportError) -> str:
    """What went wrong, in words: the innermost OS error where there is one."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror
        cause = cause.__cause__ or cause.__context__
    return str(exc) or type(exc).__name__
