"""``sgraph build`` and ``sgraph validate``."""

from __future__ import annotations

from pathlib import Path

import click

from sgraph.cli.options import base_option, data_option, make_settings, progress
from sgraph.config import DEFAULT_OUT_DIR
from sgraph.validate import ENGINES


@click.command("build")
@data_option
@base_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_OUT_DIR,
    show_default=True,
    help="Folder to publish into. Replaced only if the graph conforms.",
)
def build_command(data_dir: Path | None, base: str | None, out_dir: Path) -> None:
    """Validate the curated data and publish the graph, exports and network view.

    Loads every Turtle file of --data (one named graph each), adds the standard
    triples (DCTERMS, FOAF, ORG, OWL-Time, CiTO, BIBO, PROV, schema.org), validates
    with the SHACL shapes and, only if the graph conforms, writes it into --out.

    \b
    Example:
      sgraph build
      sgraph build --data data/triples --out dist
    """
    from sgraph.build import build

    settings = make_settings(data_dir, base)
    result = build(settings, out_dir, progress=progress)
    click.echo(result.summary())
    page = out_dir / "network.html"
    if page.exists():
        click.echo(f"\nOpen the network view in a browser: {page.resolve().as_uri()}")


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@base_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, turtle for the SHACL report graph.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default=ENGINES[0],
    show_default=True,
    help="SHACL engine: fast (set-based SPARQL on the store, for large graphs) or pyshacl "
    "(the reference implementation, slow beyond a few thousand triples). Same results; "
    "the SGRAPH_SHACL_ENGINE environment variable overrides this.",
)
def validate_command(paths: tuple[Path, ...], base: str | None, fmt: str, engine: str) -> None:
    """Check Turtle files (default: data/triples/) against the SHACL shapes.

    Exit 0 if the data conforms (warnings allowed), 1 if there are violations,
    2 if a file cannot be read (a syntax error names file, line and column).

    \b
    Example:
      sgraph validate
      sgraph validate data/triples/people.ttl --format json
      sgraph validate --engine pyshacl
    """
    from sgraph.validate import validate_paths

    settings = make_settings(None, base)
    chosen = ENGINES[ENGINES.index(engine)]  # click.Choice admits only these; typed as Engine
    report = validate_paths(list(paths) or [settings.data_dir], settings, engine=chosen)
    out = {"text": report.to_text, "json": report.to_json, "turtle": report.to_turtle}[fmt]()
    click.echo(out, nl=False)
    if not report.conforms:
        raise SystemExit(1)


def register(group: click.Group) -> None:
    group.add_command(build_command)
    group.add_command(validate_command)
