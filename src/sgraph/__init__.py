"""sgraph: a knowledge graph of child-safeguarding publications for England.

The public API (imported lazily, so ``import sgraph`` and the CLI start fast):

    from sgraph import Settings, GraphStore, build, validate_paths

    gs = GraphStore.load(Settings())          # curated data, materialised, in an Oxigraph store
    report = validate_store(gs)               # SHACL: report.conforms, report.results
    result = build(Settings(), Path("dist"))  # validate and publish, as `sgraph build`
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sgraph.lazy import lazy_exports

if TYPE_CHECKING:
    from sgraph.build import BuildResult, build
    from sgraph.config import Settings
    from sgraph.store import GraphStore
    from sgraph.validate import ValidationReport, Violation, validate_paths, validate_store

__version__ = "0.1.0"

_EXPORTS = {
    "BuildResult": "sgraph.build",
    "build": "sgraph.build",
    "Settings": "sgraph.config",
    "GraphStore": "sgraph.store",
    "ValidationReport": "sgraph.validate",
    "Violation": "sgraph.validate",
    "validate_paths": "sgraph.validate",
    "validate_store": "sgraph.validate",
}

__all__ = [
    "BuildResult",
    "GraphStore",
    "Settings",
    "ValidationReport",
    "Violation",
    "__version__",
    "build",
    "validate_paths",
    "validate_store",
]

__getattr__ = lazy_exports(__name__, _EXPORTS)
