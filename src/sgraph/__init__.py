"""sgraph: a knowledge graph of child-safeguarding publications for England.

The public API:

    from sgraph import Settings, GraphStore, build, validate_paths
"""

from sgraph.build import BuildResult, build
from sgraph.config import Settings
from sgraph.store import GraphStore
from sgraph.validate import ValidationReport, Violation, validate_paths, validate_store

__version__ = "0.1.0"

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
