"""The network page at scale, in headless Chromium: build time, size, time to interactive, labels
at open, and the time a zoom step takes to redraw.

    python bench/page.py [--size 110k] [--runs 3] [--out bench/results/page.json]

Example (some 5-9 minutes on two shared cores, most of it the uncapped page's build):

    .venv/bin/python bench/page.py --size 110k --runs 3

Three pages, built the way sgraph builds them:

* curated:  the curated data (data/triples) through ``publish_page``: the baseline;
* capped:   synthetic data of --size triples (``sgraph synth``, cached under
  bench/results/data/) through ``publish_page``: the DEFAULT_MAX_NODES most central entities,
  with a note on the page saying so;
* uncapped: the same data, every entity (as ``sgraph network --max-nodes N``); --size must
  give at least --min-nodes entities (110k triples give about 10,260).

For each page: the Python-side build (projection, analytics, layout, render; median of
--build-runs), the page's size, and in headless Chromium (Debian's, driven by Playwright; the
page opened from a ``file://`` URL, every other request refused), at each --viewports size, the
median of --runs fresh loads of, all read from the renderer's own state (``network``, the object
draw.js returns):

* interactive: ms from navigation start until the page is drawn and every control works (the
  page sets ``window.sgraphTiming.drawn`` and ``sgraphReady`` then);
* labels at open: how many are drawn, the smallest font in CSS px, the share of pairs of drawn
  label boxes that overlap, whether the 15 most connected entities are labelled, repeats;
* zoom step: --zoom-steps animated zoom steps (``network.zoom(1.25)``, as the + button and a
  wheel step do): ms from the step to its first redrawn frame (``first``: a network of many links
  leaves them out while the camera moves, as sigma.js's hideEdgesOnMove does), and to the frame
  that ends it (``settled``: everything drawn again);

Checks (a failure is printed as FAIL and the script exits with status 1): every page draws
without console errors or requests; labels at open are at least 11 px, at most 2% of their
pairs overlap and the 15 most connected entities are labelled; the renderer holds every node and link of the page data at
the page data's positions; the capped page shows its note and the others show none; the
uncapped page has at least --min-nodes nodes. Loads of the three pages are interleaved run by
run, so drift on a shared machine hits all three alike; read the results as ratios to the
curated page. The load average is recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))  # browser.py: how the tests launch Chromium

from run import label, machine, say, synth_data  # noqa: E402

from browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from sgraph.config import Settings  # noqa: E402
from sgraph.network.analytics import analyse, groups  # noqa: E402
from sgraph.network.layout import positions  # noqa: E402
from sgraph.network.page import (  # noqa: E402
    DEFAULT_MAX_NODES,
    PAGE_NAME,
    most_central,
    publish_page,
    render_page,
)
from sgraph.network.projection import project, skeleton  # noqa: E402
from sgraph.serialize import paused_gc  # noqa: E402
from sgraph.store import GraphStore  # noqa: E402
from sgraph.synth import parse_count  # noqa: E402

VIEWPORTS = ((1280, 720), (1920, 1080))
PAGES = ("curated", "capped", "uncapped")
TOP_LABELLED = 15

#: Runs in the page before its own scripts (through the DevTools protocol, so the page's CSP does
#: not apply): a promise that resolves when the page says it is drawn and ready.
INIT_SCRIPT = """
(function () {
  var ready = false, resolve;
  window.__sgReady = new Promise(function (r) { resolve = r; });
  Object.defineProperty(window, "sgraphReady", {
    configurable: true,
    get: function () { return ready; },
    set: function (v) { ready = v; if (v === true) resolve(true); }
  });
})();
"""

#: Labels at open, positions against the page data, counts.
OPEN_JS = """
top => {
  const labels = network.labels();
  let pairs = 0, hits = 0;
  for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) {
    const a = labels[i].box, b = labels[j].box; pairs++;
    if (a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]) hits++;
  }
  const data = sgraph.data.nodes;
  const ranked = data.slice().sort((a, b) => (b.degree || 0) - (a.degree || 0) || (a.id < b.id ? -1 : 1));
  const labelled = new Set(labels.map(l => l.id));
  const step = Math.max(1, Math.floor(data.length / 500));
  let offLayout = 0, sampled = 0;
  for (let i = 0; i < data.length; i += step) {
    const at = network.graph.getNodeAttributes(data[i].id); sampled++;
    if (at.x !== data[i].x || at.y !== data[i].y) offLayout++;
  }
  const nav = performance.getEntriesByType("navigation")[0] || {};
  const mem = performance.memory ? performance.memory.usedJSHeapSize : null;
  return {
    interactive_ms: window.sgraphTiming.drawn, script_ms: window.sgraphTiming.script,
    load_ms: nav.loadEventEnd, response_ms: nav.responseEnd,
    labels: labels.length, min_label_px: labels.length ? Math.min(...labels.map(l => l.px)) : null,
    overlap: pairs ? hits / pairs : 0, repeated: labels.length - new Set(labels.map(l => l.text)).size,
    top_labelled: ranked.slice(0, top).filter(n => labelled.has(n.id)).length,
    data_nodes: data.length, data_edges: sgraph.data.edges.length,
    drawn_nodes: network.graph.order, drawn_edges: network.graph.size,
    sampled: sampled, off_layout: offLayout, frame_js_ms: network.lastFrameMs,
    label_ms: network.labelMs, js_heap_mb: mem === null ? null : mem / 1048576,
  };
}
"""

#: Animated zoom steps: ms to the first redraw after each step, and to the frame that ends it.
ZOOM_JS = """
async steps => {
  const out = [];
  for (let i = 0; i < steps; i++) {
    const factor = i % 4 < 2 ? 1.25 : 0.8;
    const t = performance.now();
    let first = null, last = null;
    const count = () => { const now = performance.now(); if (first === null) first = now - t; last = now - t; };
    network.sigma.on("afterRender", count);
    network.zoom(factor);
    await new Promise(r => setTimeout(r, 150 + 60));      // the animation, and a little more
    await new Promise(r => { const quiet = () => { const n = network.frames;
      setTimeout(() => network.frames === n ? r() : quiet(), 120); }; quiet(); });
    network.sigma.off("afterRender", count);
    out.push({ first_ms: first, settled_ms: last });
  }
  return out;
}
"""


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


# -- Python side -------------------------------------------------------------------------------


def build_capped(gs: GraphStore) -> tuple[str, dict[str, float], int]:
    """The page ``publish_page`` writes, step by step: projection (for a graph above the cap,
    only the skeleton: nodes and edges as numbers), analytics (centrality over the whole graph,
    the networkx graph of the shown nodes, their communities), layout, render. Returns (html,
    step times, projected nodes). ``layout_s`` is one extra ``positions`` call on the shown
    graph: render_s includes the same work."""
    t: dict[str, float] = {}
    with paused_gc():
        t["project_s"], skel = timed(lambda: skeleton(gs))
        total = len(skel.nodes)

        def analytics() -> tuple[Any, str]:
            if total <= DEFAULT_MAX_NODES:
                return analyse(skel.graph(gs)), ""
            shown, note = most_central(gs, skel, DEFAULT_MAX_NODES)
            return groups(shown), note

        t["analyse_s"], (shown, note) = timed(analytics)
        t["layout_s"], _ = timed(lambda: positions(shown))
        t["render_s"], text = timed(lambda: render_page(shown, max_nodes=None, note=note))
    t["build_s"] = t["project_s"] + t["analyse_s"] + t["render_s"]
    return text, t, total


def build_uncapped(gs: GraphStore) -> tuple[str, dict[str, float], int]:
    """Every entity, as ``sgraph network --max-nodes N`` builds it (N at least the node count)."""
    t: dict[str, float] = {}
    with paused_gc():
        t["project_s"], g = timed(lambda: project(gs))
        t["analyse_s"], g = timed(lambda: analyse(g))
        t["layout_s"], _ = timed(lambda: positions(g))
        t["render_s"], text = timed(lambda: render_page(g, max_nodes=None))
    t["build_s"] = t["project_s"] + t["analyse_s"] + t["render_s"]
    return text, t, g.number_of_nodes()


def build_page(
    name: str, gs: GraphStore, runs: int, out_dir: Path, failures: list[str]
) -> dict[str, Any]:
    builder = build_uncapped if name == "uncapped" else build_capped
    steps: list[dict[str, float]] = []
    text = ""
    total = 0
    for i in range(runs):
        text_i, t, total = builder(gs)
        if i and text_i != text:
            failures.append(f"{name}: the page differs between builds (not deterministic)")
        text = text_i
        steps.append(t)
        say(
            f"    {name} build {i + 1}/{runs}: {t['build_s']:.2f} s "
            f"(project {t['project_s']:.2f}, analyse {t['analyse_s']:.2f}, render {t['render_s']:.2f}, "
            f"of which layout {t['layout_s']:.2f})"
        )
    row: dict[str, Any] = {k: statistics.median(s[k] for s in steps) for k in steps[0]}
    row["build_runs"] = runs
    if name != "uncapped":
        # The step-by-step page must be the one publish_page writes.
        stage = out_dir / f"publish-{name}"
        stage.mkdir(parents=True, exist_ok=True)
        with paused_gc():
            row["publish_page_s"], _ = timed(lambda: publish_page(gs, stage))
        if (stage / PAGE_NAME).read_text(encoding="utf-8") != text:
            failures.append(f"{name}: the bench's build differs from publish_page's page")
    path = out_dir / f"{name}.html"
    path.write_text(text, encoding="utf-8")
    data = json.loads(text.split('id="sgraph-data">', 1)[1].split("</script>", 1)[0])
    return {
        "path": str(path),
        "bytes": path.stat().st_size,
        "graph_nodes": total,
        "nodes": len(data["nodes"]),
        "edges": len(data["edges"]),
        "note": data["meta"]["note"],
        "build": row,
    }


# -- browser -----------------------------------------------------------------------------------


def visit(
    browser: Any, path: Path, viewport: tuple[int, int], timeout_s: float, zoom_steps: int
) -> dict[str, Any]:
    """One fresh load of ``path``: timings, labels, zoom steps, console errors, requests."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    try:
        page = context.new_page()
        errors: list[str] = []
        requests: list[str] = []

        def console(m: Any) -> None:
            if m.type == "error":
                errors.append(m.text)

        page.on("console", console)
        page.on("pageerror", lambda e: errors.append(str(e)))

        def route(r: Any) -> None:
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                requests.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page.add_init_script(INIT_SCRIPT)
        t = time.perf_counter()
        page.goto(path.resolve().as_uri(), timeout=timeout_s * 1000)
        # Not wait_for_function: Playwright's polling of a string predicate needs eval, which the
        # page's CSP refuses. The init script's promise resolves when the page sets sgraphReady.
        ready = page.evaluate(
            "ms => Promise.race([window.__sgReady, new Promise(r => setTimeout(() => r(false), ms))])",
            timeout_s * 1000,
        )
        if ready is not True:
            raise TimeoutError(f"the page did not draw within {timeout_s:.0f} s")
        wall = time.perf_counter() - t
        out: dict[str, Any] = page.evaluate(OPEN_JS, TOP_LABELLED)
        steps = page.evaluate(ZOOM_JS, zoom_steps)
        firsts = [s["first_ms"] for s in steps if s["first_ms"] is not None]
        settled = [s["settled_ms"] for s in steps if s["settled_ms"] is not None]
        out["zoom_first_ms"] = statistics.median(firsts) if firsts else None
        out["zoom_settled_ms"] = statistics.median(settled) if settled else None
        out["zoom_steps"] = steps
        note = page.locator("#note")
        out["note_visible"] = note.is_visible()
        out["note_text"] = note.text_content() or ""
        out["wall_to_ready_s"] = wall
        out["errors"] = errors
        out["requests"] = requests
        return out
    finally:
        context.close()


