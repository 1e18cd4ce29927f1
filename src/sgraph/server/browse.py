"""Browsing the graph: ``/`` (the kinds of entity, with counts), ``/id/{kind}/`` (a kind's
entities, with facets and paging), ``/search?q=`` (full text), ``/describe?iri=`` (the page of an
entity whose IRI is not under the base, such as an Act); and the small JSON APIs of the query
page: ``/api/labels`` (labels of IRIs), ``/api/check`` (syntax of a query).

Every list has a JSON twin: the same URL with ``format=json`` (or ``Accept: application/json``).
The lists come from ``sgraph.catalogue`` (built once, on first use, from the loaded graph).
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from sgraph import sparql
from sgraph.catalogue import DEFAULT_PAGE_SIZE, FACET_KEYS, Catalogue, Item, Page
from sgraph.errors import InputError, NotFoundError
from sgraph.namespaces import RDF_TYPE
from sgraph.server.conneg import parse_accept
from sgraph.server.page import html_response, wants_html

if TYPE_CHECKING:
    from sgraph.server.linked_data import LinkedData

_BUILD_LOCK = threading.Lock()
MAX_LABELS = 5000


def catalogue(request: Request) -> Catalogue:
    """The app's catalogue, built on first use (the store does not change while serving)."""
    state = request.app.state
    found: Catalogue | None = getattr(state, "catalogue", None)
    if found is None:
        with _BUILD_LOCK:
            found = getattr(state, "catalogue", None)
            if found is None:
                found = Catalogue.build(state.gs)
                state.catalogue = found
    return found


def vocabulary(request: Request) -> list[dict[str, Any]]:
    """The classes and properties the graph uses (and the ontology defines), for completion."""
    state = request.app.state
    found: list[dict[str, Any]] | None = getattr(state, "vocabulary", None)
    if found is not None:
        return found
    gs = state.gs
    cat = catalogue(request)
    counts: dict[tuple[str, str], int] = {}
    for kind, text in (
        ("property", "SELECT ?t (COUNT(*) AS ?n) WHERE { ?s ?t ?o } GROUP BY ?t"),
        ("class", f"SELECT ?t (COUNT(*) AS ?n) WHERE {{ ?s <{RDF_TYPE}> ?t }} GROUP BY ?t"),
    ):
        result = gs.store.query(text, use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions)
        for row in result:
            t, n = row["t"], row["n"]
            if isinstance(t, ox.NamedNode) and n is not None:
                counts[(kind, t.value)] = int(n.value)
    own = gs.settings.base + "ontology#"
    for t in gs.ontology.triples:
        if t.predicate.value == RDF_TYPE and t.subject.value.startswith(own):
            kind = "class" if t.object.value.endswith("Class") else "property"
            if t.object.value.endswith(("Property", "Class")):
                counts.setdefault((kind, t.subject.value), 0)
    found = [
        {"iri": iri, "short": cat.short(iri), "label": cat.label(iri) or "", "kind": kind, "n": n}
        for (kind, iri), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][1]))
    ]
    state.vocabulary = found
    return found


def wants_json(request: Request) -> bool:
    fmt = request.query_params.get("format")
    if fmt is not None:
        if fmt not in ("json", "html"):
            raise InputError(f"format={fmt!r} is not offered here", hint="use format=json")
        return fmt == "json"
    if wants_html(request):
        return False
    ranges = parse_accept(request.headers.get("accept") or "")
    return any((r.type, r.subtype) == ("application", "json") and r.q > 0 for r in ranges)


def _url(path: str, params: dict[str, Any]) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "", 1) or k == "q"}
    clean = {k: v for k, v in clean.items() if v not in (None, "")}
    return path + ("?" + urlencode(clean) if clean else "")


def entity_href(cat: Catalogue, iri: str) -> str:
    if iri.startswith(cat.base):
        return "/" + iri[len(cat.base) :]
    return "/describe?" + urlencode({"iri": iri})


