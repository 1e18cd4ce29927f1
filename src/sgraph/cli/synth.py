"""``sgraph synth``: write a synthetic data set for benchmarks and scale tests."""

from __future__ import annotations

from pathlib import Path

import click

from sgraph.cli.options import progress


@click.command("synth")
@click.option(
    "--triples",
    "triples_text",
    required=True,
    metavar="N",
    help="About how many curated triples to write (10000, 100k, 1m, up to 50m).",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Random seed: the same seed gives the same files.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder to write into (new, empty, or an earlier synth output, which is replaced).",
)
def synth_command(triples_text: str, seed: int, out_dir: Path) -> None:
    """Write a synthetic, valid data set of about N triples in the sgraph model.

    Publications with authors, publishers, dates, citations and responses;
    organisations; people with dated memberships; reviews; themes and topics as
    SKOS concepts; sources cited by every entity. Deterministic for a seed.
    Progress goes to stderr. Use the folder as --data for other commands.

    \b
    Example:
      sgraph synth --triples 100k --out /tmp/synth-100k
      sgraph build --data /tmp/synth-100k --out /tmp/dist-100k
    """
    from sgraph.synth import generate, parse_count

    result = generate(parse_count(triples_text), out_dir, seed=seed, progress=progress)
    click.echo(result.summary())


def register(group: click.Group) -> None:
    group.add_command(synth_command)
