"""Curation without writing: reading references and records, reconciling, dry runs."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from sgraph.cli import cli
from sgraph.config import Settings
from sgraph.curate.add import plan
from sgraph.curate.citations import parse_reference, read_references
from sgraph.curate.names import parse_person, slugify
from sgraph.curate.pubtypes import infer_type, parse_type
from sgraph.curate.reconcile import FUZZY_THRESHOLD, GraphIndex
from sgraph.curate.records import read_records
from sgraph.curate.writer import insert_entities
from sgraph.store import GraphStore

FIXTURES = Path(__file__).parent / "fixtures" / "curate"
SEED = Path("/work/shared/seed/000_7f5aeda5721f4475.txt")
ITEM_KEYS = {"line", "input", "status", "entity", "title", "type", "date", "agents", "message"}
AGENT_KEYS = {"name", "role", "status", "entity"}


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.ttl"))
    }


def _iri_named(gs: GraphStore, prop: str, name: str) -> str:
    """The one entity whose ``prop`` is ``name`` in the graph (looked up, not assumed)."""
    rows = list(
        gs.store.query(
            f'SELECT DISTINCT ?s WHERE {{ ?s <{prop}> ?n FILTER(STR(?n) = "{name}") }}',
            use_default_graph_as_union=True,
        )
    )
    assert len(rows) == 1, (name, rows)
    return str(rows[0]["s"].value)


FOAF_NAME = "http://xmlns.com/foaf/0.1/name"
TITLE = "http://purl.org/dc/terms/title"
ALT = "http://www.w3.org/2004/02/skos/core#altLabel"


@pytest.fixture
def data_copy(tmp_path: Path, settings: Settings) -> Path:
    target = tmp_path / "triples"
    shutil.copytree(settings.data_dir, target)
    return target


# -- the seed document's own reference list ---------------------------------------------------
def test_fixture_is_the_seed_reference_list() -> None:
    if not SEED.exists():
        pytest.skip("seed document not available")
    seed_lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()][
        -6:
    ]
    fixture = (FIXTURES / "seed-references.txt").read_text(encoding="utf-8").splitlines()
    assert fixture == seed_lines


def test_seed_reference_list_reconciles_entirely(
    settings: Settings, graph_store: GraphStore
) -> None:
    result = plan(FIXTURES / "seed-references.txt", settings)
    assert [i.line for i in result.items] == [1, 2, 3, 4, 5, 6]
    for item in result.items:
        assert item.status == "matched", item.to_json()
        assert item.entity is not None and item.entity.startswith(settings.base + "id/publication/")
        for agent in item.agents:
            assert agent.status == "matched", (item.line, agent)
    assert result.files == {}
    # each match is a publication whose title or alternative label is the reference's title
    for item in result.items:
        labels = {
            str(q.object.value)
            for prop in (TITLE, ALT)
            for q in graph_store.store.quads_for_pattern(
                ox.NamedNode(item.entity), ox.NamedNode(prop), None, None
            )
        }
        assert any(
            lbl.replace("’", "'") == (item.title or "").replace("’", "'") for lbl in labels
        ), (item.title, labels)


def test_seed_people_and_organisations_reuse_iris(
    settings: Settings, graph_store: GraphStore
) -> None:
    result = plan(FIXTURES / "seed-references.txt", settings)
    dickens = result.items[1].agents[0]
    assert dickens.name == "Dickens, J."
    assert dickens.entity == _iri_named(graph_store, FOAF_NAME, "Jonathan Dickens")
    dfe = _iri_named(graph_store, FOAF_NAME, "Department for Education")
    letter = result.items[4].agents
    assert {a.entity for a in letter if a.role in ("creator", "publisher")} == {dfe}
    assert [a.entity for a in letter if a.role == "recipient"] == [
        _iri_named(graph_store, FOAF_NAME, "Annie Hudson")
    ]
    wwcsc = _iri_named(graph_store, FOAF_NAME, "What Works Centre for Children's Social Care")
    assert {a.entity for a in result.items[3].agents} == {wwcsc}


def test_cli_dry_run_json_shape(settings: Settings) -> None:
    before = _digest(settings.data_dir)
    run = CliRunner().invoke(
        cli, ["add", str(FIXTURES / "seed-references.txt"), "--dry-run", "--format", "json"]
    )
    assert run.exit_code == 0, run.output
    body = json.loads(run.stdout)
    assert set(body) == {"items"}
    assert len(body["items"]) == 6
    for item in body["items"]:
        assert set(item) == ITEM_KEYS
        assert item["status"] == "matched"
        assert item["type"].startswith("sg:")
        assert item["agents"] and all(set(a) == AGENT_KEYS for a in item["agents"])
        assert {a["role"] for a in item["agents"]} <= {
            "creator",
            "publisher",
            "commissioner",
            "recipient",
        }
    assert body["items"][0]["date"] == "2021"
    assert body["items"][5]["date"] == "2020"
    assert _digest(settings.data_dir) == before


def test_cli_dry_run_text_shows_turtle(data_copy: Path) -> None:
    before = _digest(data_copy)
    run = CliRunner().invoke(
        cli, ["add", str(FIXTURES / "new-references.txt"), "--dry-run", "--data", str(data_copy)]
    )
    assert run.exit_code == 0, run.output
    assert "line 4: new" in run.stdout
    assert "line 5: matched" in run.stdout
    assert "Turtle that would be written:" in run.stdout
    assert "sgorg:example-research-trust\n    a sg:Organisation ;" in run.stdout
    assert _digest(data_copy) == before


# -- new publications by known organisations -------------------------------------------------
def test_new_publication_reuses_known_organisations(
    data_copy: Path, graph_store: GraphStore
) -> None:
    result = plan(FIXTURES / "new-references.txt", Settings(data_dir=data_copy))
    first = result.items[0]
    assert first.status == "new" and first.line == 4
    assert first.entity is not None and first.entity not in graph_store.entities()
    creator, publisher = first.agents
    assert (creator.name, creator.status) == ("DfE", "matched")
    assert creator.entity == _iri_named(graph_store, FOAF_NAME, "Department for Education")
    assert publisher.status == "matched"
    assert publisher.entity == _iri_named(
        graph_store, FOAF_NAME, "What Works Centre for Children's Social Care"
    )
    letter = result.items[2]
    assert letter.type == "sg:Letter"
    recipient = [a for a in letter.agents if a.role == "recipient"]
    assert recipient and recipient[0].entity == _iri_named(
        graph_store, FOAF_NAME, "Child Safeguarding Practice Review Panel"
    )
    new_iris = {e.iri for e in result.new_entities}
    assert new_iris.isdisjoint(graph_store.entities())
    kinds = sorted(e.kind for e in result.new_entities)
    assert kinds == ["organisation", "person", "person", "publication", "publication"]


# -- unreadable lines ---------------------------------------------------------------------------
def test_unreadable_lines_are_errors_with_their_line(data_copy: Path) -> None:
    before = _digest(data_copy)
    result = plan(FIXTURES / "unreadable.txt", Settings(data_dir=data_copy))
    assert [(i.line, i.status) for i in result.items] == [
        (2, "matched"),
        (3, "error"),
        (5, "error"),
        (6, "error"),
        (7, "matched"),
    ]
    assert "no '(Year)'" in result.items[1].message
    assert "no author" in result.items[2].message
    assert "no title" in result.items[3].message
    run = CliRunner().invoke(
        cli, ["add", str(FIXTURES / "unreadable.txt"), "--data", str(data_copy)]
    )
    assert run.exit_code == 2
    for n in (3, 5, 6):
        assert f"unreadable.txt:{n}: error" in run.stderr
    assert "unreadable.txt:2:" not in run.stderr
    assert _digest(data_copy) == before


def test_unreadable_json_still_lists_every_item(data_copy: Path) -> None:
    run = CliRunner().invoke(
        cli,
        [
            "add",
            str(FIXTURES / "unreadable.txt"),
            "--dry-run",
            "--format",
            "json",
            "--data",
            str(data_copy),
        ],
    )
    assert run.exit_code == 2
    items = json.loads(run.stdout)["items"]
    assert [i["status"] for i in items] == ["matched", "error", "error", "error", "matched"]
    assert items[1]["entity"] is None and items[1]["agents"] == []


# -- ambiguity ---------------------------------------------------------------------------------------
def test_ambiguous_person_and_title_are_reported_never_guessed(data_copy: Path) -> None:
    shutil.copy(FIXTURES / "extra-people.ttl", data_copy)
    shutil.copy(FIXTURES / "extra-publications.ttl", data_copy)
    before = _digest(data_copy)
    result = plan(FIXTURES / "ambiguous.txt", Settings(data_dir=data_copy))
    person_item, title_item, fine = result.items
    assert person_item.status == "ambiguous" and person_item.entity is None
    dickens = person_item.agents[0]
    assert dickens.status == "ambiguous" and dickens.entity is None
    assert sorted(c.rsplit("/", 1)[1] for c in dickens.candidates) == [
        "jane-dickens",
        "jonathan-dickens",
    ]
    assert title_item.status == "ambiguous" and title_item.entity is None
    assert "practice-briefing-on-neglect-in-families-a" in title_item.message
    assert "practice-briefing-on-neglect-in-families-b" in title_item.message
    assert fine.status == "new"
    run = CliRunner().invoke(
        cli, ["add", str(FIXTURES / "ambiguous.txt"), "--data", str(data_copy)]
    )
    assert run.exit_code == 2
    assert "ambiguous.txt:2: ambiguous" in run.stderr and "ambiguous.txt:3: ambiguous" in run.stderr
    assert _digest(data_copy) == before


# -- records ------------------------------------------------------------------------------------
def test_yaml_records_with_fields_and_line_numbers(
    data_copy: Path, graph_store: GraphStore
) -> None:
    result = plan(FIXTURES / "records.yaml", Settings(data_dir=data_copy))
    assert [(i.line, i.status) for i in result.items] == [
        (4, "matched"),
        (7, "new"),
        (18, "new"),
        (24, "error"),
        (26, "error"),
    ]
    response = result.items[1]
    assert response.type == "sg:GovernmentResponse"  # stated, although the title says nothing
    assert response.date == "2021-06"
    triples = {
        (t.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1], t.object.value)
        for e in response.new
        for t in e.triples
        if e.kind == "publication"
    }
    hard = _iri_named(
        graph_store,
        TITLE,
        "It was hard to escape: Safeguarding children at risk from criminal exploitation",
    )
    assert ("respondsTo", hard) in triples
    assert (
        "concerns",
        graph_store.settings.base + "id/concept/child-criminal-exploitation",
    ) in triples
    assert ("url", "https://www.gov.uk/government/publications/curation-test-response") in triples
    letter = result.items[2]
    assert {(a.role, a.status) for a in letter.agents} == {
        ("creator", "matched"),
        ("recipient", "matched"),
        ("commissioner", "matched"),
    }
    assert [e.kind for e in letter.new] == ["publication", "review"]
    assert "unknown field 'colour'" in result.items[4].message


def test_csv_records(data_copy: Path) -> None:
    entries, source = read_records(FIXTURES / "records.csv")
    assert source is None
    assert [e.line for e in entries] == [2, 3, 4]
    assert [a.name for a in entries[0].agents if a.role == "creator"] == [
        "Department for Education",
        "Home Office",
    ]
    assert entries[2].error is not None and "not-a-date" in entries[2].error
    result = plan(FIXTURES / "records.csv", Settings(data_dir=data_copy))
    assert [i.status for i in result.items] == ["new", "matched", "error"]
    assert result.items[0].type == "sg:StatutoryGuidance"


# -- the parts -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "authors", "year", "title", "publisher", "et_al"),
    [
        (
            "Dickens, J. et al (2021) Annual review of LCSPRs and rapid reviews (PDF). London: Department for Education.",
            [("Dickens, J.", "person")],
            "2021",
            "Annual review of LCSPRs and rapid reviews",
            "Department for Education",
            True,
        ),
        (
            "Department for Education et al (2021) Letter to Annie Hudson (PDF). London: Department for Education.",
            [("Department for Education", None)],
            "2021",
            "Letter to Annie Hudson",
            "Department for Education",
            True,
        ),
        (
            "Dickens, J., Taylor, J. and Garstang, J. (2021) A title: with a colon. London: DfE.",
            [("Dickens, J.", "person"), ("Taylor, J.", "person"), ("Garstang, J.", "person")],
            "2021",
            "A title: with a colon",
            "DfE",
            False,
        ),
        (
            "Home Office; Department of Health and Social Care (2019) Some report",
            [("Home Office", None), ("Department of Health and Social Care", None)],
            "2019",
            "Some report",
            None,
            False,
        ),
    ],
)
def test_parse_reference(
    line: str,
    authors: list[tuple[str, str | None]],
    year: str,
    title: str,
    publisher: str | None,
    et_al: bool,
) -> None:
    e = parse_reference(line, 1)
    assert e.error is None
    assert [(a.name, a.kind) for a in e.agents if a.role == "creator"] == authors
    assert (e.date, e.title, e.et_al) == (year, title, et_al)
    assert [a.name for a in e.agents if a.role == "publisher"] == ([publisher] if publisher else [])


def test_source_line_sets_the_source() -> None:
    entries, source = read_references(FIXTURES / "new-references.txt")
    assert source is not None and source.startswith("https://learning.nspcc.org.uk/")
    assert all(e.source == source for e in entries)


def test_person_names() -> None:
    a = parse_person("Dickens, J.")
    b = parse_person("Jonathan Dickens")
    c = parse_person("Sir Jonathan Dickens CBE")
    d = parse_person("Mary Dickens")
    assert a and b and c and d
    assert a.compatible(b) and b.compatible(c) and not a.compatible(d) and not b.compatible(d)
    assert a.display() == "J. Dickens"
    assert (
        slugify("What Works Centre for Children’s Social Care")
        == "what-works-centre-for-childrens-social-care"
    )
    assert slugify("A review of the", 10) == "a-review"


@pytest.mark.parametrize(
    ("title", "cls"),
    [
        ("Letter from Mark Gurrey to SoS notifying NAI review", "Letter"),
        ("Annual report 2020: patterns in practice", "AnnualReport"),
        ("Annual review of LCSPRs and rapid reviews", "CaseReviewAnalysis"),
        ("Analysis of safeguarding partners' yearly reports 2019-20", "CaseReviewAnalysis"),
        (
            "Wood Report: Sector expert review of new multi-agency safeguarding arrangements",
            "IndependentReviewReport",
        ),
        ("Working Together to Safeguard Children 2023: statutory guidance", "StatutoryGuidance"),
        (
            "Fieldwork report: National Review of Non-Accidental Injury in under 1s",
            "FieldworkReport",
        ),
        ("Stable Homes, Built on Love", "Publication"),
    ],
)
def test_type_inference(title: str, cls: str) -> None:
    assert infer_type(title)[0] == cls


def test_stated_type_wins_and_unknown_types_are_named() -> None:
    assert parse_type("annual report") == "AnnualReport"
    assert parse_type("sg:GovernmentResponse") == "GovernmentResponse"
    with pytest.raises(ValueError, match="unknown publication type"):
        parse_type("poem")


def test_fuzzy_rules(graph_store: GraphStore) -> None:
    index = GraphIndex.from_store(graph_store.store, graph_store.settings.base)
    # punctuation, case and a missing word still match, above the threshold
    m = index.match_publication(
        "wood report sector expert review of the new multi agency safeguarding arrangements", "2021"
    )
    assert m.status == "matched" and m.entity is not None and m.entity.endswith("/wood-report-2021")
    assert "fuzzy" in m.how and float(m.how.split("score ")[1].split(")")[0]) >= FUZZY_THRESHOLD
    # a different number is a different publication, however close the words
    assert (
        index.match_publication(
            "Child Safeguarding Practice Review Panel: annual report 2019", None
        ).status
        == "new"
    )
    # a conflicting year rules a fuzzy match out
    assert (
        index.match_publication(
            "Wood report sector expert review of the new multi-agency arrangements", "2016"
        ).status
        == "new"
    )
    # acronyms and alternative labels of organisations
    assert (
        index.match_organisation("DfE").entity
        == index.match_organisation("Department for Education").entity
    )
    assert index.match_organisation("WWCSC").status == "matched"
    uob = index.match_organisation("UoB")  # not a label: made from the name's initials
    assert uob.how == "matched by acronym"
    assert uob.entity == index.match_organisation("University of Birmingham").entity
    assert index.match_organisation("the Panel").status == "matched"


def test_writer_keeps_existing_files_byte_for_byte(settings: Settings) -> None:
    for path in sorted(settings.data_dir.glob("*.ttl")):
        text = path.read_text(encoding="utf-8")
        assert insert_entities(text, []) == text, path.name
