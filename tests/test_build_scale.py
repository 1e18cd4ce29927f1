"""The build at scale: the on-disk store gives the same bytes as the in-memory one, files are
loaded one at a time with the same record of literals as written, and each step is timed.

Not timed tests: bench/build_steps.py and bench/growth.py measure (docs/benchmarks.md)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from sgraph.build import build, store_on_disk
from sgraph.config import Settings
from sgraph.errors import DataSyntaxError, InputError
from sgraph.literals import WrittenLiterals, WrittenRecorder
from sgraph.sources import read_sources
from sgraph.store import GraphStore

ROOT = Path(__file__).resolve().parent.parent


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_disk_store_build_gives_the_same_bytes(built, settings: Settings, tmp_path: Path) -> None:
    """`--store-on-disk` publishes exactly the files of the in-memory build, and leaves no
    temporary store behind."""
    out = tmp_path / "dist"
    result = build(settings, out, store="disk")
    assert _digest(out) == _digest(built.out_dir)
    assert result.triples == built.triples and result.class_counts == built.class_counts
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_every_step_is_timed(built) -> None:
    names = [s.name for s in built.steps]
    assert names[0].startswith("Loading") and any("SHACL" in n for n in names)
    assert any(n.startswith("Publishing") for n in names)
    assert all(s.seconds >= 0 and s.cpu_seconds >= 0 for s in built.steps)
    if sys.platform == "linux":
        assert all(s.peak_rss_mib and s.peak_rss_mib > 10 for s in built.steps)


def test_cli_prints_each_step_with_its_time(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "panel.ttl").write_text(
        "@prefix sg: <https://w3id.org/sgraph/ontology#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n"
        '<https://example.org/s> a sg:Source ; dcterms:title "A page" .\n'
        "<https://w3id.org/sgraph/id/organisation/p> a sg:Panel ;\n"
        '    dcterms:source <https://example.org/s> ; foaf:name "P" .\n',
        encoding="utf-8",
    )
    env = {**os.environ, "SGRAPH_BUILD_STORE": "disk"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sgraph",
            "build",
            "--data",
            str(data),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "on disk in" in proc.stderr
    assert "  Validating with SHACL: " in proc.stderr and " s CPU)" in proc.stderr


def test_store_mode_is_chosen_by_option_environment_and_size(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SGRAPH_BUILD_STORE", raising=False)
    assert not store_on_disk(settings, None)  # the curated data is far below the threshold
    assert store_on_disk(settings, None, "disk")
    monkeypatch.setenv("SGRAPH_BUILD_STORE", "disk")
    assert store_on_disk(settings, None)
    assert not store_on_disk(settings, None, "memory")  # the explicit choice wins
    monkeypatch.setenv("SGRAPH_BUILD_STORE", "ram")
    with pytest.raises(InputError, match="unknown build store 'ram'"):
        store_on_disk(settings, None)


FILE_A = """\
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:n "01"^^xsd:integer , "1"^^xsd:integer ; ex:m "02"^^xsd:integer .
ex:b ex:n "1"^^xsd:integer ; ex:d "2020-1-1"^^xsd:string .
"""
FILE_B = """\
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:c ex:m "2"^^xsd:integer ; ex:n "001"^^xsd:integer .
ex:a ex:m "2"^^xsd:integer .
"""


def test_recorder_gives_the_record_of_all_files_at_once(tmp_path: Path) -> None:
    """File by file (``WrittenRecorder``, what the loader uses) gives the same record of
    literals as written as ``WrittenLiterals.of`` over every file at once, including a
    statement written both ways in one file and a stored form written in another file."""
    (tmp_path / "a.ttl").write_text(FILE_A, encoding="utf-8")
    (tmp_path / "b.ttl").write_text(FILE_B, encoding="utf-8")
    sources = read_sources([tmp_path])
    expected = WrittenLiterals.of((s.graph, s.triples) for s in sources)
    assert expected.quads and expected.as_is  # the case is not trivial
    store = ox.Store()
    recorder = WrittenRecorder()
    for s in sources:
        recorder.add(s.graph, s.triples)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, s.graph) for t in s.triples)
    got = recorder.finish(store, [s.graph for s in sources])
    assert got.quads == expected.quads
    assert got.stored == expected.stored
    assert got.as_is == expected.as_is


def test_ill_typed_literals_of_every_file_are_reported(tmp_path: Path) -> None:
    """Files are loaded one at a time; a bad literal in one still lets the others be checked,
    and the error names each file and line."""
    for name, day in (("a.ttl", "2021-14-05"), ("b.ttl", "2021-02-30")):
        (tmp_path / name).write_text(
            "@prefix ex: <https://example.org/> .\n"
            "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
            f'ex:x ex:d "{day}"^^xsd:date .\n',
            encoding="utf-8",
        )
    with pytest.raises(DataSyntaxError) as err:
        GraphStore.load(Settings(), [tmp_path])
    text = str(err.value)
    assert "2 ill-typed literals" in text
    assert f"{tmp_path / 'a.ttl'}:3" in text and f"{tmp_path / 'b.ttl'}:3" in text
