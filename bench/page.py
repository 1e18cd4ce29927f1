"""The network page at scale, in headless Chromium: build time, size, and time to settle.

    python bench/page.py [--size 110k] [--runs 3] [--out bench/results/page.json]

Example (some 5-9 minutes on two shared cores, most of it the uncapped page's layout):

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
page opened from a ``file://`` URL, every other request refused), the median of --runs fresh
loads of:

* drawn: time from navigation start to the first full draw of the network. The page sets
  ``window.sgraphTiming.drawn`` on vis-network's first ``afterDrawing`` event. Physics is off
  and every position is precomputed, so there is no stabilisation phase and that first draw is
  the settled picture: the bench checks that sampled nodes sit at their precomputed positions,
  that none moves in the following second, and counts the redraws in that second;
* frame: the next animation frame after that draw (the drawn canvas is on screen);
* idle: the end of the last main-thread long task (> 50 ms) seen up to a second after the draw;
* load: the page's load event (HTML parsed, the inlined vis-network and page scripts run);
* nodes and edges in the drawn network, painted canvas pixels, JS heap.

Checks (a failure is printed as FAIL and the script exits with status 1): every page draws
without console errors or requests; drawn node and edge counts equal the page data; the capped
page shows its note and the others show none; the uncapped page has at least --min-nodes nodes.
Loads of the three pages are interleaved run by run, so drift on a shared machine hits all
three alike; read the results as ratios to the curated page. The load average is recorded.
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

VIEWPORT = {"width": 1400, "height": 900}
PAGES = ("curated", "capped", "uncapped")

#: Runs in the page before its own scripts (through the DevTools protocol, so the page's CSP does
#: not apply): records long tasks, and the next animation frame after the page says it is drawn.
INIT_SCRIPT = """
window.__sgLong = [];
try {
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) { window.__sgLong.push([e.startTime, e.duration]); });
  }).observe({ type: "longtask", buffered: true });
} catch (e) {}
(function () {
  var ready = false, resolve;
  window.__sgReady = new Promise(function (r) { resolve = r; });
  Object.defineProperty(window, "sgraphReady", {
    configurable: true,
    get: function () { return ready; },
    set: function (v) {
      ready = v;
      if (v !== true) return;
      resolve(true);
      requestAnimationFrame(function () { window.__sgFrame = performance.now(); });
    }
  });
})();
"""

#: After the first draw: is the picture stable? Positions against the precomputed ones, and
#: again after a quiet second; redraws in that second; painted pixels; counts; timings.
SETTLE_JS = """
() => new Promise(resolve => {
  const ids = network.body.nodeIndices;
  const step = Math.max(1, Math.floor(ids.length / 500));
  const sample = ids.filter((_, i) => i % step === 0);
  // vis-network keeps whole pixels (366.3 -> 366): off means a pixel or more away
  const off = (p, q) => Math.abs(p.x - q.x) >= 1 || Math.abs(p.y - q.y) >= 1;
  const before = network.getPositions(sample);
  const offLayout = sample.filter(id => off(before[id], allNodes[id])).length;
  const scale = network.getScale();
  let draws = 0;
  const count = () => { draws += 1; };
  network.on("afterDrawing", count);
  setTimeout(() => {
    network.off("afterDrawing", count);
    const after = network.getPositions(sample);
    const moved = sample.filter(id => off(before[id], after[id])).length;
    const c = document.querySelector("#network canvas");
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) painted++;
    }
    const nav = performance.getEntriesByType("navigation")[0] || {};
    const drawn = window.sgraphTiming.drawn;
    const long = window.__sgLong.filter(t => t[0] <= drawn + 1000);
    const blocking = long.filter(t => t[0] < drawn)
      .reduce((s, t) => s + Math.max(0, Math.min(t[1], drawn - t[0]) - 50), 0);
    const idle = long.reduce((m, t) => Math.max(m, t[0] + t[1]), drawn);
    const hidden = nodes.get({ filter: n => n.hidden }).length;
    const mem = performance.memory ? performance.memory.usedJSHeapSize : null;
    resolve({
      response_ms: nav.responseEnd, dom_content_loaded_ms: nav.domContentLoadedEventEnd,
      load_ms: nav.loadEventEnd, script_ms: window.sgraphTiming.script, drawn_ms: drawn,
      frame_ms: window.__sgFrame === undefined ? null : window.__sgFrame, idle_ms: idle,
      long_tasks: long.length, longest_task_ms: long.reduce((m, t) => Math.max(m, t[1]), 0),
      blocking_ms: blocking,
      data_nodes: network.body.data.nodes.length, data_edges: network.body.data.edges.length,
      drawn_nodes: ids.length - hidden, drawn_edges: network.body.edgeIndices.length,
      sampled: sample.length, off_layout: offLayout, moved: moved,
      rescaled: network.getScale() !== scale, redraws_after: draws,
      painted_px: painted, js_heap_mb: mem === null ? null : mem / 1048576,
      physics: network.physics.physicsEnabled,
    });
  }, 1000);
})
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


