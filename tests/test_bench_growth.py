"""Smoke run of bench/growth.py at tiny sizes, so the benchmark cannot rot (not a timed test:
the numbers are not checked, only that each is measured, tabled and plotted)."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_growth_bench_measures_tables_and_plots(tmp_path: Path) -> None:
    out, plot = tmp_path / "growth.json", tmp_path / "growth.svg"
    cmd = [sys.executable, str(ROOT / "bench" / "growth.py"), "1k", "2k", "--runs", "1"]
    cmd += ["--cache", str(tmp_path / "data"), "--out", str(out), "--svg", str(plot)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(out.read_text())
    assert list(result["sizes"]) == ["1k", "2k"]
    for size in result["sizes"].values():
        build = size["build"]
        assert build["wall_s"] > 0 and build["files"] > 10
        assert build["peak_pss_sum_mib"] and build["peak_pss_sum_mib"] > 10
        steps = [s["step"] for s in build["steps"]]
        assert any("SHACL" in s for s in steps) and any("dumps" in s for s in steps)
        assert all(s["peak_pss_sum_mib"] for s in build["steps"] if s["seconds"] > 1)
        timed = [q for q in size["queries"]["queries"].values() if "ms" in q]
        assert len(timed) >= 10 and size["queries"]["median_ms"] > 0
    table = proc.stdout
    assert "| quantity | 1k | 2k | slope k" in table
    assert "| build: wall s |" in table and "| named queries: median ms |" in table
    svg = ET.parse(plot).getroot()
    assert svg.tag.endswith("svg")
    assert len(svg.findall(".//{http://www.w3.org/2000/svg}polyline")) >= 3
