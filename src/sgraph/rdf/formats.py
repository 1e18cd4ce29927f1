"""The format registry: every format sgraph writes, one record each, in two tables.

``GRAPH_FORMATS`` holds the RDF serialisations (the dumps, CONSTRUCT and DESCRIBE results,
linked-data documents, uploads); ``RESULT_FORMATS`` the SELECT and ASK result formats. A record
says everything the rest of sgraph needs to know: the name (and aliases) used on the command
line, the media types (the first is the one a response is labelled with), the file suffix, the
dump's file name, the W3C format IRI (``http://www.w3.org/ns/formats/...``), how a dump is laid
out, the pyoxigraph format and the writer.

The dumps (``sgraph.export.dumps``), the VoID description, the query engine (``sgraph.sparql``),
the endpoint's content negotiation, query workers and service description (``sgraph.server``),
the linked-data pages and the commands' ``--format`` choices all read these tables, so adding
a format is one record here and one writer.
"""

from __future__ import annotations

import enum
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

import pyoxigraph as ox

from sgraph.errors import InputError
from sgraph.rdf.jsonld import JsonLdWriter, build_context
from sgraph.rdf.results import (
    QueryResult,
    write_csv,
    write_json,
    write_markdown,
    write_table,
    write_tsv,
    write_xml,
)
from sgraph.rdf.stats import stats_of_triples
from sgraph.serialize import (
    DatasetWriter,
    LinesWriter,
    RdfXmlWriter,
    SubjectWriter,
    TrigWriter,
    TurtleWriter,
    group_by_subject,
    write_all,
)
from sgraph.terms import sort_key

W3C = "http://www.w3.org/ns/formats/"


class Layout(enum.Enum):
    """How a dump of the whole graph is written."""

    FLAT = "flat"  # the union of the graphs, one pass over its subjects
    BY_GRAPH = "by graph"  # one pass over the subjects of each graph: default graph first
    LINES = "lines"  # sorted lines, serialised by Oxigraph and put in order by an external sort


@dataclass(frozen=True)
class WriterSetup:
    """What a writer may use: the prefixes, a comment for the head (formats with comments), the
    JSON-LD context (asked for only by JSON-LD), and where to keep its body (a large dump's
    body goes to a temporary file; ``None``: in memory)."""

    prefixes: dict[str, str]
    header: str = ""
    context: Callable[[], dict[str, Any]] = dict
    body: TextIO | None = None
    spill_dir: str | None = None
    lines_in_memory: int = 2_000_000


@dataclass(frozen=True, kw_only=True)
class Format:
    """What every format has: names, media types, suffix and W3C format IRI."""

    name: str
    label: str  # for people: "RDF/XML", "SPARQL JSON"
    media_types: tuple[str, ...]
    suffixes: tuple[str, ...]
    w3c: str | None  # http://www.w3.org/ns/formats/... (None: not a W3C format)
    aliases: tuple[str, ...] = ()
    charset: bool = False  # label responses "; charset=utf-8" (text formats)

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def content_type(self) -> str:
        """The Content-Type of a response in this format."""
        return f"{self.media_type}; charset=utf-8" if self.charset else self.media_type

    @property
    def suffix(self) -> str:
        return self.suffixes[0]


@dataclass(frozen=True, kw_only=True)
class GraphFormat(Format):
    """An RDF serialisation."""

    filename: str  # the dump's file name in ``dist/``
    layout: Layout
    datasets: bool  # keeps named graphs (so it is no format for a CONSTRUCT result)
    oxigraph: ox.RdfFormat
    writer: Callable[[WriterSetup], SubjectWriter] = field(repr=False)


@dataclass(frozen=True, kw_only=True)
class ResultFormat(Format):
    """A format for SELECT and ASK results."""

    writer: Callable[[QueryResult, dict[str, str]], str] = field(repr=False)


def _table(*formats: Format) -> dict[str, Any]:
    names = [n for f in formats for n in (f.name, *f.aliases)]
    assert len(names) == len(set(names)), "format names and aliases must be unique"
    return {f.name: f for f in formats}


