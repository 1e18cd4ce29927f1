"""The build publisher: every dump, gzipped copies, the JSON-LD context, VoID/DCAT, docs."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO

from sgraph.export.docs import write_docs
from sgraph.export.dumps import write_dumps
from sgraph.export.formats import (
    FORMATS,
    GRAPH_HEADER,
    canonical_triples,
    gzip_file,
    jsonld_context,
)
from sgraph.export.jsonld import context_document
from sgraph.export.stats import stats_of_store
from sgraph.export.void import DatasetOptions, dump_sizes, void_turtle
from sgraph.serialize import paused_gc
from sgraph.sources import parse_file
from sgraph.store import GraphStore


def publish_exports(
    gs: GraphStore, stage: Path, options: DatasetOptions | None = None
) -> list[Path]:
    """RDF dumps in every format, their gzipped copies, context.jsonld, void.ttl and docs/."""
    written: list[Path] = []
    # The graph is summarised once inside Oxigraph (JSON-LD context, VoID statistics) and read
    # once per pass (union, then graph by graph) for all six formats; gzip runs in a second
    # thread (zlib releases the GIL).
    with paused_gc(), ThreadPoolExecutor(max_workers=1) as gzipper:
        stats = stats_of_store(gs.store)
        context = jsonld_context(gs, stats)
        paths = {name: stage / fmt.filename for name, fmt in FORMATS.items()}
        pending: list[Future[None]] = []
        with ExitStack() as files:
            targets: dict[str, TextIO] = {
                name: files.enter_context(path.open("w", encoding="utf-8", newline=""))
                for name, path in paths.items()
            }

            def finished(name: str) -> None:
                targets[name].close()
                path = paths[name]
                pending.append(gzipper.submit(gzip_file, path, path.with_name(path.name + ".gz")))

            write_dumps(
                gs, targets, header=GRAPH_HEADER, context=context, spill_dir=str(stage),
                finished=finished,
            )
        for path in paths.values():
            written += [path, path.with_name(path.name + ".gz")]
        ctx_file = stage / "context.jsonld"
        ctx_file.write_text(context_document(context), encoding="utf-8")
        written.append(ctx_file)
        for done in pending:
            done.result()
        void = stage / "void.ttl"
        void.write_text(void_turtle(gs, dump_sizes(stage), options, stats), encoding="utf-8")
        written.append(void)
    shapes = canonical_triples(parse_file(gs.settings.shapes_file, gs.settings.base).triples)
    written += write_docs(
        stage / "docs", gs.ontology.triples, shapes, gs.prefixes, gs.settings.base
    )
    return written
