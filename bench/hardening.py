"""`sgraph serve` under query bombs: memory, a trivial query's latency, and time-limit overrun.

    nice -n 10 python bench/hardening.py --triples 2500 --seconds 30 --out bench/results/hardening.json
    nice -n 10 python bench/hardening.py --sgraph /path/to/other/.venv/bin/sgraph   # another build

Writes a synthetic graph of ``--triples`` distinct triples, starts ``sgraph serve`` on it on
127.0.0.1 (``--timeout 5``, the default 2 workers, ``--serve-arg`` adds options), and for
``--seconds`` runs ``--clients`` threads that send an ORDER BY cross product again and again
(``--bomb``), while ``ASK {}`` is sent every 0.5 s and the resident memory (VmRSS) of the server
and each of its workers is sampled every 0.2 s from /proc. Prints and writes JSON: peak total and
per-process RSS, the ASK answers (200s, 503s, p50, max) and the bombs' latency against the limit.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from servers import free_port, sgraph_command, start_server, stop_server  # noqa: E402

BOMB = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            out += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return out


def post(url: str, query: str) -> tuple[float, int, str]:
    req = urllib.request.Request(
        url + "/sparql",
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/json"},
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            r.read()
            return time.monotonic() - started, r.status, ""
    except urllib.error.HTTPError as e:
        body = e.read()
        try:
            error = str(json.loads(body).get("error", ""))
        except ValueError:
            error = body[:80].decode("utf-8", "replace")
        return time.monotonic() - started, e.code, error
    except OSError as e:
        return time.monotonic() - started, 0, type(e).__name__


def write_graph(folder: Path, triples: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "synthetic.ttl").open("w", encoding="utf-8") as f:
        for i in range(triples):
            f.write(f'<http://example.org/e/{i}> <http://example.org/p/{i % 10}> "v{i}" .\n')
    return folder


def run(args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="sgraph-hardening-"))
    data = write_graph(tmp / "triples", args.triples)
    port = free_port()
    command = [args.sgraph] if args.sgraph else sgraph_command()
    proc = start_server(
        port,
        *("--data", str(data), "--no-store", "--timeout", str(args.timeout)),
        *args.serve_arg,
        command=command,
    )
    url = f"http://127.0.0.1:{port}"
    stop = time.monotonic() + args.seconds
    bombs: list[tuple[float, int, str]] = []
    asks: list[tuple[float, int, str]] = []
    peak_total = peak_one = 0.0

    def bomber() -> None:
        while time.monotonic() < stop:
            bombs.append(post(url, args.bomb))

    def sampler() -> None:
        nonlocal peak_total, peak_one
        while time.monotonic() < stop:
            sizes = [rss_mb(proc.pid)] + [rss_mb(c) for c in children(proc.pid)]
            peak_total = max(peak_total, sum(sizes))
            peak_one = max(peak_one, *sizes)
            time.sleep(0.2)

    try:
        threads = [threading.Thread(target=bomber) for _ in range(args.clients)]
        threads.append(threading.Thread(target=sampler))
        for t in threads:
            t.start()
        time.sleep(1.0)
        while time.monotonic() < stop - 0.5:
            asks.append(post(url, "ASK {}"))
            time.sleep(0.5)
        for t in threads:
            t.join()
    finally:
        stop_server(proc)
    ask_times = [t for t, status, _ in asks if status == 200]
    return {
        "sgraph": " ".join(command),
        "triples": args.triples,
        "clients": args.clients,
        "seconds": args.seconds,
        "timeout_s": args.timeout,
        "serve_args": args.serve_arg,
        "rss_peak_total_mb": round(peak_total),
        "rss_peak_one_process_mb": round(peak_one),
        "ask": {
            "sent": len(asks),
            "ok": len(ask_times),
            "not_ok": sorted({f"{s} {e}" for _, s, e in asks if s != 200}),
            "p50_s": round(statistics.median([t for t, _, _ in asks]), 3) if asks else None,
            "max_s": round(max(t for t, _, _ in asks), 3) if asks else None,
            "within_1s": sum(1 for t, s, _ in asks if s == 200 and t <= 1.0),
        },
        "bombs": {
            "answered": len(bombs),
            "answers": sorted({f"{s} {e}" for _, s, e in bombs}),
            "max_s": round(max(t for t, _, _ in bombs), 3) if bombs else None,
            "over_limit_plus_10pc": sum(1 for t, _, _ in bombs if t > 1.1 * args.timeout),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=2500)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--timeout", type=float, default=5.0, help="--timeout of sgraph serve")
    parser.add_argument("--bomb", default=BOMB, help="the query every client sends")
    parser.add_argument("--sgraph", default=None, help="the sgraph executable to serve with")
    parser.add_argument("--serve-arg", action="append", default=[], help="an extra serve option")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    result = run(args)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
