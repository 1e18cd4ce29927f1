"""sgraph benchmarks: build steps, named queries beside rdflib / pyoxigraph / Oxigraph server, load.

    python bench/run.py [--sizes 10k,100k,1m] [--out bench/results/latest.json]

At each size: synthetic data (``sgraph synth``, cached under bench/results/data/), then
* build steps: parse + materialise, SHACL validation, Turtle export, the export files,
  network projection and page;
* every named query (``sgraph.queries``), default parameters, median of --runs runs:
  ``sgraph.sparql.execute`` in process, pyoxigraph direct and rdflib's engine on the same data and
  query text; over HTTP ``sgraph serve`` vs Oxigraph server (``oxigraph serve-read-only``);
* the endpoint under load (bench/load.py): --clients concurrent clients for --load-seconds.
Prints a table and writes JSON (everything under bench/results/, which git ignores).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

import pyoxigraph as ox  # noqa: E402
from memory import smaps, tree  # noqa: E402

from sgraph.config import Settings  # noqa: E402
from sgraph.store import GraphStore  # noqa: E402
from sgraph.synth import GENERATOR_VERSION, MANIFEST, generate, parse_count  # noqa: E402

RDFLIB_LIMIT_S = 60.0
VENV_BIN = Path(sys.executable).parent


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def median_time(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times = []
    out = None
    for _ in range(runs):
        dt, out = timed(fn)
        times.append(dt)
    return statistics.median(times), out


def label(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}m"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def synth_data(n: int, seed: int, cache: Path) -> Path:
    """The synthetic data set of ``n`` triples (generated once, then reused from ``cache``)."""
    folder = cache / f"{label(n)}-seed{seed}"
    manifest = folder / MANIFEST
    if manifest.is_file():
        body = json.loads(manifest.read_text())
        wanted = (n, seed, GENERATOR_VERSION)
        if (body.get("target_triples"), body.get("seed"), body.get("generator_version")) == wanted:
            return folder
    say(f"[{label(n)}] sgraph synth --triples {n} --seed {seed} --out {folder}")
    generate(n, folder, seed=seed, progress=say)
    return folder


def machine() -> dict[str, Any]:
    from importlib.metadata import version

    mem = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    libs = {}
    for lib in (
        "pyoxigraph",
        "rdflib",
        "pyshacl",
        "oxigraph",
        "networkx",
        "starlette",
        "uvicorn",
        "httpx",
    ):
        try:
            libs[lib] = version(lib)
        except Exception:
            libs[lib] = None
    return {
        "nproc": os.cpu_count(),
        "memory": mem,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "libraries": libs,
    }


# -- build steps -------------------------------------------------------------------------------


def build_steps(
    gs_settings: Settings, args: argparse.Namespace, n: int
) -> tuple[dict[str, Any], GraphStore]:
    from sgraph.build import write_core
    from sgraph.export import export
    from sgraph.sources import read_sources

    out: dict[str, Any] = {}
    out["parse_s"], _ = timed(lambda: read_sources([gs_settings.data_dir], gs_settings.base))
    out["load_materialise_s"], gs = timed(lambda: GraphStore.load(gs_settings))
    files = sorted(gs_settings.data_dir.glob("*.ttl"))
    out["load_pyoxigraph_direct_s"], _ = timed(lambda: load_pyoxigraph(files))
    if n <= args.rdflib_load_max:
        out["load_rdflib_s"], _ = timed(lambda: load_rdflib(files))
    else:
        out["load_rdflib_s"] = f"skipped: above --rdflib-load-max {label(args.rdflib_load_max)}"
    out["quads"] = len(gs.store)
    # what synth wrote (GraphStore.load keeps the curated triples only in the store)
    out["curated_triples"] = json.loads((gs_settings.data_dir / MANIFEST).read_text())["triples"]
    # validation
    from sgraph.validate import validate_store

    say("    validating (fast engine) ...")
    out["validate_fast_s"], rep = timed(lambda: validate_store(gs, engine="fast"))
    out["validate_fast_results"] = len(rep.results)
    if n <= args.pyshacl_max:
        out["validate_pyshacl_s"], rep = timed(lambda: validate_store(gs, engine="pyshacl"))
        out["validate_pyshacl_results"] = len(rep.results)
    else:
        out["validate_pyshacl_s"] = (
            f"skipped: too slow (above --pyshacl-max {label(args.pyshacl_max)})"
        )
    stage = Path(tempfile.mkdtemp(prefix="sgraph-bench-stage."))
    try:
        say(f"    load {out['load_materialise_s']:.1f} s; exports ...")
        out["turtle_export_s"], _ = timed(lambda: export(gs, "turtle"))
        write_core(gs, stage)
        try:
            from sgraph.export import publish_exports

            out["exports_s"], _ = timed(lambda: publish_exports(gs, stage))
        except ImportError:
            out["exports_s"] = "unavailable"
        except Exception as exc:  # a helper's module failing must not stop the benchmark
            out["exports_s"] = f"error: {type(exc).__name__}: {exc}"[:200]
        try:
            from sgraph.network import project
            from sgraph.network.page import publish_page

            say("    network ...")
            out["network_projection_s"], g = timed(lambda: project(gs))
            out["network_nodes"] = g.number_of_nodes()
            out["network_page_s"], _ = timed(lambda: publish_page(gs, stage))
            page = stage / "network.html"
            if page.exists():
                out["network_page_bytes"] = page.stat().st_size
        except ImportError:
            out["network_projection_s"] = "unavailable"
        except Exception as exc:
            out["network_projection_s"] = f"error: {type(exc).__name__}: {exc}"[:200]
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return out, gs


def load_pyoxigraph(files: list[Path]) -> int:
    """Baseline: pyoxigraph's own bulk loader, one named graph per file, no materialisation."""
    store = ox.Store()
    for f in files:
        store.bulk_load(
            path=str(f), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f.resolve().as_uri())
        )
    return len(store)


