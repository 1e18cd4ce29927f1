"""How cost grows with size: build time per step, peak memory and named-query latency.

    python bench/growth.py 10k 100k 1m [10m] [--runs 3] [--out bench/results/growth.json]
                           [--svg docs/growth.svg]

At each size: synthetic data (``sgraph synth``, cached under --cache), ``sgraph build`` in its
own process (bench/build_steps.py: wall time and peak summed PSS of each step), then every named
query with its default parameters, in process on the graph loaded the way the build holds it
(in memory, or on disk past ``sgraph.build.DISK_STORE_BYTES``): the median of --runs runs each.
Writes JSON, an SVG plot (log-log: time per step, peak memory, median query latency against
size) and prints the Markdown table of docs/benchmarks.md with each step's slope: the exponent k
in cost ~ size^k between the two largest sizes (1 is linear). Steps are shown by CPU time (of
the build process, its threads and the dumps' child process): on a shared machine wall time
mostly measures the neighbours.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

from build_steps import run_build  # noqa: E402
from run import label, say, synth_data  # noqa: E402

from sgraph.config import Settings  # noqa: E402
from sgraph.synth import MANIFEST, parse_count  # noqa: E402


def query_latencies(data: Path, runs: int) -> dict[str, Any]:
    """Median milliseconds of each named query (default parameters) on ``data``'s graph."""
    from sgraph.build import store_on_disk
    from sgraph.errors import SgraphError
    from sgraph.queries import load_library
    from sgraph.sparql import execute
    from sgraph.store import GraphStore

    settings = Settings(data_dir=data)
    with tempfile.TemporaryDirectory(prefix="sgraph-growth.") as tmp:
        disk = store_on_disk(settings, None)
        t = time.perf_counter()
        gs = GraphStore.load(settings, store_path=Path(tmp) / "store" if disk else None)
        load_s = time.perf_counter() - t
        out: dict[str, Any] = {"store": "disk" if disk else "memory", "load_s": round(load_s, 2)}
        per: dict[str, dict[str, Any]] = {}
        for name, q in sorted(load_library().items()):
            try:
                bindings = q.bind({}, gs.prefixes)
            except SgraphError as exc:
                per[name] = {"skipped": exc.message}
                continue
            times, rows = [], 0
            for _ in range(runs):
                t = time.perf_counter()
                result = execute(gs.store, q.query, bindings, prefixes=gs.prefixes)
                rows = len(result.rows) if result.kind == "select" else 0
                times.append((time.perf_counter() - t) * 1000)
            per[name] = {"ms": round(statistics.median(times), 2), "rows": rows}
            say(f"  {name}: {per[name]['ms']:,.1f} ms, {rows} rows")
        del gs
    timed = [v["ms"] for v in per.values() if "ms" in v]
    out["queries"] = per
    out["median_ms"] = round(statistics.median(timed), 2) if timed else None
    return out


def measure(sizes: list[int], runs: int, seed: int, cache: Path, out: Path) -> dict[str, Any]:
    result: dict[str, Any] = {"sizes": {}}
    for n in sizes:
        data = synth_data(n, seed, cache)
        curated = json.loads((data / MANIFEST).read_text())["triples"]
        say(f"[{label(n)}] sgraph build --data {data}")
        with tempfile.TemporaryDirectory(prefix="sgraph-growth-build.") as tmp:
            built = run_build(data, Path(tmp) / "dist")
        if "error" in built:
            raise SystemExit(f"[{label(n)}] build failed: {built['error']}")
        say(f"[{label(n)}] named queries, {runs} run(s) each")
        queries = query_latencies(data, runs if n < 5_000_000 else 1)
        result["sizes"][label(n)] = {"triples": curated, "build": built, "queries": queries}
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")  # after each size
    return result


# -- what it shows -----------------------------------------------------------------------------


def series(result: dict[str, Any]) -> dict[str, list[tuple[int, float]]]:
    """Each measured quantity as (curated triples, value) points, smallest size first."""
    out: dict[str, list[tuple[int, float]]] = {}
    rows = sorted(result["sizes"].values(), key=lambda r: r["triples"])
    for r in rows:
        n, b = r["triples"], r["build"]
        for s in b["steps"]:
            if s.get("cpu_s") is not None:
                out.setdefault(f"CPU s: {s['step'][:40]}", []).append((n, s["cpu_s"]))
        cpu = sum(s.get("cpu_s") or 0 for s in b["steps"])
        out.setdefault("build: CPU s, all steps", []).append((n, round(cpu, 1)))
        out.setdefault("build: wall s", []).append((n, b["wall_s"]))
        if b.get("peak_pss_sum_mib"):
            out.setdefault("build: peak summed PSS MiB", []).append((n, b["peak_pss_sum_mib"]))
        if r["queries"].get("median_ms"):
            out.setdefault("named queries: median ms", []).append((n, r["queries"]["median_ms"]))
    return out


def slope(points: list[tuple[int, float]]) -> float | None:
    """k in value ~ size^k between the two largest sizes (None with fewer than two)."""
    pts = [(n, v) for n, v in points if v > 0]
    if len(pts) < 2:
        return None
    (n1, v1), (n2, v2) = pts[-2], pts[-1]
    return math.log(v2 / v1) / math.log(n2 / n1)


def verdict(k: float | None) -> str:
    if k is None:
        return "-"
    if k < 0.9:
        return f"{k:.2f} (sublinear)"
    return f"{k:.2f} (linear)" if k <= 1.15 else f"{k:.2f} (worse than linear)"


