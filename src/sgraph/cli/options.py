"""Options shared by several commands, so each is spelled and documented once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from sgraph import environment
from sgraph.config import Settings
from sgraph.project import DATA_DEFAULT

if TYPE_CHECKING:  # the store (pyoxigraph, rdflib) is imported when a command opens it
    from sgraph.store import GraphStore
    from sgraph.validate import Engine

F = TypeVar("F", bound=Callable[..., Any])

#: The data-location rule, as the help of every command with --data shows it.
DATA_HELP = f"Folder of curated Turtle files. [default: {DATA_DEFAULT}]"


def data_option(func: F) -> F:
    return click.option(
        "--data",
        "data_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help=DATA_HELP,
    )(func)


def base_option(func: F) -> F:
    return click.option(
        "--base",
        default=None,
        help="Base IRI of the published graph. [default: $SGRAPH_BASE, else "
        "https://w3id.org/sgraph/]",
    )(func)


def engine_option(func: F) -> F:
    """``--engine fast|pyshacl``; the option beats ``SGRAPH_SHACL_ENGINE``, which beats fast."""
    from sgraph.validate import ENGINES

    return click.option(
        "--engine",
        type=click.Choice(ENGINES),
        default=None,
        help="SHACL engine: fast (set-based SPARQL on the store, for large graphs) or pyshacl "
        "(the reference implementation, slow beyond a few thousand triples); same results. "
        "[default: $SGRAPH_SHACL_ENGINE, else fast]",
    )(func)


def chosen_engine(engine: str | None) -> Engine:
    from sgraph.validate import choose_engine

    return choose_engine(engine)


def text_or_json_option(text_help: str) -> Callable[[F], F]:
    """``--format text|json``: ``text_help`` says what the text form shows."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=f"text for people ({text_help}), json for tools.",
    )


def store_option(func: F) -> F:
    """``--store PATH`` / ``--no-store``: where the persistent embedded store lives."""
    func = click.option(
        "--no-store",
        "no_store",
        is_flag=True,
        help="Parse the data afresh instead of using the persistent store.",
    )(func)
    return click.option(
        "--store",
        "store_path",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Folder of the persistent embedded store; rebuilt when the sources change. "
        "[default: $SGRAPH_STORE, else one per data folder in ~/.cache/sgraph/stores/]",
    )(func)


def open_store(
    settings: Settings, store_path: Path | None, no_store: bool, *, memory: bool = False
) -> GraphStore:
    """The graph for a read command: from the persistent store unless ``--no-store``."""
    progress(f"Data: {settings.describe_data()}")
    if no_store:
        from sgraph.store import GraphStore

        progress(f"Loading {settings.data_dir} ...")
        return GraphStore.load(settings)
    from sgraph.persist import default_store_path, open_graph

    if store_path is None:
        env = environment.read("SGRAPH_STORE")
        store_path = Path(env) if env else default_store_path(settings)
    return open_graph(settings, store_path, memory=memory, progress=progress)


def make_settings(data_dir: Path | None = None, base: str | None = None) -> Settings:
    """A command's settings: its --data and --base (None when not given), then the rule."""
    return Settings.resolve(data_dir, base)


def progress(message: str) -> None:
    """Progress goes to stderr so stdout stays clean for data."""
    click.echo(message, err=True)


class FormatChoice(click.Choice):  # type: ignore[type-arg]
    """A ``--format`` choice of the registry's format names that also takes their aliases
    (``ttl`` for ``turtle``): ``sgraph.rdf.formats``."""

    def __init__(self, names: list[str], aliases: dict[str, str]) -> None:
        super().__init__(names)
        self.aliases = aliases

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str):
            value = self.aliases.get(value.lower(), value)
        return super().convert(value, param, ctx)
