"""`sgraph serve` with its DEFAULT limits at a given size: each named query's first page and
complete result, then a mixed load of many clients with the result cache and without.

    python bench/serve_bench.py --data /tmp/synth-1m --store /tmp/store-1m --clients 32 --seconds 60

Build the store first (any ``sgraph query --data ... --store ...``). For each named query with
its default parameters: the time of ``GET /api/queries/NAME`` (the first page: at most
``--max-rows`` rows, with the total) and of the same query over ``/sparql`` (the complete
result, as a protocol client gets it, within ``--timeout``). Then ``bench/load.py``'s clients,
each looping over a mix of named queries (defaults and other parameter values) and ad-hoc
queries, once against a server with the result cache (default 64 MiB) and once with
``--cache-bytes 0``. Prints JSON; only loopback servers.
"""

from __future__ import annotations

import argparse
import json
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


def start(sgraph: str, data: str, store: str, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
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
    ap.add_argument("--skip-queries", action="store_true", help="only the load runs")
    ap.add_argument("--sgraph", default=str(Path(sys.executable).with_name("sgraph")))
    args = ap.parse_args()
    result: dict[str, Any] = {}
    proc, base = start(args.sgraph, args.data, args.store)
    try:
        if not args.skip_queries:
            result["named_queries"] = per_query(base, args.exclude)
        paths = mix(base, args.exclude)
        result["load_with_cache"] = load_run(base, paths, args.clients, args.seconds)
        print(json.dumps(result["load_with_cache"]), file=sys.stderr, flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    proc, base = start(args.sgraph, args.data, args.store, "--cache-bytes", "0")
    try:
        result["load_without_cache"] = load_run(base, paths, args.clients, args.seconds)
        print(json.dumps(result["load_without_cache"]), file=sys.stderr, flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