def load_rdflib(files: list[Path]) -> int:
    """Baseline: rdflib's Turtle parser into one in-memory Dataset, one graph per file."""
    import rdflib

    ds = rdflib.Dataset()
    for f in files:
        ds.graph(rdflib.URIRef(f.resolve().as_uri())).parse(f, format="turtle")
    return len(ds)


def cli_build(data: Path, work: Path) -> dict[str, Any]:
    """``sgraph build`` as a user runs it, in its own process: wall time and peak memory.

    Memory, sampled every 0.2 s (Linux): the peak of the summed PSS of the build and its child
    processes (the dumps are written by a forked child beside the main process) and the peak RSS
    of the largest single process.
    """
    out_dir = work / "dist"
    cmd = [
        str(VENV_BIN / "python"),
        "-m",
        "sgraph",
        "build",
        "--data",
        str(data),
        "--out",
        str(out_dir),
    ]
    peak_pss = peak_rss = 0
    t = time.perf_counter()
    with (work / "build.log").open("wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        while proc.poll() is None:
            mem = [smaps(p) for p in tree(proc.pid)]
            peak_pss = max(peak_pss, sum(m.get("Pss", 0) for m in mem))
            peak_rss = max(peak_rss, *(m.get("Rss", 0) for m in mem))
            time.sleep(0.2)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        tail = (work / "build.log").read_text(errors="replace")[-300:]
        return {"error": f"exit {proc.returncode}: {tail}"}
    size = sum(f.stat().st_size for f in out_dir.rglob("*") if f.is_file())
    return {
        "wall_s": round(wall, 1),
        "peak_pss_sum_mib": round(peak_pss / 1024, 1) if peak_pss else None,
        "peak_rss_mib": round(peak_rss / 1024, 1) if peak_rss else None,
        "files": sum(1 for f in out_dir.rglob("*") if f.is_file()),
        "bytes": size,
    }


# -- named queries -----------------------------------------------------------------------------


def prepared_queries(gs: GraphStore) -> tuple[list[dict[str, Any]], list[str]]:
    from sgraph.errors import SgraphError
    from sgraph.queries import load_library
    from sgraph.sparql import _declare_prefixes, inject_values

    out = []
    skipped = []
    for name, q in load_library().items():
        try:
            bindings = q.bind({}, gs.prefixes)
        except SgraphError as exc:
            skipped.append(f"{name}: {exc.message}")
            continue
        text = inject_values(q.query, bindings) if bindings else q.query
        out.append(
            {
                "name": name,
                "query": q.query,
                "bindings": bindings,
                "text": _declare_prefixes(text, gs.prefixes),
            }
        )
    return out, skipped


def _count(result: Any) -> int:
    """Consume a pyoxigraph result the way a caller would: read every value of every row."""
    if isinstance(result, ox.QueryBoolean):
        return 1
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return len([[s[n] for n in names] for s in result])
    return len(list(result))


def rdflib_runs(rg: Any, text: str, runs: int, limit: float) -> tuple[list[float], int] | str:
    """Run ``text`` on rdflib's engine ``runs`` times in a forked child (which shares the graph);
    give up after ``limit`` seconds. Returns (times, rows) or a "skipped"/"error" note."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)

    def work() -> None:
        try:
            times, rows = [], 0
            for _ in range(runs):
                dt, rows = timed(lambda: len(rg.query(text)))
                times.append(dt)
            child.send((times, rows))
        except Exception as exc:  # rdflib's engine fails on some valid queries
            child.send(f"error: {type(exc).__name__}: {exc}"[:200])

    proc = ctx.Process(target=work, daemon=True)
    proc.start()
    try:
        if parent.poll(limit):
            out: tuple[list[float], int] | str = parent.recv()
            return out
        return f"skipped: too slow (> {limit:.0f} s for {runs} run(s))"
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()


_RDFLIB_NOTES: dict[str, str] = {}
#: Per query, the least time rdflib is known to need at the current or a larger size: the time it
#: took at the last size it finished, or the limit once it timed out (more data is not faster).
_RDFLIB_FLOOR: dict[str, float] = {}


def in_process(
    gs: GraphStore, queries: list[dict[str, Any]], runs: int, rdflib_ok: dict[str, bool]
) -> dict[str, Any]:
    from sgraph.sparql import execute

    res: dict[str, Any] = {}
    rdflib_note: dict[str, str] = _RDFLIB_NOTES
    rg = None
    for q in queries:
        name = q["name"]
        row: dict[str, Any] = {}
        row["sgraph_s"], r = median_time(
            lambda q=q: execute(gs.store, q["query"], q["bindings"], prefixes=gs.prefixes), runs
        )
        row["rows"] = len(r)
        row["pyoxigraph_s"], n_ox = median_time(
            lambda q=q: _count(gs.store.query(q["text"], use_default_graph_as_union=True)), runs
        )
        row["pyoxigraph_rows"] = n_ox
        if rdflib_ok.get(name, True):
            if rg is None:
                say("    converting to rdflib ...")
                dt, rg = timed(gs.to_rdflib)
                res["_rdflib_convert_s"] = round(dt, 2)
            first = rdflib_runs(rg, q["text"], 1, RDFLIB_LIMIT_S)
            if isinstance(first, str):
                row["rdflib_s"] = first
                rdflib_ok[name] = False
                if first.startswith("error"):
                    rdflib_note[name] = "skipped: rdflib failed on it at a smaller size"
                else:  # timed out: it takes at least the limit, here and at larger sizes
                    row["rdflib_lower_bound_s"] = _RDFLIB_FLOOR[name] = RDFLIB_LIMIT_S
                    rdflib_note[name] = (
                        f"skipped: more than {RDFLIB_LIMIT_S:.0f} s at a smaller size"
                    )
            else:
                times, rows = first
                more = (
                    rdflib_runs(rg, q["text"], runs - 1, RDFLIB_LIMIT_S * runs)
                    if runs > 1
                    else ([], rows)
                )
                if not isinstance(more, str):
                    times += more[0]
                row["rdflib_s"] = statistics.median(times)
                row["rdflib_rows"] = rows
                _RDFLIB_FLOOR[name] = row["rdflib_s"]
                # skip at the next size if 10x the data would pass the limit
                if times[0] * 10 > RDFLIB_LIMIT_S:
                    rdflib_ok[name] = False
                    rdflib_note[name] = (
                        f"skipped: {row['rdflib_s']:.1f} s at a 10x smaller size, over the limit at 10x"
                    )
        else:
            row["rdflib_s"] = rdflib_note.get(name, "skipped: too slow")
            if name in _RDFLIB_FLOOR:  # the same query on 10x less data took this long
                row["rdflib_lower_bound_s"] = _RDFLIB_FLOOR[name]
        row["ratio_sgraph_vs_pyoxigraph"] = (
            row["sgraph_s"] / row["pyoxigraph_s"] if row["pyoxigraph_s"] else None
        )
        res[name] = row
        rd = (
            row["rdflib_s"]
            if isinstance(row["rdflib_s"], str)
            else f"{row['rdflib_s'] * 1000:.0f} ms"
        )
        say(
            f"    {name}: sgraph {row['sgraph_s'] * 1000:.1f} ms, pyoxigraph {row['pyoxigraph_s'] * 1000:.1f} ms, rdflib {rd}"
        )
    return res


# -- HTTP ------------------------------------------------------------------------------------


def _wait(url: str, proc: subprocess.Popen[bytes], seconds: float = 600) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code < 500:
                return
        time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} within {seconds} s")


@contextlib.contextmanager
def process(cmd: list[str], ready_url: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with open(log, "wb") as handle:
        proc = subprocess.Popen(cmd, stdout=handle, stderr=subprocess.STDOUT)
        try:
            _wait(ready_url, proc)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def http_medians(url: str, queries: list[dict[str, Any]], runs: int) -> dict[str, Any]:
    import httpx

    out: dict[str, Any] = {}
    with httpx.Client(timeout=600, headers={"Accept": "application/sparql-results+json"}) as http:
        for q in queries:

            def one(q: dict[str, Any] = q) -> int:
                r = http.post(url, data={"query": q["text"]})
                if r.status_code != 200:
                    raise RuntimeError(f"{url} {q['name']}: HTTP {r.status_code}: {r.text[:200]}")
                return len(r.content)

            try:
                one()  # warm-up
                out[q["name"]] = median_time(one, runs)[0]
            except RuntimeError as exc:
                out[q["name"]] = f"error: {exc}"[:300]
    return out


def over_http(
    data: Path, gs: GraphStore, queries: list[dict[str, Any]], args: argparse.Namespace, work: Path
) -> dict[str, Any]:
    res: dict[str, Any] = {}
    # sgraph serve
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [
        str(VENV_BIN / "python"),
        "-m",
        "sgraph",
        "serve",
        "--port",
        str(port),
        "--data",
        str(data),
        "--timeout",
        "600",
        "--max-rows",
        "100000000",
        "--max-request-bytes",
        "1000000",
    ]
    t = time.perf_counter()
    with process(cmd, base + "/api/limits", work / "sgraph-serve.log"):
        res["sgraph_serve_start_s"] = round(time.perf_counter() - t, 2)
        say("    sgraph serve: named queries over /sparql ...")
        res["sgraph_serve"] = http_medians(base + "/sparql", queries, args.runs)
        if args.load_seconds > 0:
            import load

            say(f"    load: {args.clients} clients for {args.load_seconds:.0f} s ...")
            paths = [f"/api/queries/{q['name']}" for q in queries]
            res["load"] = load.run(base, paths, args.clients, args.load_seconds)
    # Oxigraph server on the same materialised quads
    oxi = VENV_BIN / "oxigraph"
    if not oxi.exists():
        res["oxigraph_server"] = "unavailable: pip install oxigraph"
        return res
    nq = work / "graph.nq"
    gs.store.dump(str(nq), ox.RdfFormat.N_QUADS)
    loc = work / "oxigraph-db"
    shutil.rmtree(loc, ignore_errors=True)
    dt, _ = timed(
        lambda: subprocess.run(
            [str(oxi), "load", "--location", str(loc), "--file", str(nq)],
            check=True,
            capture_output=True,
        )
    )
    res["oxigraph_load_s"] = round(dt, 2)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [
        str(oxi),
        "serve-read-only",
        "--location",
        str(loc),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]
    with process(cmd, base + "/query?query=ASK%7B%7D", work / "oxigraph.log"):
        say("    oxigraph server: named queries over /query ...")
        res["oxigraph_server"] = http_medians(base + "/query", queries, args.runs)
    return res


# -- summary -----------------------------------------------------------------------------------


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def ratios(size: dict[str, Any]) -> dict[str, Any]:
    q = size.get("queries", {})
    http = size.get("http", {})
    inproc, serve_ox, serve_rdf = [], [], []
    # speed-ups over rdflib counting the queries rdflib did not finish, at their known lower bound
    serve_rdf_bounded, inproc_rdf_bounded, bounded = [], [], 0
    for name, row in q.items():
        if name.startswith("_"):
            continue
        if _num(row.get("ratio_sgraph_vs_pyoxigraph")) is not None:
            inproc.append(row["ratio_sgraph_vs_pyoxigraph"])
        s = (
            _num(http.get("sgraph_serve", {}).get(name))
            if isinstance(http.get("sgraph_serve"), dict)
            else None
        )
        o = (
            _num(http.get("oxigraph_server", {}).get(name))
            if isinstance(http.get("oxigraph_server"), dict)
            else None
        )
        r = _num(row.get("rdflib_s"))
        if s and o:
            serve_ox.append(s / o)
        if s and r:
            serve_rdf.append(r / s)
        floor = r if r else _num(row.get("rdflib_lower_bound_s"))
        if floor:
            bounded += r is None
            if s:
                serve_rdf_bounded.append(floor / s)
            if _num(row.get("sgraph_s")):
                inproc_rdf_bounded.append(floor / row["sgraph_s"])
    med = lambda xs: round(statistics.median(xs), 2) if xs else None  # noqa: E731
    return {
        "inprocess_vs_pyoxigraph_median": med(inproc),
        "inprocess_vs_pyoxigraph_max": round(max(inproc), 2) if inproc else None,
        "serve_vs_oxigraph_server_median": med(serve_ox),
        "serve_vs_oxigraph_server_max": round(max(serve_ox), 2) if serve_ox else None,
        "serve_speedup_over_rdflib_median": med(serve_rdf),
        "serve_speedup_over_rdflib_min": round(min(serve_rdf), 1) if serve_rdf else None,
        # lower bounds of the median: unfinished queries count at their known minimum time
        "serve_speedup_over_rdflib_median_at_least": med(serve_rdf_bounded),
        "inprocess_speedup_over_rdflib_median_at_least": med(inproc_rdf_bounded),
        "rdflib_queries_counted_at_lower_bound": bounded,
        "targets": {
            "inprocess_vs_pyoxigraph": "<= 1.3",
            "serve_vs_oxigraph_server": "<= 1.5",
            "serve_speedup_over_rdflib": ">= 30",
        },
    }


def fmt(v: Any, scale: float = 1000.0, unit: str = "") -> str:
    n = _num(v)
    if n is None:
        return (
            "skip"
            if isinstance(v, str) and v.startswith("skipped")
            else ("-" if v is None else "err")
        )
    return f"{n * scale:.1f}{unit}"


def table(results: dict[str, Any]) -> str:
    lines = []
    for size, body in results["sizes"].items():
        b = body["build"]
        lines.append(
            f"\n== {size}: {b.get('curated_triples')} curated triples, {b.get('quads')} quads after materialisation =="
        )
        for key in (
            "parse_s",
            "load_materialise_s",
            "load_pyoxigraph_direct_s",
            "load_rdflib_s",
            "validate_fast_s",
            "validate_pyshacl_s",
            "turtle_export_s",
            "exports_s",
            "network_projection_s",
            "network_page_s",
        ):
            lines.append(
                f"  {key:<24} {fmt(b.get(key), 1.0, ' s') if _num(b.get(key)) is not None else b.get(key)}"
            )
        lines.append(
            f"  {'query (ms, median)':<26}{'rows':>8}{'sgraph':>10}{'pyoxi':>10}{'x':>6}{'rdflib':>10}{'serve':>10}{'oxi-srv':>10}"
        )
        http = body.get("http", {})
        ss = http.get("sgraph_serve", {}) if isinstance(http.get("sgraph_serve"), dict) else {}
        os_ = (
            http.get("oxigraph_server", {}) if isinstance(http.get("oxigraph_server"), dict) else {}
        )
        for name, row in body.get("queries", {}).items():
            if name.startswith("_"):
                continue
            lines.append(
                f"  {name:<26}{row['rows']:>8}{fmt(row['sgraph_s']):>10}{fmt(row['pyoxigraph_s']):>10}"
                f"{row['ratio_sgraph_vs_pyoxigraph']:>6.2f}{fmt(row['rdflib_s']):>10}{fmt(ss.get(name)):>10}{fmt(os_.get(name)):>10}"
            )
        if "cli_build" in body:
            lines.append(f"  sgraph build (own process): {json.dumps(body['cli_build'])}")
        if "load" in http:
            ld = http["load"]
            lines.append(
                f"  load: {ld['clients']} clients {ld['seconds']} s: {ld['requests']} requests, {ld['failed']} failed, p50 {ld['p50_ms']} ms, p99 {ld['p99_ms']} ms"
            )
        if "persist" in body:
            lines.append(f"  persist: {json.dumps(body['persist'])}")
        lines.append(f"  ratios: {json.dumps(body['ratios'])}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="10k,100k", help="comma-separated sizes (10k,100k,1m)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "latest.json")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5, help="runs per query (median)")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--load-seconds", type=float, default=60.0, help="0 to skip the load test")
    ap.add_argument(
        "--load-size", default="largest", help="size to load-test at (default: the largest)"
    )
    ap.add_argument("--no-http", action="store_true", help="skip sgraph serve and Oxigraph server")
    ap.add_argument(
        "--pyshacl-max",
        type=parse_count,
        default=0,
        help="largest size at which pySHACL validation runs (default 0: never; 10k takes minutes)",
    )
    ap.add_argument(
        "--exclude", default="", help="comma-separated named queries to leave out (recorded)"
    )
    ap.add_argument(
        "--persist",
        action="store_true",
        help="also measure the persistent store's start-up options",
    )
    ap.add_argument(
        "--no-cli-build",
        action="store_true",
        help="skip the end-to-end `sgraph build` (own process: wall time, peak memory)",
    )
    ap.add_argument(
        "--rdflib-load-max",
        type=parse_count,
        default=parse_count("1m"),
        help="largest size at which rdflib's parser is timed as a load baseline (default 1m)",
    )
    args = ap.parse_args()
    sizes = [parse_count(s) for s in args.sizes.split(",") if s.strip()]
    results_dir = args.out.parent
    results_dir.mkdir(parents=True, exist_ok=True)
    load_at = sizes[-1] if args.load_size == "largest" else parse_count(args.load_size)
    results: dict[str, Any] = {
        "machine": machine(),
        "args": {k: str(v) for k, v in vars(args).items()},
        "sizes": {},
    }
    rdflib_ok: dict[str, bool] = {}
    for n in sizes:
        name = label(n)
        data = synth_data(n, args.seed, results_dir / "data")
        settings = Settings(data_dir=data)
        say(f"[{name}] build steps ...")
        body: dict[str, Any] = {}
        body["build"], gs = build_steps(settings, args, n)
        if not args.no_cli_build:
            say(f"[{name}] sgraph build (own process) ...")
            work = Path(tempfile.mkdtemp(prefix=f"sgraph-bench-build-{name}.", dir=results_dir))
            try:
                body["cli_build"] = cli_build(data, work)
            finally:
                shutil.rmtree(work, ignore_errors=True)
        queries, skipped = prepared_queries(gs)
        excluded = {x.strip() for x in args.exclude.split(",") if x.strip()}
        skipped += [f"{q['name']}: excluded by --exclude" for q in queries if q["name"] in excluded]
        queries = [q for q in queries if q["name"] not in excluded]
        body["queries_skipped"] = skipped
        say(f"[{name}] {len(queries)} named queries in process ...")
        body["queries"] = in_process(gs, queries, args.runs, rdflib_ok)
        if not args.no_http:
            work = Path(tempfile.mkdtemp(prefix=f"sgraph-bench-{name}.", dir=results_dir))
            try:
                saved = args.load_seconds
                if n != load_at:
                    args.load_seconds = 0
                body["http"] = over_http(data, gs, queries, args, work)
                args.load_seconds = saved
            finally:
                shutil.rmtree(work, ignore_errors=True)
        if args.persist:
            import persist_bench

            say(f"[{name}] persistent store start-up ...")
            body["persist"] = persist_bench.measure(settings)
        body["ratios"] = ratios(body)
        results["sizes"][name] = body
        del gs
        args.out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    text = table(results)
    print(text)
    (results_dir / "latest.txt").write_text(text + "\n")
    say(f"wrote {args.out}")


if __name__ == "__main__":
    main()
