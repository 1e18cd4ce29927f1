"""The build publisher: every dump, gzipped copies, the JSON-LD context, VoID/DCAT, docs."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, TextIO

from sgraph.export.docs import write_docs
from sgraph.export.dumps import GRAPH_HEADER, gzip_file, jsonld_context, write_dumps
from sgraph.export.void import DatasetOptions, dump_sizes, void_turtle
from sgraph.process import die_with_parent
from sgraph.rdf.formats import GRAPH_FORMATS, Layout
from sgraph.rdf.jsonld import context_document
from sgraph.rdf.stats import stats_of_store
from sgraph.serialize import canonical_triples, paused_gc
from sgraph.shapes import shapes_triples
from sgraph.store import GraphStore

#: Written in a forked child process while this one writes the rest (Linux; one process elsewhere):
#: the formats not written in the one pass over the union's subjects (lines, and TriG by graph).
CHILD_FORMATS = tuple(n for n, f in GRAPH_FORMATS.items() if f.layout is not Layout.FLAT)


def _write_files(
    gs: GraphStore, paths: dict[str, Path], context: dict[str, Any] | None, spill: Path
) -> None:
    """Write the dumps ``paths`` (format -> file) and their gzipped copies; gzip overlaps writing."""
    with ThreadPoolExecutor(max_workers=1) as gzipper, ExitStack() as files:
        targets: dict[str, TextIO] = {
            name: files.enter_context(path.open("w", encoding="utf-8", newline=""))
            for name, path in paths.items()
        }
        pending: list[Future[None]] = []

        def finished(name: str) -> None:
            targets[name].close()
            path = paths[name]
            pending.append(gzipper.submit(gzip_file, path, path.with_name(path.name + ".gz")))

        write_dumps(
            gs,
            targets,
            header=GRAPH_HEADER,
            context=context,
            spill_dir=str(spill),
            finished=finished,
        )
        for done in pending:
            done.result()


@contextmanager
def _in_child(work: Callable[[], None], fork: bool = True) -> Iterator[None]:
    """Run ``work`` in a forked child while the ``with`` body runs here; wait for it at the end.

    The child is killed when this process dies (``die_with_parent``), so a killed build leaves
    no process writing into an abandoned stage folder.
    The child shares the store's memory copy-on-write (the garbage collector is paused, so it
    does not touch every Python object) and leaves with ``os._exit``. Where ``fork`` is not
    available or not safe to use (not Linux, or ``fork`` false: an on-disk RocksDB store, whose
    locks a forked child can inherit held), ``work`` runs here after the body.
    """
    if sys.platform != "linux" or not fork:
        yield
        work()
        return
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            die_with_parent(parent)  # a killed build leaves no writer behind
            work()
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    try:
        yield
    finally:
        _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"the export process {pid} failed (exit status {status}): see above")


def publish_exports(
    gs: GraphStore, stage: Path, options: DatasetOptions | None = None
) -> list[Path]:
    """RDF dumps in every format, their gzipped copies, context.jsonld, void.ttl and docs/."""
    # On two cores, a child process writes N-Triples, N-Quads (serialised by Oxigraph, then
    # sorted) and TriG while this one summarises the graph inside Oxigraph (JSON-LD context, VoID
    # statistics) and writes Turtle, JSON-LD and RDF/XML in one pass over the subjects.
    paths = {name: stage / fmt.filename for name, fmt in GRAPH_FORMATS.items()}
    mine = {n: p for n, p in paths.items() if n not in CHILD_FORMATS}
    theirs = {n: p for n, p in paths.items() if n in CHILD_FORMATS}
    with paused_gc():
        # Not with an on-disk store: a forked child can hang on RocksDB locks held at the fork.
        with _in_child(lambda: _write_files(gs, theirs, None, stage), fork=gs.disk_path is None):
            stats = stats_of_store(gs.store)
            context = jsonld_context(gs, stats)
            _write_files(gs, mine, context, stage)
        written = [q for p in paths.values() for q in (p, p.with_name(p.name + ".gz"))]
        ctx_file = stage / "context.jsonld"
        ctx_file.write_text(context_document(context), encoding="utf-8")
        void = stage / "void.ttl"
        void.write_text(void_turtle(gs, dump_sizes(stage), options, stats), encoding="utf-8")
        written += [ctx_file, void]
    shapes = canonical_triples(shapes_triples(gs.settings))
    written += write_docs(
        stage / "docs", gs.ontology.triples, shapes, gs.prefixes, gs.settings.base
    )
    return written
