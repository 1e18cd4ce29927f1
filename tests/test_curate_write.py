"""Curation that writes: validated, all or nothing, idempotent. Always on a temporary copy of
data/triples (the real data is never touched). Each write runs SHACL over the whole graph."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from sgraph.cli import cli
from sgraph.config import Settings
from sgraph.sources import index_subjects
from sgraph.store import GraphStore

FIXTURES = Path(__file__).parent / "fixtures" / "curate"
AUTHORED_BY = "https://w3id.org/sgraph/ontology#authoredBy"
PUBLISHED_BY = "https://w3id.org/sgraph/ontology#publishedBy"


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.ttl"))
    }


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """new-references.txt added once to a copy of data/triples, then added again."""
    data = tmp_path_factory.mktemp("curate") / "triples"
    shutil.copytree(Settings().data_dir, data)
    before = _digest(data)
    texts_before = {p.name: p.read_text(encoding="utf-8") for p in data.glob("*.ttl")}
    first = CliRunner().invoke(
        cli, ["add", str(FIXTURES / "new-references.txt"), "--data", str(data)]
    )
    after_first = _digest(data)
    second = CliRunner().invoke(
        cli, ["add", str(FIXTURES / "new-references.txt"), "--data", str(data)]
    )
    return {
        "data": data,
        "before": before,
        "texts_before": texts_before,
        "first": first,
        "after_first": after_first,
        "second": second,
        "after_second": _digest(data),
    }


def test_first_add_writes_the_new_entities(written: dict[str, object]) -> None:
    first = written["first"]
    assert first.exit_code == 0, (first.output, first.stderr)  # type: ignore[attr-defined]
    before, after = written["before"], written["after_first"]
    assert isinstance(before, dict) and isinstance(after, dict)
    changed = sorted(k for k in after if before.get(k) != after[k])
    assert changed == ["organisations.ttl", "people.ttl", "publications.ttl"]
    assert "Wrote" in first.stdout  # type: ignore[attr-defined]


def test_written_publication_reuses_known_organisations(
    written: dict[str, object], graph_store: GraphStore
) -> None:
    data = written["data"]
    assert isinstance(data, Path)
    gs = GraphStore.load(Settings(data_dir=data))
    new = [e for e in gs.entities() if e not in graph_store.entities()]
    pubs = [e for e in new if "/publication/" in e]
    assert len(pubs) == 2
    worked = next(p for p in pubs if "curating-references" in p)
    creators = {
        q.object.value
        for q in gs.store.quads_for_pattern(
            ox.NamedNode(worked), ox.NamedNode(AUTHORED_BY), None, None
        )
    }
    publishers = {
        q.object.value
        for q in gs.store.quads_for_pattern(
            ox.NamedNode(worked), ox.NamedNode(PUBLISHED_BY), None, None
        )
    }
    known_orgs = {e for e in graph_store.entities() if "/organisation/" in e}
    assert creators and creators <= known_orgs
    assert publishers and publishers <= known_orgs
    assert len([e for e in new if "/organisation/" in e]) == 1  # only the unknown publisher is new


def test_layout_is_kept(written: dict[str, object]) -> None:
    data = written["data"]
    texts_before = written["texts_before"]
    assert isinstance(data, Path) and isinstance(texts_before, dict)
    for name in ("organisations.ttl", "people.ttl", "publications.ttl"):
        old = texts_before[name]
        new = (data / name).read_text(encoding="utf-8")
        # every old block is still there, unchanged
        for block in old.split("\n\n")[1:]:
            assert block.strip() in new
        # subjects stay in IRI order, each block opens with a comment line
        subjects = sorted(index_subjects(new).items(), key=lambda kv: kv[1])
        iris = [iri for iri, _ in subjects]
        assert iris == sorted(iris)
        lines = new.splitlines()
        for _, line in subjects:
            assert lines[line - 2].startswith("# ")
        assert re.search(r"\n\n\n", new) is None and new.endswith(" .\n")
        prefixes = [ln for ln in lines if ln.startswith("@prefix")]
        assert prefixes == sorted(prefixes)


def test_second_add_writes_nothing(written: dict[str, object]) -> None:
    second = written["second"]
    assert second.exit_code == 0, (second.output, second.stderr)  # type: ignore[attr-defined]
    assert "Nothing new to add" in second.stdout  # type: ignore[attr-defined]
    assert written["after_second"] == written["after_first"]


def test_shape_violation_writes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "triples"
    shutil.copytree(Settings().data_dir, data)
    before = _digest(data)
    run = CliRunner().invoke(
        cli, ["add", str(FIXTURES / "letter-without-recipient.yaml"), "--data", str(data)]
    )
    assert run.exit_code == 1, (run.output, run.stderr)
    assert "letter-without-recipient.yaml:1: Violation" in run.stderr
    assert "addressedTo" in run.stderr
    assert _digest(data) == before
    assert not list(data.glob(".*.tmp"))
