"""What ships inside the package: the ontology, shapes and rules, the query library, the graph.

In the repository these folders stay where curators and the docs expect them (``ontology/``,
``queries/``, ``data/triples/`` at the root); ``src/sgraph/resources/`` holds relative symbolic
links to them. An editable install (``pip install -e .``) reads them through the links; a wheel or
an sdist holds copies (setuptools follows the links), so an installed sgraph has everything it
needs without a checkout. They are read with ``importlib.resources``; nothing else in sgraph
knows where the package is installed.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Literal

from sgraph.errors import InputError

Resource = Literal["ontology", "queries", "triples"]
RESOURCES: tuple[Resource, ...] = ("ontology", "queries", "triples")


def packaged(name: Resource) -> Path:
    """The packaged folder ``name``: ``ontology``, ``queries`` or ``triples`` (the graph)."""
    folder = files(__name__) / name
    if not isinstance(folder, Path) or not folder.is_dir():
        raise InputError(
            f"the packaged {name} folder is missing from this installation of sgraph ({folder})",
            hint="reinstall sgraph from a wheel or a checkout (pip install sgraph); a zipped "
            "install cannot be read as folders",
        )
    return folder
