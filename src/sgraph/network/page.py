"""The network as one self-contained HTML page (sigma.js and graphology inlined; works from
file://).

The page is drawn by ``assets/network/draw.js`` (``drawNetwork(container, data, options)``,
WebGL through sigma.js, with labels placed so that none overlaps another) and its controls by
``assets/network/app.js``. Positions come from ``sgraph.network.layout`` and colours, shapes and
sizes from ``sgraph.network.style``, so the page, GEXF, GraphML and pyvis agree.

Safety: the data goes into the page as JSON inside ``<script type="application/json">`` with
``<``, ``>`` and ``&`` escaped as ``\\u003c`` etc., and the page scripts put every string into the
DOM as text only. The only other data in the markup is the heading in ``<title>``, HTML-escaped.
A Content-Security-Policy allows only the page's own scripts (by hash) and no requests at all.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
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
#: The page's scripts, in the order they run: the vendored renderer, the drawing module, the
#: controls.
SCRIPTS = ("sigma-graphology.min.js", "draw.js", "app.js")
#: A node connects otherwise separate groups when its betweenness is at least this share of
#: the highest one (and above zero).
BRIDGE_SHARE = 0.25


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


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _words(name: str) -> str:
    """A class's local name as words: ``GovernmentResponse`` -> ``government response``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()