GRAPH_FORMATS: dict[str, GraphFormat] = _table(
    GraphFormat(
        name="turtle",
        label="Turtle",
        aliases=("ttl",),
        media_types=("text/turtle", "application/turtle", "application/x-turtle"),
        suffixes=(".ttl",),
        filename="graph.ttl",
        w3c=W3C + "Turtle",
        charset=True,
        layout=Layout.FLAT,
        datasets=False,
        oxigraph=ox.RdfFormat.TURTLE,
        writer=lambda s: TurtleWriter(s.prefixes, s.header, s.body),
    ),
    GraphFormat(
        name="ntriples",
        label="N-Triples",
        aliases=("nt", "n-triples"),
        media_types=("application/n-triples",),
        suffixes=(".nt",),
        filename="graph.nt",
        w3c=W3C + "N-Triples",
        charset=True,
        layout=Layout.LINES,
        datasets=False,
        oxigraph=ox.RdfFormat.N_TRIPLES,
        writer=lambda s: LinesWriter(chunk=s.lines_in_memory, spill_dir=s.spill_dir),
    ),
    GraphFormat(
        name="nquads",
        label="N-Quads",
        aliases=("nq", "n-quads"),
        media_types=("application/n-quads",),
        suffixes=(".nq",),
        filename="graph.nq",
        w3c=W3C + "N-Quads",
        charset=True,
        layout=Layout.LINES,
        datasets=True,
        oxigraph=ox.RdfFormat.N_QUADS,
        writer=lambda s: LinesWriter(quads=True, chunk=s.lines_in_memory, spill_dir=s.spill_dir),
    ),
    GraphFormat(
        name="trig",
        label="TriG",
        media_types=("application/trig",),
        suffixes=(".trig",),
        filename="graph.trig",
        w3c=W3C + "TriG",
        charset=True,
        layout=Layout.BY_GRAPH,
        datasets=True,
        oxigraph=ox.RdfFormat.TRIG,
        writer=lambda s: TrigWriter(s.prefixes, s.header, s.body),
    ),
    GraphFormat(
        name="jsonld",
        label="JSON-LD",
        aliases=("json-ld",),
        media_types=("application/ld+json",),
        suffixes=(".jsonld",),
        filename="graph.jsonld",
        w3c=W3C + "JSON-LD",
        layout=Layout.FLAT,
        datasets=False,
        oxigraph=ox.RdfFormat.JSON_LD,
        writer=lambda s: JsonLdWriter(s.context(), s.body),
    ),
    GraphFormat(
        name="rdfxml",
        label="RDF/XML",
        aliases=("rdf", "rdf/xml"),
        media_types=("application/rdf+xml",),
        suffixes=(".rdf", ".owl"),
        filename="graph.rdf",
        w3c=W3C + "RDF_XML",
        layout=Layout.FLAT,
        datasets=False,
        oxigraph=ox.RdfFormat.RDF_XML,
        writer=lambda s: RdfXmlWriter(s.prefixes, s.body),
    ),
)

RESULT_FORMATS: dict[str, ResultFormat] = _table(
    ResultFormat(
        name="json",
        label="SPARQL JSON",
        aliases=("srj",),
        media_types=("application/sparql-results+json", "application/json"),
        suffixes=(".srj", ".json"),
        w3c=W3C + "SPARQL_Results_JSON",
        writer=write_json,
    ),
    ResultFormat(
        name="xml",
        label="SPARQL XML",
        aliases=("srx",),
        media_types=("application/sparql-results+xml", "application/xml", "text/xml"),
        suffixes=(".srx", ".xml"),
        w3c=W3C + "SPARQL_Results_XML",
        writer=write_xml,
    ),
    ResultFormat(
        name="csv",
        label="CSV",
        media_types=("text/csv",),
        suffixes=(".csv",),
        w3c=W3C + "SPARQL_Results_CSV",
        charset=True,
        writer=write_csv,
    ),
    ResultFormat(
        name="tsv",
        label="TSV",
        media_types=("text/tab-separated-values",),
        suffixes=(".tsv",),
        w3c=W3C + "SPARQL_Results_TSV",
        charset=True,
        writer=write_tsv,
    ),
    ResultFormat(
        name="table",
        label="Table",
        media_types=("text/plain",),
        suffixes=(".txt",),
        w3c=None,
        charset=True,
        writer=write_table,
    ),
    ResultFormat(
        name="md",
        label="Markdown",
        aliases=("markdown",),
        media_types=("text/markdown",),
        suffixes=(".md",),
        w3c=None,
        charset=True,
        writer=write_markdown,
    ),
)

