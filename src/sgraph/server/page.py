"""HTML responses of the server, and the query page (``/sparql`` for browsers).

Every page is a template of ``sgraph/templates/`` (``sgraph.pages``) with its scripts and style
sheets inlined, so it works with no internet and asks nothing of any other host. Each response
carries a Content-Security-Policy with a fresh nonce: only the page's own inline scripts and
styles run, requests go to this server only, nothing may frame it; and ``nosniff`` and
``no-referrer``.

The query page is what a browser gets at the endpoint's own URL (``/sparql`` with
``Accept: text/html``); its state (query text or named query and parameters, the view) is in
the URL, so any page is a permalink (see ``assets/query-page/app.js``).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import cache
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from sgraph import pages
from sgraph.namespaces import STANDARD_PREFIXES
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
ASSETS = ("assets", "query-page")
#: The query page's scripts, in order: the editor bundle, the graph renderer, the page.
QUERY_PAGE_SCRIPTS = (
    ("assets", "query-page", "codemirror.min.js"),
    ("assets", "network", "vis-network.min.js"),
    ("assets", "query-page", "graph.js"),
    ("assets", "query-page", "views.js"),
    ("assets", "query-page", "editor.js"),
    ("assets", "query-page", "app.js"),
)
QUERY_PAGE_STYLES = (("assets", "query-page", "style.css"),)


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


@cache
def _inline(parts: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    return tuple(pages.asset_text(*p) for p in parts)


def query_page(request: Request) -> Response:
    """The query page: the editor, the named queries, the views."""
    from sgraph.server.api import library
    from sgraph.server.browse import catalogue, vocabulary

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


__all__ = [
    "CSP",
    "SECURITY_HEADERS",
    "html_response",
    "query_page",
    "secured_html",
    "wants_html",
]
