"""Take the README's screenshots of the query page and the browse pages (1280x720, Chromium).

    .venv/bin/python docs/screenshots/take.py

Starts ``sgraph serve`` on the working folder's graph (a free port on 127.0.0.1), opens each
page in headless Chromium (Debian's, as the tests do) and writes ``docs/screenshots/*.png``.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "tests"))

from browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from servers import running_server  # noqa: E402

SHOTS = {
    # name: (path, what to wait for, what to scroll to)
    "query-graph.png": ("/sparql?_named=citation-network", "document.body.dataset.graph", "#views"),
    "browse.png": ("/id/publication/?year=2021", "true", None),
}


def main() -> None:
    from playwright.sync_api import sync_playwright

    with running_server("--workers", "1") as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        for name, (path, ready, scroll) in SHOTS.items():
            page.goto(base + path)
            for _ in range(300):
                if page.evaluate(f"Boolean({ready})"):
                    break
                page.wait_for_timeout(50)
            page.wait_for_timeout(600)  # let the graph settle on its first frame
            if scroll:
                page.evaluate(f"document.querySelector({scroll!r}).scrollIntoView()")
                page.evaluate("window.scrollBy(0, -70)")
            page.screenshot(path=str(HERE / name))
            print(f"wrote {HERE / name}")
        browser.close()


if __name__ == "__main__":
    main()