#: The formats a CONSTRUCT or DESCRIBE result (a set of triples) is written in.
TRIPLE_FORMATS: dict[str, GraphFormat] = {n: f for n, f in GRAPH_FORMATS.items() if not f.datasets}


def _lookup(name: str, table: dict[str, Any], what: str) -> Any:
    key = name.strip().lower()
    for f in table.values():
        if key == f.name or key in f.aliases:
            return f
    raise InputError(f"unknown {what} {name!r}", hint="choose one of " + ", ".join(table))


def graph_format(name: str) -> GraphFormat:
    """The RDF format called ``name`` (or one of its aliases); InputError otherwise."""
    found: GraphFormat = _lookup(name, GRAPH_FORMATS, "RDF format")
    return found


def query_format(name: str) -> GraphFormat | ResultFormat:
    """The format of a query result called ``name``: a result format or a triple format."""
    found: GraphFormat | ResultFormat = _lookup(
        name, {**RESULT_FORMATS, **TRIPLE_FORMATS}, "result format"
    )
    return found


def aliases(table: dict[str, Any]) -> dict[str, str]:
    """alias -> name for every format of ``table`` (for the commands' ``--format`` choices)."""
    return {a: f.name for f in table.values() for a in f.aliases}


def by_suffix(suffix: str) -> GraphFormat | None:
    """The RDF format a file with this suffix (``.ttl``) is written in."""
    return next((f for f in GRAPH_FORMATS.values() if suffix.lower() in f.suffixes), None)


def by_media_type(media_type: str, formats: Iterable[Format]) -> Format | None:
    """The format of ``formats`` with this media type (parameters such as charset ignored)."""
    media = media_type.split(";")[0].strip().lower()
    return next((f for f in formats if media in f.media_types), None)


# -- writing graphs held in memory ----------------------------------------------------------------
def write_triples(
    fmt: GraphFormat,
    triples: Iterable[ox.Triple],
    prefixes: dict[str, str],
    *,
    context: dict[str, Any] | None = None,
    header: str = "",
) -> str:
    """``triples`` in ``fmt``, by the same writer as the dumps (so the same bytes).

    ``context``: the JSON-LD context; by default it is built from the triples themselves (the
    keys they use) and the ``sg:`` namespace of ``prefixes``.
    """
    triples = list(triples)

    def own_context() -> dict[str, Any]:
        if context is not None:
            return context
        return build_context(stats_of_triples(triples), prefixes, prefixes.get("sg", ""))

    return write_all(fmt.writer(WriterSetup(prefixes, header, own_context)), triples)


def write_quads(
    fmt: GraphFormat,
    quads: Iterable[ox.Quad],
    prefixes: dict[str, str],
    *,
    context: dict[str, Any] | None = None,
    header: str = "",
) -> str:
    """A dataset in ``fmt``: one graph after the other (default graph first, then the named
    graphs in order) in a format that keeps them, else the union of its graphs."""
    quads = list(quads)
    if not fmt.datasets:
        return write_triples(
            fmt, (q.triple for q in quads), prefixes, context=context, header=header
        )
    graphs: dict[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, list[ox.Triple]] = {}
    for q in quads:
        graphs.setdefault(q.graph_name, []).append(q.triple)
    writer = fmt.writer(WriterSetup(prefixes, header))
    assert isinstance(writer, DatasetWriter)
    for name in sorted(graphs, key=lambda g: (not isinstance(g, ox.DefaultGraph), sort_key(g))):
        writer.graph(name)
        for subject, group in group_by_subject(graphs[name]):
            writer.add(subject, group)
    out = io.StringIO()
    writer.finish(out)
    return out.getvalue()
