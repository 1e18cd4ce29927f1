"""Dereferenceable IRIs: every IRI under the base answers at its path, for people and machines.

* ``/id/{kind}/{slug}`` (and ``/graph/{name}``): an HTML page, or the entity's description (its
  outgoing and incoming statements) as Turtle, N-Triples, JSON-LD or RDF/XML, chosen by ``Accept``
  (q-values) or by a suffix (``.html``, ``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``);
* ``/ontology`` and ``/shapes``: the documentation page, or the whole ontology / shapes file;
* ``/dumps/{file}``, ``/void.ttl``, ``/context.jsonld``: the build's files from ``config.dist_dir``
  when given, otherwise generated in memory from the loaded graph (same bytes as a build).

When the base IRI has a path (``https://w3id.org/sgraph/``) the same routes also answer under it
(``/sgraph/id/...``), so a proxy may forward either form. Negotiated responses carry
``Vary: Accept``, ``Content-Location`` and ``Link`` headers (``alternate`` for each format,
``describedby`` for the Turtle description, ``void:inDataset`` for the dataset description).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from sgraph.errors import NotFoundError, UnknownEntityError
from sgraph.export.docs import ontology_html, shapes_html
from sgraph.export.dumps import jsonld_context
from sgraph.export.entity_page import LABEL_PREDICATES, Names, PageLinks, entity_view
from sgraph.namespaces import RDFS_SUBPROPERTYOF
from sgraph.rdf.formats import GRAPH_FORMATS, TRIPLE_FORMATS, GraphFormat, write_triples
from sgraph.serialize import canonical_triples
from sgraph.server.config import ServerConfig
from sgraph.server.conneg import negotiate
from sgraph.server.files import ServedFiles
from sgraph.server.page import html_response, secured_html, wants_html
from sgraph.shapes import shapes_triples
from sgraph.store import GraphStore

HTML = "text/html"
HTML_SUFFIX = ".html"
#: suffix -> the RDF format of a document at that suffix (``.html`` is the page for people)
DOCUMENT_FORMATS: dict[str, GraphFormat] = {f.suffix: f for f in TRIPLE_FORMATS.values()}
SUFFIXES = [HTML_SUFFIX, *DOCUMENT_FORMATS]
OFFERED = [HTML, *(mt for f in DOCUMENT_FORMATS.values() for mt in f.media_types)]
#: A document's format: an RDF format, or None for the HTML page.
Doc = GraphFormat | None


def _content_type(doc: Doc) -> str:
    return "text/html; charset=utf-8" if doc is None else doc.content_type


def _suffix(doc: Doc) -> str:
    return HTML_SUFFIX if doc is None else doc.suffix


class LinkedData:
    """The loaded graph, seen as documents at paths."""

    def __init__(self, gs: GraphStore, config: ServerConfig, version: str = "") -> None:
        self.gs = gs
        self.config = config
        self.base = gs.settings.base
        self._context: dict[str, Any] | None = None
        self._labels: dict[str, str | None] = {}
        self._shapes: list[ox.Triple] | None = None
        self._supers: dict[str, set[str]] | None = None
        self.derived_graph = self.base + "graph/materialised"
        self.files = ServedFiles(gs, config.dist_dir, version)

    @property
    def context(self) -> dict[str, Any]:
        """The JSON-LD context of the whole graph, made on first use (it summarises every
        triple: about two minutes at a million triples on disk, so never at start-up)."""
        if self._context is None:
            self._context = jsonld_context(self.gs)
        return self._context

    # -- graph access ---------------------------------------------------------------------------
    def describe(self, iri: str) -> tuple[list[ox.Triple], list[ox.Triple]]:
        node = ox.NamedNode(iri)
        out = {q.triple for q in self.gs.store.quads_for_pattern(node, None, None, None)}
        inc = {q.triple for q in self.gs.store.quads_for_pattern(None, None, node, None)}
        return sorted(out, key=str), sorted(inc - out, key=str)

    def describe_quads(self, iri: str) -> tuple[list[ox.Quad], list[ox.Quad]]:
        """The quads with ``iri`` as subject, and as object (graphs kept: curated or derived)."""
        node = ox.NamedNode(iri)
        return (
            list(self.gs.store.quads_for_pattern(node, None, None, None)),
            list(self.gs.store.quads_for_pattern(None, None, node, None)),
        )

    def supers(self) -> dict[str, set[str]]:
        """Each property's super-properties in the ontology (``rdfs:subPropertyOf``, closed)."""
        if self._supers is None:
            direct: dict[str, set[str]] = {}
            for t in self.gs.ontology.triples:
                s, o = t.subject, t.object
                if t.predicate.value == RDFS_SUBPROPERTYOF and isinstance(o, ox.NamedNode):
                    direct.setdefault(
                        str(s.value) if isinstance(s, ox.NamedNode) else "", set()
                    ).add(o.value)
            closed: dict[str, set[str]] = {}
            for p in direct:
                seen: set[str] = set()
                todo = list(direct[p])
                while todo:
                    q = todo.pop()
                    if q not in seen:
                        seen.add(q)
                        todo += direct.get(q, ())
                closed[p] = seen
            self._supers = closed
        return self._supers

    def exists(self, iri: str) -> bool:
        """True if the graph says anything about ``iri``; False for text that is no IRI at all
        (``/id/person/%3Cx%3E``, ``%00``, a space: a 404 like any unknown entity)."""
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            return False
        return next(iter(self.gs.store.quads_for_pattern(node, None, None, None)), None) is not None

    def label(self, iri: str) -> str | None:
        if iri not in self._labels:
            found: str | None = None
            node = ox.NamedNode(iri)
            for p in LABEL_PREDICATES:
                values = sorted(
                    (
                        q.object
                        for q in self.gs.store.quads_for_pattern(node, ox.NamedNode(p), None, None)
                    ),
                    key=lambda o: (
                        (o.language not in ("en", None), o.value)
                        if isinstance(o, ox.Literal)
                        else (True, "")
                    ),
                )
                lits = [v for v in values if isinstance(v, ox.Literal)]
                if lits:
                    found = lits[0].value
                    break
            if found is None:
                for t in self.gs.ontology.triples:
                    if (
                        t.subject == node
                        and t.predicate.value in LABEL_PREDICATES
                        and isinstance(t.object, ox.Literal)
                    ):
                        found = t.object.value
                        break
            self._labels[iri] = found
        return self._labels[iri]

    def graphs_of(self, iri: str) -> list[str]:
        node = ox.NamedNode(iri)
        return sorted(
            {
                q.graph_name.value
                for q in self.gs.store.quads_for_pattern(node, None, None, None)
                if isinstance(q.graph_name, ox.NamedNode)
            }
        )

    def shapes(self) -> list[ox.Triple]:
        if self._shapes is None:
            self._shapes = canonical_triples(shapes_triples(self.gs.settings))
        return self._shapes

    # -- the page for people ------------------------------------------------------------------
    async def entity_response(
        self,
        request: Request,
        iri: str,
        doc_path: str,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """The HTML page of ``iri`` (404 page if the graph has nothing about it)."""
        from sgraph.server import browse

        cat = await run_in_threadpool(browse.catalogue, request)
        if not self.exists(iri):
            message = f"no entity <{iri}> in the graph"
            return browse.not_found_page(request, iri, message, "Check the IRI, or search.")
        outgoing, incoming = self.describe_quads(iri)
        alternates = (
            []  # an IRI outside the base has no documents at paths of its own here
            if doc_path.startswith("/describe")
            else [(doc_path + f.suffix, f.media_type, f.label) for f in DOCUMENT_FORMATS.values()]
        )
        links = PageLinks(base=self.base, alternates=alternates, in_graph=cat.__contains__)
        names = Names(lambda t: cat.label(t) or self.label(t), self.gs.prefixes, cat.kind_of)
        located = self.gs.locate(iri)
        view = entity_view(
            iri,
            outgoing,
            incoming,
            names,
            links,
            derived_graph=self.derived_graph,
            supers=self.supers(),
            located=f"{located.path.name}:{located.line}" if located else None,
        )
        return html_response("entity.html", headers=headers, e=view, section="browse")

    # -- serialising --------------------------------------------------------------------------------
    def rdf(self, triples: list[ox.Triple], fmt: GraphFormat) -> bytes:
        """``triples`` in ``fmt``; JSON-LD with the context of the whole graph."""
        return write_triples(fmt, triples, self.gs.prefixes, context=self.context).encode("utf-8")


def _split_suffix(rest: str) -> tuple[str, str | None]:
    for suffix in SUFFIXES:
        if rest.endswith(suffix):
            return rest[: -len(suffix)], suffix
    return rest, None


def _headers(doc_path: str, doc: Doc, prefix: str, negotiated: bool) -> dict[str, str]:
    turtle = GRAPH_FORMATS["turtle"]
    links = [f'<{doc_path}{HTML_SUFFIX}>; rel="alternate"; type="{HTML}"']
    links += [
        f'<{doc_path}{f.suffix}>; rel="alternate"; type="{f.media_type}"'
        for f in DOCUMENT_FORMATS.values()
    ]
    links.append(f'<{doc_path}{turtle.suffix}>; rel="describedby"; type="{turtle.media_type}"')
    links.append(f'<{prefix}void.ttl>; rel="http://rdfs.org/ns/void#inDataset"')
    headers = {"Link": ", ".join(links), "Vary": "Accept"}
    if negotiated:
        headers["Content-Location"] = doc_path + _suffix(doc)
    return headers


def _choose(request: Request, suffix: str | None) -> tuple[Doc, bool]:
    """(document format, negotiated?) from the suffix, else from Accept (HTML by default)."""
    if suffix is not None:
        return DOCUMENT_FORMATS.get(suffix), False
    media = negotiate(request.headers.get("accept"), OFFERED, HTML)
    found = next((f for f in DOCUMENT_FORMATS.values() if media in f.media_types), None)
    return found, True


def linked_data_routes(ld: LinkedData) -> list[BaseRoute]:
    """The routes to mount before any catch-all: IRIs, ontology, shapes, dumps, dataset."""
    base_path = urlsplit(ld.base).path or "/"
    prefixes = ["/"] if base_path == "/" else ["/", base_path]
    routes: list[BaseRoute] = []
    for prefix in prefixes:
        routes += [
            Route(prefix + "id/{rest:path}", _entity_endpoint(ld, prefix, "id/"), methods=["GET"]),
            Route(
                prefix + "graph/{rest:path}",
                _entity_endpoint(ld, prefix, "graph/"),
                methods=["GET"],
            ),
            Route(
                prefix + "ontology{suffix:path}",
                _document_endpoint(ld, prefix, "ontology"),
                methods=["GET"],
            ),
            Route(
                prefix + "shapes{suffix:path}",
                _document_endpoint(ld, prefix, "shapes"),
                methods=["GET"],
            ),
            Route(prefix + "dumps/{name}", _file_endpoint(ld), methods=["GET"]),
            Route(prefix + "void.ttl", _file_endpoint(ld, "void.ttl"), methods=["GET"]),
            Route(prefix + "context.jsonld", _file_endpoint(ld, "context.jsonld"), methods=["GET"]),
        ]
    return routes


Endpoint = Callable[[Request], Any]


def _entity_endpoint(ld: LinkedData, prefix: str, space: str) -> Endpoint:
    async def entity(request: Request) -> Response:
        from sgraph.server import browse

        rest = request.path_params["rest"]
        if space == "id/" and (rest == "" or (rest.endswith("/") and "/" not in rest[:-1])):
            if rest == "":
                return RedirectResponse(prefix, status_code=303)
            return await browse.kind_list(request, rest[:-1])  # /id/person/: the list of people
        iri = ld.base + space + rest
        suffix: str | None = None
        if not ld.exists(iri):
            stem, suffix = _split_suffix(rest)
            iri = ld.base + space + stem
            if suffix is None or not ld.exists(iri):
                missing = ld.base + space + rest
                message = f"no entity <{missing}> in the graph"
                # the catalogue (built once, on first use) is never built on the event loop
                cat = await run_in_threadpool(browse.catalogue, request)
                # a data suffix (.ttl, .jsonld, ...) asks for data: its error is the JSON shape
                if suffix in (None, HTML_SUFFIX) and wants_html(request):
                    hint = "It may have been renamed, or the address mistyped."
                    return browse.not_found_page(request, missing, message, hint)
                close = await run_in_threadpool(lambda: cat.closest(missing, n=3))
                raise UnknownEntityError(
                    message,
                    hint=(
                        "close matches: " + ", ".join(browse.entity_href(cat, c) for c in close)
                        if close
                        else "entity IRIs look like /id/{kind}/{slug}; the index is at /"
                    ),
                )
            rest = stem
        doc, negotiated = _choose(request, suffix)
        doc_path = prefix + space + rest
        if doc is None:
            return await ld.entity_response(
                request, iri, doc_path, _headers(doc_path, doc, prefix, negotiated)
            )
        outgoing, incoming = ld.describe(iri)
        return Response(
            ld.rdf(outgoing + incoming, doc),
            media_type=_content_type(doc),
            headers=_headers(doc_path, doc, prefix, negotiated),
        )

    return entity


def _document_endpoint(ld: LinkedData, prefix: str, which: str) -> Endpoint:
    async def document(request: Request) -> Response:
        suffix = request.path_params["suffix"] or None
        if suffix is not None and suffix not in SUFFIXES:
            raise NotFoundError(f"no document at {request.url.path}", hint=f"try {prefix}{which}")
        doc, negotiated = _choose(request, suffix)
        triples = ld.gs.ontology.triples if which == "ontology" else ld.shapes()
        doc_path = prefix + which
        if doc is None:
            render = ontology_html if which == "ontology" else shapes_html
            links = {"ontology": prefix + "ontology", "shapes": prefix + "shapes", "home": "/"}
            return secured_html(
                lambda nonce: render(triples, ld.gs.prefixes, ld.base, links, nonce),
                headers=_headers(doc_path, doc, prefix, negotiated),
            )
        data = ld.rdf(list(triples), doc)
        return Response(
            data,
            media_type=_content_type(doc),
            headers=_headers(doc_path, doc, prefix, negotiated),
        )

    return document


def _file_endpoint(ld: LinkedData, fixed: str | None = None) -> Endpoint:
    async def file(request: Request) -> Response:
        name = fixed or request.path_params["name"]
        return await ld.files.response(name)  # streamed from disk, made once

    return file
