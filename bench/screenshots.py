"""The README's screenshots of the network page, taken as a person first meets it.

    .venv/bin/python bench/screenshots.py [--out docs/screenshots]

Builds the curated graph's page (``publish_page``, as ``sgraph build`` writes it) and takes, in
headless Chromium at 1280x720 (Debian's, via Playwright; nothing fetched):

* ``network.png``: the first view, as the page opens;
* ``network-selected.png``: after choosing the most connected person from the search box: the
  view fitted to them and their links, the side panel open.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))  # browser.py: how the tests launch Chromium

from browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from sgraph.config import Settings  # noqa: E402
from sgraph.network.page import publish_page  # noqa: E402
from sgraph.store import GraphStore  # noqa: E402

READY = """
(() => { let ready = false, resolve; window.__ready = new Promise(r => { resolve = r; });
  Object.defineProperty(window, "sgraphReady", { configurable: true, get: () => ready,
    set: v => { ready = v; if (v === true) resolve(true); } }); })();
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        [page_path] = publish_page(GraphStore.load(Settings()), Path(tmp))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            context = browser.new_context(viewport={"width": 1280, "height": 720})
            context.route(
                "**/*",
                lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort(),
            )
            page = context.new_page()
            page.add_init_script(READY)
            page.goto(page_path.as_uri())
            page.evaluate("window.__ready")
            page.wait_for_timeout(300)
            page.screenshot(path=str(args.out / "network.png"))
            person = page.evaluate(
                """sgraph.data.nodes.filter(n => n.group === "Person")
                     .sort((a, b) => (b.degree || 0) - (a.degree || 0) || (a.id < b.id ? -1 : 1))[0].label"""
            )
            page.fill("#search", person)
            page.locator("#search-results button").first.click()
            page.wait_for_timeout(500)
            page.evaluate("network.redraw()")
            page.screenshot(path=str(args.out / "network-selected.png"))
            browser.close()
    for name in ("network.png", "network-selected.png"):
        print(args.out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
