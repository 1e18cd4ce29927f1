"""sgraph as an installed tool: an sdist, a wheel built from it, installed in a fresh virtual
environment and run from an empty folder, far from any checkout.

Built once per session (about 5 s): the repository's files are copied into a temporary folder
(the links in src/sgraph/resources/ kept as links), an sdist is built from the copy with the
setuptools backend (the same PEP 517 hooks pip calls, without network access), and the wheel is
built from the unpacked sdist, as ``pip install sgraph.tar.gz`` would. The wheel is installed with
``--no-deps`` into a new venv; the dependencies come from this test environment's site-packages
through a ``.pth`` file added after the install, so nothing is downloaded and the venv's own
site-packages (the wheel) comes first. The whole module takes about 40 s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from paths import DATA_DIR, ONTOLOGY_DIR, QUERIES_DIR, ROOT
from servers import free_port, start_server, stop_server

#: What a source tree for the build holds (everything else in the checkout is left behind).
TREE = ("pyproject.toml", "README.md", "src", "data", "ontology", "queries")

BACKEND = """
import sys
from setuptools import build_meta
kind, out = sys.argv[1], sys.argv[2]
name = build_meta.build_sdist(out) if kind == "sdist" else build_meta.build_wheel(out)
print(name)
"""


def _backend(kind: str, tree: Path, out: Path) -> Path:
    done = subprocess.run(
        [sys.executable, "-c", BACKEND, kind, str(out)],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out / done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from an sdist built from a copy of the checkout."""
    work = tmp_path_factory.mktemp("wheel-build")
    tree = work / "tree"
    tree.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    for name in TREE:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, tree / name, symlinks=True, ignore=ignore)
        else:
            shutil.copy2(src, tree / name)
    sdist = _backend("sdist", tree, work)
    with tarfile.open(sdist) as tar:
        tar.extractall(work / "unpacked", filter="data")
    (unpacked,) = (work / "unpacked").iterdir()
    assert not (unpacked / "src" / "sgraph" / "resources" / "triples").is_symlink()
    return _backend("wheel", unpacked, work)


def test_wheel_holds_every_resource_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, inside in (
        (ONTOLOGY_DIR, "ontology"),
        (QUERIES_DIR, "queries"),
        (DATA_DIR, "triples"),
    ):
        files = [p for p in folder.rglob("*") if p.is_file()]
        assert files
        for f in files:
            assert f"sgraph/resources/{inside}/{f.relative_to(folder).as_posix()}" in names
    for asset in ("sigma-graphology.min.js", "draw.js", "app.js", "LICENSE-sigma-graphology.txt"):
        assert f"sgraph/assets/network/{asset}" in names
    assert not any(n.startswith(("tests/", "bench/", "docs/")) for n in names)
    print(f"\nwheel {wheel.name}: {wheel.stat().st_size / 1e6:.2f} MB, {len(names)} files")


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv with the wheel installed and this environment's packages reachable."""
    home = tmp_path_factory.mktemp("venv")
    env_dir = home / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True)
    python = env_dir / "bin" / "python"
    done = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q"),
            *("--no-index", "--disable-pip-version-check", str(wheel)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # After the install, so pip never saw (or touched) this environment's own sgraph.
    Path(site, "zz-test-env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    yield env_dir


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder


def _env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SGRAPH_")}
    env["XDG_CACHE_HOME"] = str(cache)
    env.pop("PYTHONPATH", None)
    return env


def _run(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin" / "sgraph"), *args],
        cwd=cwd,
        env=_env(cwd.parent / "cache"),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_installed_sgraph_is_the_wheel(venv: Path, empty: Path) -> None:
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sgraph; print(sgraph.__file__)"],
        cwd=empty,
        env=_env(empty.parent / "cache"),
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(done.stdout.strip()).is_relative_to(venv)


def test_build_from_an_empty_folder(venv: Path, empty: Path) -> None:
    done = _run(venv, empty, "build", "--out", "X")
    assert done.returncode == 0, done.stdout + done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith("Data: ") and "(the graph packaged with sgraph)" in first
    assert str(venv) in first  # the packaged graph of the installed wheel
    for name in ("graph.ttl", "shapes.ttl", "ontology.ttl", "void.ttl", "network.html"):
        assert (empty / "X" / name).stat().st_size > 0, name
    assert sorted(p.name for p in empty.iterdir()) == ["X"]  # nothing else written here


def test_queries_and_query_from_an_empty_folder(venv: Path, empty: Path) -> None:
    listed = _run(venv, empty, "queries", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    library = {q["name"]: q for q in json.loads(listed.stdout)}
    assert set(library) == {p.stem for p in QUERIES_DIR.glob("*.rq")}
    assert all(Path(q["file"]).is_relative_to(venv) for q in library.values())
    rows = _run(venv, empty, "query", "publications", "--format", "csv")
    assert rows.returncode == 0, rows.stderr
    lines = rows.stdout.splitlines()
    assert lines[0].startswith("publication,title")
    assert len(lines) > 10
    assert any("Annual review of LCSPRs and rapid reviews" in line for line in lines)


def test_network_from_an_empty_folder(venv: Path, empty: Path) -> None:
    done = _run(venv, empty, "network", "--out", "n.html")
    assert done.returncode == 0, done.stderr
    page = (empty / "n.html").read_text(encoding="utf-8")
    assert "Annie Hudson" in page and "drawNetwork" in page


def test_serve_from_an_empty_folder(venv: Path, empty: Path) -> None:
    port = free_port()
    proc = start_server(
        port,
        "--workers",
        "1",
        command=[str(venv / "bin" / "sgraph")],
        cwd=empty,
        env=_env(empty.parent / "cache"),
    )
    try:
        query = "SELECT (COUNT(*) AS ?n) WHERE { ?p a sg:Publication }"
        url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": query})
        request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=30) as r:
            body = json.loads(r.read())
        assert int(body["results"]["bindings"][0]["n"]["value"]) > 10
    finally:
        stop_server(proc)
