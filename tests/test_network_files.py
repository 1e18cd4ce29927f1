"""Layouts for every view, short labels, GEXF/GraphML with the page's drawing, pyvis."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest
from click.testing import CliRunner

from sgraph.cli import cli
from sgraph.network import analyse, project, select, to_pyvis
from sgraph.network.formats import serialize
from sgraph.network.labels import fold, search_text, short_labels
from sgraph.network.layout import CELL, overlaps, positions, radii, separate
from sgraph.network.page import page_data
from sgraph.network.rows import from_rows
from sgraph.network.select import Selection
from sgraph.network.style import group_style
from sgraph.queries import get_query, load_library
from sgraph.sparql import execute
from sgraph.store import GraphStore

GEXF = "{http://www.gexf.net/1.2draft}"
VIZ = "{http://www.gexf.net/1.2draft/viz}"


@pytest.fixture(scope="module")
def g(graph_store: GraphStore) -> nx.MultiDiGraph:
    return analyse(project(graph_store))


def _views(g: nx.MultiDiGraph, gs: GraphStore) -> dict[str, nx.MultiDiGraph]:
    """One graph of every kind of view `sgraph network` makes."""
    people = sorted(n for n, d in g.nodes(data=True) if d["group"] == "Person")
    hub = max(g.nodes, key=lambda n: (g.degree(n), n))
    years = sorted({d["year"] for _, d in g.nodes(data=True) if d["year"]})
    named = get_query("citation-network", load_library(gs.settings.queries_dirs))
    result = execute(gs.store, named.query, named.bind({}, gs.prefixes), prefixes=gs.prefixes)
    return {
        "whole": g,
        "focus": select(g, Selection(focus=hub, depth=1)),
        "focus-2": select(g, Selection(focus=people[0], depth=2)),
        "path": select(g, Selection(path=(people[0], people[-1]))),
        "types": select(g, Selection(types=("Person", "Organisation"), relations=("membership",))),
        "relations": select(g, Selection(relations=("authoredBy",))),
        "years": select(g, Selection(year_from=years[len(years) // 2])),
        "query": from_rows(result.variables, result.rows, g),
    }


def test_every_view_is_laid_out_for_itself(g: nx.MultiDiGraph, graph_store: GraphStore) -> None:
    for name, view in _views(g, graph_store).items():
        view = analyse(view)
        pos = positions(view)
        assert set(pos) == set(view.nodes), name
        assert overlaps(pos, radii(view)) == [], name
        # nothing stacked: every node has a place of its own, a node's width from any other
        assert len(set(pos.values())) == view.number_of_nodes(), name
        assert positions(view.copy()) == pos, f"{name}: not deterministic"
    types = analyse(_views(g, graph_store)["types"])
    lone = sorted(n for n in types if types.degree(n) == 0)
    assert len(lone) > 5
    pos = positions(types)
    # lone entities in rows: few distinct heights, evenly spaced along each
    rows = sorted({pos[n][1] for n in lone})
    assert len(rows) < len(lone) / 2


def test_focus_view_puts_the_focus_in_the_middle(g: nx.MultiDiGraph) -> None:
    hub = max(g.nodes, key=lambda n: (g.degree(n), n))
    view = analyse(select(g, Selection(focus=hub, depth=2)))
    pos = positions(view)
    centre = pos[hub]
    dist = {n: ((x - centre[0]) ** 2 + (y - centre[1]) ** 2) ** 0.5 for n, (x, y) in pos.items()}
    depth = nx.single_source_shortest_path_length(nx.Graph(view.to_undirected()), hub)
    one = [dist[n] for n in view if depth[n] == 1]
    two = [dist[n] for n in view if depth[n] == 2]
    assert max(one) < min(two)


def test_whole_graph_separates_groups(g: nx.MultiDiGraph) -> None:
    """The layout keeps each group (community) together and apart from the others: a node is
    on average nearer to its own group's centre than to any other group's."""
    pos = positions(g)
    groups: dict[int, list[str]] = {}
    for n, d in g.nodes(data=True):
        groups.setdefault(d["community"], []).append(n)
    big = {c: ns for c, ns in groups.items() if len(ns) >= 5}
    assert len(big) >= 2
    centre = {
        c: (sum(pos[n][0] for n in ns) / len(ns), sum(pos[n][1] for n in ns) / len(ns))
        for c, ns in big.items()
    }
    nearer = 0
    total = 0
    for c, ns in big.items():
        for n in ns:
            d = {k: (pos[n][0] - x) ** 2 + (pos[n][1] - y) ** 2 for k, (x, y) in centre.items()}
            nearer += min(d, key=lambda k: d[k]) == c
            total += 1
    assert nearer / total > 0.8


def test_whole_graph_is_compact(g: nx.MultiDiGraph) -> None:
    """The whole graph's box holds about CELL x CELL layout units per node (not a few knots in
    empty space, which the first view would draw as specks), and no two shapes overlap."""
    pos = positions(g)
    r = radii(g)
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    per_node = (max(xs) - min(xs)) * (max(ys) - min(ys)) / g.number_of_nodes()
    assert per_node <= (1.5 * CELL) ** 2
    assert overlaps(pos, r) == []


def test_overlap_removal_spreads_a_crowd() -> None:
    """Thousands of shapes dropped on a small square, a few of them hubs many times larger:
    none overlaps another afterwards, and the same input gives the same positions."""
    rng = np.random.default_rng(1)
    xy = rng.random((1000, 2)) * 100
    xy[:10] = xy[0]  # coincident points
    rr = np.full(1000, 7.0)
    rr[::100] = 60.0
    out = separate(xy, rr)
    keys = [str(i) for i in range(len(xy))]
    assert (
        overlaps(
            dict(zip(keys, map(tuple, out.tolist()), strict=True)),
            dict(zip(keys, rr.tolist(), strict=True)),
        )
        == []
    )
    assert np.array_equal(separate(xy, rr), out)


def test_short_labels_never_repeat(g: nx.MultiDiGraph) -> None:
    labels = {n: d["label"] for n, d in g.nodes(data=True)}
    kinds = {n: d["type_label"] for n, d in g.nodes(data=True)}
    years = {n: d["year"] for n, d in g.nodes(data=True)}
    short = short_labels(labels, kinds, years)
    assert len({s.casefold() for s in short.values()}) == len(short)
    assert all(len(s) <= 48 for s in short.values())
    # identical full titles are told apart by kind and year
    same = short_labels(
        {"a": "Annual report", "b": "Annual report"},
        {"a": "Report", "b": "Letter"},
        {"a": 2020, "b": None},
    )
    assert same == {"a": "Annual report (Report, 2020)", "b": "Annual report (Letter)"}
    # a review and its report under one long title: the words of the kind that differ, the
    # label cut only as far as 48 characters need, never to a stub
    title = "Effective multi-agency practice in identifying and responding to child neglect"
    pair = short_labels(
        {"r": title, "p": title, "w1": "Working Together", "w2": "Working Together"},
        {
            "r": "Local child safeguarding practice review",
            "p": "Local review report",
            "w1": "Statutory guidance",
            "w2": "Statutory guidance",
        },
        {"r": None, "p": 2021, "w1": 1999, "w2": 2006},
    )
    assert pair == {
        "r": "Effective multi-agency practice in… (review)",
        "p": "Effective multi-agency practice… (report, 2021)",
        "w1": "Working Together (1999)",
        "w2": "Working Together (2006)",
    }
    assert all(len(s) <= 48 for s in pair.values())
    # no entity of the curated graph needs a number to be told apart
    assert not [s for s in short.values() if re.search(r" #\d+$", s)]
    assert fold("Sørensen Éire") == "sorensen eire"
    assert "csprp" in search_text(["Child Safeguarding Practice Review Panel"]).split("\n")


def _page_nodes(g: nx.MultiDiGraph) -> dict[str, dict[str, Any]]:
    return {n["id"]: n for n in page_data(g)["nodes"]}


def test_gexf_carries_the_page_drawing(g: nx.MultiDiGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    data = serialize(g, "gexf")
    assert serialize(g, "gexf") == data
    text = data.decode()
    assert "networkx_key" not in text and "lastmodifieddate" not in text
    page = _page_nodes(g)
    root = ET.fromstring(data)
    nodes = root.iter(f"{GEXF}node")
    seen = 0
    for node in nodes:
        want = page[node.get("id")]
        color = node.find(f"{VIZ}color")
        size = node.find(f"{VIZ}size")
        position = node.find(f"{VIZ}position")
        assert color is not None and size is not None and position is not None
        hexcolor = "#{:02x}{:02x}{:02x}".format(*(int(color.get(c)) for c in "rgb"))
        assert hexcolor == group_style(want["group"]).color
        assert float(size.get("value")) == want["size"]
        assert (float(position.get("x")), float(position.get("y"))) == (want["x"], want["y"])
        seen += 1
    assert seen == g.number_of_nodes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1622505600")
    assert 'lastmodifieddate="2021-06-01"' in serialize(g, "gexf").decode()
    back = nx.read_gexf(io.BytesIO(data))
    assert back.number_of_edges() == g.number_of_edges()


def test_graphml_carries_the_page_drawing(g: nx.MultiDiGraph) -> None:
    data = serialize(g, "graphml")
    assert serialize(g, "graphml") == data
    back = nx.read_graphml(io.BytesIO(data))
    page = _page_nodes(g)
    for n, d in back.nodes(data=True):
        want = page[n]
        assert (d["x"], d["y"], d["size"]) == (want["x"], want["y"], want["size"])
        assert d["color"] == group_style(want["group"]).color
        assert d["short_label"] == want["short"]
    assert "sgraph_view" not in data.decode()


def test_cli_files_are_byte_identical(tmp_path: Path) -> None:
    runner = CliRunner()
    for fmt in ("gexf", "graphml"):
        outs = []
        for i in range(2):
            out = tmp_path / f"roles{i}.{fmt}"
            res = runner.invoke(
                cli,
                [
                    "network",
                    "--types",
                    "Person,Organisation",
                    "--relations",
                    "membership",
                    "--format",
                    fmt,
                    "--out",
                    str(out),
                ],
            )
            assert res.exit_code == 0, res.output
            outs.append(out.read_bytes())
        assert outs[0] == outs[1]


def test_pyvis_network_is_the_page_drawing(
    g: nx.MultiDiGraph, tmp_path: Path, browser: Any
) -> None:
    net = to_pyvis(g)
    page = _page_nodes(g)
    assert {n["id"] for n in net.nodes} == set(page)
    for n in net.nodes:
        want = page[n["id"]]
        assert (n["x"], n["y"]) == (want["x"], -want["y"])
        assert n["color"]["background"] == group_style(want["group"]).color
        assert n["label"] == want["short"] and n["size"] == want["size"]
        assert "<" not in n["title"] or n["title"].count("\n") >= 1
    assert len(net.edges) == g.number_of_edges()
    path = tmp_path / "pyvis.html"
    net.write_html(str(path))
    text = path.read_text(encoding="utf-8")
    assert re.findall(r'(?:src|href)="https?://', text) == []
    context = browser.new_context()
    requests: list[str] = []
    try:
        context.route(
            "**/*",
            lambda r: (
                r.continue_()
                if r.request.url.startswith("file://")
                else (requests.append(r.request.url), r.abort())
            ),
        )
        tab = context.new_page()
        tab.goto(path.as_uri())
        tab.wait_for_timeout(500)
        assert tab.evaluate("network.body.data.nodes.length") == g.number_of_nodes()
        first = sorted(page)[0]
        got = tab.evaluate("id => network.getPositions([id])[id]", first)
        assert abs(got["x"] - page[first]["x"]) < 1 and abs(got["y"] + page[first]["y"]) < 1
        assert requests == []
    finally:
        context.close()


def test_json_is_node_link(g: nx.MultiDiGraph) -> None:
    data = json.loads(serialize(g, "json"))
    assert len(data["nodes"]) == g.number_of_nodes()
