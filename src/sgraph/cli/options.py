"""Options shared by several commands, so each is spelled and documented once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from sgraph.config import DEFAULT_DATA_DIR, Settings, check_base_iri

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
