"""The whole graph in every RDF format, streamed from the store one subject at a time.

A dump of millions of triples is never held in Python. The layout of each format
(``sgraph.rdf.formats``) says how it is written: the flat formats (Turtle, JSON-LD, RDF/XML) come
from one pass over the subjects of the union (read from Oxigraph in sorted order, each subject's
triples handed to every writer); those by graph (TriG) from one pass per graph; each writer keeps
its body in a spooled temporary file that is copied behind the head (prefixes, XML namespaces)
once the head is known. The line formats (N-Triples, N-Quads) are serialised by Oxigraph and put
in order by an external sort. The bytes are those of the same writers on the graph held in
memory (``sgraph.rdf.formats.write_quads``, tested).

Flat formats hold the union of the dataset: curated data, materialised standard triples and the
PROV descriptions of the named graphs. TriG and N-Quads keep the named graphs (one per data file,
plus ``graph/materialised``) with the PROV in the default graph. Every dump is also gzipped.
"""

from __future__ import annotations

import gzip
import io
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO, cast

import pyoxigraph as ox

from sgraph.rdf.formats import GRAPH_FORMATS, GraphFormat, Layout, WriterSetup, graph_format
from sgraph.rdf.jsonld import build_context, context_document
from sgraph.rdf.stats import GraphStats, stats_of_store
from sgraph.serialize import DatasetWriter, GraphName, SortedLines, SubjectWriter, paused_gc
from sgraph.terms import OxSubject, sort_key

if TYPE_CHECKING:  # for annotations only: the store pulls in rdflib
    from sgraph.store import GraphStore

GRAPH_HEADER = (
    "sgraph: child-safeguarding publications in England, as one RDF graph.\n"
    "Curated data plus the standard triples materialised by `sgraph build`. Generated: do not edit."
)

#: Bodies up to this size stay in memory; larger ones go to a temporary file.
SPOOL_BYTES = 16 << 20
#: N-Triples / N-Quads lines sorted in memory at a time (about 0.15 GB at 500k lines).
LINES_IN_MEMORY = 500_000


def jsonld_context(gs: GraphStore, stats: GraphStats | None = None) -> dict[str, Any]:
    """The project's JSON-LD context, derived from the graph (its ``stats``) and the ontology."""
    if stats is None:
        stats = stats_of_store(gs.store)
    return build_context(stats, gs.prefixes, gs.settings.base + "ontology#", gs.ontology.triples)


def _write_sorted_lines(
    store: ox.Store, fmt: GraphFormat, out: TextIO, spill_dir: str | None, chunk: int
) -> None:
    """A line format: the dataset's quads (N-Quads), or the union's distinct triples, sorted.

    Oxigraph serialises the statements (the same text as ``str`` of each term, tested) into a
    temporary file, which is read back line by line through an external sort: no Python object
    per statement, and at most ``chunk`` lines in memory.
    """
    with tempfile.TemporaryFile(dir=spill_dir) as raw:
        if fmt.datasets:
            store.dump(raw, fmt.oxigraph)
        else:
            union = store.query(
                "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True
            )
            assert isinstance(union, ox.QueryTriples)
            union.serialize(raw, fmt.oxigraph)
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
    formats: list[GraphFormat],
    context: dict[str, Any] | None,
    spill: str | None,
    header: str,
    spool_bytes: int,
) -> dict[str, SubjectWriter]:
    """A writer for each format written by Python (not the line formats), its body spooled."""
    known: dict[str, Any] = {} if context is None else {"context": context}

    def shared_context() -> dict[str, Any]:  # computed once, and only if a format asks for it
        if "context" not in known:
            known["context"] = jsonld_context(gs)
        context: dict[str, Any] = known["context"]
        return context

    made: dict[str, SubjectWriter] = {}
    for fmt in formats:
        if fmt.layout is Layout.LINES:
            continue
        spooled = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed by write_dumps
            spool_bytes, mode="w+", encoding="utf-8", newline="", dir=spill
        )
        setup = WriterSetup(gs.prefixes, header, shared_context, cast(TextIO, spooled), spill)
        made[fmt.name] = fmt.writer(setup)
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
    formats = [graph_format(name) for name in targets]
    writers = _writers(gs, formats, context, spill_dir, header, spool_bytes)

    def done(fmt: str) -> None:
        if finished is not None:
            finished(fmt)

    try:
        for fmt in formats:
            if fmt.layout is Layout.LINES:
                _write_sorted_lines(store, fmt, targets[fmt.name], spill_dir, lines_in_memory)
                done(fmt.name)
        flat = {f.name: writers[f.name] for f in formats if f.layout is Layout.FLAT}
        if flat:
            for subject, triples in union_groups(store):
                for w in flat.values():
                    w.add(subject, triples)
            for name, w in flat.items():
                w.finish(targets[name])
                done(name)
        for fmt in formats:
            if fmt.layout is Layout.BY_GRAPH:
                w = writers[fmt.name]
                assert isinstance(w, DatasetWriter)
                for graph in graph_names(store):
                    w.graph(graph)
                    for subject, triples in graph_groups(store, graph):
                        w.add(subject, triples)
                w.finish(targets[fmt.name])
                done(fmt.name)
    finally:
        for w in writers.values():
            body = getattr(w, "body", None)
            if body is not None:
                body.close()


def export(gs: GraphStore, fmt: str) -> bytes:
    """The whole graph in one format (a name of ``GRAPH_FORMATS``), as UTF-8 bytes (the same
    bytes every run, and those of the build's ``dist/`` file)."""
    name = graph_format(fmt).name
    out = io.StringIO()
    with paused_gc():
        write_dumps(gs, {name: out}, header=GRAPH_HEADER)
    return out.getvalue().encode("utf-8")


def export_context(gs: GraphStore) -> bytes:
    """``context.jsonld``: the JSON-LD context of the dumps as a document of its own."""
    with paused_gc():
        return context_document(jsonld_context(gs)).encode("utf-8")


def dump_files() -> dict[str, GraphFormat]:
    """The build's dump file names (``graph.ttl`` ...) and the format of each."""
    return {f.filename: f for f in GRAPH_FORMATS.values()}


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
