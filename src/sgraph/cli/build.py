"""``sgraph build`` and ``sgraph validate``."""

from __future__ import annotations

from pathlib import Path

import click

from sgraph.cli.options import (
    base_option,
    chosen_engine,
    data_option,
    engine_option,
    make_settings,
    progress,
)


@click.command("build")
@data_option
@base_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder to publish into. Replaced only if the graph conforms. [default: dist/ in the "
    "working folder's project (where sgraph.toml or data/triples/ is), else ./dist]",
)
@engine_option
@click.option(
    "--store-on-disk/--store-in-memory",
    "on_disk",
    default=None,
    help="Hold the graph in an on-disk store (a temporary folder beside --out: bounded memory, "
    "for tens of millions of triples) or in memory. [default: SGRAPH_BUILD_STORE, else on disk "
    "when the data files pass 256 MiB]",
)
def build_command(
    data_dir: Path | None,
    base: str | None,
    out_dir: Path | None,
    engine: str | None,
    on_disk: bool | None,
) -> None:
    """Validate the curated data and publish the graph, exports and network view.

    Loads every Turtle file of the data folder (one named graph each), adds the standard
    triples (DCTERMS, FOAF, ORG, OWL-Time, CiTO, BIBO, PROV, schema.org), validates
    with the SHACL shapes and, only if the graph conforms, writes it into --out. The
    summary's first line says which data folder was read and which rule chose it.
    Each step prints its time and peak memory on stderr as it ends.

    \b
    Example:
      sgraph build
      sgraph build --data data/triples --out dist
      sgraph build --data /tmp/synth-10m --out /tmp/dist-10m --store-on-disk
    """
    from sgraph.build import build
    from sgraph.config import default_out_dir

    settings = make_settings(data_dir, base)
    out = out_dir if out_dir is not None else default_out_dir()
    store = None if on_disk is None else "disk" if on_disk else "memory"
    result = build(settings, out, progress=progress, engine=chosen_engine(engine), store=store)
    click.echo(result.summary())
    page = out / "network.html"
    if page.exists():
        click.echo(f"\nOpen the network view in a browser: {page.resolve().as_uri()}")


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@data_option
@base_option
@click.option(
    "--alone",
    is_flag=True,
    help="Check the PATHs by themselves (with the ontology), not as part of the data folder.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, turtle for the SHACL report graph.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="text: show at most this many results, then a count (0: all).",
)
@engine_option
def validate_command(
    paths: tuple[Path, ...],
    data_dir: Path | None,
    base: str | None,
    alone: bool,
    fmt: str,
    limit: int,
    engine: str | None,
) -> None:
    """Check curated Turtle against the SHACL shapes, without publishing anything.

    With no PATH, the whole data folder. A FILE is checked as part of its data folder
    (the other files are loaded too, so its sources and the entities it refers to are
    there) and only the results about entities the FILE describes are shown; a file
    outside the data folder is checked as if it were added to it. A FOLDER is checked as
    a whole. --alone checks the PATHs by themselves.

    Exit 0 if the data conforms (warnings allowed), 1 if there are violations,
    2 if a file cannot be read (a syntax error or an ill-typed literal names the file
    and line).

    \b
    Example:
      sgraph validate
      sgraph validate data/triples/people.ttl --format json
      sgraph validate my-new-reviews.ttl
      sgraph validate my-draft.ttl --alone --engine pyshacl
    """
    from sgraph.validate import validate_in_context, validate_paths

    settings = make_settings(data_dir, base)
    progress(f"Data: {settings.describe_data()}")
    if alone:
        if not paths:
            raise click.UsageError("--alone needs the files or folders to check")
        report = validate_paths(list(paths), settings, engine=chosen_engine(engine))
    else:
        report = validate_in_context(list(paths), settings, engine=chosen_engine(engine))
    if fmt == "text":
        out = report.to_text(limit)
    else:
        out = report.to_json() if fmt == "json" else report.to_turtle()
    click.echo(out, nl=False)
    if not report.conforms:
        raise SystemExit(1)


def register(group: click.Group) -> None:
    group.add_command(build_command)
    group.add_command(validate_command)
