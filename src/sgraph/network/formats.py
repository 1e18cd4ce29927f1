"""A projected network as a file: GraphML and GEXF (for Gephi), node-link JSON (for d3).

GEXF carries each node's ``viz:position``, ``viz:size`` and ``viz:color``, GraphML the same as
the attributes ``x``, ``y``, ``size``, ``color`` (and ``shape``, ``short_label``): the layout,
sizes and colours of the page (``page.drawing``), so Gephi opens the view as the page shows it.
Positions have y growing upwards, as in Gephi and in the page's renderer. Both files are the
same bytes on every run: GEXF's ``lastmodifieddate`` is ``SOURCE_DATE_EPOCH``'s day when that
is set, and left out otherwise; networkx's internal edge key is not written.
"""

from __future__ import annotations

import datetime
import json
import re
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


def flatten(g: nx.MultiDiGraph, *, drawn: bool = False) -> nx.MultiDiGraph:
    """A copy whose attributes are all scalars (lists joined with " | ", None dropped) and
    whose edges have unique ids (``e0``, ``e1``, ... in a stable order); with ``drawn``, each
    node also gets how the page draws it: ``x``, ``y``, ``size``, ``color``, ``shape`` and
    ``short_label``."""
    import networkx as nx

    from sgraph.network.layout import VIEW_KEY

    out = nx.MultiDiGraph()
    out.graph.update({k: _flat(v) for k, v in g.graph.items() if v is not None and k != VIEW_KEY})
    look = None
    if drawn:
        from sgraph.network.page import drawing

        look = drawing(g)
    for n, d in sorted(g.nodes(data=True)):
        attrs = {k: _flat(v) for k, v in d.items() if v is not None}
        if look is not None:
            attrs.update(
                x=look.x[n],
                y=look.y[n],
                size=look.size[n],
                color=look.color[n],
                shape=look.shape[n],
                short_label=look.short[n],
            )
        out.add_node(n, **attrs)
    edges = sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2])))
    for i, (u, v, _k, d) in enumerate(edges):
        out.add_edge(
            u, v, key=f"e{i}", **{k: _flat(val) for k, val in d.items() if val is not None}
        )
    return out


def to_graphml(g: nx.MultiDiGraph) -> bytes:
    import networkx as nx

    return (
        "\n".join(nx.generate_graphml(flatten(g, drawn=True), encoding="utf-8", prettyprint=True))
        + "\n"
    ).encode()


def to_gexf(g: nx.MultiDiGraph) -> bytes:
    import networkx as nx

    from sgraph.network.style import rgb

    flat = flatten(g, drawn=True)
    for _n, d in flat.nodes(data=True):
        r, gr, b = rgb(d.pop("color"))
        d["viz"] = {
            "color": {"r": r, "g": gr, "b": b, "a": 1.0},
            "size": d.pop("size"),
            "position": {"x": d.pop("x"), "y": d.pop("y"), "z": 0.0},
        }
    for _u, _v, k, d in flat.edges(keys=True, data=True):
        d["id"] = k
    lines = list(nx.generate_gexf(flat, encoding="utf-8", prettyprint=True))
    return ("\n".join(_reproducible_gexf(lines)) + "\n").encode()


def _reproducible_gexf(lines: list[str]) -> list[str]:
    """networkx's GEXF lines without today's date (``SOURCE_DATE_EPOCH``'s instead, if set)
    and without its ``networkx_key`` edge attribute (our edge ids say the same)."""
    from sgraph import environment

    epoch = (environment.read("SOURCE_DATE_EPOCH") or "").strip()
    day = ""
    if epoch.isdigit():
        day = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date().isoformat()
    key_ids = {
        m.group(1)
        for line in lines
        if (m := re.search(r'<attribute id="([^"]+)" title="networkx_key"', line))
    }
    out: list[str] = []
    for line in lines:
        if re.search(r'<attribute id="[^"]+" title="networkx_key"', line):
            continue
        m = re.search(r'<attvalue for="([^"]+)"', line)
        if m and m.group(1) in key_ids:
            continue
        if "lastmodifieddate=" in line:
            line = re.sub(
                r' lastmodifieddate="[^"]*"', f' lastmodifieddate="{day}"' if day else "", line
            )
        out.append(line)
    return out


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
