"""Linked-data publishing: the graph in every RDF format, its JSON-LD context, VoID/DCAT, docs.

``publish_exports(gs, stage)`` is the build publisher; ``export(gs, fmt)`` gives one format's bytes.
"""

from __future__ import annotations

from sgraph.export.formats import FORMATS, GRAPH_HEADER, export, export_context, get_format
from sgraph.export.publish import publish_exports

__all__ = ["FORMATS", "GRAPH_HEADER", "export", "export_context", "get_format", "publish_exports"]
