"""The query page in headless Chromium: its weight, and the time to the first result.

    .venv/bin/python bench/query_page.py [--runs 7]

Starts ``sgraph serve`` on the working folder's graph and, in headless Chromium (Debian's, every
request outside the server refused), opens permalinks of the query page fresh --runs times each.
Reports the page's weight (the HTML with every script and style inlined; raw and gzipped) and the
median time from navigation start to the first result drawn (the page sets
``document.body.dataset.ran`` once the rows are on screen), for a named query in the table view,
a query text, and the graph view (until the graph is drawn). The first load of each URL warms the
server's catalogue and projection and is not counted.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser import CHROMIUM, CHROMIUM_ARGS
from servers import running_server

CASES = {
    "named query, table": ("/sparql?_named=publications", "document.body.dataset.ran === '1'"),
    "query text, table": (
        "/sparql?query=SELECT%20%3Fp%20%3Ft%20WHERE%20%7B%20%3Fp%20dcterms%3Atitle%20%3Ft%20%7D",
        "document.body.dataset.ran === '1'",
    ),
    "named query, graph": (
        "/sparql?_named=citation-network",
        "document.body.dataset.graph === 'drawn'",
    ),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with running_server("--workers", "1") as base, sync_playwright() as pw:
        html = httpx.get(base + "/sparql", headers={"Accept": "text/html"}).content
        print(
            f"page weight: {len(html) / 1024:.0f} KiB ({len(gzip.compress(html)) / 1024:.0f} KiB gzipped)"
        )
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for name, (path, done) in CASES.items():
            times = []
            for run in range(args.runs + 1):
                context = browser.new_context(viewport={"width": 1280, "height": 720})
                context.route(
                    "**/*",
                    lambda r: r.continue_() if r.request.url.startswith(base) else r.abort(),
                )
                page = context.new_page()
                page.goto(base + path)
                deadline = time.monotonic() + 60
                while not page.evaluate(done):
                    if time.monotonic() > deadline:
                        raise SystemExit(f"{name}: no result within 60 s")
                    page.wait_for_timeout(5)
                ms = page.evaluate("performance.now()")
                if run:
                    times.append(ms)
                context.close()
            print(
                f"{name}: first result after {statistics.median(times):.0f} ms (median of {len(times)}; "
                f"min {min(times):.0f}, max {max(times):.0f})"
            )
        browser.close()


if __name__ == "__main__":
    main()
