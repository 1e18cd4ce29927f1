"""The network as one self-contained HTML page (vis-network inlined; works from file://).

Safety: the data goes into the page as JSON inside ``<script type="application/json">`` with
``<``, ``>`` and ``&`` escaped as ``\\u003c`` etc., and the page script puts every string into the
DOM as text only. The only other data in the markup is the heading in ``<title>``, HTML-escaped.
A Content-Security-Policy allows only the page's own two scripts (by hash) and no requests at all.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sgraph.io import atomic_write_text
from sgraph.serialize import paused_gc

if TYPE_CHECKING:
    import networkx as nx

    from sgraph.network.projection import Skeleton
    from sgraph.store import GraphStore

# networkx, scipy (analytics, layout) and the store are imported in the functions that use them,
# so the CLI can read DEFAULT_TITLE and DEFAULT_MAX_NODES without loading them.

DEFAULT_TITLE = "sgraph: child-safeguarding publications in England"
#: Above this many nodes the page shows only the most central ones, with a note saying so.
DEFAULT_MAX_NODES = 2000
PAGE_NAME = "network.html"

#: Group -> (label, fill colour, border colour, vis shape). Unknown groups get grey dots.
GROUP_STYLE: dict[str, tuple[str, str, str, str]] = {
    "Publication": ("Publications", "#3182ce", "#1a4e8a", "square"),
    "Review": ("Reviews", "#ecc94b", "#975a16", "diamond"),
    "Person": ("People", "#48bb78", "#22543d", "dot"),
    "Organisation": ("Organisations", "#e53e3e", "#822727", "triangle"),
    "Legislation": ("Legislation", "#805ad5", "#44337a", "star"),
    "Concept": ("Themes and topics", "#38b2ac", "#1d4044", "hexagon"),
    "Period": ("Periods", "#a0aec0", "#4a5568", "triangleDown"),
    "Collection": ("Collections", "#ed8936", "#7b341e", "square"),
}
_OTHER_STYLE = ("Other", "#718096", "#2d3748", "dot")


@cache
def _asset(name: str) -> str:
    return (resources.files("sgraph") / "assets" / "network" / name).read_text(encoding="utf-8")


def json_for_html(value: Any) -> str:
    """JSON that can sit inside a ``<script>`` element: no ``<``, ``>``, ``&`` or line separators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for char, esc in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, esc)
    return text


def _labels(g: nx.MultiDiGraph, node: str, relation: str) -> list[str]:
    return sorted(
        str(g.nodes[v].get("label", v))
        for _, v, d in g.out_edges(node, data=True)
        if d.get("relation") == relation
    )


