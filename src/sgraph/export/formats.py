"""Every RDF format the graph is exported in, each written deterministically.

Flat formats (Turtle, N-Triples, JSON-LD, RDF/XML) hold the union of the dataset: curated data,
materialised standard triples and the PROV descriptions of the named graphs. TriG and N-Quads keep
the named graphs (one per data file, plus ``graph/materialised``) with the PROV in the default graph.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from sgraph.errors import InputError
from sgraph.export.jsonld import build_context, context_document, to_jsonld
from sgraph.serialize import paused_gc, to_nquads, to_ntriples, to_rdfxml, to_trig, to_turtle
from sgraph.store import GraphStore

GRAPH_HEADER = (
    "sgraph: child-safeguarding publications in England, as one RDF graph.\n"
    "Curated data plus the standard triples materialised by `sgraph build`. Generated: do not edit."
)


@dataclass(frozen=True)
class Format:
    name: str
    filename: str
    media_type: str
    suffix: str
    w3c_format: str  # http://www.w3.org/ns/formats/...


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("turtle", "graph.ttl", "text/turtle", ".ttl", "Turtle"),
        Format("ntriples", "graph.nt", "application/n-triples", ".nt", "N-Triples"),
        Format("nquads", "graph.nq", "application/n-quads", ".nq", "N-Quads"),
        Format("trig", "graph.trig", "application/trig", ".trig", "TriG"),
        Format("jsonld", "graph.jsonld", "application/ld+json", ".jsonld", "JSON-LD"),
        Format("rdfxml", "graph.rdf", "application/rdf+xml", ".rdf", "RDF_XML"),
    )
}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise InputError(
            f"unknown export format {name!r}",
            hint="choose one of " + ", ".join(FORMATS),
        ) from None


def canonical_quads(gs: GraphStore) -> list[ox.Quad]:
    """The dataset's quads; blank nodes (none in curated data) get canonical, stable labels."""
    quads = list(gs.store)
    if any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object, q.graph_name)):
        ds = ox.Dataset(quads)
        ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
        quads = list(ds)
    return quads


def canonical_triples(triples: list[ox.Triple]) -> list[ox.Triple]:
    """``triples`` with blank nodes (e.g. SHACL lists) relabelled canonically, so output is stable."""
    if not any(isinstance(t, ox.BlankNode) for tr in triples for t in (tr.subject, tr.object)):
        return triples
    ds = ox.Dataset([ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples])
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return [q.triple for q in ds]


def union(quads: list[ox.Quad]) -> list[ox.Triple]:
    return list({q.triple for q in quads})


def jsonld_context(gs: GraphStore, triples: list[ox.Triple] | None = None) -> dict[str, Any]:
    """The project's JSON-LD context, derived from the graph and the ontology."""
    if triples is None:
        triples = union(canonical_quads(gs))
    return build_context(triples, gs.prefixes, gs.settings.base + "ontology#", gs.ontology.triples)


def serialize_triples(triples: list[ox.Triple], fmt: str, gs: GraphStore, header: str = "") -> str:
    """A flat format of any set of triples, with the project's prefixes (and JSON-LD context)."""
    if fmt == "turtle":
        return to_turtle(triples, gs.prefixes, header)
    if fmt == "ntriples":
        return to_ntriples(triples)
    if fmt == "rdfxml":
        return to_rdfxml(triples, gs.prefixes)
    if fmt == "jsonld":
        return to_jsonld(triples, jsonld_context(gs))
    raise InputError(
        f"{fmt!r} is not a format for a set of triples",
        hint="use turtle, ntriples, jsonld or rdfxml",
    )


class Snapshot:
    """The dataset's canonical quads, their union and JSON-LD context, each computed once.

    ``publish_exports`` writes six formats, the context and VoID from one snapshot instead of
    re-reading (and re-canonicalising) the store for each of them.
    """

    def __init__(self, gs: GraphStore) -> None:
        self.gs = gs
        self.quads = canonical_quads(gs)
        self._triples: list[ox.Triple] | None = None
        self._context: dict[str, Any] | None = None

    @property
    def triples(self) -> list[ox.Triple]:
        if self._triples is None:
            self._triples = union(self.quads)
        return self._triples

    @property
    def context(self) -> dict[str, Any]:
        if self._context is None:
            self._context = jsonld_context(self.gs, self.triples)
        return self._context

    def export(self, fmt: str) -> bytes:
        """The whole graph in one format, as UTF-8 bytes."""
        get_format(fmt)
        gs = self.gs
        if fmt == "nquads":
            text = to_nquads(self.quads)
        elif fmt == "trig":
            text = to_trig(self.quads, gs.prefixes, GRAPH_HEADER)
        elif fmt == "turtle":
            text = to_turtle(self.triples, gs.prefixes, GRAPH_HEADER)
        elif fmt == "jsonld":
            text = to_jsonld(self.triples, self.context)
        else:
            text = serialize_triples(self.triples, fmt, gs)
        return text.encode("utf-8")


def export(gs: GraphStore, fmt: str) -> bytes:
    """The whole graph in one format, as UTF-8 bytes (the same bytes every run)."""
    get_format(fmt)
    with paused_gc():
        return Snapshot(gs).export(fmt)


def export_context(gs: GraphStore) -> bytes:
    with paused_gc():
        return context_document(jsonld_context(gs)).encode("utf-8")


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip: no file name, modification time 0."""
    return gzip.compress(data, compresslevel=9, mtime=0)
