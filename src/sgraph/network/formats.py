"""A projected network as a file: GraphML and GEXF (for Gephi), node-link JSON (for d3)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # networkx is imported where used, so the CLI can read FORMATS cheaply
    import networkx as nx

#: Format name -> (file suffix, media type).
FORMATS: dict[str, tuple[str, str]] = {
    "html": (".html", "text/html"),
    "graphml": (".graphml", "application/graphml+xml"),
    "gexf": (".gexf", "application/gexf+xml"),
    "json": (".json", "application/json"),
}


def _flat(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        return " | ".join(str(v) for v in value)
    return value


def flatten(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are all scalars (lists joined with " | ", None dropped) and
    whose edges have unique ids (``e0``, ``e1``, ... in a stable order)."""
    import networkx as nx

    out = nx.MultiDiGraph()
    out.graph.update({k: _flat(v) for k, v in g.graph.items() if v is not None})
    for n, d in sorted(g.nodes(data=True)):
        out.add_node(n, **{k: _flat(v) for k, v in d.items() if v is not None})
    edges = sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2])))
    for i, (u, v, _k, d) in enumerate(edges):
        out.add_edge(
            u, v, key=f"e{i}", **{k: _flat(val) for k, val in d.items() if val is not None}
        )
    return out


def to_graphml(g: nx.MultiDiGraph) -> bytes:
    import networkx as nx

    return (
        "\n".join(nx.generate_graphml(flatten(g), encoding="utf-8", prettyprint=True)) + "\n"
    ).encode()


def to_gexf(g: nx.MultiDiGraph) -> bytes:
    import networkx as nx

    flat = flatten(g)
    for _u, _v, k, d in flat.edges(keys=True, data=True):
        d["id"] = k
    return ("\n".join(nx.generate_gexf(flat, encoding="utf-8", prettyprint=True)) + "\n").encode()


def node_link(g: nx.MultiDiGraph) -> dict[str, Any]:
    """d3-style ``{"directed", "multigraph", "graph", "nodes": [...], "links": [...]}``."""
    import networkx as nx

    data: dict[str, Any] = nx.node_link_data(flatten(g), edges="links")
    return data


def to_json(g: nx.MultiDiGraph) -> bytes:
    return (json.dumps(node_link(g), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def serialize(g: nx.MultiDiGraph, fmt: str) -> bytes:
    """``g`` as ``graphml``, ``gexf`` or ``json`` bytes (``html`` is ``sgraph.network.page``)."""
    writers = {"graphml": to_graphml, "gexf": to_gexf, "json": to_json}
    if fmt == "html":
        from sgraph.network.page import render_page

        return render_page(g).encode("utf-8")
    if fmt not in writers:
        from sgraph.errors import InputError

        raise InputError(f"unknown network format {fmt!r}", hint="use html, graphml, gexf or json")
    return writers[fmt](g)
