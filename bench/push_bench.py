"""What ``sgraph push`` costs beyond the loaded graph: time and peak memory of the upload.

    .venv/bin/sgraph synth --triples 1m --out /tmp/synth-1m
    nice -n 10 .venv/bin/python bench/push_bench.py --data /tmp/synth-1m

Loads the graph, resets the process's peak memory (``/proc/self/clear_refs``, Linux), then
pushes to an Oxigraph server (in memory, started here on 127.0.0.1) and reports the seconds and
the peak resident memory above the loaded graph. ``--payload`` measures instead what the
upload used to hold before sending (every triple sorted in a list, then one N-Triples string and
its bytes), without sending it. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _status(key: str) -> int:
    """A ``VmRSS`` / ``VmHWM`` line of /proc/self/status, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(key)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--payload", action="store_true", help="measure the old in-memory payload")
    args = parser.parse_args()

    from sgraph.config import Settings
    from sgraph.push import push
    from sgraph.serialize import to_ntriples
    from sgraph.store import GraphStore

    t0 = time.perf_counter()
    gs = GraphStore.load(Settings.resolve(args.data))
    load_s = time.perf_counter() - t0
    triples = len(gs)
    Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from here
    base = _status("VmRSS")
    out: dict[str, object] = {"triples": triples, "load_s": round(load_s, 1)}
    t0 = time.perf_counter()
    if args.payload:
        payload = to_ntriples(gs.triples()).encode("utf-8")
        out["mode"] = "payload in memory (before)"
        out["bytes"] = len(payload)
    else:
        exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
        port = _free_port()
        server = subprocess.Popen(
            [exe, "serve", "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D")
                    break
                except OSError:
                    time.sleep(0.1)
            t0 = time.perf_counter()
            result = push(gs, f"http://127.0.0.1:{port}/store")
        finally:
            server.terminate()
            server.wait()
        out["mode"] = "streamed push (after)"
        out["bytes"] = result.bytes
    out["seconds"] = round(time.perf_counter() - t0, 1)
    out["peak_above_loaded_graph_mb"] = round((_status("VmHWM") - base) / 2**20, 1)
    out["loaded_graph_rss_mb"] = round(base / 2**20, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
