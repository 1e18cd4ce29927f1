"""Wall time of ``sgraph --help`` (and other CLI lines) against a bare Python start-up.

Each command runs N times in a fresh process (after one untimed warm-up run each); the runs
are interleaved round-robin, so a burst of load on a shared machine hits every command alike.
The table shows the median, the fastest and the slowest run, and the median as a multiple of
the median of ``python -c pass`` (the baseline: what no Python program can start below); and
the median CPU time (user + system) of the child, which other load on the machine disturbs less.

``--other-src DIR`` also times ``sgraph --help`` from another source tree (its ``src`` folder
put first on PYTHONPATH), e.g. an older commit unpacked with ``git archive``, for a before/after
comparison under the same load.

Example:
  .venv/bin/python bench/cli_startup.py
  .venv/bin/python bench/cli_startup.py --runs 21 --also "query --help" --also "network --help"
  mkdir /tmp/old && git archive HEAD~1 | tar -x -C /tmp/old
  .venv/bin/python bench/cli_startup.py --other-src /tmp/old/src --json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

Command = tuple[list[str], dict[str, str] | None]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Seconds of wall time and of CPU time of one run of ``argv`` (stdout discarded; a failure
    stops the bench)."""
    cpu = _children_cpu()
    t = time.perf_counter()
    proc = subprocess.run(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False
    )
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(
            f"{shlex.join(argv)} exited {proc.returncode}: {proc.stderr.decode(errors='replace')}"
        )
    return elapsed, _children_cpu() - cpu


def time_interleaved(
    commands: list[Command], runs: int, warmup: int = 1
) -> list[list[tuple[float, float]]]:
    """``runs`` (wall, cpu) timings of each command, round-robin after ``warmup`` untimed rounds."""
    times: list[list[tuple[float, float]]] = [[] for _ in commands]
    for i in range(warmup + runs):
        for j, (argv, env) in enumerate(commands):
            measured = run_once(argv, env)
            if i >= warmup:
                times[j].append(measured)
    return times


def _default_sgraph(python: Path) -> Path:
    return python.parent / "sgraph"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Median wall time of `sgraph --help` (and other sgraph lines) over N runs, "
        "with the ratio to a bare `python -c pass`.",
        epilog="Example: .venv/bin/python bench/cli_startup.py --runs 11 --also 'query --help'",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--runs", type=int, default=11, help="timed runs per command (default 11)")
    parser.add_argument(
        "--python",
        type=Path,
        default=Path(sys.executable),
        help="interpreter of the baseline (default: this one)",
    )
    parser.add_argument(
        "--sgraph", type=Path, default=None, help="the sgraph script (default: next to --python)"
    )
    parser.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="ARGS",
        help="more sgraph arguments to time, e.g. 'query --help' (repeatable)",
    )
    parser.add_argument(
        "--other-src",
        type=Path,
        default=None,
        metavar="DIR",
        help="also time `sgraph --help` with DIR (another tree's src/) first on PYTHONPATH",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    python = args.python
    sgraph = args.sgraph or _default_sgraph(python)
    rows: list[tuple[str, Command]] = [
        ("python -c pass", ([str(python), "-c", "pass"], None)),
        ("python -c 'import click'", ([str(python), "-c", "import click"], None)),
        ("sgraph --help", ([str(sgraph), "--help"], None)),
    ]
    if args.other_src is not None:
        src = args.other_src.resolve()
        if not (src / "sgraph" / "cli").is_dir():
            parser.error(f"--other-src {src}: no sgraph/cli package in it")
        env = dict(os.environ, PYTHONPATH=str(src))
        rows.append((f"sgraph --help [{src}]", ([str(sgraph), "--help"], env)))
    rows += [(f"sgraph {extra}", ([str(sgraph), *shlex.split(extra)], None)) for extra in args.also]

    timings = time_interleaved([cmd for _, cmd in rows], args.runs)
    results: list[dict[str, object]] = []
    baseline = statistics.median(wall for wall, _cpu in timings[0])
    for (label, _cmd), measured in zip(rows, timings, strict=True):
        times = [wall for wall, _cpu in measured]
        median = statistics.median(times)
        results.append(
            {
                "command": label,
                "runs": len(times),
                "median_s": round(median, 4),
                "min_s": round(min(times), 4),
                "max_s": round(max(times), 4),
                "ratio_to_bare_python": round(median / baseline, 2) if baseline else None,
                "median_cpu_s": round(statistics.median(cpu for _wall, cpu in measured), 4),
            }
        )

    if args.json:
        print(json.dumps(results, indent=2))
        return
    width = max(len(str(r["command"])) for r in results)
    print(
        f"{'command'.ljust(width)}  runs  median s   min s    max s   x bare python  median cpu s"
    )
    for r in results:
        print(
            f"{str(r['command']).ljust(width)}  {r['runs']:>4}  {r['median_s']:>8.3f} "
            f"{r['min_s']:>7.3f}  {r['max_s']:>7.3f}  {r['ratio_to_bare_python']:>13}"
            f"  {r['median_cpu_s']:>12.3f}"
        )


if __name__ == "__main__":
    main()
