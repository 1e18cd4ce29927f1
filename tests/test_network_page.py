"""The network page in headless Chromium: complete, offline, drawn, and safe with hostile data."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from sgraph.build import BuildResult
from sgraph.config import Settings
from sgraph.network import analyse, project
from sgraph.network.analytics import centrality, groups
from sgraph.network.page import (
    NetworkView,
    cap,
    json_for_html,
    most_central,
    publish_page,
    render_page,
)
from sgraph.network.projection import skeleton
from sgraph.store import GraphStore

FIXTURES = Path(__file__).parent / "fixtures" / "network-xss"
PAYLOADS = ("<img src=x onerror=alert(1)>", "<script>alert(1)</script>")


#: Runs before the page's own scripts (through the DevTools protocol, so the page's CSP does not
#: apply to it): ``window.sgraphDrawn``, a promise that resolves when the page sets
#: ``window.sgraphReady = true`` after its first draw.
READY_SCRIPT = """
(() => {
  let ready = false, resolve;
  window.sgraphDrawn = new Promise(r => { resolve = r; });
  Object.defineProperty(window, "sgraphReady", {
    configurable: true,
    get: () => ready,
    set: v => { ready = v; if (v === true) resolve(true); },
  });
})();
"""


class Visit:
    """One page opened from file:// with every non-file request refused and recorded."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.context.route("**/*", self._route)
        self.page.add_init_script(READY_SCRIPT)
        self.page.goto(path.resolve().as_uri())
        # Not wait_for_function: Playwright polls a predicate with eval, which the page's CSP
        # refuses; it only passes when the page is drawn at the first check.
        ready = self.page.evaluate(
            "ms => Promise.race([window.sgraphDrawn, new Promise(r => setTimeout(() => r(false), ms))])",
            60_000,
        )
        assert ready is True, "the page did not draw within 60 s"

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def curated_graph(graph_store: GraphStore) -> nx.MultiDiGraph:
    return analyse(project(graph_store))


@pytest.fixture(scope="module")
def curated_page(graph_store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    stage = tmp_path_factory.mktemp("stage")
    [path] = publish_page(graph_store, stage)
    return path


@pytest.fixture
def visit(browser: Any) -> Iterator[Any]:
    opened: list[Visit] = []

    def open_page(path: Path) -> Visit:
        v = Visit(browser, path)
        opened.append(v)
        return v

    yield open_page
    for v in opened:
        v.close()


def test_page_shows_the_whole_projection_offline(
    curated_page: Path, curated_graph: nx.MultiDiGraph, visit: Any
) -> None:
    v = visit(curated_page)
    counts = v.page.evaluate("[network.body.data.nodes.length, network.body.data.edges.length]")
    assert counts == [curated_graph.number_of_nodes(), curated_graph.number_of_edges()]
    assert v.page.evaluate("[nodes.length, edges.length]") == counts
    # the canvas is drawn: many pixels that are not the white background
    painted = v.page.evaluate(
        """() => { const c = document.querySelector('#network canvas');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 0; i < d.length; i += 4) {
                     if (d[i+3] > 0 && (d[i] < 240 || d[i+1] < 240 || d[i+2] < 240)) n++; }
                   return n; }"""
    )
    assert painted > 2000
    assert v.page.locator("#legend label").count() == len(
        {d["group"] for _, d in curated_graph.nodes(data=True)}
    )
    assert v.page.locator("#top li").count() == min(10, curated_graph.number_of_nodes())
    assert v.errors == []
    assert v.requests == []


def test_controls_search_filter_click(
    curated_page: Path, curated_graph: nx.MultiDiGraph, visit: Any
) -> None:
    v = visit(curated_page)
    page = v.page
    page.fill("#search", "annie hudson")
    page.locator("#search-results button").first.click()
    assert page.locator("#panel.open h3").text_content() == "Annie Hudson"
    annie = next(n for n, d in curated_graph.nodes(data=True) if d["label"] == "Annie Hudson")
    assert page.evaluate("network.getSelectedNodes()") == [annie]
    links = page.eval_on_selector_all("#panel a", "as => as.map(a => a.href)")
    assert links and all(h.startswith(("http://", "https://")) for h in links)
    # hide people: every Person node hidden, no other
    page.uncheck("#legend input[value=Person]")
    hidden = page.evaluate("nodes.get({filter: n => n.hidden}).map(n => n.id)")
    people = {n for n, d in curated_graph.nodes(data=True) if d["group"] == "Person"}
    assert set(hidden) == people
    page.check("#legend input[value=Person]")
    page.fill("#year-from", "2030")
    hidden = set(page.evaluate("nodes.get({filter: n => n.hidden}).map(n => n.id)"))
    dated = {n for n, d in curated_graph.nodes(data=True) if d["year"] is not None}
    assert hidden == dated
    assert v.errors == [] and v.requests == []


def _hostile_graph() -> nx.MultiDiGraph:
    gs = GraphStore.load(Settings(), [FIXTURES])
    g = analyse(project(gs))
    for i, (_, d) in enumerate(g.nodes(data=True)):
        d["type_label"] = PAYLOADS[i % 2]
    first = next(iter(g.nodes))
    g.nodes[first]["group"] = PAYLOADS[1]
    for _, _, d in g.edges(data=True):
        d["label"] = PAYLOADS[0]
        d["relation_label"] = PAYLOADS[1]
    return g


def test_hostile_strings_run_no_script(visit: Any, tmp_path: Path) -> None:
    g = _hostile_graph()
    path = tmp_path / "xss.html"
    path.write_text(
        render_page(g, title="</title><script>alert(1)</script>" + PAYLOADS[0]), encoding="utf-8"
    )
    v = visit(path)
    page = v.page
    assert page.evaluate("network.body.data.nodes.length") == g.number_of_nodes()
    assert (
        page.locator("#heading").text_content() == "</title><script>alert(1)</script>" + PAYLOADS[0]
    )
    person = next(n for n, d in g.nodes(data=True) if d["label"] == PAYLOADS[0])
    # hover the node: the tooltip shows the payload as text
    box = page.locator("#network").bounding_box()
    pos = page.evaluate("id => network.canvasToDOM(network.getPositions([id])[id])", person)
    page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"])
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    assert PAYLOADS[0] in page.locator("div.vis-tooltip").text_content()
    # click it: the side panel shows the payloads as text
    page.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])
    page.wait_for_selector("#panel.open")
    assert page.locator("#panel h3").text_content() == PAYLOADS[0]
    # every other entity's panel, and the search results
    for n in g.nodes:
        page.evaluate("id => sgraphChoose(id)", n)
    page.fill("#search", "<")
    assert page.locator("#search-results button").count() >= 3
    page.hover("#timeline .dot")
    page.wait_for_timeout(300)
    assert v.dialogs == []
    assert page.evaluate("document.querySelectorAll('img, iframe, svg, object, embed').length") == 0
    assert page.evaluate("document.scripts.length") == 3
    hrefs = page.eval_on_selector_all("a", "as => as.map(a => a.getAttribute('href'))")
    assert hrefs and all(re.match(r"^https?://", h) for h in hrefs)
    assert v.errors == [] and v.requests == []


