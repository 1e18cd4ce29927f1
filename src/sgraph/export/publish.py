"""The build publisher: every dump, gzipped copies, the JSON-LD context, VoID/DCAT, docs."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from sgraph.export.docs import write_docs
from sgraph.export.formats import FORMATS, Snapshot, canonical_triples, gzip_bytes
from sgraph.export.jsonld import context_document
from sgraph.export.void import DatasetOptions, dump_sizes, void_turtle
from sgraph.serialize import paused_gc
from sgraph.sources import parse_file
from sgraph.store import GraphStore


def _write_gzipped(path: Path, data: bytes) -> None:
    path.write_bytes(gzip_bytes(data))


def publish_exports(
    gs: GraphStore, stage: Path, options: DatasetOptions | None = None
) -> list[Path]:
    """RDF dumps in every format, their gzipped copies, context.jsonld, void.ttl and docs/."""
    written: list[Path] = []
    # The store is read once (one snapshot for every format); gzip runs in a second thread
    # (zlib releases the GIL) while the next format is serialised.
    with paused_gc(), ThreadPoolExecutor(max_workers=1) as gzipper:
        snap = Snapshot(gs)
        pending: list[Future[None]] = []
        for fmt in FORMATS.values():
            path = stage / fmt.filename
            if fmt.name == "turtle" and path.is_file():
                data = path.read_bytes()  # written by write_core through the same export()
            else:
                data = snap.export(fmt.name)
                path.write_bytes(data)
                written.append(path)
            gz = stage / (fmt.filename + ".gz")
            pending.append(gzipper.submit(_write_gzipped, gz, data))
            written.append(gz)
        context = stage / "context.jsonld"
        context.write_bytes(context_document(snap.context).encode("utf-8"))
        written.append(context)
        for done in pending:
            done.result()
        void = stage / "void.ttl"
        void.write_text(
            void_turtle(gs, dump_sizes(stage), options, snap.triples), encoding="utf-8"
        )
        written.append(void)
    shapes = canonical_triples(parse_file(gs.settings.shapes_file, gs.settings.base).triples)
    written += write_docs(
        stage / "docs", gs.ontology.triples, shapes, gs.prefixes, gs.settings.base
    )
    return written
