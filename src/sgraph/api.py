"""The two calls of the Python API that compose others: open a graph, run a named query.

Everything else a library user needs is a function of its own module, named in
``sgraph/__init__.py``; the README's "Python API" section shows them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from sgraph.config import Settings, check_base_iri

if TYPE_CHECKING:
    from sgraph.rdf.results import QueryResult
    from sgraph.store import GraphStore


def open_graph(
    data: str | Path | None = None,
    *,
    base: str | None = None,
    store: str | Path | None = None,
) -> GraphStore:
    """The graph of the Turtle files in ``data`` (default: the curated ``data/triples/``), with
    the standard triples materialised, in an in-memory Oxigraph store (``gs.store``).

    ``base``: the base IRI everything is published under (default ``SGRAPH_BASE`` or
    ``https://w3id.org/sgraph/``). ``store``: a folder for a persistent store, as the commands
    keep (``--store``): built on first use and whenever a source changes, and much faster to open
    than the sources to parse when the graph is large.
    """
    settings = Settings()
    if data is not None:
        settings = replace(settings, data_dir=Path(data))
    if base is not None:
        settings = replace(settings, base=check_base_iri(base))
    if store is None:
        from sgraph.store import GraphStore

        return GraphStore.load(settings)
    from sgraph.persist import open_graph as open_persistent

    return open_persistent(settings, Path(store), memory=True)


def run_query(
    gs: GraphStore,
    query: str,
    params: Mapping[str, str] | None = None,
    /,
    *,
    queries_dir: str | Path | None = None,
    max_rows: int | None = None,
    **values: str,
) -> QueryResult:
    """Run a query on ``gs``: a named query of the library (``sgraph queries`` lists them), a
    path to a ``.rq`` file, or the text of a query.

    Parameters are given as text, in ``params`` or as keywords (``date="2019-06-01"``), and bound
    as typed RDF terms, as ``sgraph query --param`` does; a missing, unknown or ill-typed one
    raises ``ParameterError``. The result has ``kind`` ("select", "ask" or "graph") and
    ``variables`` and ``rows`` (variable -> pyoxigraph term, ``.value`` its text), ``boolean``
    or ``triples``; ``sgraph.sparql.serialize(result, "csv")`` writes it in any result format.
    """
    from sgraph.namespaces import all_prefixes
    from sgraph.queries import find_query
    from sgraph.sparql import execute

    named = find_query(query, Path(queries_dir or gs.settings.queries_dir))
    prefixes = all_prefixes(gs.settings.base)
    bindings = named.bind({**(params or {}), **values}, prefixes)
    return execute(gs.store, named.query, bindings, prefixes=prefixes, max_rows=max_rows)
