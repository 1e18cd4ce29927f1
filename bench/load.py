"""Endpoint under load: N concurrent clients for a fixed time against a server on 127.0.0.1.

    python bench/load.py --url http://127.0.0.1:8000 --clients 32 --seconds 60

Each client loops over the named queries (``GET /api/queries/NAME``) until time is up, then
stops by itself. Only loopback addresses are accepted. Prints JSON: requests, failures, p50/p99.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from typing import Any
from urllib.parse import urlparse

import httpx

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def run(
    url: str, paths: list[str], clients: int = 32, seconds: float = 60.0, timeout: float = 120.0
) -> dict[str, Any]:
    host = urlparse(url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"refusing to load-test {url}: only 127.0.0.1 / localhost")
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        mine: list[float] = []
        bad: list[str] = []
        with httpx.Client(
            base_url=url, timeout=timeout, headers={"Accept": "application/json"}
        ) as http:
            i = n
            while time.monotonic() < deadline:
                path = paths[i % len(paths)]
                i += 1
                t = time.perf_counter()
                try:
                    r = http.get(path)
                    ok = r.status_code == 200
                    if not ok:
                        bad.append(f"{path}: HTTP {r.status_code}")
                except httpx.HTTPError as exc:
                    ok = False
                    bad.append(f"{path}: {type(exc).__name__}")
                if ok:
                    mine.append(time.perf_counter() - t)
        with lock:
            latencies.extend(mine)
            failures.extend(bad)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    started = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - started
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(latencies) + len(failures),
        "failed": len(failures),
        "failures_sample": sorted(set(failures))[:10],
        "throughput_rps": round((len(latencies) + len(failures)) / elapsed, 1),
        "p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(1000 * percentile(latencies, 0.99), 1) if latencies else None,
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--url", default="http://127.0.0.1:8000")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument(
        "--path", action="append", help="request path (repeatable); default: every named query"
    )
    args = ap.parse_args()
    paths = args.path
    if not paths:
        from sgraph.queries import load_library

        paths = [f"/api/queries/{name}" for name in load_library()]
    print(json.dumps(run(args.url, paths, args.clients, args.seconds), indent=2))


if __name__ == "__main__":
    main()
