"""The network page in headless Chromium: complete, offline, legible, focused on a click, and
safe with hostile data. Every rule is measured from the renderer's own state (``network``, the
object draw.js returns: its labels, camera and node positions), not from pixels, and every
expectation is derived from the data, so the tests hold as the graph grows."""

from __future__ import annotations

import html
import json
import math
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
from sgraph.network.layout import radii
from sgraph.network.page import (
    NetworkView,
    cap,
    json_for_html,
    most_central,
    page_data,
    publish_page,
    render_page,
)
from sgraph.network.projection import skeleton
from sgraph.network.select import Selection, select
from sgraph.store import GraphStore
from sgraph.synth import generate

FIXTURES = Path(__file__).parent / "fixtures" / "network-xss"
PAYLOADS = ("<img src=x onerror=alert(1)>", "<script>alert(1)</script>")
SIZES = [(1280, 720), (1920, 1080)]
#: Labels on the first view: at least this many CSS px, at most this share of pairs overlapping,
#: at least this many of the most connected entities labelled.
MIN_LABEL_PX = 11
MAX_OVERLAP = 0.02
TOP_LABELLED = 15
#: Node shapes on the first view: every one at least this radius in CSS px, the median at least
#: MEDIAN_NODE_PX (shapes, not specks), and the drawing fills at least FILL of the map's width or
#: height (not a small knot in the middle).
MIN_NODE_PX = 2.0
MEDIAN_NODE_PX = 3.0
FILL = 0.8


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

    def __init__(self, browser: Any, path: Path, size: tuple[int, int] = (1280, 720)) -> None:
        self.context = browser.new_context(viewport={"width": size[0], "height": size[1]})
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
        message = self.page.locator("#map-message").text_content() or ""
        assert "WebGL" not in message, message

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

    def settle(self) -> None:
        """Wait for camera animations to end, then draw the current state."""
        self.page.wait_for_timeout(400)
        self.page.evaluate("() => network.redraw()")

    def labels(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = self.page.evaluate("network.labels()")
        return out

    def on_screen(self, ids: list[str]) -> list[str]:
        """Those of ``ids`` whose node centre is inside the map."""
        inside: list[str] = self.page.evaluate(
            """ids => { const c = document.getElementById('network');
                       return ids.filter(id => { const p = network.screen(id);
                         return p && p.x >= 0 && p.y >= 0 && p.x <= c.clientWidth && p.y <= c.clientHeight; }); }""",
            ids,
        )
        return inside

    def close(self) -> None:
        self.context.close()


def shapes_are_visible(
    v: Visit, least: float = MIN_NODE_PX, median: float = MEDIAN_NODE_PX
) -> list[float]:
    """Every node drawn as a shape, not a speck, and the drawing filling the map; the radii."""
    nodes: list[dict[str, float]] = v.page.evaluate(
        "sgraph.data.nodes.map(n => network.screen(n.id))"
    )
    radii = sorted(n["r"] for n in nodes)
    assert radii[0] >= least, radii[:5]
    assert radii[len(radii) // 2] >= median, radii[len(radii) // 2]
    w, h = v.page.evaluate(
        "[document.getElementById('network').clientWidth, document.getElementById('network').clientHeight]"
    )
    xs = [n["x"] for n in nodes]
    ys = [n["y"] for n in nodes]
    assert all(0 <= x <= w for x in xs) and all(0 <= y <= h for y in ys)
    assert (max(xs) - min(xs)) / w >= FILL or (max(ys) - min(ys)) / h >= FILL
    return radii


def overlap_fraction(labels: list[dict[str, Any]]) -> float:
    boxes = [lab["box"] for lab in labels]
    pairs = hits = 0
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            pairs += 1
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                hits += 1
    return hits / pairs if pairs else 0.0


def most_connected(data: dict[str, Any], n: int) -> list[str]:
    """The ``n`` entities with most links (ties by IRI), as the page ranks its labels."""
    ranked = sorted(data["nodes"], key=lambda d: (-d.get("degree", 0), d["id"]))
    return [d["id"] for d in ranked[:n]]


def page_json(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    blob = text.split('<script type="application/json" id="sgraph-data">', 1)[1]
    data: dict[str, Any] = json.loads(blob.split("</script>", 1)[0])
    return data


@pytest.fixture(scope="module")
def curated_graph(graph_store: GraphStore) -> nx.MultiDiGraph:
    return analyse(project(graph_store))


@pytest.fixture(scope="module")
def curated_page(graph_store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    stage = tmp_path_factory.mktemp("stage")
    [path] = publish_page(graph_store, stage)
    return path


@pytest.fixture(scope="module")
def bigger_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic graph of some thousand entities (10,000 triples): the rules must hold as the
    curated graph grows."""
    data = tmp_path_factory.mktemp("synth") / "s10k"
    generate(triples=10_000, seed=3, out=data)
    stage = tmp_path_factory.mktemp("stage-big")
    [path] = publish_page(GraphStore.load(Settings(data_dir=data)), stage)
    return path


@pytest.fixture
def visit(browser: Any) -> Iterator[Any]:
    opened: list[Visit] = []

    def open_page(path: Path, size: tuple[int, int] = (1280, 720)) -> Visit:
        v = Visit(browser, path, size)
        opened.append(v)
        return v

    yield open_page
    for v in opened:
        v.close()


def test_page_shows_the_whole_projection_offline(
    curated_page: Path, curated_graph: nx.MultiDiGraph, visit: Any
) -> None:
    v = visit(curated_page)
    counts = v.page.evaluate("[network.graph.order, network.graph.size]")
    assert counts == [curated_graph.number_of_nodes(), curated_graph.number_of_edges()]
    assert v.page.evaluate("sgraph.data.nodes.every(n => network.screen(n.id) !== null)")
    assert v.page.evaluate("network.frames") >= 1
    assert v.page.locator("#legend label").count() == len(
        {d["group"] for _, d in curated_graph.nodes(data=True)}
    )
    assert v.page.locator("#top li").count() == min(10, curated_graph.number_of_nodes())
    assert v.page.locator("#fit-all").is_visible()
    assert v.errors == []
    assert v.requests == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_legible_on_open(curated_page: Path, visit: Any, size: tuple[int, int]) -> None:
    v = visit(curated_page, size)
    data = page_json(curated_page)
    labels = v.labels()
    assert labels, v.page.evaluate(
        "[network.frames, network.labelsTried, network.labelMs, network.camera(), document.getElementById('network').clientWidth, document.getElementById('network').clientHeight]"
    )
    assert min(lab["px"] for lab in labels) >= MIN_LABEL_PX
    assert overlap_fraction(labels) <= MAX_OVERLAP
    texts = [lab["text"] for lab in labels]
    assert len(set(texts)) == len(texts), "two drawn labels say the same"
    labelled = {lab["id"] for lab in labels}
    top = most_connected(data, TOP_LABELLED)
    assert set(top) <= labelled, [i for i in top if i not in labelled]
    # the short label is the page's, the full title is in the data for tooltip and panel
    short = {n["id"]: n["short"] for n in data["nodes"]}
    assert all(lab["text"] == short[lab["id"]] for lab in labels)
    shapes_are_visible(v)
    # labels are not written over other entities' shapes: only the 25 most connected may be,
    # when no free place is left for them
    screen: dict[str, dict[str, float]] = v.page.evaluate(
        "Object.fromEntries(sgraph.data.nodes.map(n => [n.id, network.screen(n.id)]))"
    )
    first = set(most_connected(data, 25))
    for lab in labels:
        if lab["id"] in first:
            continue
        x0, y0, x1, y1 = lab["box"]
        for other, p in screen.items():
            if other == lab["id"] or p["r"] < 1.5:
                continue
            hit = (
                x0 < p["x"] + p["r"]
                and p["x"] - p["r"] < x1
                and y0 < p["y"] + p["r"]
                and p["y"] - p["r"] < y1
            )
            assert not hit, f"the label {lab['text']!r} is written over {other}"
    # level of detail: zooming in shows more labels where one looks, each as legible
    v.page.evaluate("network.zoom(2.5, 0)")
    v.settle()
    closer = v.labels()
    region = set(v.on_screen([n["id"] for n in data["nodes"]]))
    assert len({lab["id"] for lab in closer} & region) > len(labelled & region)
    assert min(lab["px"] for lab in closer) >= MIN_LABEL_PX
    assert overlap_fraction(closer) <= MAX_OVERLAP
    assert v.errors == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_legible_on_open_with_a_bigger_graph(
    bigger_page: Path, visit: Any, size: tuple[int, int]
) -> None:
    v = visit(bigger_page, size)
    data = page_json(bigger_page)
    assert len(data["nodes"]) > 500
    labels = v.labels()
    assert min(lab["px"] for lab in labels) >= MIN_LABEL_PX
    assert overlap_fraction(labels) <= MAX_OVERLAP
    assert set(most_connected(data, TOP_LABELLED)) <= {lab["id"] for lab in labels}
    texts = [n["short"] for n in data["nodes"]]
    assert len({t.casefold() for t in texts}) == len(texts)
    # a thousand entities and more leave each a smaller share of the map: no shape overlaps
    # another at any zoom, so they are smaller on the first view, but still not sub-pixel
    shapes_are_visible(v, least=1.2, median=1.5)
    assert v.errors == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_select_fits_the_view_to_the_neighbours(
    curated_page: Path, curated_graph: nx.MultiDiGraph, visit: Any, size: tuple[int, int]
) -> None:
    v = visit(curated_page, size)
    page = v.page
    before = page.evaluate("network.camera()")
    person = next(
        n
        for n in sorted(curated_graph.nodes, key=lambda n: (-curated_graph.degree(n), n))
        if curated_graph.nodes[n]["group"] == "Person"
    )
    # by clicking the node on the map
    pos = page.evaluate("id => network.screen(id)", person)
    box = page.locator("#network").bounding_box()
    page.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])
    page.wait_for_selector("#panel.open")
    v.settle()
    assert page.evaluate("network.selected()") == person
    near = {person} | set(nx.all_neighbors(curated_graph, person))
    assert sorted(v.on_screen(sorted(near))) == sorted(near)
    labelled = {lab["id"]: lab for lab in v.labels()}
    assert near <= set(labelled), near - set(labelled)
    assert min(labelled[n]["px"] for n in near) >= 12
    assert page.evaluate("network.camera().ratio") < before["ratio"]
    # closing the panel refits to everything shown
    page.click("#panel-close")
    v.settle()
    assert page.evaluate("network.selected()") is None
    assert sorted(v.on_screen(sorted(curated_graph.nodes))) == sorted(curated_graph.nodes)
    # from the most-connected list, and from a link in the panel
    page.locator("#top button").first.click()
    v.settle()
    top = page.evaluate("network.selected()")
    assert top == page_json(curated_page)["top"][0]
    near = {top} | set(nx.all_neighbors(curated_graph, top))
    assert sorted(v.on_screen(sorted(near))) == sorted(near)
    page.locator("#panel-body ul li button").first.click()
    v.settle()
    other = page.evaluate("network.selected()")
    assert (other != top and other in curated_graph[top]) or top in curated_graph[other]
    near = {other} | set(nx.all_neighbors(curated_graph, other))
    labelled = {lab["id"]: lab for lab in v.labels()}
    assert near <= set(labelled)
    assert min(labelled[n]["px"] for n in near) >= 12
    # "Fit all" shows the whole map again, at the zoom it opened with
    page.click("#fit-all")
    v.settle()
    assert page.evaluate("network.camera().ratio") == pytest.approx(before["ratio"])
    assert sorted(v.on_screen(sorted(curated_graph.nodes))) == sorted(curated_graph.nodes)
    assert v.errors == [] and v.requests == []


def test_filters_refit_to_what_is_shown(
    curated_page: Path, curated_graph: nx.MultiDiGraph, visit: Any
) -> None:
    v = visit(curated_page)
    page = v.page
    page.locator("#fit-all").click()
    whole = page.evaluate("network.camera()")
    page.uncheck("#legend input[value=Person]")
    v.settle()
    people = {n for n, d in curated_graph.nodes(data=True) if d["group"] == "Person"}
    shown = sorted(set(curated_graph.nodes) - people)
    assert page.evaluate("ids => ids.filter(id => network.visible(id))", sorted(people)) == []
    assert sorted(v.on_screen(shown)) == shown
    page.check("#legend input[value=Person]")
    # a year range: only what is dated in it (and nothing undated) is shown, and fills the view
    years = sorted({d["year"] for _, d in curated_graph.nodes(data=True) if d["year"]})
    year = years[len(years) // 2]
    page.uncheck("#undated")
    page.fill("#year-from", str(year))
    page.fill("#year-to", str(year))
    v.settle()
    dated = sorted(
        n
        for n, d in curated_graph.nodes(data=True)
        if d["year"] is not None and d["year"] <= year <= (d["end_year"] or d["year"])
    )
    assert page.evaluate("sgraph.data.nodes.filter(n => network.visible(n.id)).map(n => n.id)") == [
        n for n in sorted(curated_graph.nodes) if n in set(dated)
    ]
    assert sorted(v.on_screen(dated)) == dated
    assert page.evaluate("network.camera().ratio") < whole["ratio"]
    # nothing left: the map says so
    page.fill("#year-from", "1800")
    page.fill("#year-to", "1801")
    v.settle()
    assert "Nothing matches" in (page.locator("#map-message").text_content() or "")
    assert v.errors == []


def test_search_forgives(curated_page: Path, curated_graph: nx.MultiDiGraph, visit: Any) -> None:
    v = visit(curated_page)
    page = v.page
    people = [d for _, d in curated_graph.nodes(data=True) if d["group"] == "Person"]
    person = max(people, key=lambda d: (len(d["label"].split()), d["label"]))
    first, *rest = person["label"].split()
    # word order, case and accents do not matter
    for query in (" ".join([*rest, first]).upper(), person["label"].replace("e", "é")):
        page.fill("#search", query)
        assert page.locator("#search-results button span").first.text_content() == person["label"]
    # an alternative label and an acronym (the initials of the name) find the entity
    with_alt = next(d for _, d in curated_graph.nodes(data=True) if d["alt_labels"])
    page.fill("#search", with_alt["alt_labels"][-1].lower())
    found = page.locator("#search-results button > span:first-child").all_text_contents()
    assert with_alt["label"] in found
    org = next(
        d
        for _, d in sorted(curated_graph.nodes(data=True))
        if d["group"] == "Organisation" and len(d["label"].split()) >= 3
    )
    initials = "".join(w[0] for w in org["label"].split() if w[0].isupper())
    page.fill("#search", initials.lower())
    found = page.locator("#search-results button > span:first-child").all_text_contents()
    assert org["label"] in found
    page.fill("#search", "zzqx no such thing")
    assert page.locator("#search-results button").count() == 0
    assert "No matches" in (page.locator("#search-results").text_content() or "")
    page.fill("#search", " ".join([*rest, first]))
    page.press("#search", "Enter")
    v.settle()
    assert page.locator("#panel.open h3").text_content() == person["label"]
    assert v.errors == []


@pytest.mark.parametrize("size", SIZES)
def test_timeline_draws_every_dated_entity(
    curated_page: Path, curated_graph: nx.MultiDiGraph, visit: Any, size: tuple[int, int]
) -> None:
    """Every dated entity has a dot, none on another, in its year's band, at both window sizes,
    with the panel closed and open (a narrower strip)."""
    v = visit(curated_page, size)
    dated = sum(1 for _, d in curated_graph.nodes(data=True) if d["year"] is not None)
    busiest = max(
        sum(1 for _, d in curated_graph.nodes(data=True) if d["year"] == y)
        for y in {d["year"] for _, d in curated_graph.nodes(data=True) if d["year"] is not None}
    )
    assert busiest > 12  # more than the strip's 9 px dots hold in a year
    for step in ("closed", "open"):
        if step == "open":
            v.page.locator("#timeline .dot").first.click()
            assert v.page.locator("#panel.open").count() == 1
        assert v.page.locator("#timeline .dot").count() == dated, step
        state = v.page.evaluate("sgraph.timeline()")
        assert (state["dated"], state["shown"]) == (dated, dated), step
        assert state["dot"] >= 5, step
        assert "all shown" in (v.page.locator("#timeline .label").text_content() or ""), step
        boxes = v.page.eval_on_selector_all(
            "#timeline .dot",
            "ds => ds.map(d => { const r = d.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })",
        )
        strip = v.page.eval_on_selector(
            "#timeline",
            "t => { const r = t.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }",
        )
        for i, a in enumerate(boxes):
            assert strip[0] <= a[0] and a[2] <= strip[2] and strip[1] <= a[1] and a[3] <= strip[3]
            for b in boxes[i + 1 :]:
                apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
                assert apart, f"{step}: timeline dots {a} and {b} overlap"
    assert v.errors == []


def test_timeline_says_what_it_leaves_out(bigger_page: Path, visit: Any) -> None:
    """Where even the smallest dots have no room (hundreds of dated entities in a strip narrowed
    by the open panel), the strip draws the most connected, counts the others and says why."""
    v = visit(bigger_page)
    v.page.locator("#timeline .dot").first.click()
    assert v.page.locator("#panel.open").count() == 1
    state = v.page.evaluate("sgraph.timeline()")
    assert v.page.locator("#timeline .dot").count() == state["shown"] < state["dated"]
    text = v.page.locator("#timeline .label").text_content() or ""
    left = f"{state['dated'] - state['shown']:,}"
    assert f"{left} not shown: no room left in" in text and "Years filter" in text
    assert v.errors == []


def test_how_are_these_connected(
    curated_page: Path, curated_graph: nx.MultiDiGraph, visit: Any
) -> None:
    v = visit(curated_page)
    page = v.page
    und = nx.Graph(curated_graph.to_undirected())
    people = sorted(n for n, d in curated_graph.nodes(data=True) if d["group"] == "Person")
    a, b = max(
        ((x, y) for x in people[:8] for y in people[-8:] if x != y and nx.has_path(und, x, y)),
        key=lambda p: (nx.shortest_path_length(und, *p), p),
    )
    la, lb = curated_graph.nodes[a]["label"], curated_graph.nodes[b]["label"]
    page.fill("#path-from", la)
    page.locator("#path-from-results button").first.click()
    page.fill("#path-to", lb)
    page.locator("#path-to-results button").first.click()
    page.click("#path-go")
    v.settle()
    length = nx.shortest_path_length(und, a, b)
    chains = page.locator("ol.chains li")
    want = sum(1 for _ in zip(range(25), nx.all_shortest_paths(und, a, b), strict=False))
    assert chains.count() == want
    for i in range(chains.count()):
        steps = chains.nth(i).locator(".step").all_text_contents()
        assert len(steps) == length and all(s.strip() for s in steps)
    on_paths = sorted({n for p in nx.all_shortest_paths(und, a, b) for n in p})
    assert sorted(v.on_screen(on_paths)) == on_paths
    assert {lab["id"] for lab in v.labels()} >= set(on_paths)
    # two entities with no chain between them under the filters: the page says so
    page.click("#panel-close")
    for box in page.locator("#relations input").all():
        box.uncheck()
    page.click("#path-go")
    assert "No chain" in (page.locator("#path-message").text_content() or "")
    assert v.errors == []


def test_a_types_view_has_no_overlapping_shapes(
    curated_graph: nx.MultiDiGraph, visit: Any, tmp_path: Path
) -> None:
    h = analyse(
        select(
            curated_graph, Selection(types=("Person", "Organisation"), relations=("membership",))
        )
    )
    lone = [n for n in h if h.degree(n) == 0]
    assert lone, "the view should have entities without a relation"
    path = tmp_path / "roles.html"
    path.write_text(render_page(h), encoding="utf-8")
    v = visit(path)
    circles = v.page.evaluate("sgraph.data.nodes.map(n => [n.id, network.screen(n.id)])")
    want = radii(h)
    for (i, p), (j, q) in (
        (a, b) for k, a in enumerate(circles) for b in circles[k + 1 :] if a[0] != b[0]
    ):
        gap = math.dist((p["x"], p["y"]), (q["x"], q["y"])) - p["r"] - q["r"]
        assert gap >= 0, (i, j, gap)
    # shapes are drawn at their layout radius times one scale
    scale = {round(p["r"] / want[i], 6) for i, p in circles}
    assert max(scale) - min(scale) < 1e-3
    labels = v.labels()
    assert labels, v.page.evaluate("[network.frames, network.labelsTried, network.camera()]")
    assert min(lab["px"] for lab in labels) >= MIN_LABEL_PX
    assert overlap_fraction(labels) <= MAX_OVERLAP
    assert v.errors == []


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
    assert page.evaluate("network.graph.order") == g.number_of_nodes()
    assert (
        page.locator("#heading").text_content() == "</title><script>alert(1)</script>" + PAYLOADS[0]
    )
    person = next(n for n, d in g.nodes(data=True) if d["label"] == PAYLOADS[0])
    # hover the node: the tooltip shows the payload as text
    box = page.locator("#network").bounding_box()
    pos = page.evaluate("id => network.screen(id)", person)
    page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"])
    page.wait_for_selector(".sg-tooltip", state="visible", timeout=5000)
    assert PAYLOADS[0] in (page.locator(".sg-tooltip").text_content() or "")
    # click it: the side panel shows the payloads as text
    page.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])
    page.wait_for_selector("#panel.open")
    assert page.locator("#panel h3").text_content() == PAYLOADS[0]
    # drawn on the canvas as text too
    assert any(PAYLOADS[0] in lab["text"] for lab in v.labels())
    # every other entity's panel, and the search results, and the "no matches" message
    for n in g.nodes:
        page.evaluate("id => sgraph.choose(id)", n)
    page.fill("#search", "onerror img")
    assert page.locator("#search-results button").count() >= 1
    assert (
        PAYLOADS[0] in page.locator("#search-results button > span:first-child").all_text_contents()
    )
    page.fill("#search", PAYLOADS[1] + " zzz")
    assert PAYLOADS[1] in (page.locator("#search-results .none").text_content() or "")
    # "how are these connected?": suggestions, the chains in the panel, the messages
    others = sorted(n for n in g.nodes if n != person)
    page.fill("#path-from", PAYLOADS[0])
    page.locator("#path-from-results button").first.click()
    page.evaluate("ids => sgraph.connect(ids[0], ids[1])", [person, others[0]])
    page.evaluate("ids => sgraph.connect(ids[0], ids[1])", [person, others[-1]])
    page.fill("#path-to", PAYLOADS[1])
    page.press("#path-to", "Escape")
    page.click("#path-go")
    page.hover("#timeline .dot")
    page.wait_for_timeout(300)
    page.evaluate("id => sgraph.choose(id)", person)
    assert v.dialogs == []
    assert page.evaluate("document.querySelectorAll('img, iframe, svg, object, embed').length") == 0
    assert page.evaluate("document.scripts.length") == 4
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


def test_plain_words_for_policy_staff(curated_page: Path, visit: Any) -> None:
    """No network-science words in what people read: the page, its panel, its tooltips."""
    v = visit(curated_page)
    page = v.page
    data = page_json(curated_page)
    for n in data["nodes"][:: max(1, len(data["nodes"]) // 12)]:
        page.evaluate("id => sgraph.choose(id)", n["id"])
        text = page.evaluate("document.body.innerText").casefold()
        for word in ("betweenness", "community", "degree", "centrality", "node", "edge"):
            assert not re.search(rf"\b{word}", text), (word, n["id"])


def test_large_graphs_are_capped_with_a_note(curated_graph: nx.MultiDiGraph) -> None:
    data = page_data(cap(curated_graph, 20)[0], note=cap(curated_graph, 20)[1])
    assert len(data["nodes"]) == 20
    text = render_page(curated_graph, max_nodes=20)
    assert json.loads(text.split('id="sgraph-data">', 1)[1].split("</script>", 1)[0]) == data
    note = data["meta"]["note"]
    assert f"20 best-connected of {curated_graph.number_of_nodes()}" in note
    for word in ("betweenness", "community", "degree", "centrality", "node", "edge"):
        assert not re.search(rf"\b{word}", note.casefold()), word


@pytest.mark.parametrize("limit", [5, 20, 60])
def test_most_central_is_the_cap_of_the_whole_graph(graph_store: GraphStore, limit: int) -> None:
    """publish_page picks the shown nodes from the skeleton's numbers: the same nodes, attributes,
    edges and page as capping the whole analysed graph."""
    want, want_note = cap(centrality(project(graph_store)), limit)
    got, note = most_central(graph_store, skeleton(graph_store), limit)
    assert note == want_note and f"{limit} best-connected of" in note
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
    text = page.read_text(encoding="utf-8")
    assert "sgraphVendor" in text and "drawNetwork" in text