def check_visit(name: str, page: dict[str, Any], v: dict[str, Any], max_nodes: int) -> list[str]:
    bad: list[str] = []
    if v["errors"]:
        bad.append(f"{name}: console errors: {v['errors'][:3]}")
    if v["requests"]:
        bad.append(f"{name}: the page asked for {v['requests'][:3]}")
    if (v["drawn_nodes"], v["drawn_edges"]) != (page["nodes"], page["edges"]):
        bad.append(
            f"{name}: the renderer holds {v['drawn_nodes']} nodes / {v['drawn_edges']} links of "
            f"{page['nodes']} / {page['edges']}"
        )
    if not v["labels"] or (v["min_label_px"] or 0) < 11:
        bad.append(f"{name}: labels at open: {v['labels']}, smallest {v['min_label_px']} px")
    if v["overlap"] > 0.02:
        bad.append(f"{name}: {v['overlap']:.1%} of pairs of labels overlap at open")
    if v["top_labelled"] < min(TOP_LABELLED, page["nodes"]):
        bad.append(f"{name}: {v['top_labelled']} of the {TOP_LABELLED} most connected labelled")
    if v["off_layout"]:
        bad.append(f"{name}: {v['off_layout']} of {v['sampled']} sampled nodes off their layout")
    if name == "capped":
        want = f"{max_nodes:,} best-connected of {page['graph_nodes']:,}"
        if not v["note_visible"] or want not in v["note_text"]:
            bad.append(
                f"{name}: no visible note saying '{want}' (visible {v['note_visible']}, "
                f"text {v['note_text']!r})"
            )
    elif v["note_visible"] or v["note_text"]:
        bad.append(f"{name}: shows a note it should not: {v['note_text']!r}")
    return bad


