"""HTML responses of the server: the security headers of every page, and who gets a page.

Every page is a template of ``sgraph/templates/`` (``sgraph.pages``) with its scripts and style
sheets inlined, so it works with no internet and asks nothing of any other host. Each response
carries a Content-Security-Policy with a fresh nonce: only the page's own inline scripts and
styles run, requests go to this server only, nothing may frame it; and ``nosniff`` and
``no-referrer``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from sgraph import pages
from sgraph.server.conneg import parse_accept

#: What every HTML page of the server may do; ``{nonce}`` is filled in per response.
CSP = (
    "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
    "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def html_response(
    template: str, status_code: int = 200, headers: dict[str, str] | None = None, **context: Any
) -> Response:
    """``template`` rendered with ``context``, with the security headers and a fresh nonce."""
    return secured_html(
        lambda nonce: pages.render(template, nonce=nonce, **context), status_code, headers
    )


def secured_html(
    render: Callable[[str], str], status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """The page ``render(nonce)`` writes, with the security headers for that nonce."""
    nonce = secrets.token_urlsafe(18)
    return HTMLResponse(
        render(nonce),
        status_code=status_code,
        headers={
            **(headers or {}),
            **SECURITY_HEADERS,
            "Content-Security-Policy": CSP.format(nonce=nonce),
        },
    )


def is_navigation(request: Request) -> bool:
    """Whether a browser is opening a page (not a script or a SPARQL client asking for data):
    the Fetch metadata browsers send on navigations, or their Upgrade-Insecure-Requests."""
    headers = request.headers
    return (
        headers.get("sec-fetch-dest") == "document"
        or headers.get("sec-fetch-mode") == "navigate"
        or "upgrade-insecure-requests" in headers
    )


def wants_html(request: Request) -> bool:
    """Whether the client asks for a page: ``text/html`` (or XHTML) named in Accept, at least
    as high as anything else it names. A SPARQL client, curl (``*/*``) or no Accept: no."""
    ranges = parse_accept(request.headers.get("accept") or "")
    html_q = max(
        (
            r.q
            for r in ranges
            if (r.type, r.subtype) in (("text", "html"), ("application", "xhtml+xml"))
        ),
        default=0.0,
    )
    if html_q <= 0:
        return False
    other = max(
        (
            r.q
            for r in ranges
            if r.type != "*"
            and r.subtype != "*"
            and (r.type, r.subtype) not in (("text", "html"), ("application", "xhtml+xml"))
        ),
        default=0.0,
    )
    return html_q >= other


__all__ = [
    "CSP",
    "SECURITY_HEADERS",
    "html_response",
    "is_navigation",
    "secured_html",
    "wants_html",
]
