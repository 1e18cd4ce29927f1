"""Network views of the graph: projection to networkx, analytics, selection, files and the page.

    from sgraph.network import project, analyse, view
    g = analyse(project(gs))          # networkx.MultiDiGraph, node keys are IRIs
    view(gs, focus="Annie Hudson", depth=2)   # shows inline in Jupyter; .save("page.html")
"""

from sgraph.network.analytics import analyse, most_connected
from sgraph.network.formats import serialize
from sgraph.network.page import NetworkView, publish_page, render_page, view
from sgraph.network.projection import project
from sgraph.network.select import Selection, resolve_entity, select

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
    "view",
]
