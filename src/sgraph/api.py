"""The two calls of the Python API that compose others: open a graph, run a named query.

Everything else a library user needs is a function of its own module, named in
``sgraph/__init__.py``; the README's "Python API" section shows them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from sgraph.config import Settings

if TYPE_CHECKING:
    from sgraph.rdf.results import QueryResult
    from sgraph.store import GraphStore


def open_graph(
    data: str | Path | None = None,
    *,
    base: str | None = None,
    store: str | Path | None = None,
) -> GraphStore:
    """The graph of the Turtle files in ``data``, with the standard triples materialised, in an
    in-memory Oxigraph store (``gs.store``). Without ``data`` the graph is chosen as the commands
    choose it (``SGRAPH_DATA``, else the working folder's graph, else the packaged one: see the
    README's "Which graph a command uses").

    ``base``: the base IRI everything is published under (default ``SGRAPH_BASE`` or
    ``https://w3id.org/sgraph/``). ``store``: a folder for a persistent store, as the commands
    keep (``--store``): built on first use and whenever a source changes, and much faster to open
    than the sources to parse when the graph is large.
    """
    settings = Settings.resolve(Path(data) if data is not None else None, base)
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

    ``queries_dir``: a folder of ``.rq`` files added to the library (a query of the same name
    replaces the library's), as ``--queries-dir``. Parameters are given as text, in ``params`` or as keywords (``date="2019-06-01"``), and bound
    as typed RDF terms, as ``sgraph query --param`` does; a missing, unknown or ill-typed one
    raises ``ParameterError``. The result has ``kind`` ("select", "ask" or "graph") and
    ``variables`` and ``rows`` (variable -> pyoxigraph term, ``.value`` its text), ``boolean``
    or ``triples``; ``sgraph.sparql.serialize(result, "csv")`` writes it in any result format.
    """
    from sgraph.namespaces import all_prefixes
    from sgraph.queries import find_query
    from sgraph.sparql import execute

    extra = [Path(queries_dir)] if queries_dir is not None else []
    named = find_query(query, [*gs.settings.queries_dirs, *extra])
    prefixes = all_prefixes(gs.settings.base)
    bindings = named.bind({**(params or {}), **values}, prefixes)
    return execute(gs.store, named.query, bindings, prefixes=prefixes, max_rows=max_rows)
