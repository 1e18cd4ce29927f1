"""The one shapes loader: the SHACL shapes as validation, the build, the publisher and the
linked-data pages all see them.

The shapes are written under the default base ``https://w3id.org/sgraph/``; under another base
every occurrence is replaced in the text before parsing, so IRIs, ``sh:namespace`` literals and
the SPARQL of SPARQL-based constraints move together. What ``sgraph build`` publishes as
``shapes.ttl`` is therefore exactly what it validated with, under any ``--base``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from sgraph.config import Settings
from sgraph.errors import InputError
from sgraph.namespaces import DEFAULT_BASE

if TYPE_CHECKING:  # rdflib is imported only where a caller wants an rdflib graph
    import rdflib


def shapes_triples(settings: Settings) -> list[ox.Triple]:
    """The shapes of ``settings.shapes_file`` under ``settings.base``, as Oxigraph triples."""
    from sgraph.sources import parse_file

    path = settings.shapes_file
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the SHACL shapes: {exc.strerror}") from None
    if settings.base != DEFAULT_BASE:
        text = text.replace(DEFAULT_BASE, settings.base)
    try:
        return [
            q.triple
            for q in ox.parse(
                text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()
            )
        ]
    except SyntaxError:
        parse_file(path)  # raises DataSyntaxError with file, line and column
        raise


def shapes_graph(settings: Settings) -> rdflib.Graph:
    """The same shapes as an rdflib graph (for pySHACL and the fast engine's shape reader)."""
    from sgraph.terms import triples_to_rdflib

    return triples_to_rdflib(shapes_triples(settings))
