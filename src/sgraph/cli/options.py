"""Options shared by several commands, so each is spelled and documented once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from sgraph.config import DEFAULT_DATA_DIR, Settings, check_base_iri

if TYPE_CHECKING:  # the store (pyoxigraph, rdflib) is imported when a command opens it
    from sgraph.store import GraphStore

F = TypeVar("F", bound=Callable[..., Any])


def data_option(func: F) -> F:
    return click.option(
        "--data",
        "data_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help=f"Folder of curated Turtle files. [default: {DEFAULT_DATA_DIR}]",
    )(func)


def base_option(func: F) -> F:
    return click.option(
        "--base",
        default=None,
        envvar="SGRAPH_BASE",
        help="Base IRI of the published graph (env SGRAPH_BASE). [default: https://w3id.org/sgraph/]",
    )(func)


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
        envvar="SGRAPH_STORE",
        help="Folder of the persistent embedded store (env SGRAPH_STORE); rebuilt when the "
        "sources change. [default: one per data folder in ~/.cache/sgraph/stores/]",
    )(func)


def open_store(
    settings: Settings, store_path: Path | None, no_store: bool, *, memory: bool = False
) -> GraphStore:
    """The graph for a read command: from the persistent store unless ``--no-store``."""
    if no_store:
        from sgraph.store import GraphStore

        progress(f"Loading {settings.data_dir} ...")
        return GraphStore.load(settings)
    from sgraph.persist import default_store_path, open_graph

    path = store_path if store_path is not None else default_store_path(settings)
    return open_graph(settings, path, memory=memory, progress=progress)


def make_settings(data_dir: Path | None = None, base: str | None = None) -> Settings:
    kwargs: dict[str, Any] = {}
    if data_dir is not None:
        kwargs["data_dir"] = data_dir
    if base is not None:
        kwargs["base"] = check_base_iri(base)
    return Settings(**kwargs)


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