def visit(browser: Any, path: Path, timeout_s: float) -> dict[str, Any]:
    """One fresh load of ``path``: timings and counts, console errors, refused requests."""
    context = browser.new_context(viewport=VIEWPORT)
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
        out: dict[str, Any] = page.evaluate(SETTLE_JS)
        note = page.locator("#note")
        out["note_visible"] = note.is_visible()
        out["note_text"] = note.text_content() or ""
        out["stats_text"] = page.locator("#stats").text_content() or ""
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
    if (v["data_nodes"], v["data_edges"]) != (page["nodes"], page["edges"]):
        bad.append(
            f"{name}: network holds {v['data_nodes']} nodes / {v['data_edges']} edges, "
            f"the page data {page['nodes']} / {page['edges']}"
        )
    if (v["drawn_nodes"], v["drawn_edges"]) != (page["nodes"], page["edges"]):
        bad.append(
            f"{name}: drew {v['drawn_nodes']} nodes / {v['drawn_edges']} edges of "
            f"{page['nodes']} / {page['edges']}"
        )
    if v["physics"]:
        bad.append(f"{name}: physics is on")
    if v["off_layout"] or v["moved"] or v["rescaled"]:
        bad.append(
            f"{name}: not settled at first draw: {v['off_layout']} of {v['sampled']} sampled "
            f"nodes off their precomputed position, {v['moved']} moved in the next second, "
            f"rescaled {v['rescaled']}"
        )
    if v["painted_px"] < 2000:
        bad.append(f"{name}: canvas looks blank ({v['painted_px']} painted pixels)")
    if name == "capped":
        want = f"{max_nodes:,} most central of {page['graph_nodes']:,}"
        if not v["note_visible"] or want not in v["note_text"]:
            bad.append(
                f"{name}: no visible note saying '{want}' (visible {v['note_visible']}, "
                f"text {v['note_text']!r})"
            )
    elif v["note_visible"] or v["note_text"]:
        bad.append(f"{name}: shows a note it should not: {v['note_text']!r}")
    return bad