def _item(cat: Catalogue, item: Item) -> dict[str, str]:
    return {**item.to_dict(), "short": cat.short(item.iri), "href": entity_href(cat, item.iri)}


def _int(request: Request, name: str, default: int, low: int = 1, high: int = 10**9) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"{name}={raw!r} is not a whole number", hint=f"e.g. {name}=2") from None
    if not low <= value <= high:
        raise InputError(f"{name}={value} is out of range ({low} to {high})")
    return value


def _kind_labels(cat: Catalogue) -> dict[str, str]:
    return {k.name: k.label for k, _ in cat.kinds()}


# -- / -----------------------------------------------------------------------------------------
async def home(request: Request) -> Response:
    from sgraph.server.api import library

    cat = await run_in_threadpool(catalogue, request)
    kinds = [
        {"name": k.name, "label": k.label, "note": k.note, "count": n, "href": f"/id/{k.name}/"}
        for k, n in cat.kinds()
    ]
    queries = [
        {"name": q.name, "summary": q.summary, "href": "/sparql?" + urlencode({"_named": q.name})}
        for q in library(request).values()
    ]
    if wants_json(request):
        return JSONResponse({"total": len(cat), "kinds": kinds, "queries": queries})
    return html_response(
        "home.html", section="browse", kinds=kinds, total=len(cat), queries=queries
    )


# -- /id/{kind}/ -------------------------------------------------------------------------------
async def kind_list(request: Request, kind_name: str) -> Response:
    cat = await run_in_threadpool(catalogue, request)
    kind = cat.kind(kind_name)
    if kind is None:
        names = ", ".join(k.name for k, _ in cat.kinds())
        raise NotFoundError(
            f"no kind of entity called {kind_name!r} here",
            hint=f"the kinds are {names}; the index of them all is at /",
        )
    params = request.query_params
    unknown = [k for k in params if k not in (*FACET_KEYS, "q", "page", "size", "sort", "format")]
    if unknown:
        raise InputError(
            f"unknown parameter(s) {', '.join(sorted(unknown))} for a list",
            hint="filters: " + ", ".join(FACET_KEYS) + "; also q, page, size, sort, format",
        )
    filters = {k: params[k] for k in FACET_KEYS if params.get(k)}
    text = params.get("q", "")
    sort = params.get("sort", "label")
    if sort not in ("label", "date", "-date"):
        raise InputError(f"sort={sort!r} is not offered", hint="sort=label, date or -date")
    size = _int(request, "size", DEFAULT_PAGE_SIZE, 1, 1000)
    page_no = _int(request, "page", 1)
    page: Page = await run_in_threadpool(
        cat.page, kind.name, filters, text=text, offset=(page_no - 1) * size, size=size, sort=sort
    )
    total_of_kind = dict((k.name, n) for k, n in cat.kinds()).get(kind.name, 0)
    path = f"/id/{kind.name}/"
    state: dict[str, Any] = {
        **filters,
        "q": text or None,
        "sort": None if sort == "label" else sort,
    }
    if size != DEFAULT_PAGE_SIZE:
        state["size"] = size

    def url(**changes: Any) -> str:
        return _url(path, {**state, **changes})

    prev_url = url(page=page_no - 1) if page_no > 1 else None
    next_url = url(page=page_no + 1) if page.has_next else None
    items = [_item(cat, i) for i in page.items]
    if wants_json(request):
        return JSONResponse(
            {
                "kind": kind.name,
                "label": kind.label,
                "total": page.total,
                "offset": page.offset,
                "size": page.size,
                "filters": filters,
                "items": items,
                "facets": {
                    f.facet.key: [
                        {"value": v.value, "label": v.label, "count": v.count} for v in f.values
                    ]
                    for f in page.facets
                },
                "next": next_url and next_url + "&format=json",
                "prev": prev_url and prev_url + ("&" if "?" in prev_url else "?") + "format=json",
            }
        )
    facets = [
        {
            "key": f.facet.key,
            "label": f.facet.label,
            "options": [
                {
                    "value": v.value,
                    "label": v.label,
                    "count": v.count,
                    "selected": v.selected,
                    "href": url(**{f.facet.key: None if v.selected else cat.short(v.value)}),
                }
                for v in f.values
            ],
        }
        for f in page.facets
    ]
    chosen = [
        {
            "facet": (cat.facet(k).label if cat.facet(k) else k),  # type: ignore[union-attr]
            "label": cat.display(cat.expand(v)),
            "remove": url(**{k: None}),
        }
        for k, v in sorted(filters.items())
    ]
    sorts = [
        {"label": label, "current": sort == key, "href": url(sort=None if key == "label" else key)}
        for key, label in (("label", "by name"), ("-date", "newest"), ("date", "oldest"))
    ]
    hidden = [(k, v) for k, v in state.items() if k not in ("q",) and v]
    return html_response(
        "kind.html",
        section="browse",
        kind=kind,
        kind_total=total_of_kind,
        page=page,
        items=items,
        facets=facets,
        chosen=chosen,
        text=text,
        sorts=sorts,
        hidden=hidden,
        kind_labels=_kind_labels(cat),
        prev_url=prev_url,
        next_url=next_url,
        clear_url=path,
        json_url=url(format="json"),
    )


