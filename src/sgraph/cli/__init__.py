"""The ``sgraph`` command line: a thin layer over the library.

Each command lives in a module of this package named for what it does. Errors are
``sgraph.errors.SgraphError`` subclasses raised by the library; this module alone turns them
into a message on stderr and an exit code (0 ok, 1 violations, 2 bad input or usage).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from sgraph.errors import SgraphError, ValidationError

#: Command modules, each defining ``register(group)``.
COMMAND_MODULES = (
    "sgraph.cli.build",
    "sgraph.cli.query",
    "sgraph.cli.serve",
    "sgraph.cli.network",
    "sgraph.cli.export",
    "sgraph.cli.curate",
    "sgraph.cli.synth",
    "sgraph.cli.init",
)


class SgraphGroup(click.Group):
    """A click group that maps library errors to messages and exit codes in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SgraphError as exc:
            report_error(exc)
            ctx.exit(exc.exit_code)


def report_error(exc: SgraphError) -> None:
    if isinstance(exc, ValidationError):  # the violations themselves, not only their number
        from sgraph.validate import SHOWN_RESULTS

        found = exc.report.violations
        for v in found[:SHOWN_RESULTS]:
            click.echo(v.describe(), err=True)
        if len(found) > SHOWN_RESULTS:
            click.echo(f"... and {len(found) - SHOWN_RESULTS} more violation(s)", err=True)
    click.secho(f"Error: {exc.message}", fg="red", err=True)
    if exc.hint:
        click.echo(f"Hint: {exc.hint}", err=True)


@click.group(cls=SgraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sgraph")
def cli() -> None:
    """sgraph: child-safeguarding publications in England as one validated RDF graph.

    \b
    Start here:
      sgraph init my-graph         # start a graph of your own (a folder with sgraph.toml)
      sgraph build                 # validate and publish the graph into dist/
      sgraph query --help          # run the SPARQL query library
      sgraph serve                 # a SPARQL endpoint and linked-data pages on 127.0.0.1:8000

    \b
    Which graph: --data DIR, else $SGRAPH_DATA, else the working folder's graph
    (sgraph.toml or data/triples/ here or in a parent folder), else the graph
    packaged with sgraph. The build summary says which one was used.
    """


def _register_all() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(cli)


_register_all()


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="sgraph")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
