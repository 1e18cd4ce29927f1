"""The persistent store: built once, reused while the sources are unchanged, rebuilt when they change."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from paths import ONTOLOGY_DIR
from sgraph.config import Settings
from sgraph.persist import is_current, open_graph
from sgraph.store import GraphStore
from sgraph.synth import generate


@pytest.fixture
def data(tmp_path: Path) -> Path:
    out = tmp_path / "data"
    generate(2000, out, seed=5)
    return out


def _quads(gs: GraphStore) -> set[str]:
    return {str(q) for q in gs.store}


def test_same_graph_as_loading_in_memory(data: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=data)
    store_dir = tmp_path / "store"
    first = open_graph(settings, store_dir)
    assert is_current(settings, store_dir)
    assert (store_dir / "manifest.json").is_file()
    reference = _quads(GraphStore.load(settings))
    assert _quads(first) == reference
    again = open_graph(settings, store_dir)
    assert _quads(again) == reference
    mem = open_graph(settings, store_dir, memory=True)
    assert _quads(mem) == reference
    # where entities are written is kept beside the store
    iri = "https://w3id.org/sgraph/id/scheme/review-topics"
    loc = again.locate(iri)
    assert loc is not None and loc.path.name == "concepts.ttl" and loc.line > 1


def test_rebuilt_when_a_source_changes(data: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=data)
    store_dir = tmp_path / "store"
    open_graph(settings, store_dir)
    before = json.loads((store_dir / "manifest.json").read_text())
    # touching a file without changing it does not make the store stale
    f = data / "periods.ttl"
    os.utime(f, (f.stat().st_atime, f.stat().st_mtime + 10))
    assert is_current(settings, store_dir)
    # a new entity does
    f.write_text(
        f.read_text()
        + '\nsgprd:1990 a sg:Period ; sg:startDate "1990-01-01"^^xsd:date ; sg:endDate "1990-12-31"^^xsd:date .\n'
    )
    assert not is_current(settings, store_dir)
    gs = open_graph(settings, store_dir)
    assert any(q.subject.value.endswith("/period/1990") for q in gs.store)
    after = json.loads((store_dir / "manifest.json").read_text())
    assert before != after and is_current(settings, store_dir)
    # a removed file too
    (data / "periods.ttl").unlink()
    assert not is_current(settings, store_dir)


def test_ontology_change_makes_it_stale(data: Path, tmp_path: Path) -> None:
    import shutil

    onto = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY_DIR, onto)
    settings = Settings(data_dir=data, ontology_dir=onto)
    store_dir = tmp_path / "store"
    open_graph(settings, store_dir)
    assert is_current(settings, store_dir)
    (onto / "sgraph.ttl").write_text((onto / "sgraph.ttl").read_text() + "\n# changed\n")
    assert not is_current(settings, store_dir)


def test_no_rebuild_option_refuses_stale_store(data: Path, tmp_path: Path) -> None:
    from sgraph.errors import InputError

    with pytest.raises(InputError):
        open_graph(Settings(data_dir=data), tmp_path / "nothing-yet", rebuild_if_stale=False)
