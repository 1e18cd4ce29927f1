"""Linked-data publishing: the graph in every RDF format, its JSON-LD context, VoID/DCAT, docs.

``publish_exports(gs, stage)`` is the build publisher; ``export(gs, fmt)`` gives one format's bytes.

The names are imported on first use, so importing a submodule (``sgraph.export.jsonld`` for the
query results, ``sgraph.export.formats`` for the CLI's format choices) does not load the publisher.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sgraph.lazy import lazy_exports

if TYPE_CHECKING:
    from sgraph.export.formats import FORMATS, GRAPH_HEADER, export, export_context, get_format
    from sgraph.export.publish import publish_exports

_EXPORTS = {
    "FORMATS": "sgraph.export.formats",
    "GRAPH_HEADER": "sgraph.export.formats",
    "export": "sgraph.export.formats",
    "export_context": "sgraph.export.formats",
    "get_format": "sgraph.export.formats",
    "publish_exports": "sgraph.export.publish",
}

__all__ = ["FORMATS", "GRAPH_HEADER", "export", "export_context", "get_format", "publish_exports"]

__getattr__ = lazy_exports(__name__, _EXPORTS)
