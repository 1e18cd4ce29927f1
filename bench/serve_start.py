"""`sgraph serve` start-up and memory: time until ready, and resident memory with N workers.

    python bench/serve_start.py --data /tmp/synth-1m --store /tmp/store-1m --workers 1 2 4

For each worker count: start ``sgraph serve`` on a free loopback port against an already built
persistent store (build it first, e.g. with one ``sgraph serve`` or ``sgraph query`` run), time
until ``/api/limits`` answers, run every named query once (so the workers have touched the
data), then sum RSS and PSS over the server and all its children from ``/proc``. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    out = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():  # children of every thread
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            out += tree(int(child))
    return out


def memory_kib(pids: list[int]) -> dict[str, int]:
    total = {"rss": 0, "pss": 0}
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss"):
                total[key.lower()] += int(rest.split()[0])
    return total


def measure(
    sgraph: list[str], data: str, store: str, workers: int, only: list[str] | None = None
) -> dict[str, Any]:
    """One start of ``sgraph serve`` with ``workers`` workers: ready time, memory, query times."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    proc = subprocess.Popen(
        [
            *sgraph,
            *("serve", "--data", data, "--store", store, "--port", str(port)),
            *("--workers", str(workers), "--timeout", "120", "--max-rows", "1000000"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            if proc.poll() is not None:
                failed = {
                    "workers": workers,
                    "failed": f"sgraph serve exited with {proc.returncode}",
                }
                failed["after_s"] = round(time.monotonic() - started, 1)
                return failed
            try:
                with urllib.request.urlopen(base + "/api/limits", timeout=2):
                    break
            except OSError:
                time.sleep(0.05)
        ready_s = time.monotonic() - started
        print(f"{workers} workers: ready after {ready_s:.1f} s", file=sys.stderr)
        idle = memory_kib(tree(proc.pid))
        with urllib.request.urlopen(base + "/api/queries", timeout=30) as r:
            names = [q["name"] for q in json.load(r) if not only or q["name"] in only]
        timings = {}
        for name in names:
            t0 = time.monotonic()
            try:
                with urllib.request.urlopen(f"{base}/api/queries/{name}", timeout=300) as r:
                    r.read()
                timings[name] = round(time.monotonic() - t0, 3)
            except OSError as exc:
                timings[name] = f"failed: {exc}"
        busy = memory_kib(tree(proc.pid))
        return {
            "workers": workers,
            "ready_s": round(ready_s, 2),
            "idle_mib": {k: v // 1024 for k, v in idle.items()},
            "after_queries_mib": {k: v // 1024 for k, v in busy.items()},
            "query_s": timings,
        }
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--store", required=True)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--queries", nargs="*", help="named queries to run (default: all)")
    ap.add_argument("--sgraph", default=str(Path(sys.executable).with_name("sgraph")))
    args = ap.parse_args()
    env_note = os.environ.get("PYTHONPATH", "")
    runs = []
    for w in args.workers:
        runs.append(measure([args.sgraph], args.data, args.store, w, args.queries))
        print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    print(json.dumps({"pythonpath": env_note, "runs": runs}, indent=2))


if __name__ == "__main__":
    main()
