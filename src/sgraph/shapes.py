"""The one shapes loader: the SHACL shapes as validation, the build, the publisher and the
linked-data pages all see them.

The shapes are written under the default base ``https://w3id.org/sgraph/``; under another base
every occurrence is replaced in the text before parsing (``sources.parse_vocabulary``, as for the
ontology), so IRIs, ``sh:namespace`` literals and the SPARQL of SPARQL-based constraints move
together. What ``sgraph build`` publishes as
``shapes.ttl`` is therefore exactly what it validated with, under any ``--base``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from sgraph.config import Settings

if TYPE_CHECKING:  # rdflib is imported only where a caller wants an rdflib graph
    import rdflib


def shapes_triples(settings: Settings) -> list[ox.Triple]:
    """The shapes of ``settings.shapes_file`` under ``settings.base``, as Oxigraph triples."""
    from sgraph.sources import parse_vocabulary

    return parse_vocabulary(settings.shapes_file, settings.base)


def shapes_graph(settings: Settings) -> rdflib.Graph:
    """The same shapes as an rdflib graph (for pySHACL and the fast engine's shape reader)."""
    from sgraph.terms import triples_to_rdflib

    return triples_to_rdflib(shapes_triples(settings))