def browse(
    pages: dict[str, dict[str, Any]], runs: int, timeout_s: float, failures: list[str]
) -> str | None:
    """Load every page ``runs`` times; adds ``runs`` and ``median`` to each. Returns the
    browser's version."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        failures.append(f"Chromium not found at {CHROMIUM} (set SGRAPH_CHROMIUM)")
        return None
    version: str | None = None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        version = str(browser.version)
        try:
            # one unmeasured load first: browser start-up costs are not the page's
            visit(browser, Path(pages["curated"]["path"]), timeout_s)
            for r in range(runs):
                for name, page in pages.items():
                    try:
                        v = visit(browser, Path(page["path"]), timeout_s)
                    except Exception as exc:  # a timeout is a result, not a crash
                        failures.append(
                            f"{name}: run {r + 1}: {type(exc).__name__}: {str(exc)[:300]}"
                        )
                        continue
                    page.setdefault("runs", []).append(v)
                    failures.extend(
                        f"{b} (run {r + 1})" for b in check_visit(name, page, v, DEFAULT_MAX_NODES)
                    )
                    say(
                        f"    {name} load {r + 1}/{runs}: drawn {v['drawn_ms']:.0f} ms, idle {v['idle_ms']:.0f} ms, "
                        f"{v['drawn_nodes']} nodes, {v['drawn_edges']} edges"
                    )
        finally:
            browser.close()
    for page in pages.values():
        runs_ = page.get("runs", [])
        if not runs_:
            continue
        med: dict[str, Any] = {}
        for key, value in runs_[0].items():
            nums = [
                r[key]
                for r in runs_
                if isinstance(r.get(key), int | float) and not isinstance(r.get(key), bool)
            ]
            if nums and isinstance(value, int | float) and not isinstance(value, bool):
                med[key] = statistics.median(nums)
        page["median"] = med
    return version


# -- report ------------------------------------------------------------------------------------


def ratios(pages: dict[str, dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    base = pages["curated"]
    out: dict[str, dict[str, float | None]] = {}

    def div(a: Any, b: Any) -> float | None:
        return (
            round(a / b, 2)
            if isinstance(a, int | float) and isinstance(b, int | float) and b
            else None
        )

    for name in ("capped", "uncapped"):
        p = pages[name]
        bm, pm = base.get("median", {}), p.get("median", {})
        out[name] = {
            "nodes": div(p["nodes"], base["nodes"]),
            "bytes": div(p["bytes"], base["bytes"]),
            "build_s": div(p["build"]["build_s"], base["build"]["build_s"]),
            "drawn_ms": div(pm.get("drawn_ms"), bm.get("drawn_ms")),
            "idle_ms": div(pm.get("idle_ms"), bm.get("idle_ms")),
        }
    return out


def table(results: dict[str, Any]) -> str:
    def ms(v: Any) -> str:
        return f"{v:,.0f}" if isinstance(v, int | float) else "-"

    head = (
        f"{'page':<9}{'nodes':>8}{'edges':>8}{'MB':>7}{'build s':>9}{'layout s':>9}"
        f"{'load ms':>9}{'drawn ms':>10}{'frame ms':>10}{'idle ms':>9}{'TBT ms':>8}{'redraws':>8}{'heap MB':>8}"
    )
    lines = [
        f"network page, medians ({results['args']['runs']} loads, {results['args']['build_runs']} builds); "
        f"synthetic {results['size']} triples (seed {results['args']['seed']}); load average "
        f"{results['loadavg_before']} -> {results['loadavg_after']}",
        head,
    ]
    for name, p in results["pages"].items():
        m = p.get("median", {})
        lines.append(
            f"{name:<9}{p['nodes']:>8,}{p['edges']:>8,}{p['bytes'] / 1e6:>7.2f}{p['build']['build_s']:>9.2f}"
            f"{p['build']['layout_s']:>9.2f}{ms(m.get('load_ms')):>9}{ms(m.get('drawn_ms')):>10}"
            f"{ms(m.get('frame_ms')):>10}{ms(m.get('idle_ms')):>9}{ms(m.get('blocking_ms')):>8}"
            f"{ms(m.get('redraws_after')):>8}{m.get('js_heap_mb', 0):>8.0f}"
        )
    lines.append(
        "(ms from navigation start; drawn = first full draw = settled; frame = next frame; "
        "idle = end of last long task; TBT = blocking time before the draw; redraws in the "
        "second after; build = project + analyse + render, layout timed apart)"
    )
    for name, r in results["ratios"].items():
        lines.append(f"{name} / curated: " + ", ".join(f"{k} x{v}" for k, v in r.items()))
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
        data = synth_data(args.size, args.seed, HERE / "results")
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
        results["chromium"] = browse(pages, args.runs, args.timeout, failures)
        results["pages"] = pages
        results["ratios"] = ratios(pages)
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
