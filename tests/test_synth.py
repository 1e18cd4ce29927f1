"""`sgraph synth`: deterministic, close to the asked size, in the model, valid under the shapes."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from sgraph.cli import cli
from sgraph.config import Settings
from sgraph.errors import InputError
from sgraph.sources import read_sources
from sgraph.store import GraphStore
from sgraph.synth import generate, parse_count, slugify

SLUG_IRI = re.compile(
    r"^https://w3id\.org/sgraph/id/(publication|review|organisation|person|membership|concept|scheme|period|collection)/[a-z0-9]+(-[a-z0-9]+)*$"
)
SG = "https://w3id.org/sgraph/ontology#"
DCT = "http://purl.org/dc/terms/"


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "s5k"
    generate(5000, out, seed=7)
    return out


def test_same_seed_gives_identical_bytes_and_other_seed_differs(
    small: Path, tmp_path: Path
) -> None:
    again = tmp_path / "again"
    generate(5000, again, seed=7)
    assert _digest(small) == _digest(again)
    other = tmp_path / "other"
    generate(5000, other, seed=8)
    assert _digest(small) != _digest(other)


@pytest.mark.parametrize("n", [2000, 20_000])
def test_triple_count_is_close_to_target(tmp_path: Path, n: int) -> None:
    result = generate(n, tmp_path / "o", seed=1)
    parsed = sum(len(s.triples) for s in read_sources([tmp_path / "o"]))
    assert parsed == result.triples
    assert abs(parsed - n) <= 30  # the last entity overshoots by a few triples at most
    manifest = json.loads((tmp_path / "o" / "synth.json").read_text())
    assert manifest["triples"] == parsed


def test_iris_kinds_sources_and_dates(small: Path) -> None:
    store = ox.Store()
    for src in read_sources([small]):
        store.extend([ox.Quad(t.subject, t.predicate, t.object) for t in src.triples])
    subjects = {
        q.subject
        for q in store.quads_for_pattern(
            None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), None
        )
    }
    ids = [s.value for s in subjects if isinstance(s, ox.NamedNode) and "/sgraph/id/" in s.value]
    assert ids and all(SLUG_IRI.match(i) for i in ids)
    assert not any(isinstance(s, ox.BlankNode) for s in subjects)
    # every entity cites a described source
    no_source = list(
        store.query(f"""
        SELECT ?s WHERE {{ ?s a ?c . FILTER(?c != <{SG}Source>)
          FILTER NOT EXISTS {{ ?s <{DCT}source> ?src . ?src a <{SG}Source> }} }}""")
    )
    assert no_source == []
    # responses are issued after what they answer; memberships start before they end
    bad_resp = list(
        store.query(f"""
        SELECT ?r WHERE {{ ?r <{SG}respondsTo> ?o ; <{DCT}issued> ?a . ?o <{DCT}issued> ?b .
          FILTER(SUBSTR(STR(?a), 1, 4) < SUBSTR(STR(?b), 1, 4) || (DATATYPE(?a) = DATATYPE(?b) && STR(?a) <= STR(?b))) }}""")
    )
    assert bad_resp == []
    n_resp = len(list(store.query(f"SELECT ?r WHERE {{ ?r <{SG}respondsTo> ?o }}")))
    assert n_resp > 0
    bad_mem = list(
        store.query(f"""
        SELECT ?m WHERE {{ ?m <{SG}startDate> ?s ; <{SG}endDate> ?e . FILTER(STR(?e) < STR(?s)) }}""")
    )
    assert bad_mem == []
    counts = {
        c.value.rsplit("#", 1)[1]
        for c in (
            q.object
            for q in store.quads_for_pattern(
                None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), None
            )
        )
    }
    for cls in (
        "Publication",
        "Report",
        "Letter",
        "GovernmentResponse",
        "Person",
        "Membership",
        "PracticeTheme",
        "ReviewTopic",
        "Source",
    ):
        assert cls in counts


def test_synthetic_data_conforms_to_the_shapes(tmp_path: Path) -> None:
    # pySHACL is slow (minutes at 10k): validate a small set, with every kind present
    from sgraph.validate import validate_store

    out = tmp_path / "tiny"
    generate(1000, out, seed=3)
    gs = GraphStore.load(Settings(data_dir=out))
    report = validate_store(gs)
    assert report.conforms, report.to_text()
    assert report.warnings == [], report.to_text()


def test_refuses_a_foreign_folder_and_bad_counts(tmp_path: Path) -> None:
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(InputError):
        generate(5000, foreign)
    assert (foreign / "notes.txt").read_text() == "keep me"
    with pytest.raises(InputError):
        generate(10, tmp_path / "x")
    with pytest.raises(InputError):
        parse_count("lots")
    assert parse_count("100k") == 100_000 and parse_count("1.5m") == 1_500_000


def test_rerun_replaces_earlier_output(tmp_path: Path) -> None:
    out = tmp_path / "o"
    generate(20_000, out, seed=1)
    many = {p.name for p in out.iterdir()}
    generate(2000, out, seed=1)
    assert {p.name for p in out.iterdir()} <= many
    assert json.loads((out / "synth.json").read_text())["target_triples"] == 2000


def test_slugify() -> None:
    assert slugify("Department for Levelling Up, Housing and Communities") == (
        "department-for-levelling-up-housing-and-communities"
    )


def test_cli(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["synth", "--triples", "3k", "--seed", "2", "--out", str(tmp_path / "c")]
    )
    assert result.exit_code == 0, result.output
    assert "triples" in result.output
    assert (tmp_path / "c" / "publications.ttl").is_file()
    bad = CliRunner().invoke(cli, ["synth", "--triples", "many", "--out", str(tmp_path / "d")])
    assert bad.exit_code == 2
