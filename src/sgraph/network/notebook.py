"""Any network view as a ``pyvis.network.Network``, for notebook users who know pyvis.

    from sgraph.network import project, analyse, select, to_pyvis
    net = to_pyvis(analyse(project(gs)))
    net.write_html("pyvis.html")        # or net.show("pyvis.html") in Jupyter

The nodes keep the page's positions, colours, shapes, sizes and short labels (physics is off,
so nothing moves); tooltips are plain text. The page it writes needs no network: vis-network
is inlined (``cdn_resources="in_line"``) and the template is pyvis's own without the Bootstrap
files it otherwise loads from a CDN; its tooltip shows the title as text even when the title
contains "href" (pyvis's own template then switches to innerHTML).
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

#: Our shapes by the names vis-network gives them.
VIS_SHAPES = {"circle": "dot"}
TEMPLATE_NAME = "sgraph-pyvis.html"


def _title(d: dict[str, Any], degree: int) -> str:
    lines = [str(d.get("label", "")), str(d.get("type_label", ""))]
    if d.get("date"):
        lines.append(f"Date: {d['date']}" + (f" to {d['end_date']}" if d.get("end_date") else ""))
    lines.append(f"{degree} link" + ("" if degree == 1 else "s"))
    return "\n".join(line for line in lines if line)


@cache
def _template() -> str:
    """pyvis's template without its CDN files and with text-only tooltips."""
    import pyvis

    text = (Path(pyvis.__file__).parent / "templates" / "template.html").read_text(encoding="utf-8")
    out: list[str] = []
    skipping = False
    for line in text.splitlines():
        # the Bootstrap <link ...> and <script ...> elements, each over several lines
        if not skipping and line.strip() in ("<link", "<script") and "bootstrap" in text:
            skipping = True
            block: list[str] = []
        if skipping:
            block.append(line)
            if line.strip().endswith("/>") or line.strip().endswith("</script>"):
                skipping = False
                if not any("cdn.jsdelivr.net" in b for b in block):
                    out.extend(block)
            continue
        out.append(
            line.replace(
                "popup.innerHTML = nodeData[0].title;", "popup.textContent = nodeData[0].title;"
            )
        )
    return "\n".join(out) + "\n"


def to_pyvis(g: nx.MultiDiGraph, *, height: str = "720px", width: str = "100%") -> Any:
    """A ``pyvis.network.Network`` drawing ``g`` as the page does (same positions, colours,
    shapes, sizes and labels), with physics off and no CDN resources."""
    from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader
    from pyvis.network import Network

    from sgraph.network.page import drawing

    look = drawing(g)
    net = Network(height=height, width=width, directed=True, cdn_resources="in_line", heading="")
    net.templateEnv = Environment(
        loader=ChoiceLoader(
            [DictLoader({TEMPLATE_NAME: _template()}), FileSystemLoader(net.template_dir)]
        )
    )
    net.path = TEMPLATE_NAME
    net.template = net.templateEnv.get_template(TEMPLATE_NAME)
    for n in sorted(g.nodes):
        d = g.nodes[n]
        net.add_node(
            n,
            label=look.short[n],
            title=_title(d, int(g.degree(n))),
            # vis-network's y grows downwards, the page's (and Gephi's) upwards
            x=look.x[n],
            y=-look.y[n] + 0.0,
            size=look.size[n],
            shape=VIS_SHAPES.get(look.shape[n], look.shape[n]),
            color={"background": look.color[n], "border": look.border[n]},
            physics=False,
        )
    for u, v, _k, d in sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))):
        net.add_edge(u, v, title=str(d.get("label", d.get("relation", ""))), arrows="to")
    net.toggle_physics(False)
    net.heading = html.escape(str(g.graph.get("title", "")), quote=True)
    return net