# -- /search -----------------------------------------------------------------------------------
async def search(request: Request) -> Response:
    cat = await run_in_threadpool(catalogue, request)
    params = request.query_params
    text = params.get("q", "").strip()
    kind = params.get("kind") or None
    cls = params.get("class") or None
    if cls is not None:
        cls = cat.expand(cls)
    prefix = params.get("prefix") or None  # IRIs starting with this (completion)
    size = _int(request, "size", 20, 1, 1000)
    page_no = _int(request, "page", 1)
    state: dict[str, Any] = {
        "q": text,
        "kind": kind,
        "class": params.get("class"),
        "prefix": prefix,
    }
    if size != 20:
        state["size"] = size
    if text or cls or prefix:
        page = await run_in_threadpool(
            cat.page,
            kind,
            text=text,
            cls=cls,
            iri_prefix=prefix,
            offset=(page_no - 1) * size,
            size=size,
            with_facets=False,
        )
    else:
        page = Page(items=[], total=0, offset=0, size=size)
    items = [_item(cat, i) for i in page.items]
    prev_url = _url("/search", {**state, "page": page_no - 1}) if page_no > 1 else None
    next_url = _url("/search", {**state, "page": page_no + 1}) if page.has_next else None
    if wants_json(request):
        return JSONResponse(
            {
                "q": text,
                "kind": kind,
                "total": page.total,
                "offset": page.offset,
                "size": page.size,
                "items": items,
                "next": next_url and next_url + "&format=json",
            }
        )
    counts = []
    if text:
        all_kinds = await run_in_threadpool(cat.page, None, text=text, size=1, with_facets=False)
        if all_kinds.total:
            by_kind = await run_in_threadpool(_counts_by_kind, cat, text)
            labels = _kind_labels(cat)
            counts = [
                {
                    "label": labels.get(k, k),
                    "count": n,
                    "href": _url("/search", {"q": text, "kind": k}),
                }
                for k, n in by_kind
            ]
    return html_response(
        "search.html",
        section="browse",
        text=text,
        search_text=text,
        kind=kind,
        page=page,
        items=items,
        counts=counts,
        kind_labels=_kind_labels(cat),
        prev_url=prev_url,
        next_url=next_url,
        all_url=_url("/search", {"q": text}),
        json_url=_url("/search", {**state, "format": "json"}),
    )


def _counts_by_kind(cat: Catalogue, text: str) -> list[tuple[str, int]]:
    out = []
    for k, _ in cat.kinds():
        n = cat.page(k.name, text=text, size=1, with_facets=False).total
        if n:
            out.append((k.name, n))
    return out


