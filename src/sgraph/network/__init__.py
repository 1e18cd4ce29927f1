"""Network views of the graph: projection to networkx, analytics, selection, files and the page.

    from sgraph.network import project, analyse, view
    g = analyse(project(gs))          # networkx.MultiDiGraph, node keys are IRIs
    view(gs, focus="Annie Hudson", depth=2)   # shows inline in Jupyter; .save("page.html")
    to_pyvis(g)                        # the same drawing as a pyvis.network.Network

The names are imported on first use: importing a submodule (``sgraph.network.formats`` for the
CLI's format choices) does not load networkx and scipy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sgraph.lazy import lazy_exports

if TYPE_CHECKING:
    from sgraph.network.analytics import analyse, most_connected
    from sgraph.network.formats import serialize
    from sgraph.network.notebook import to_pyvis
    from sgraph.network.page import NetworkView, publish_page, render_page, view
    from sgraph.network.projection import project
    from sgraph.network.select import Selection, resolve_entity, select

_EXPORTS = {
    "analyse": "sgraph.network.analytics",
    "most_connected": "sgraph.network.analytics",
    "serialize": "sgraph.network.formats",
    "to_pyvis": "sgraph.network.notebook",
    "NetworkView": "sgraph.network.page",
    "publish_page": "sgraph.network.page",
    "render_page": "sgraph.network.page",
    "view": "sgraph.network.page",
    "project": "sgraph.network.projection",
    "Selection": "sgraph.network.select",
    "resolve_entity": "sgraph.network.select",
    "select": "sgraph.network.select",
}

__all__ = [
    "NetworkView",
    "Selection",
    "analyse",
    "most_connected",
    "project",
    "publish_page",
    "render_page",
    "resolve_entity",
    "select",
    "serialize",
    "to_pyvis",
    "view",
]

__getattr__ = lazy_exports(__name__, _EXPORTS)
