"""Linked-data publishing: the graph in every RDF format, its JSON-LD context, VoID/DCAT, docs.

``publish_exports(gs, stage)`` is the build publisher; ``export(gs, fmt)`` gives one format's bytes.
The formats themselves are in the registry, ``sgraph.rdf.formats``.

The names are imported on first use, so importing a submodule does not load the publisher.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sgraph.lazy import lazy_exports

if TYPE_CHECKING:
    from sgraph.export.dumps import GRAPH_HEADER, export, export_context
    from sgraph.export.publish import publish_exports

_EXPORTS = {
    "GRAPH_HEADER": "sgraph.export.dumps",
    "export": "sgraph.export.dumps",
    "export_context": "sgraph.export.dumps",
    "publish_exports": "sgraph.export.publish",
}

__all__ = ["GRAPH_HEADER", "export", "export_context", "publish_exports"]

__getattr__ = lazy_exports(__name__, _EXPORTS)