def test_page_is_deterministic_and_escaped(curated_graph: nx.MultiDiGraph) -> None:
    g = _hostile_graph()
    text = render_page(g, title=PAYLOADS[1])
    assert render_page(g, title=PAYLOADS[1]) == text
    assert render_page(curated_graph) == render_page(curated_graph.copy())
    blob = text.split('<script type="application/json" id="sgraph-data">', 1)[1].split(
        "</script>", 1
    )[0]
    assert "<" not in blob and ">" not in blob and "&" not in blob
    data = json.loads(blob)
    assert {n["label"] for n in data["nodes"]} >= {PAYLOADS[0]}
    assert f"<title>{html.escape(PAYLOADS[1])}</title>" in text
    assert json.loads(json_for_html({"a": "</script>\u2028&"})) == {"a": "</script>\u2028&"}


def test_large_graphs_are_capped_with_a_note(curated_graph: nx.MultiDiGraph) -> None:
    text = render_page(curated_graph, max_nodes=20)
    blob = text.split('id="sgraph-data">', 1)[1].split("</script>", 1)[0]
    data = json.loads(blob)
    assert len(data["nodes"]) == 20
    assert f"20 most central of {curated_graph.number_of_nodes()}" in data["meta"]["note"]


@pytest.mark.parametrize("limit", [5, 20, 60])
def test_most_central_is_the_cap_of_the_whole_graph(graph_store: GraphStore, limit: int) -> None:
    """publish_page picks the shown nodes from the skeleton's numbers: the same nodes, attributes,
    edges and page as capping the whole analysed graph."""
    want, want_note = cap(centrality(project(graph_store)), limit)
    got, note = most_central(graph_store, skeleton(graph_store), limit)
    assert note == want_note and f"{limit} most central of" in note
    assert dict(got.nodes(data=True)) == dict(want.nodes(data=True))
    assert {(u, v, k): d for u, v, k, d in got.edges(keys=True, data=True)} == {
        (u, v, k): d for u, v, k, d in want.edges(keys=True, data=True)
    }
    assert render_page(groups(got), max_nodes=None, note=note) == render_page(
        groups(want), max_nodes=None, note=want_note
    )


def test_notebook_view_is_an_escaped_iframe(curated_graph: nx.MultiDiGraph) -> None:
    out = NetworkView(_hostile_graph())._repr_html_()
    assert out.startswith('<iframe srcdoc="') and out.endswith("</iframe>")
    srcdoc = out.split('srcdoc="', 1)[1].split('" style=', 1)[0]
    assert "<" not in srcdoc and '"' not in srcdoc
    assert html.unescape(srcdoc) == NetworkView(_hostile_graph()).html


def test_build_writes_network_html(built: BuildResult) -> None:
    page = built.out_dir / "network.html"
    assert page.is_file()
    assert Path("network.html") in built.files
    assert "vis-network" in page.read_text(encoding="utf-8")
