"""How tests (conftest's ``browser`` fixture) and bench/page.py launch headless Chromium."""

from __future__ import annotations

import os

#: Debian's chromium (installed by .ci/run); SGRAPH_CHROMIUM points elsewhere.
CHROMIUM = os.environ.get("SGRAPH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
