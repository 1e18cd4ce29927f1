"""The whole graph in every RDF format, streamed from the store one subject at a time.

A dump of millions of triples is never held in Python. Turtle, JSON-LD and RDF/XML come from one
pass over the subjects of the union (read from Oxigraph in sorted order, each subject's triples
handed to every writer); TriG from one pass per graph. Each writer keeps its body in a spooled
temporary file that is copied behind the head (prefixes, XML namespaces) once the head is known.
N-Triples and N-Quads are serialised by Oxigraph and put in order by an external sort. The bytes
are those of the ``to_*`` functions of ``sgraph.serialize`` on the same graph (tested): both use
the same writers.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TextIO, cast

import pyoxigraph as ox

from sgraph.export.jsonld import JsonLdWriter
from sgraph.serialize import (
    RdfXmlWriter,
    SortedLines,
    SubjectWriter,
    TrigWriter,
    TurtleWriter,
)
from sgraph.terms import OxSubject, sort_key

if TYPE_CHECKING:
    from sgraph.store import GraphStore

GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph

#: Formats written from the union of the graphs.
FLAT = ("turtle", "jsonld", "rdfxml")
#: Formats that are sorted lines, serialised by Oxigraph.
LINES = ("ntriples", "nquads")

#: Bodies up to this size stay in memory; larger ones go to a temporary file.
SPOOL_BYTES = 16 << 20
#: N-Triples / N-Quads lines sorted in memory at a time (about 0.15 GB at 500k lines).
LINES_IN_MEMORY = 500_000


def _write_sorted_lines(
    store: ox.Store, fmt: str, out: TextIO, spill_dir: str | None, chunk: int
) -> None:
    """N-Triples (the union, deduplicated) or N-Quads as sorted lines.

    Oxigraph serialises the statements (the same text as ``str`` of each term, tested) into a
    temporary file, which is read back line by line through an external sort: no Python object
    per statement, and at most ``chunk`` lines in memory.
    """
    with tempfile.TemporaryFile(dir=spill_dir) as raw:
        if fmt == "nquads":
            store.dump(raw, ox.RdfFormat.N_QUADS)
        else:
            union = store.query(
                "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True
            )
            assert isinstance(union, ox.QueryTriples)
            union.serialize(raw, ox.RdfFormat.N_TRIPLES)
        raw.seek(0)
        lines = SortedLines(chunk, spill_dir)
        for line in io.TextIOWrapper(raw, encoding="utf-8", newline=""):
            lines.add(line)
        lines.finish(out)


def _has_blank_nodes(store: ox.Store) -> bool:
    query = (
        "ASK { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } FILTER(isBlank(?s) || isBlank(?o)) }"
    )
    result = store.query(query)
    assert isinstance(result, ox.QueryBoolean)
    return bool(result) or any(isinstance(g, ox.BlankNode) for g in store.named_graphs())


def readable_store(gs: GraphStore) -> ox.Store:
    """The store to dump: ``gs.store``, or a copy with canonical blank-node labels if it has any
    (none in curated data; the labels would otherwise change from run to run)."""
    if not _has_blank_nodes(gs.store):
        return gs.store
    ds = ox.Dataset(list(gs.store))
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    copy = ox.Store()
    copy.bulk_extend(list(ds))
    return copy


def _sorted_subjects(store: ox.Store, graph: GraphName | None) -> list[OxSubject]:
    if graph is None:  # the union of every graph
        result = store.query(
            "SELECT DISTINCT ?s WHERE { ?s ?p ?o }", use_default_graph_as_union=True
        )
    elif isinstance(graph, ox.DefaultGraph):
        result = store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }")
    elif isinstance(graph, ox.NamedNode):
        result = store.query(f"SELECT DISTINCT ?s WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}")
    else:  # a blank-node graph name cannot be written in a query
        result = None
    if result is None:
        subjects = list({q.subject for q in store.quads_for_pattern(None, None, None, graph)})
    else:
        assert isinstance(result, ox.QuerySolutions)
        subjects = [row[0] for row in result]
    subjects.sort(key=sort_key)
    return cast(list[OxSubject], subjects)  # RDF-star subjects are refused by the writers


def union_groups(store: ox.Store) -> Iterator[tuple[OxSubject, list[ox.Triple]]]:
    """Each subject of the union (sorted) with its distinct triples across every graph."""
    for s in _sorted_subjects(store, None):
        yield s, list({q.triple for q in store.quads_for_pattern(s, None, None, None)})


def graph_names(store: ox.Store) -> list[GraphName]:
    """The graphs holding triples: the default graph first (if not empty), then named, sorted."""
    names: list[GraphName] = sorted(store.named_graphs(), key=sort_key)
    names = [g for g in names if next(store.quads_for_pattern(None, None, None, g), None)]
    if next(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None):
        names.insert(0, ox.DefaultGraph())
    return names


def graph_groups(store: ox.Store, graph: GraphName) -> Iterator[tuple[OxSubject, list[ox.Triple]]]:
    for s in _sorted_subjects(store, graph):
        yield s, [q.triple for q in store.quads_for_pattern(s, None, None, graph)]


def _writers(
    gs: GraphStore,
    formats: Iterable[str],
    context: dict[str, Any] | None,
    spill: str | None,
    header: str,
    spool_bytes: int,
) -> dict[str, SubjectWriter]:
    def body() -> TextIO:
        spooled = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed by write_dumps
            spool_bytes, mode="w+", encoding="utf-8", newline="", dir=spill
        )
        return cast(TextIO, spooled)

    made: dict[str, SubjectWriter] = {}
    for fmt in formats:
        if fmt == "turtle":
            made[fmt] = TurtleWriter(gs.prefixes, header, body())
        elif fmt == "jsonld":
            if context is None:
                from sgraph.export.formats import jsonld_context

                context = jsonld_context(gs)
            made[fmt] = JsonLdWriter(context, body())
        elif fmt == "rdfxml":
            made[fmt] = RdfXmlWriter(gs.prefixes, body())
        elif fmt == "trig":
            made[fmt] = TrigWriter(gs.prefixes, header, body())
        elif fmt not in LINES:  # pragma: no cover - callers check the format
            raise ValueError(fmt)
    return made


def write_dumps(
    gs: GraphStore,
    targets: dict[str, TextIO],
    *,
    header: str = "",
    context: dict[str, Any] | None = None,
    spill_dir: str | None = None,
    spool_bytes: int = SPOOL_BYTES,
    lines_in_memory: int = LINES_IN_MEMORY,
    finished: Callable[[str], None] | None = None,
) -> None:
    """Write the graph in each format of ``targets`` (format name -> text stream).

    Bodies larger than ``spool_bytes`` and runs of more than ``lines_in_memory`` sorted lines go
    to temporary files in ``spill_dir``. ``finished(format)`` is called as soon as a format's
    target is complete (the build starts gzipping it while the next one is written).
    """
    store = readable_store(gs)
    writers = _writers(gs, targets, context, spill_dir, header, spool_bytes)

    def done(fmt: str) -> None:
        if finished is not None:
            finished(fmt)

    try:
        for fmt in LINES:
            if fmt in targets:
                _write_sorted_lines(store, fmt, targets[fmt], spill_dir, lines_in_memory)
                done(fmt)
        flat = {f: w for f, w in writers.items() if f in FLAT}
        if flat:
            for subject, triples in union_groups(store):
                for w in flat.values():
                    w.add(subject, triples)
            for fmt, w in flat.items():
                w.finish(targets[fmt])
                done(fmt)
        trig = writers.get("trig")
        if isinstance(trig, TrigWriter):
            for name in graph_names(store):
                trig.graph(name)
                for subject, triples in graph_groups(store, name):
                    trig.add(subject, triples)
            trig.finish(targets["trig"])
            done("trig")
    finally:
        for w in writers.values():
            body = getattr(w, "body", None)
            if body is not None:
                body.close()


def dump_text(gs: GraphStore, fmt: str, header: str = "") -> str:
    out = io.StringIO()
    write_dumps(gs, {fmt: out}, header=header)
    return out.getvalue()
