"""``sgraph build`` in its own process, step by step: wall time and peak memory of each step.

    python bench/build_steps.py --data /tmp/synth-1m [--out DIR] [--json FILE]

The build prints each step's start and end on stderr (``sgraph.build.Steps``); this script reads
those lines as they come, samples the summed PSS of the build's process tree every 0.2 s
(bench/memory.py) and gives each step its wall time and the peak summed PSS seen during it.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from memory import Sampler  # noqa: E402

VENV_BIN = Path(sys.executable).parent
_END = re.compile(
    r"^  (.+): ([0-9.]+) s(?: \(([0-9.]+) s CPU\))?(?:, peak ([0-9,]+) MiB resident)?$"
)


def run_build(data: Path, out_dir: Path, log: Path | None = None) -> dict[str, Any]:
    """Run ``sgraph build --data DATA --out OUT``; per-step seconds and peak summed PSS."""
    cmd = [str(VENV_BIN / "python"), "-m", "sgraph", "build", "--data", str(data)]
    cmd += ["--out", str(out_dir)]
    steps: list[dict[str, Any]] = []
    lines: list[str] = []
    begun = 0.0
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    with Sampler(proc.pid) as mem:
        for line in proc.stderr:
            now = time.perf_counter() - mem.start
            line = line.rstrip("\n")
            lines.append(line)
            print(f"[{now:7.1f} s] {line}", file=sys.stderr, flush=True)
            if line.endswith(" ..."):
                begun = now
                continue
            m = _END.match(line)
            if m:
                steps.append(
                    {
                        "step": m.group(1),
                        "seconds": float(m.group(2)),
                        "cpu_s": float(m.group(3)) if m.group(3) else None,
                        "peak_rss_mib": float(m.group(4).replace(",", "")) if m.group(4) else None,
                        "peak_pss_sum_mib": mem.peak_pss_mib(begun, now),
                    }
                )
        proc.wait()
    wall = time.perf_counter() - t0
    if log is not None:
        log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if proc.returncode != 0:
        return {"error": f"exit {proc.returncode}: " + "\n".join(lines[-5:])}
    files = [f for f in out_dir.rglob("*") if f.is_file()]
    return {
        "wall_s": round(wall, 1),
        "peak_pss_sum_mib": mem.peak_pss_mib(),
        "peak_rss_mib": mem.peak_rss_mib(),
        "files": len(files),
        "bytes": sum(f.stat().st_size for f in files),
        "steps": steps,
    }


def table(result: dict[str, Any]) -> str:
    def num(x: float | None, fmt: str = ",.0f") -> str:
        return "-" if x is None else format(x, fmt)

    rows = [
        "| step | wall s | CPU s (build process) | peak summed PSS MiB | peak RSS MiB (build) |",
        "|---|---|---|---|---|",
    ]
    for s in result.get("steps", []):
        rows.append(
            f"| {s['step']} | {s['seconds']:.1f} | {num(s.get('cpu_s'), '.1f')} "
            f"| {num(s['peak_pss_sum_mib'])} | {num(s['peak_rss_mib'])} |"
        )
    rows.append(
        f"| **whole build** | **{result['wall_s']:.1f}** | | "
        f"**{num(result['peak_pss_sum_mib'])}** | {num(result['peak_rss_mib'])} |"
    )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog="Example: python bench/build_steps.py --data /tmp/synth-1m --json /tmp/b.json",
    )
    ap.add_argument("--data", type=Path, required=True, help="data folder (e.g. sgraph synth's)")
    ap.add_argument("--out", type=Path, default=None, help="build output (default: a temp dir)")
    ap.add_argument("--json", type=Path, default=None, help="write the result as JSON here")
    ap.add_argument("--log", type=Path, default=None, help="write the build's stderr here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sgraph-build-steps.") as tmp:
        out = args.out or Path(tmp) / "dist"
        result = run_build(args.data, out, args.log)
    if "error" in result:
        print(result["error"], file=sys.stderr)
        return 1
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
