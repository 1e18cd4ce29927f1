"""The build publisher: every dump, gzipped copies, the JSON-LD context, VoID/DCAT, docs."""

from __future__ import annotations

from pathlib import Path

from sgraph.export.docs import write_docs
from sgraph.export.formats import FORMATS, canonical_triples, export, export_context, gzip_bytes
from sgraph.export.void import DatasetOptions, dump_sizes, void_turtle
from sgraph.sources import parse_file
from sgraph.store import GraphStore


def publish_exports(
    gs: GraphStore, stage: Path, options: DatasetOptions | None = None
) -> list[Path]:
    """RDF dumps in every format, their gzipped copies, context.jsonld, void.ttl and docs/."""
    written: list[Path] = []
    for fmt in FORMATS.values():
        path = stage / fmt.filename
        if fmt.name == "turtle" and path.is_file():
            data = path.read_bytes()  # written by write_core through the same export()
        else:
            data = export(gs, fmt.name)
            path.write_bytes(data)
            written.append(path)
        gz = stage / (fmt.filename + ".gz")
        gz.write_bytes(gzip_bytes(data))
        written.append(gz)
    context = stage / "context.jsonld"
    context.write_bytes(export_context(gs))
    written.append(context)
    void = stage / "void.ttl"
    void.write_text(void_turtle(gs, dump_sizes(stage), options), encoding="utf-8")
    written.append(void)
    shapes = canonical_triples(parse_file(gs.settings.shapes_file, gs.settings.base).triples)
    written += write_docs(
        stage / "docs", gs.ontology.triples, shapes, gs.prefixes, gs.settings.base
    )
    return written