def markdown(result: dict[str, Any]) -> str:
    rows = sorted(result["sizes"].items(), key=lambda kv: kv[1]["triples"])
    head = "| quantity | " + " | ".join(k for k, _ in rows) + " | slope k (cost ~ size^k) |"
    lines = [head, "|---|" + "---|" * len(rows) + "---|"]
    points = series(result)
    for name, pts in points.items():
        by_n = dict(pts)
        cells = [f"{by_n[r['triples']]:,.1f}" if r["triples"] in by_n else "-" for _, r in rows]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {verdict(slope(pts))} |")
    return "\n".join(lines)


_COLOURS = ["#1b6ca8", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", "#2e4057", "#999"]


def svg(result: dict[str, Any]) -> str:
    """Three log-log panels: build time per step, peak memory, median named-query latency."""
    points = series(result)
    panels = [
        (
            "Build time per step (s)",
            {k: v for k, v in points.items() if k.startswith(("step", "build: wall"))},
        ),
        ("Build peak memory (summed PSS, MiB)", {k: v for k, v in points.items() if "PSS" in k}),
        ("Named queries, median (ms)", {k: v for k, v in points.items() if "queries" in k}),
    ]
    w, h, pad = 360, 300, 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w * 3}" height="{h + 170}" '
        'font-family="sans-serif" font-size="11">',
        f'<rect width="{w * 3}" height="{h + 170}" fill="#fff"/>',
    ]
    legend: dict[str, str] = {}
    for i, (title, data) in enumerate(panels):
        x0 = i * w
        pts = [p for v in data.values() for p in v if p[1] > 0]
        parts.append(
            f'<text x="{x0 + w / 2}" y="16" text-anchor="middle" font-weight="bold">{title}</text>'
        )
        parts.append(
            f'<rect x="{x0 + pad}" y="{30}" width="{w - pad - 10}" height="{h - 60}" fill="none" stroke="#888"/>'
        )
        if not pts:
            continue
        lx = [math.log10(n) for n, _ in pts]
        ly = [math.log10(v) for _, v in pts]
        xlo, xhi = (
            math.floor(min(lx)),
            math.ceil(max(lx)) if max(lx) > min(lx) else math.floor(min(lx)) + 1,
        )
        ylo, yhi = (
            math.floor(min(ly)),
            math.ceil(max(ly)) if max(ly) > min(ly) else math.floor(min(ly)) + 1,
        )

        def px(n: float, x0: int = x0, xlo: int = xlo, xhi: int = xhi) -> float:
            return x0 + pad + (math.log10(n) - xlo) / (xhi - xlo) * (w - pad - 10)

        def py(v: float, ylo: int = ylo, yhi: int = yhi) -> float:
            return 30 + (h - 60) - (math.log10(v) - ylo) / (yhi - ylo) * (h - 60)

        for e in range(xlo, xhi + 1):
            x = px(10**e)
            parts.append(f'<line x1="{x}" y1="30" x2="{x}" y2="{h - 30}" stroke="#eee"/>')
            parts.append(f'<text x="{x}" y="{h - 16}" text-anchor="middle">{label(10**e)}</text>')
        for e in range(ylo, yhi + 1):
            y = py(10**e)
            parts.append(
                f'<line x1="{x0 + pad}" y1="{y}" x2="{x0 + w - 10}" y2="{y}" stroke="#eee"/>'
            )
            parts.append(
                f'<text x="{x0 + pad - 4}" y="{y + 4}" text-anchor="end">{10.0**e:g}</text>'
            )
        parts.append(
            f'<text x="{x0 + w / 2}" y="{h - 2}" text-anchor="middle">curated triples</text>'
        )
        for name, v in data.items():
            colour = legend.setdefault(name, _COLOURS[len(legend) % len(_COLOURS)])
            good = [(n, y) for n, y in v if y > 0]
            line = " ".join(f"{px(n):.1f},{py(y):.1f}" for n, y in good)
            dash = ' stroke-dasharray="4 3"' if name.startswith("CPU") else ""
            parts.append(
                f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
            )
            parts += [
                f'<circle cx="{px(n):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>'
                for n, y in good
            ]
    for j, (name, colour) in enumerate(legend.items()):
        x, y = 10 + (j % 3) * w, h + 10 + (j // 3) * 16
        k = slope(points[name])
        text = name.replace("&", "&amp;").replace("<", "&lt;")
        parts.append(f'<rect x="{x}" y="{y - 9}" width="12" height="10" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 16}" y="{y}">{text}{f" (k={k:.2f})" if k is not None else ""}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog="Example: python bench/growth.py 10k 100k 1m --svg docs/growth.svg",
    )
    ap.add_argument("sizes", nargs="+", help="sizes in curated triples: 10k 100k 1m 10m")
    ap.add_argument("--runs", type=int, default=3, help="runs per named query (1 at >= 5m)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cache", type=Path, default=HERE / "results" / "data")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "growth.json")
    ap.add_argument("--svg", type=Path, default=None, help="write the plot here (docs/growth.svg)")
    ap.add_argument("--from-json", type=Path, default=None, help="plot an earlier run's JSON")
    args = ap.parse_args(argv)
    if args.from_json:
        result = json.loads(args.from_json.read_text())
    else:
        sizes = sorted(parse_count(s) for s in args.sizes)
        result = measure(sizes, args.runs, args.seed, args.cache, args.out)
    if args.svg:
        args.svg.write_text(svg(result), encoding="utf-8")
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
