"""``sgraph export`` (the graph in one RDF format) and ``sgraph diff`` (changes between builds)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sgraph.cli.options import (
    FormatChoice,
    base_option,
    data_option,
    make_settings,
    text_or_json_option,
)
from sgraph.io import atomic_write_bytes
from sgraph.rdf.formats import GRAPH_FORMATS, aliases


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=FormatChoice(list(GRAPH_FORMATS), aliases(GRAPH_FORMATS)),
    default="turtle",
    show_default=True,
    help="RDF format (or ttl, nt, nq, rdf). nquads and trig keep one named graph per data file.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="File to write (replaced atomically). [default: stdout]",
)
@data_option
@base_option
def export_command(fmt: str, out: Path | None, data_dir: Path | None, base: str | None) -> None:
    """Write the whole graph (data, materialised standard triples, provenance) in one RDF format.

    The output is the same bytes every run: it is what `sgraph build` writes as dist/graph.*.
    Export does not validate; `sgraph build` publishes only a conforming graph.

    \b
    Example:
      sgraph export --format ntriples > graph.nt
      sgraph export --format jsonld --out graph.jsonld
      sgraph export --format trig --data data/triples --out graph.trig
    """
    from sgraph.export.dumps import export
    from sgraph.store import GraphStore

    gs = GraphStore.load(make_settings(data_dir, base))
    data = export(gs, fmt)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        atomic_write_bytes(out, data)
        click.echo(f"Wrote {len(gs)} triples ({len(data)} bytes) to {out}", err=True)


@click.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@text_or_json_option("a changelog")
@base_option
def diff_command(old: Path, new: Path, fmt: str, base: str | None) -> None:
    """Statements added (+) and removed (-) between two builds, grouped by entity.

    OLD and NEW are build folders (their graph.nt or graph.ttl) or graph files
    (.ttl, .nt, .nq, .trig, .rdf, .jsonld, optionally .gz). Exit 0 whether or not
    anything changed.

    \b
    Example:
      sgraph diff old-dist/ dist/
      sgraph diff v0.1.0/graph.nt dist/graph.nt --format json
    """
    from sgraph.export.diff import diff_graphs

    result = diff_graphs(old, new)
    if fmt == "json":
        click.echo(result.to_json(), nl=False)
    else:
        from sgraph.namespaces import all_prefixes

        settings = make_settings(None, base)
        click.echo(result.to_text(all_prefixes(settings.base)), nl=False)


def register(group: click.Group) -> None:
    group.add_command(export_command)
    group.add_command(diff_command)