def _compact(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` without empty strings, empty lists and None (the page reads them as absent)."""
    return {k: v for k, v in record.items() if v not in ("", None, [])}


@dataclass(frozen=True)
class Drawing:
    """How every node of a graph is drawn: position, radius, colour, shape, short label: what
    the page shows and the GEXF, GraphML and pyvis exports repeat."""

    x: dict[str, float]
    y: dict[str, float]
    size: dict[str, float]
    color: dict[str, str]
    border: dict[str, str]
    shape: dict[str, str]
    short: dict[str, str]


def drawing(g: nx.MultiDiGraph) -> Drawing:
    """Positions (``layout.positions``; y turned to grow upwards, as the renderer and Gephi
    have it), sizes and colours (``style``), short labels."""
    from sgraph.network.labels import short_labels
    from sgraph.network.layout import positions
    from sgraph.network.style import group_style, radius

    pos = positions(g)
    nodes = sorted(g.nodes)
    data = g.nodes
    known = frozenset(str(a) for n in nodes for a in data[n].get("alt_labels", []) or [])
    short = short_labels(
        {n: str(data[n].get("label", n)) for n in nodes},
        {n: str(data[n].get("type_label", data[n].get("type", ""))) for n in nodes},
        {n: _int(data[n].get("year")) for n in nodes},
        known,
    )
    styles = {n: group_style(str(data[n].get("group", "Other"))) for n in nodes}
    return Drawing(
        x={n: pos[n][0] for n in nodes},
        y={n: -pos[n][1] + 0.0 for n in nodes},
        size={n: radius(int(g.degree(n))) for n in nodes},
        color={n: styles[n].color for n in nodes},
        border={n: styles[n].border for n in nodes},
        shape={n: styles[n].shape for n in nodes},
        short=short,
    )


def page_data(
    g: nx.MultiDiGraph, *, title: str = DEFAULT_TITLE, note: str = "", top: int = 10
) -> dict[str, Any]:
    """What the page script draws: nodes with positions, edges, legend, relations, meta."""
    from sgraph.network.analytics import most_connected
    from sgraph.network.labels import search_text
    from sgraph.network.style import GROUP_ORDER, group_style

    look = drawing(g)
    ordered = sorted(g.nodes)
    index = {n: i for i, n in enumerate(ordered)}
    top_between = max((float(g.nodes[n].get("betweenness", 0.0)) for n in ordered), default=0.0)
    cluster_size: dict[int, int] = {}
    for n in ordered:
        c = _int(g.nodes[n].get("community"))
        if c is not None:
            cluster_size[c] = cluster_size.get(c, 0) + 1
    nodes: list[dict[str, Any]] = []
    years: list[int] = []
    for n in ordered:
        d = g.nodes[n]
        for key in ("year", "end_year"):
            if _int(d.get(key)) is not None:
                years.append(d[key])
        label = str(d.get("label", n))
        alt = [str(a) for a in d.get("alt_labels", []) or []]
        type_label = str(d.get("type_label", d.get("type", "")))
        types = [_words(str(t)) for t in d.get("types", []) or []]
        between = float(d.get("betweenness", 0.0))
        cluster = _int(d.get("community"))
        nodes.append(
            _compact(
                {
                    "id": n,
                    "label": label,
                    "short": look.short[n],
                    "group": str(d.get("group", "Other")),
                    "typeLabel": type_label,
                    "types": types if len(types) > 1 else [],
                    "alt": alt,
                    "date": str(d.get("date", "") or ""),
                    "endDate": str(d.get("end_date", "") or ""),
                    "year": _int(d.get("year")),
                    "endYear": _int(d.get("end_year")),
                    "url": str(d.get("url", "") or ""),
                    "sources": [str(s) for s in d.get("sources", []) or []],
                    "publishers": _labels(g, n, "publishedBy"),
                    "authors": _labels(g, n, "authoredBy"),
                    "identifier": str(d.get("identifier", "") or ""),
                    "jobTitle": str(d.get("job_title", "") or ""),
                    "comment": str(d.get("comment", "") or ""),
                    "degree": int(g.degree(n)),
                    "bridge": bool(top_between > 0 and between >= BRIDGE_SHARE * top_between),
                    "cluster": None if cluster is None else cluster + 1,
                    "clusterSize": None if cluster is None else cluster_size[cluster],
                    "search": search_text([label, *alt], [type_label]),
                    "x": look.x[n],
                    "y": look.y[n],
                    "size": look.size[n],
                }
            )
        )
    edges: list[dict[str, Any]] = []
    rel_count: dict[str, int] = {}
    rel_label: dict[str, str] = {}
    for u, v, _k, d in sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))):
        rel = str(d.get("relation", "related"))
        rel_count[rel] = rel_count.get(rel, 0) + 1
        rel_label.setdefault(rel, str(d.get("relation_label", rel)))
        label = str(d.get("label", rel))
        edge: dict[str, Any] = {"source": index[u], "target": index[v], "relation": rel}
        if label != rel_label[rel]:
            edge["label"] = label
        edges.append(edge)
    group_count: dict[str, int] = {}
    for node in nodes:
        group_count[node["group"]] = group_count.get(node["group"], 0) + 1
    groups = []
    for name in sorted(
        group_count,
        key=lambda gname: (GROUP_ORDER.index(gname) if gname in GROUP_ORDER else 99, gname),
    ):
        style = group_style(name)
        groups.append(
            {
                "name": name,
                "label": style.label,
                "color": style.color,
                "border": style.border,
                "shape": style.shape,
                "count": group_count[name],
            }
        )
    relations = [
        {"name": r, "label": rel_label[r], "count": rel_count[r]}
        for r in sorted(rel_count, key=lambda r: (-rel_count[r], r))
    ]
    from sgraph.network.layout import view_of

    view = view_of(g)
    return {
        "meta": {
            "title": title,
            "note": note,
            "minYear": min(years) if years else None,
            "maxYear": max(years) if years else None,
            "view": view.kind,
            "viewEntities": list(view.entities),
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


def content_security_policy() -> str:
    """The page's policy: its own scripts (by hash) and inline styles; no request at all."""
    scripts = [_asset(name) for name in SCRIPTS]
    return (
        "default-src 'none'; "
        f"script-src {' '.join(_csp_hash(js) for js in scripts)}; "
        "style-src 'unsafe-inline'; img-src data:; font-src 'none'; connect-src 'none'; "
        "base-uri 'none'; form-action 'none'"
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
        f"This view shows the {max_nodes:,} best-connected of {total:,} entities (those that "
        "most link otherwise separate groups, then those with the most relations). To see the "
        "rest, focus on one entity (`sgraph network --focus ...`) or filter by kind or year."
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
    scripts = [_asset(name) for name in SCRIPTS]
    return _TEMPLATE.format(
        csp=html.escape(content_security_policy(), quote=True),
        title=html.escape(title, quote=True),
        app_css=_asset("app.css"),
        data=json_for_html(data),
        scripts="\n".join(f"<script>{js}</script>" for js in scripts),
    )


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="sgraph network">
<title>{title}</title>
<style>{app_css}</style>
</head>
<body>
<header>
  <h1 id="heading"></h1>
  <span class="stats" id="stats"></span>
  <div id="search-box" class="finder">
    <input id="search" type="search" placeholder="Find a person, report, organisation ..." aria-label="Find" autocomplete="off">
    <div id="search-results" class="results" role="listbox"></div>
  </div>
</header>
<aside id="side">
  <div class="note" id="note"></div>
  <h2>What the shapes are <span class="hint">(untick to hide)</span></h2>
  <div id="legend"></div>
  <h2>Years</h2>
  <div class="years"><input id="year-from" type="number" aria-label="From year"> to
    <input id="year-to" type="number" aria-label="To year"></div>
  <label class="row"><input id="undated" type="checkbox" checked> <span>also show people, organisations and other entities without a date</span></label>
  <h2>Most connected</h2>
  <ol id="top"></ol>
  <h2>How are these connected?</h2>
  <div class="finder"><input id="path-from" type="search" placeholder="First: a name or title" aria-label="First entity" autocomplete="off"><div class="results" id="path-from-results" role="listbox"></div></div>
  <div class="finder"><input id="path-to" type="search" placeholder="Second: a name or title" aria-label="Second entity" autocomplete="off"><div class="results" id="path-to-results" role="listbox"></div></div>
  <button id="path-go" type="button">Show how they connect</button>
  <div id="path-message" class="message" aria-live="polite"></div>
  <h2>Kinds of link <span class="hint">(untick to hide)</span></h2>
  <div id="relations"></div>
</aside>
<main>
  <div id="network" role="img" aria-label="Map of entities and how they are connected"></div>
  <div id="map-controls">
    <button id="fit-all" type="button" title="Show the whole map">Fit all</button>
    <button id="zoom-in" type="button" title="Zoom in" aria-label="Zoom in">+</button>
    <button id="zoom-out" type="button" title="Zoom out" aria-label="Zoom out">\u2212</button>
  </div>
  <div id="map-message" class="map-message" aria-live="polite"></div>
</main>
<section id="panel" aria-live="polite"><button id="panel-close" type="button" aria-label="Close">\u00d7</button><div id="panel-body"></div></section>
<div id="timeline"></div>
<script type="application/json" id="sgraph-data">{data}</script>
{scripts}
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
    "Drawing",
    "NetworkView",
    "cap",
    "cap_note",
    "content_security_policy",
    "drawing",
    "json_for_html",
    "most_central",
    "page_data",
    "publish_page",
    "render_page",
    "view",
]