def page_data(
    g: nx.MultiDiGraph, *, title: str = DEFAULT_TITLE, note: str = "", top: int = 10
) -> dict[str, Any]:
    """What the page script draws: nodes with positions, edges, legend, relations, meta."""
    from sgraph.network.analytics import most_connected
    from sgraph.network.layout import positions

    pos = positions(g)
    nodes: list[dict[str, Any]] = []
    years: list[int] = []
    for n, d in sorted(g.nodes(data=True)):
        x, y = pos.get(n, (0.0, 0.0))
        for key in ("year", "end_year"):
            if isinstance(d.get(key), int):
                years.append(d[key])
        nodes.append(
            {
                "id": n,
                "label": str(d.get("label", n)),
                "group": str(d.get("group", "Other")),
                "type": str(d.get("type", "")),
                "typeLabel": str(d.get("type_label", d.get("type", ""))),
                "types": [str(t) for t in d.get("types", [])],
                "alt": [str(a) for a in d.get("alt_labels", [])],
                "date": str(d.get("date", "") or ""),
                "endDate": str(d.get("end_date", "") or ""),
                "year": d.get("year") if isinstance(d.get("year"), int) else None,
                "endYear": d.get("end_year") if isinstance(d.get("end_year"), int) else None,
                "url": str(d.get("url", "") or ""),
                "sources": [str(s) for s in d.get("sources", [])],
                "publishers": _labels(g, n, "publishedBy"),
                "authors": _labels(g, n, "authoredBy"),
                "identifier": str(d.get("identifier", "") or ""),
                "jobTitle": str(d.get("job_title", "") or ""),
                "comment": str(d.get("comment", "") or ""),
                "degree": int(g.degree(n)),
                "betweenness": float(d.get("betweenness", 0.0)),
                "community": int(d.get("community", 0)),
                "x": x,
                "y": y,
            }
        )
    edges: list[dict[str, Any]] = []
    rel_count: dict[str, int] = {}
    rel_label: dict[str, str] = {}
    for i, (u, v, _k, d) in enumerate(
        sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2])))
    ):
        rel = str(d.get("relation", "related"))
        rel_count[rel] = rel_count.get(rel, 0) + 1
        rel_label[rel] = str(d.get("relation_label", rel))
        edges.append(
            {"id": f"e{i}", "from": u, "to": v, "relation": rel, "label": str(d.get("label", rel))}
        )
    group_count: dict[str, int] = {}
    for node in nodes:
        group_count[node["group"]] = group_count.get(node["group"], 0) + 1
    order = list(GROUP_STYLE)
    groups = []
    for name in sorted(
        group_count, key=lambda gname: (order.index(gname) if gname in order else 99, gname)
    ):
        label, color, border, shape = GROUP_STYLE.get(name, (name, *_OTHER_STYLE[1:]))
        groups.append(
            {
                "name": name,
                "label": label,
                "color": color,
                "border": border,
                "shape": shape,
                "count": group_count[name],
            }
        )
    relations = [
        {"name": r, "label": rel_label[r], "count": rel_count[r]}
        for r in sorted(rel_count, key=lambda r: (-rel_count[r], r))
    ]
    return {
        "meta": {
            "title": title,
            "note": note,
            "minYear": min(years) if years else None,
            "maxYear": max(years) if years else None,
        },
        "groups": groups,
        "relations": relations,
        "nodes": nodes,
        "edges": edges,
        "top": most_connected(g, top),
    }


def _csp_hash(script: str) -> str:
    return (
        "'sha256-"
        + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        + "'"
    )


def cap(g: nx.MultiDiGraph, max_nodes: int | None) -> tuple[nx.MultiDiGraph, str]:
    """``g``, or its ``max_nodes`` most central nodes with a note saying so."""
    if max_nodes is None or g.number_of_nodes() <= max_nodes:
        return g, ""
    from sgraph.network.analytics import top_nodes

    keep = top_nodes(g, max_nodes)
    h: nx.MultiDiGraph = g.subgraph(keep).copy()
    return h, cap_note(max_nodes, g.number_of_nodes())


def cap_note(max_nodes: int, total: int) -> str:
    return (
        f"This view shows the {max_nodes:,} most central of {total:,} entities "
        "(by betweenness, then number of relations). Use `sgraph network --focus ...` or the "
        "filters of `sgraph network` for the rest."
    )


def most_central(gs: GraphStore, skel: Skeleton, max_nodes: int) -> tuple[nx.MultiDiGraph, str]:
    """``cap(centrality(skel.graph(gs)), max_nodes)`` without building the whole graph: the
    centrality of every node from the skeleton's numbers, then the graph of the ``max_nodes``
    most central only, with their centrality attributes (over the whole graph)."""
    from sgraph.network.analytics import scores, top

    result = scores(skel.nodes, skel.pairs(), skel.degree())
    keep = top(skel.nodes, result, max_nodes)
    shown = skel.graph(gs, keep)
    for i in keep:
        shown.nodes[skel.nodes[i]].update(
            degree=result.degree[i],
            degree_centrality=result.degree_centrality[i],
            betweenness=result.betweenness[i],
        )
    return shown, cap_note(max_nodes, len(skel.nodes))


