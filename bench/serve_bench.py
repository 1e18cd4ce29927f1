"""`sgraph serve` with its DEFAULT limits at a given size: each named query's first page and
complete result, then a mixed load of many clients with the result cache and without.

    python bench/serve_bench.py --data /tmp/synth-1m --store /tmp/store-1m --clients 32 --seconds 60

Build the store first (any ``sgraph query --data ... --store ...``). For each named query with
its default parameters: the time of ``GET /api/queries/NAME`` (the first page: at most
``--max-rows`` rows, with the total) and of the same query over ``/sparql`` (the complete
result, as a protocol client gets it, within ``--timeout``), twice: "cold", on the first server
over the store with no stored results (``STORE/results/`` is removed first, unless
``--keep-results``), while its warm-up runs; and "warm", on a server restarted on the same store
(and port) once that warm-up is done (its duration is reported). Then ``bench/load.py``'s
clients, each looping over a mix of named queries (defaults and other parameter values) and
ad-hoc queries, once against the warm server (memory cache and stored results) and once against
one with neither (``--cache-bytes 0 --result-store-bytes 0``). Prints JSON; only loopback servers.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from load import run as load_run
from serve_start import free_port

ADHOC = [
    "SELECT ?p ?name WHERE { ?p a sg:Person ; foaf:name ?name } LIMIT 100",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s a sg:Publication }",
    "SELECT ?s ?t WHERE { ?s dcterms:title ?t } ORDER BY ?t LIMIT 20",
    "ASK { ?s a sg:Organisation }",
]
#: second parameter values of named queries (the defaults are the first)
OTHER_VALUES = {
    "chair-on-date": [{"date": d} for d in ("2015-06-01", "2018-06-01", "2020-01-01")],
}


def start(
    sgraph: str, data: str, store: str, *extra: str, port: int | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """A server on ``port`` (stored results are kept per server address: the same port finds
    them again)."""
    port = port or free_port()
    proc = subprocess.Popen(
        [sgraph, "serve", "--data", data, "--store", store, "--port", str(port), *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"sgraph serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/api/limits", timeout=2):
                return proc, base
        except OSError:
            time.sleep(0.1)


def timed(http: httpx.Client, path: str, **kw: Any) -> dict[str, Any]:
    t = time.perf_counter()
    try:
        r = http.get(path, **kw)
    except httpx.HTTPError as exc:
        return {"s": round(time.perf_counter() - t, 3), "failed": type(exc).__name__}
    out: dict[str, Any] = {"s": round(time.perf_counter() - t, 3), "status": r.status_code}
    if r.status_code == 200 and "json" in r.headers.get("content-type", ""):
        doc = r.json()
        if "results" in doc:
            out["rows"] = len(doc["results"]["bindings"])
    if "x-sgraph-total" in r.headers:
        out["total"] = int(r.headers["x-sgraph-total"])
    return out


def per_query(base: str, exclude: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with httpx.Client(
        base_url=base, timeout=120, headers={"Accept": "application/sparql-results+json"}
    ) as http:
        library = http.get("/api/queries").json()
        for q in library:
            name = q["name"]
            if name in exclude:
                continue
            first = timed(http, f"/api/queries/{name}")
            full = (
                timed(http, "/sparql", params={"query": q["query"]})
                if not q.get("parameters")
                else timed(http, f"/api/queries/{name}", params={"_limit": "10000"})
            )
            out[name] = {"first_page": first, "complete": full}
            print(name, json.dumps(out[name]), file=sys.stderr, flush=True)
    return out


def limits(base: str) -> dict[str, Any]:
    with urllib.request.urlopen(base + "/api/limits", timeout=30) as r:
        body: dict[str, Any] = json.loads(r.read())
    return body


def wait_warm_up(base: str, limit_s: float) -> dict[str, Any]:
    """The warm-up's report once it is done (or as it stands after ``limit_s``)."""
    deadline = time.monotonic() + limit_s
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = limits(base)["warm_up"]
        if state["state"] in ("done", "off"):
            break
        time.sleep(1.0)
    return state


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    proc.wait(timeout=30)


def mix(base: str, exclude: list[str]) -> list[str]:
    with httpx.Client(base_url=base, timeout=60) as http:
        names = [q["name"] for q in http.get("/api/queries").json() if q["name"] not in exclude]
    paths = [f"/api/queries/{n}" for n in names]
    for name, values in OTHER_VALUES.items():
        paths += [f"/api/queries/{name}?" + urllib.parse.urlencode(v) for v in values]
    paths += ["/sparql?" + urllib.parse.urlencode({"query": q}) for q in ADHOC]
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--store", required=True)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument(
        "--exclude",
        nargs="*",
        default=["connections"],
        help="named queries left out (default: connections, whose default entity synthetic "
        "data does not hold: its refusal lists close matches among every entity, minutes at 1M)",
    )
    ap.add_argument(
        "--exclude-load",
        nargs="*",
        default=["post-holders-on-date"],
        help="named queries also left out of the load mix (default: post-holders-on-date, "
        "whose default parameter synthetic data does not hold: a correct 400, not a failure)",
    )
    ap.add_argument("--skip-queries", action="store_true", help="only the load runs")
    ap.add_argument("--keep-results", action="store_true", help="keep STORE/results/ (no cold run)")
    ap.add_argument(
        "--warm-up-limit", type=float, default=3600.0, help="longest wait for the warm-up (s)"
    )
    ap.add_argument(
        "--port",
        type=int,
        default=0,
        help="the servers' port (default: a free one); a cut result stored by a server at "
        "another address has its head.link rewritten once when first read",
    )
    ap.add_argument("--sgraph", default=str(Path(sys.executable).with_name("sgraph")))
    args = ap.parse_args()
    result: dict[str, Any] = {}
    port = args.port or free_port()
    if not args.keep_results:
        shutil.rmtree(Path(args.store) / "results", ignore_errors=True)
    t = time.monotonic()
    proc, base = start(args.sgraph, args.data, args.store, port=port)
    result["ready_cold_s"] = round(time.monotonic() - t, 2)
    try:
        if not args.skip_queries:
            result["named_queries_cold"] = per_query(base, args.exclude)
        result["warm_up"] = wait_warm_up(base, args.warm_up_limit)
        print(json.dumps(result["warm_up"]), file=sys.stderr, flush=True)
    finally:
        stop(proc)
    t = time.monotonic()
    proc, base = start(args.sgraph, args.data, args.store, port=port)
    result["ready_warm_s"] = round(time.monotonic() - t, 2)
    try:
        if not args.skip_queries:
            result["named_queries_warm"] = per_query(base, args.exclude)
        paths = mix(base, args.exclude + args.exclude_load)
        result["load_with_cache"] = load_run(base, paths, args.clients, args.seconds)
        print(json.dumps(result["load_with_cache"]), file=sys.stderr, flush=True)
        result["stored_results"] = limits(base)["result_cache"]["stored"]
    finally:
        stop(proc)
    off = ("--cache-bytes", "0", "--result-store-bytes", "0")
    proc, base = start(args.sgraph, args.data, args.store, *off, port=port)
    try:
        result["load_without_cache"] = load_run(base, paths, args.clients, args.seconds)
        print(json.dumps(result["load_without_cache"]), file=sys.stderr, flush=True)
    finally:
        stop(proc)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
