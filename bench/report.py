"""Markdown tables of a benchmark run (bench/run.py's JSON), for docs/benchmarks.md.

    python bench/report.py bench/results/latest.json > /tmp/tables.md

Sizes, build steps, the end-to-end `sgraph build`, every named query beside its baselines, the
ratios against the issue's targets, the endpoint under load and the persistent store. Numbers are
copied from the JSON as measured (no rounding beyond display), so the page and the run agree.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

BUILD_STEPS = (
    ("parse_s", "parse Turtle (Python objects, for error locations)"),
    ("load_materialise_s", "load + materialise (`GraphStore.load`)"),
    ("load_pyoxigraph_direct_s", "baseline: pyoxigraph `bulk_load`, no materialisation"),
    ("load_rdflib_s", "baseline: rdflib parser into a Dataset"),
    ("validate_fast_s", "SHACL validation (fast engine)"),
    ("turtle_export_s", "Turtle export (`graph.ttl`)"),
    ("exports_s", "every dump + gzip, context, VoID, docs (`publish_exports`)"),
    ("network_projection_s", "network projection"),
    ("network_page_s", "network page (`publish_page`)"),
)


def num(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def ms(v: Any) -> str:
    n = num(v)
    if n is None:
        if isinstance(v, str):
            if v.startswith("skipped"):
                return "skip"
            return "error"
        return "-"
    n *= 1000
    return f"{n:,.0f}" if n >= 100 else (f"{n:.1f}" if n >= 1 else f"{n:.2f}")


def secs(v: Any) -> str:
    n = num(v)
    if n is None:
        return (
            "skip"
            if isinstance(v, str) and v.startswith("skipped")
            else ("-" if v is None else str(v)[:40])
        )
    return f"{n:.2f}" if n < 10 else f"{n:.1f}"


def table(head: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def curated(results: dict[str, Any], size: str) -> int | None:
    """Curated triples: from the run, else from the synthetic set's manifest (runs before the
    fix recorded 0: the loaded store no longer keeps the parsed triples)."""
    n = results["sizes"][size]["build"].get("curated_triples")
    if n:
        return int(n)
    manifest = (
        HERE
        / "results"
        / "data"
        / f"{size}-seed{results.get('args', {}).get('seed', 1)}"
        / "synth.json"
    )
    return int(json.loads(manifest.read_text())["triples"]) if manifest.is_file() else None


def report(results: dict[str, Any]) -> str:
    sizes: dict[str, Any] = results["sizes"]
    names = list(sizes)
    parts: list[str] = []
    parts.append("### Sizes\n")
    parts.append(
        table(
            ["", *names],
            [
                [
                    "curated triples (`sgraph synth`)",
                    *[f"{curated(results, n) or 0:,}" for n in names],
                ],
                [
                    "quads after materialisation",
                    *[f"{sizes[n]['build'].get('quads', 0):,}" for n in names],
                ],
                [
                    "network nodes",
                    *[f"{sizes[n]['build'].get('network_nodes', '-'):,}" for n in names],
                ],
            ],
        )
    )
    parts.append("\n### Build steps, in process (seconds)\n")
    parts.append(
        table(
            ["step", *names],
            [
                [label, *[secs(sizes[n]["build"].get(key)) for n in names]]
                for key, label in BUILD_STEPS
            ],
        )
    )
    if any("cli_build" in sizes[n] for n in names):
        parts.append("\n### `sgraph build` end to end, in its own process\n")
        rows = []
        for n in names:
            cb = sizes[n].get("cli_build", {})
            if "error" in cb:
                rows.append([n, "error", "-", "-", "-"])
                continue
            pss = num(cb.get("peak_pss_sum_mib"))
            rows.append(
                [
                    n,
                    secs(cb.get("wall_s")),
                    f"{pss:,.0f}" if pss else "-",
                    f"{cb.get('peak_rss_mib') or 0:,.0f}",
                    str(cb.get("files", "-")),
                    f"{cb.get('bytes', 0) / 2**20:,.0f}",
                ]
            )
        parts.append(
            table(
                [
                    "size",
                    "wall s",
                    "peak memory MiB (summed PSS, all processes)",
                    "peak RSS MiB (largest process)",
                    "files",
                    "MiB written",
                ],
                rows,
            )
        )
    for n in names:
        body = sizes[n]
        http = body.get("http", {})
        serve = http.get("sgraph_serve") if isinstance(http.get("sgraph_serve"), dict) else {}
        oxi = http.get("oxigraph_server") if isinstance(http.get("oxigraph_server"), dict) else {}
        parts.append(f"\n### Named queries at {n} (milliseconds, median of the runs)\n")
        rows = []
        for q, row in body.get("queries", {}).items():
            if q.startswith("_"):
                continue
            rd = ms(row.get("rdflib_s"))
            lb = num(row.get("rdflib_lower_bound_s"))
            if rd == "skip" and lb:
                rd = f"> {lb * 1000:,.0f}"
            rows.append(
                [
                    q,
                    f"{row.get('rows', '-'):,}",
                    ms(row.get("sgraph_s")),
                    ms(row.get("pyoxigraph_s")),
                    f"{row['ratio_sgraph_vs_pyoxigraph']:.2f}"
                    if num(row.get("ratio_sgraph_vs_pyoxigraph"))
                    else "-",
                    rd,
                    ms(serve.get(q)) if serve else "-",
                    ms(oxi.get(q)) if oxi else "-",
                ]
            )
        parts.append(
            table(
                [
                    "query",
                    "rows",
                    "sgraph",
                    "pyoxigraph",
                    "x",
                    "rdflib",
                    "sgraph serve",
                    "Oxigraph server",
                ],
                rows,
            )
        )
        if body.get("queries_skipped"):
            parts.append("\nLeft out: " + "; ".join(body["queries_skipped"]))
    parts.append("\n### Ratios against the targets (medians over the named queries)\n")
    targets = [
        (
            "in-process sgraph / pyoxigraph direct",
            "<= 1.3",
            "inprocess_vs_pyoxigraph_median",
            "inprocess_vs_pyoxigraph_max",
        ),
        (
            "`sgraph serve` / Oxigraph server",
            "<= 1.5",
            "serve_vs_oxigraph_server_median",
            "serve_vs_oxigraph_server_max",
        ),
        (
            "rdflib / `sgraph serve`, queries rdflib finished",
            ">= 30",
            "serve_speedup_over_rdflib_median",
            None,
        ),
        (
            "rdflib / `sgraph serve`, unfinished at their lower bound",
            ">= 30",
            "serve_speedup_over_rdflib_median_at_least",
            None,
        ),
        (
            "rdflib / sgraph in process, unfinished at their lower bound",
            "-",
            "inprocess_speedup_over_rdflib_median_at_least",
            None,
        ),
    ]
    rows = []
    for label, target, key, mx in targets:
        cells = []
        for n in names:
            r = sizes[n].get("ratios", {})
            v = num(r.get(key))
            cell = "-" if v is None else f"{v:.2f}"
            if key.endswith("_at_least") and v is not None:
                cell = f">= {v:.1f} ({r.get('rdflib_queries_counted_at_lower_bound', 0)} at bound)"
            if mx and num(r.get(mx)) is not None:
                cell += f" (max {r[mx]:.2f})"
            cells.append(cell)
        rows.append([label, target, *cells])
    parts.append(table(["ratio", "target", *names], rows))
    for n in names:
        load = sizes[n].get("http", {}).get("load")
        if load:
            parts.append(
                f"\n**Endpoint under load ({n})**: {load['clients']} clients for {load['seconds']} s: "
                f"{load['requests']:,} requests, {load['failed']} failed, p50 {load['p50_ms']:,} ms, "
                f"p99 {load['p99_ms']:,} ms."
            )
    persist = {n: sizes[n]["persist"] for n in names if "persist" in sizes[n]}
    if persist:
        parts.append("\n### Persistent store start-up (seconds)\n")
        keys = sorted({k for p in persist.values() for k in p if k != "quads"})
        parts.append(
            table(["", *persist], [[k, *[secs(persist[n].get(k)) for n in persist]] for k in keys])
        )
    return "\n".join(parts) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Example: python bench/report.py bench/results/full.json",
    )
    ap.add_argument("results", type=Path, nargs="?", default=HERE / "results" / "latest.json")
    args = ap.parse_args()
    print(report(json.loads(args.results.read_text())), end="")


if __name__ == "__main__":
    main()
