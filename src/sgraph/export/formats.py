"""Every RDF format the graph is exported in, each written deterministically.

Flat formats (Turtle, N-Triples, JSON-LD, RDF/XML) hold the union of the dataset: curated data,
materialised standard triples and the PROV descriptions of the named graphs. TriG and N-Quads keep
the named graphs (one per data file, plus ``graph/materialised``) with the PROV in the default graph.
"""

from __future__ import annotations

import gzip
import io
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import pyoxigraph as ox

from sgraph.errors import InputError
from sgraph.export.jsonld import build_context, context_document
from sgraph.export.stats import GraphStats, stats_of_store
from sgraph.serialize import paused_gc

if TYPE_CHECKING:  # for annotations only: the store pulls in rdflib, and the CLI reads FORMATS
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


def canonical_triples(triples: list[ox.Triple]) -> list[ox.Triple]:
    """``triples`` with blank nodes (e.g. SHACL lists) relabelled canonically, so output is stable."""
    if not any(isinstance(t, ox.BlankNode) for tr in triples for t in (tr.subject, tr.object)):
        return triples
    ds = ox.Dataset([ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples])
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return [q.triple for q in ds]


def jsonld_context(gs: GraphStore, stats: GraphStats | None = None) -> dict[str, Any]:
    """The project's JSON-LD context, derived from the graph (its ``stats``) and the ontology."""
    if stats is None:
        stats = stats_of_store(gs.store)
    return build_context(stats, gs.prefixes, gs.settings.base + "ontology#", gs.ontology.triples)


def export(gs: GraphStore, fmt: str) -> bytes:
    """The whole graph in one format, as UTF-8 bytes (the same bytes every run)."""
    from sgraph.export.dumps import dump_text

    get_format(fmt)
    header = GRAPH_HEADER if fmt in ("turtle", "trig") else ""
    with paused_gc():
        return dump_text(gs, fmt, header).encode("utf-8")


def export_context(gs: GraphStore) -> bytes:
    with paused_gc():
        return context_document(jsonld_context(gs)).encode("utf-8")


#: zlib level 6: within 4% of level 9's size on our dumps, at 2.7x its speed (85 -> 227 MB/s).
GZIP_LEVEL = 6


def gzip_stream(src: BinaryIO, dst: BinaryIO) -> None:
    """Deterministic gzip: no file name, modification time 0; streamed in 1 MiB chunks."""
    with gzip.GzipFile(
        filename="", mode="wb", fileobj=dst, compresslevel=GZIP_LEVEL, mtime=0
    ) as gz:
        shutil.copyfileobj(src, gz, 1 << 20)


def gzip_bytes(data: bytes) -> bytes:
    """``gzip_stream`` of bytes in memory (the same bytes as the build's ``.gz`` files)."""
    out = io.BytesIO()
    gzip_stream(io.BytesIO(data), out)
    return out.getvalue()


def gzip_file(path: Path, target: Path) -> None:
    """``gzip_stream`` of a file into ``target``."""
    with path.open("rb") as src, target.open("wb") as dst:
        gzip_stream(src, dst)