def browse(
    pages: dict[str, dict[str, Any]],
    runs: int,
    timeout_s: float,
    zoom_steps: int,
    viewports: list[tuple[int, int]],
    failures: list[str],
) -> str | None:
    """Load every page ``runs`` times at every viewport; adds ``views`` (per viewport: runs and
    medians) to each page. Returns the browser's version."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        failures.append(f"Chromium not found at {CHROMIUM} (set SGRAPH_CHROMIUM)")
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        version = str(browser.version)
        try:
            # one unmeasured load first: browser start-up costs are not the page's
            visit(browser, Path(pages["curated"]["path"]), viewports[0], timeout_s, 1)
            for r in range(runs):
                for vp in viewports:
                    key = f"{vp[0]}x{vp[1]}"
                    for name, page in pages.items():
                        try:
                            v = visit(browser, Path(page["path"]), vp, timeout_s, zoom_steps)
                        except Exception as exc:  # a timeout is a result, not a crash
                            failures.append(
                                f"{name} {key}: run {r + 1}: {type(exc).__name__}: {str(exc)[:300]}"
                            )
                            continue
                        page.setdefault("views", {}).setdefault(key, {"runs": []})["runs"].append(v)
                        failures.extend(
                            f"{b} ({key}, run {r + 1})"
                            for b in check_visit(name, page, v, DEFAULT_MAX_NODES)
                        )
                        say(
                            f"    {name} {key} load {r + 1}/{runs}: interactive "
                            f"{v['interactive_ms']:.0f} ms, {v['labels']} labels >= "
                            f"{v['min_label_px']} px, overlap {v['overlap']:.3f}, zoom step "
                            f"{v['zoom_first_ms'] or 0:.0f} / {v['zoom_settled_ms'] or 0:.0f} ms"
                        )
        finally:
            browser.close()
    for page in pages.values():
        for view in page.get("views", {}).values():
            runs_ = view["runs"]
            med: dict[str, Any] = {}
            for key, value in runs_[0].items():
                nums = [
                    x[key]
                    for x in runs_
                    if isinstance(x.get(key), int | float) and not isinstance(x.get(key), bool)
                ]
                if nums and isinstance(value, int | float) and not isinstance(value, bool):
                    med[key] = statistics.median(nums)
            # the worst run for the legibility rules, not the median
            med["min_label_px"] = min((x["min_label_px"] or 0) for x in runs_)
            med["overlap"] = max(x["overlap"] for x in runs_)
            med["top_labelled"] = min(x["top_labelled"] for x in runs_)
            view["median"] = med
    return version


# -- report ------------------------------------------------------------------------------------


def table(results: dict[str, Any]) -> str:
    def num(v: Any, fmt: str = ",.0f") -> str:
        return format(v, fmt) if isinstance(v, int | float) else "-"

    lines = [
        f"network page, medians ({results['args']['runs']} loads, {results['args']['build_runs']} "
        f"builds); synthetic {results['size']} triples (seed {results['args']['seed']}); load "
        f"average {results['loadavg_before']} -> {results['loadavg_after']}",
        f"{'page':<9}{'view':>10}{'nodes':>8}{'links':>8}{'KiB':>8}{'build s':>9}"
        f"{'interactive ms':>15}{'labels':>7}{'min px':>7}{'overlap':>8}{'top15':>6}"
        f"{'zoom first':>11}{'zoom settled':>13}",
    ]
    for name, p in results["pages"].items():
        for key, view in p.get("views", {}).items():
            m = view["median"]
            lines.append(
                f"{name:<9}{key:>10}{p['nodes']:>8,}{p['edges']:>8,}{p['bytes'] / 1024:>8,.0f}"
                f"{p['build']['build_s']:>9.2f}{num(m.get('interactive_ms')):>15}"
                f"{num(m.get('labels')):>7}{num(m.get('min_label_px')):>7}"
                f"{num(m.get('overlap'), '.3f'):>8}{num(m.get('top_labelled')):>6}"
                f"{num(m.get('zoom_first_ms')):>11}{num(m.get('zoom_settled_ms')):>13}"
            )
    lines.append(
        "(interactive = ms from navigation start to drawn with every control working; labels at "
        "open: count, smallest font, share of overlapping pairs (worst run), how many of the 15 "
        "most connected are labelled; zoom: ms from an animated zoom step to its first redraw and "
        "to its last frame)"
    )
    cap_page = results["pages"]["capped"]
    lines.append(f"capped note: {cap_page['note']}")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--size",
        type=parse_count,
        default=parse_count("110k"),
        help="synthetic triples for the capped and uncapped pages (default 110k)",
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3, help="browser loads per page (median)")
    ap.add_argument("--build-runs", type=int, default=3, help="Python builds per page (median)")
    ap.add_argument(
        "--min-nodes",
        type=int,
        default=10_000,
        help="the uncapped page must have at least this many nodes (default 10000)",
    )
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds a page may take to draw")
    ap.add_argument("--zoom-steps", type=int, default=8, help="zoom steps per load (median)")
    ap.add_argument(
        "--viewports",
        default="1280x720,1920x1080",
        help="window sizes, WxH,... (default %(default)s)",
    )
    ap.add_argument(
        "--keep-pages", type=Path, default=None, help="folder to keep the built pages in"
    )
    ap.add_argument("--out", type=Path, default=HERE / "results" / "page.json")
    args = ap.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    results: dict[str, Any] = {
        "machine": machine(),
        "args": {k: str(v) for k, v in vars(args).items()},
        "size": label(args.size),
        "loadavg_before": loadavg(),
        "max_nodes": DEFAULT_MAX_NODES,
        "renderer": "sigma.js 3.0.3 + graphology 0.26.0 (WebGL; SwiftShader in headless Chromium)",
        "blas_threads": {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")},
    }
    work = Path(tempfile.mkdtemp(prefix="sgraph-bench-page."))
    out_dir = args.keep_pages or work
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        pages: dict[str, dict[str, Any]] = {}
        say("[curated] loading data/triples ...")
        gs = GraphStore.load(Settings())
        pages["curated"] = build_page("curated", gs, args.build_runs, out_dir, failures)
        data = synth_data(args.size, args.seed, HERE / "results" / "data")
        say(f"[{label(args.size)}] loading {data} ...")
        gs = GraphStore.load(Settings(data_dir=data))
        for name in ("capped", "uncapped"):
            pages[name] = build_page(name, gs, args.build_runs, out_dir, failures)
        del gs
        if pages["uncapped"]["nodes"] < args.min_nodes:
            failures.append(
                f"uncapped: {pages['uncapped']['nodes']} nodes, fewer than --min-nodes "
                f"{args.min_nodes}: use a larger --size"
            )
        if pages["capped"]["nodes"] != min(DEFAULT_MAX_NODES, pages["capped"]["graph_nodes"]):
            failures.append(
                f"capped: {pages['capped']['nodes']} nodes, not the cap {DEFAULT_MAX_NODES}"
            )
        say("[browser] headless Chromium ...")
        viewports = [(int(w), int(h)) for w, h in (v.split("x") for v in args.viewports.split(","))]
        results["chromium"] = browse(
            pages, args.runs, args.timeout, args.zoom_steps, viewports, failures
        )
        results["pages"] = pages
        results["loadavg_after"] = loadavg()
        results["failures"] = failures
        results["ok"] = not failures
        args.out.write_text(json.dumps(results, indent=2, default=str) + "\n")
        print(table(results))
    finally:
        if args.keep_pages is None:
            shutil.rmtree(work, ignore_errors=True)
    say(f"wrote {args.out}")
    for f in failures:
        print(f"FAIL: {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