def render_page(
    g: nx.MultiDiGraph,
    *,
    title: str = DEFAULT_TITLE,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    note: str = "",
) -> str:
    """The whole page for ``g`` (analysed first if it has not been)."""
    from sgraph.network.analytics import analyse

    if g.number_of_nodes() and "betweenness" not in next(iter(g.nodes.values())):
        g = analyse(g.copy())
    g, cap_note = cap(g, max_nodes)
    data = page_data(g, title=title, note=" ".join(x for x in (note, cap_note) if x))
    vis_js = _asset("vis-network.min.js")
    app_js = _asset("app.js")
    csp = (
        "default-src 'none'; "
        f"script-src {_csp_hash(vis_js)} {_csp_hash(app_js)}; "
        "style-src 'unsafe-inline'; img-src data:; font-src 'none'; connect-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )
    return _TEMPLATE.format(
        csp=html.escape(csp, quote=True),
        title=html.escape(title, quote=True),
        vis_css=_asset("vis-network.css"),
        app_css=_asset("app.css"),
        data=json_for_html(data),
        vis_js=vis_js,
        app_js=app_js,
    )


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="sgraph network">
<title>{title}</title>
<style>/* vis-network 9.1.2 CSS. (c) Almende B.V. and visjs contributors; MIT or Apache-2.0. */
{vis_css}</style>
<style>{app_css}</style>
</head>
<body>
<header>
  <h1 id="heading"></h1>
  <span class="stats" id="stats"></span>
  <div id="search-box">
    <input id="search" type="search" placeholder="Search people, reports, organisations ..." aria-label="Search" autocomplete="off">
    <div id="search-results" role="listbox"></div>
  </div>
</header>
<aside id="side">
  <div class="note" id="note"></div>
  <h2>Types (click to show or hide)</h2>
  <div id="legend"></div>
  <h2>Years</h2>
  <div class="years"><input id="year-from" type="number" aria-label="From year"> to
    <input id="year-to" type="number" aria-label="To year"></div>
  <label class="row"><input id="undated" type="checkbox" checked> <span>include undated entities</span></label>
  <h2>Most connected</h2>
  <ol id="top"></ol>
  <h2>Relations</h2>
  <div id="relations"></div>
</aside>
<main><div id="network" role="img" aria-label="Network of entities and relations"></div></main>
<section id="panel" aria-live="polite"><button id="panel-close" type="button" aria-label="Close">\u00d7</button><div id="panel-body"></div></section>
<div id="timeline"></div>
<script type="application/json" id="sgraph-data">{data}</script>
<script>{vis_js}</script>
<script>{app_js}</script>
</body>
</html>
"""


def publish_page(gs: GraphStore, stage: Path) -> list[Path]:
    """Network view: network.html, the whole graph as an interactive page."""
    from sgraph.network.analytics import analyse, groups
    from sgraph.network.projection import skeleton

    path = Path(stage) / PAGE_NAME
    with paused_gc():
        skel = skeleton(gs)
        if len(skel.nodes) <= DEFAULT_MAX_NODES:
            text = render_page(analyse(skel.graph(gs)))
        else:
            # Centrality over the whole graph picks the nodes shown, from the skeleton's numbers;
            # only the shown nodes become a networkx graph, and communities (Louvain, the slow
            # part) are found among them, so the page scales with the cap.
            shown, note = most_central(gs, skel, DEFAULT_MAX_NODES)
            del skel
            text = render_page(groups(shown), max_nodes=None, note=note)
    atomic_write_text(path, text)
    return [path]


@dataclass
class NetworkView:
    """A rendered network; shows inline in Jupyter (``_repr_html_``) and saves as a page."""

    graph: nx.MultiDiGraph
    title: str = DEFAULT_TITLE
    max_nodes: int | None = DEFAULT_MAX_NODES
    height: int = 640
    _html: str | None = field(default=None, repr=False)

    @property
    def html(self) -> str:
        if self._html is None:
            self._html = render_page(self.graph, title=self.title, max_nodes=self.max_nodes)
        return self._html

    def save(self, path: Path) -> Path:
        atomic_write_text(Path(path), self.html)
        return Path(path)

    def _repr_html_(self) -> str:
        doc = html.escape(self.html, quote=True)
        return (
            f'<iframe srcdoc="{doc}" style="width:100%;height:{int(self.height)}px;border:1px solid #ddd" '
            'sandbox="allow-scripts" title="sgraph network"></iframe>'
        )


def view(gs: GraphStore, **selection: Any) -> NetworkView:
    """The network of ``gs`` (optionally a selection, see ``sgraph.network.select.Selection``)."""
    from sgraph.network.analytics import analyse
    from sgraph.network.projection import project
    from sgraph.network.select import Selection, select

    g = analyse(project(gs))
    if selection:
        g = analyse(select(g, Selection(**selection), gs.prefixes))
    return NetworkView(g)


__all__ = [
    "NetworkView",
    "cap",
    "cap_note",
    "json_for_html",
    "most_central",
    "page_data",
    "publish_page",
    "render_page",
    "view",
]
