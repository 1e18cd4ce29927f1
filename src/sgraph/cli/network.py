"""``sgraph network``: the graph as an interactive page or a file for Gephi or d3."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sgraph.cli.options import (
    base_option,
    data_option,
    make_settings,
    open_store,
    progress,
    store_option,
)
from sgraph.errors import InputError
from sgraph.io import atomic_write_bytes
from sgraph.network.formats import FORMATS
from sgraph.network.page import DEFAULT_MAX_NODES, DEFAULT_TITLE


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


@click.command("network")
@click.option(
    "--focus",
    metavar="ENTITY",
    help="Centre on one entity: an IRI, a prefixed name or part of a label.",
)
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="With --focus: how many relations away to reach.",
)
@click.option(
    "--types",
    "types",
    multiple=True,
    metavar="T,...",
    help="Keep only these types or groups (e.g. Person,Publication,AnnualReport).",
)
@click.option(
    "--relations",
    "relations",
    multiple=True,
    metavar="R,...",
    help="Keep only these relations (e.g. authoredBy,membership,'published by').",
)
@click.option(
    "--from",
    "year_from",
    type=int,
    metavar="YEAR",
    help="Drop dated entities that end before YEAR.",
)
@click.option(
    "--to", "year_to", type=int, metavar="YEAR", help="Drop dated entities that start after YEAR."
)
@click.option(
    "--path", nargs=2, metavar="A B", help="The shortest connections between two entities."
)
@click.option(
    "--query",
    "query_name",
    metavar="NAME",
    help="Draw the rows of a named SELECT query (?x ?xLabel ?y ?yLabel ?edgeLabel).",
)
@click.option(
    "--param", "params", multiple=True, metavar="NAME=VALUE", help="A parameter of --query."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="html",
    show_default=True,
    help="html: interactive page; graphml, gexf: Gephi; json: node-link for d3.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="File to write (atomically). [default: network.FORMAT; '-' for stdout]",
)
@click.option("--title", default=None, help="Heading of the html page.")
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_NODES,
    show_default=True,
    help="html: above this many entities show only the most central ones.",
)
@data_option
@base_option
@store_option
def network_command(
    focus: str | None,
    depth: int,
    types: tuple[str, ...],
    relations: tuple[str, ...],
    year_from: int | None,
    year_to: int | None,
    path: tuple[str, str] | None,
    query_name: str | None,
    params: tuple[str, ...],
    fmt: str,
    out: Path | None,
    title: str | None,
    max_nodes: int,
    data_dir: Path | None,
    base: str | None,
    store_path: Path | None,
    no_store: bool,
) -> None:
    """Draw the graph (or part of it) as a network of entities and relations.

    Entities are publications, reviews, people, organisations, legislation and themes;
    relations are the sgraph properties between them (a dated role is one person ->
    organisation edge). ENTITY is an IRI, a prefixed name (sgper:annie-hudson) or part of
    a label (case-insensitive; an ambiguous label lists the candidates).

    \b
    Example:
      sgraph network --out network.html
      sgraph network --focus "Annie Hudson" --depth 2
      sgraph network --path "Alan Wood" "Annie Hudson" --format json --out -
      sgraph network --types Person,Organisation --relations membership --format gexf
      sgraph network --query publications --format graphml --out pubs.graphml
    """
    from sgraph.network.analytics import analyse
    from sgraph.network.formats import serialize
    from sgraph.network.page import render_page
    from sgraph.network.projection import project
    from sgraph.network.rows import from_rows
    from sgraph.network.select import Selection, select

    settings = make_settings(data_dir, base)
    gs = open_store(settings, store_path, no_store, memory=True)
    g = analyse(project(gs))
    if query_name:
        from sgraph.queries import get_query, load_library
        from sgraph.sparql import execute

        named = get_query(query_name, load_library(settings.queries_dirs))
        values: dict[str, str] = {}
        for p in params:
            name, sep, value = p.partition("=")
            if not sep:
                raise InputError(
                    f"--param {p!r} is not NAME=VALUE", hint="for example --param date=2021-05-01"
                )
            values[name.strip()] = value
        result = execute(
            gs.store, named.query, named.bind(values, gs.prefixes), prefixes=gs.prefixes
        )
        if result.kind != "select":
            raise InputError(
                f"query {query_name!r} is not a SELECT", hint="--query draws the rows of a SELECT"
            )
        g = from_rows(result.variables, result.rows, g)
    elif params:
        raise InputError("--param needs --query")
    selection = Selection(
        focus=focus,
        depth=depth,
        types=_split(types),
        relations=_split(relations),
        year_from=year_from,
        year_to=year_to,
        path=(path[0], path[1]) if path else None,
    )
    if selection != Selection(depth=depth):
        g = analyse(select(g, selection, gs.prefixes))
    elif query_name:
        g = analyse(g)
    if fmt == "html":
        heading = title or (f"sgraph query: {query_name}" if query_name else DEFAULT_TITLE)
        data = render_page(g, title=heading, max_nodes=max_nodes).encode("utf-8")
    else:
        data = serialize(g, fmt)
    if out is not None and str(out) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    target = out or Path("network" + FORMATS[fmt][0])
    atomic_write_bytes(target, data)
    progress(
        f"Wrote {g.number_of_nodes()} entities and {g.number_of_edges()} relations to {target}"
    )
    if fmt == "html":
        click.echo(f"Open in a browser: {target.resolve().as_uri()}")


def register(group: click.Group) -> None:
    group.add_command(network_command)
