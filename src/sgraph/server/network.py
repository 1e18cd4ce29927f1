"""``/network``: the network page of the served graph, and ``/network?focus=IRI&depth=N``, the
neighbourhood of one entity (what ``sgraph network --focus`` draws).

The whole graph is projected once, on the first request (in a worker thread), and kept; each
page is rendered by ``sgraph.network.page``. ``focus`` is an IRI, a prefixed name or part of a
label, as on the command line; an unknown or ambiguous one is a 404 or 400 in the server's JSON
error shape.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from sgraph.errors import InputError

if TYPE_CHECKING:
    import networkx as nx

    from sgraph.store import GraphStore

#: The deepest neighbourhood served (each step can multiply the page's size).
MAX_DEPTH = 4


class NetworkPages:
    """The projected graph of a store, made once, and the pages drawn from it."""

    def __init__(self, gs: GraphStore) -> None:
        self.gs = gs
        self._graph: nx.MultiDiGraph | None = None
        self._whole: str | None = None
        self._lock = threading.Lock()

    def graph(self) -> nx.MultiDiGraph:
        with self._lock:
            if self._graph is None:
                from sgraph.network.analytics import analyse
                from sgraph.network.projection import project

                self._graph = analyse(project(self.gs))
            return self._graph

    def whole(self) -> str:
        if self._whole is None:
            from sgraph.network.page import render_page

            text = render_page(self.graph())
            with self._lock:
                self._whole = text
        return self._whole

    def focus(self, entity: str, depth: int) -> str:
        from sgraph.network.analytics import analyse
        from sgraph.network.layout import view_of
        from sgraph.network.page import DEFAULT_TITLE, render_page
        from sgraph.network.select import Selection, select

        view = analyse(select(self.graph(), Selection(focus=entity, depth=depth), self.gs.prefixes))
        centre = view_of(view).entities[0]
        steps = "1 link" if depth == 1 else f"{depth} links"
        title = f"{view.nodes[centre].get('label', centre)}, and what is within {steps} of it"
        return render_page(view, title=f"{title} · {DEFAULT_TITLE}")


def _depth(raw: str | None) -> int:
    if raw is None or raw == "":
        return 1
    if not raw.isdigit() or not 0 <= int(raw) <= MAX_DEPTH:
        raise InputError(
            f"depth must be a whole number from 0 to {MAX_DEPTH}, not {raw!r}",
            hint="for example /network?focus=...&depth=2",
        )
    return int(raw)


async def network_page(request: Request) -> Response:
    pages: NetworkPages = request.app.state.network_pages
    focus = request.query_params.get("focus")
    if focus:
        text = await run_in_threadpool(
            pages.focus, focus, _depth(request.query_params.get("depth"))
        )
    else:
        text = await run_in_threadpool(pages.whole)
    return Response(text, media_type="text/html; charset=utf-8", headers=_headers())


def _headers() -> dict[str, Any]:
    from sgraph.network.page import content_security_policy

    return {
        "Content-Security-Policy": content_security_policy() + "; frame-ancestors 'none'",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
