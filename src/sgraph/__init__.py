"""sgraph: a knowledge graph of child-safeguarding publications for England.

The Python API (imported lazily, so ``import sgraph`` and the CLI start fast)::

    import sgraph

    gs = sgraph.open_graph()                      # the graph, standard triples added
    result = sgraph.run_query(gs, "chair-on-date", date="2019-06-01")
    for row in result.rows:                       # variable -> RDF term; .value is its text
        print(row["chairName"].value)
    report = sgraph.validate_store(gs)            # SHACL: report.conforms, report.violations
    turtle = sgraph.export_graph(gs, "turtle")    # bytes, the same as dist/graph.ttl
    sgraph.network_view(gs, focus="Annie Hudson", depth=1).save("annie.html")
    sgraph.build(sgraph.Settings(), Path("dist"))  # validate and publish, as `sgraph build`

Errors are ``sgraph.SgraphError`` subclasses (``sgraph.errors``), each with a ``message`` and a
``hint``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sgraph.lazy import lazy_exports

if TYPE_CHECKING:
    from sgraph.api import open_graph, run_query
    from sgraph.build import BuildResult, build
    from sgraph.config import Settings
    from sgraph.errors import SgraphError
    from sgraph.export.dumps import export as export_graph
    from sgraph.network.page import NetworkView
    from sgraph.network.page import view as network_view
    from sgraph.rdf.results import QueryResult
    from sgraph.store import GraphStore
    from sgraph.validate import ValidationReport, Violation, validate_paths, validate_store

__version__ = "0.1.0"

_EXPORTS = {
    "open_graph": "sgraph.api",
    "run_query": "sgraph.api",
    "QueryResult": "sgraph.rdf.results",
    "validate_store": "sgraph.validate",
    "validate_paths": "sgraph.validate",
    "ValidationReport": "sgraph.validate",
    "Violation": "sgraph.validate",
    "export_graph": "sgraph.export.dumps:export",
    "network_view": "sgraph.network.page:view",
    "NetworkView": "sgraph.network.page",
    "build": "sgraph.build",
    "BuildResult": "sgraph.build",
    "Settings": "sgraph.config",
    "GraphStore": "sgraph.store",
    "SgraphError": "sgraph.errors",
}

__all__ = [
    "BuildResult",
    "GraphStore",
    "NetworkView",
    "QueryResult",
    "Settings",
    "SgraphError",
    "ValidationReport",
    "Violation",
    "__version__",
    "build",
    "export_graph",
    "network_view",
    "open_graph",
    "run_query",
    "validate_paths",
    "validate_store",
]

__getattr__ = lazy_exports(__name__, _EXPORTS)
