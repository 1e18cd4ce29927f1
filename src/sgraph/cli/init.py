"""``sgraph init``: start a graph of one's own."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("init")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--standalone",
    is_flag=True,
    help="Do not include the packaged graph: the new graph stands alone.",
)
def init_command(folder: Path, standalone: bool) -> None:
    """Start a new graph in FOLDER (new or empty), e.g. for a local partnership's reviews.

    Writes sgraph.toml (which makes FOLDER the working folder's project for every
    command run in it or below it), data/triples/ with a sources file and one example
    entity valid under the shapes, queries/ with an example query, and a README.
    The project includes the graph packaged with sgraph (include-packaged = true), so
    its entities can be used by IRI; --standalone leaves it out.

    \b
    Example:
      sgraph init my-graph
      cd my-graph && sgraph build
    """
    from sgraph.scaffold import init_project

    result = init_project(folder, include_packaged=not standalone)
    click.echo(result.summary())


def register(group: click.Group) -> None:
    group.add_command(init_command)
