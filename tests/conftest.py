"""Shared fixtures: the curated graph loaded once, a built dist/ folder, free ports, a browser."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser import CHROMIUM, CHROMIUM_ARGS
from paths import ROOT
from servers import free_port
from sgraph.build import BuildResult, build
from sgraph.config import Settings
from sgraph.sources import SourceFile, read_sources
from sgraph.store import GraphStore


@pytest.fixture(scope="session", autouse=True)
def private_store_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Persistent stores made by commands under test go to a temporary cache, not ~/.cache."""
    cache = tmp_path_factory.mktemp("cache")
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(cache)
    yield cache
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def curated_sources(settings: Settings) -> list[SourceFile]:
    """The curated data files parsed on their own (``GraphStore.load`` keeps their triples only in
    the store): a reference independent of loading and materialisation."""
    return read_sources([settings.data_dir], settings.base)


@pytest.fixture(scope="session")
def graph_store(settings: Settings) -> GraphStore:
    """The curated data, loaded and materialised once per test session."""
    return GraphStore.load(settings)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> BuildResult:
    """One full `sgraph build` of the curated data into a temporary dist/ folder."""
    out = tmp_path_factory.mktemp("dist") / "dist"
    return build(settings, out)


@pytest.fixture(scope="session")
def dist_dir(built: BuildResult) -> Path:
    return built.out_dir


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (no browser download)."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium package (see .ci/run)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()