# -- the page of an entity (HTML 404 with close matches for browsers) --------------------------
def not_found_page(request: Request, iri: str, message: str, hint: str) -> Response:
    cat = catalogue(request)
    matches = [
        _item(cat, Item(m, cat.kind_of(m) or "", cat.display(m), "", ""))
        for m in cat.closest(iri, n=6)
    ]
    guess = iri.rstrip("/").rsplit("/", 1)[-1].replace("-", " ")
    return html_response(
        "not_found.html",
        status_code=404,
        section="browse",
        message=message,
        hint=hint,
        matches=matches,
        guess=guess,
        kind_labels=_kind_labels(cat),
    )


async def describe(request: Request) -> Response:
    """The entity page of any IRI in the graph (``/describe?iri=``); under the base, a redirect
    to the IRI's own path."""
    iri = request.query_params.get("iri", "").strip()
    if not iri:
        raise InputError("give the entity's IRI: /describe?iri=...")
    cat = await run_in_threadpool(catalogue, request)
    if iri.startswith(cat.base):
        return RedirectResponse("/" + iri[len(cat.base) :], status_code=303)
    ld: LinkedData = request.app.state.linked_data
    return await ld.entity_response(request, iri, "/describe?" + urlencode({"iri": iri}))


# -- small APIs for the query page -------------------------------------------------------------
async def labels(request: Request) -> Response:
    """``POST /api/labels`` with a JSON list of IRIs: ``{iri: {label, href, kind}}`` for those
    the graph knows (labels, local pages)."""
    body = await request.body()
    if len(body) > request.app.state.config.max_request_bytes * 10:
        raise InputError("too many IRIs in one request", hint=f"send at most {MAX_LABELS}")
    try:
        iris = json.loads(body or b"[]")
    except ValueError:
        raise InputError(
            "the body is not JSON", hint='send a JSON list of IRIs: ["https://…"]'
        ) from None
    if not isinstance(iris, list) or not all(isinstance(i, str) for i in iris):
        raise InputError("the body must be a JSON list of IRIs (strings)")
    cat = await run_in_threadpool(catalogue, request)
    out: dict[str, dict[str, str | None]] = {}
    for iri in iris[:MAX_LABELS]:
        label = cat.label(iri)
        known = iri in cat
        if label is None and not known:
            continue
        out[iri] = {
            "label": label,
            "short": cat.short(iri),
            "href": entity_href(cat, iri) if known or iri.startswith(cat.base) else None,
            "kind": cat.kind_of(iri),
        }
    return JSONResponse(out)


async def check(request: Request) -> Response:
    """``POST /api/check``: is the query readable? Form ``query=`` (a text), or ``name=`` and
    ``params=`` (a JSON object) for a named query. ``{"ok": true, "kind", "text"}``, where
    ``text`` is the query as any store runs it (prefixes declared, parameters bound), or the
    error (400) with its ``line`` and ``column``. Nothing is run."""
    from sgraph.queries import get_query
    from sgraph.server.api import library
    from sgraph.server.protocol import read_body

    gs = request.app.state.gs
    limit = request.app.state.config.max_request_bytes
    form = dict(parse_qsl((await read_body(request, limit)).decode("utf-8", "replace")))
    text, name = form.get("query"), form.get("name")
    bindings = None
    if isinstance(name, str) and name:
        query = get_query(name, library(request))
        try:
            values = json.loads(form.get("params") or "{}")
        except ValueError:
            raise InputError("params must be a JSON object of parameter values") from None
        if not isinstance(values, dict):
            raise InputError("params must be a JSON object of parameter values")
        bindings = query.bind({str(k): str(v) for k, v in values.items()}, gs.prefixes)
        text = query.query
    if not isinstance(text, str):
        raise InputError("send the query as the form field `query` (or a `name`)")
    if len(text.encode()) > limit:
        raise InputError("the query is longer than the endpoint accepts")
    kind = sparql.query_kind(text)
    await run_in_threadpool(sparql.check_syntax, text, prefixes=gs.prefixes)
    portable = sparql.portable_text(text, bindings, gs.prefixes)
    return JSONResponse({"ok": True, "kind": kind, "text": portable})
