"""The fast SHACL engine (sgraph.shacl_fast) gives pySHACL's results, and scales.

pySHACL is the reference: on every shape fixture and on the curated data both engines must report
the same results (focus, path, value, message, severity, shape, as a multiset) and the same verdict.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from paths import DATA_DIR
from sgraph import shacl_fast
from sgraph.cli import cli
from sgraph.config import Settings
from sgraph.errors import InputError
from sgraph.store import GraphStore
from sgraph.synth import generate
from sgraph.validate import (
    ENGINE_ENV,
    ValidationReport,
    Violation,
    choose_engine,
    load_shapes,
    validate_store,
)

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
CASES = [
    *sorted(FIXTURES.glob("*.ttl")),
    *sorted((FIXTURES.parent / "shacl_fast").glob("*.ttl")),
    DATA_DIR,
]
SG = "https://w3id.org/sgraph/ontology#"
SGSH = "https://w3id.org/sgraph/shapes#"

Row = tuple[str, str | None, str | None, str, str, str | None]


def _row(v: Violation) -> Row:
    # A blank-node path (sh:alternativePath) gets a fresh identifier each time the shapes are parsed.
    path = v.path
    if path is not None and not path.startswith(("http:", "https:", "urn:")):
        path = "(blank node path)"
    return (v.focus, path, v.value, v.message, v.severity, v.shape)


def _rows(report: ValidationReport) -> Counter[Row]:
    return Counter(_row(v) for v in report.results)


@pytest.fixture(autouse=True)
def _no_engine_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENGINE_ENV, raising=False)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_fast_engine_matches_pyshacl(path: Path) -> None:
    gs = GraphStore.load(Settings(), data=[path])
    before = len(gs.store)
    fast = validate_store(gs, engine="fast")
    assert len(gs.store) == before, "the fast engine left its temporary ontology graph behind"
    reference = validate_store(gs, engine="pyshacl")
    assert fast.conforms == reference.conforms
    got, want = _rows(fast), _rows(reference)
    assert got == want, (
        f"{path.name}: only fast: {sorted(got - want)}\nonly pySHACL: {sorted(want - got)}"
    )
    # Same order, same file and line for each result.
    assert [(_row(v), v.source_file, v.line) for v in fast.results] == [
        (_row(v), v.source_file, v.line) for v in reference.results
    ]


def test_invalid_fixtures_are_not_all_trivial() -> None:
    """The equivalence above is meaningful: most fixtures give results, of several kinds."""
    shapes: set[str] = set()
    for path in CASES[:20]:
        report = validate_store(GraphStore.load(Settings(), data=[path]), engine="fast")
        shapes.update(v.shape or "" for v in report.results)
    assert len(shapes) >= 10


def test_report_graph_and_json(tmp_path: Path) -> None:
    gs = GraphStore.load(Settings(), data=[FIXTURES / "membership_ends_before_start.ttl"])
    report = validate_store(gs, engine="fast")
    assert report.results_graph is not None
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    g = rdflib.Graph().parse(data=report.to_turtle(), format="turtle")
    assert len(list(g.subjects(rdflib.RDF.type, sh.ValidationResult))) == len(report.results)
    assert (None, sh.conforms, rdflib.Literal(False)) in g
    assert '"conforms": false' in report.to_json()


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "s10k"
    generate(10_000, out, seed=1)
    return out


def test_synthetic_10k_conforms_with_the_fast_engine(synth_dir: Path) -> None:
    gs = GraphStore.load(Settings(data_dir=synth_dir))
    report = validate_store(gs, engine="fast")
    assert report.conforms, report.to_text()
    assert report.warnings == [], report.to_text()


def _one(gs: GraphStore, query: str) -> dict[str, str]:
    res = gs.store.query(query, use_default_graph_as_union=True)
    assert isinstance(res, ox.QuerySolutions)
    row = next(iter(res))
    return {v.value: row[v].value for v in res.variables}


def test_broken_synthetic_data_is_caught(synth_dir: Path, tmp_path: Path) -> None:
    good = GraphStore.load(Settings(data_dir=synth_dir))
    m = _one(
        good,
        f"SELECT ?m ?p ?o ?r ?s WHERE {{ ?m a <{SG}Membership> ; <http://www.w3.org/ns/org#member> ?p ;"
        " <http://www.w3.org/ns/org#organization> ?o ; <http://www.w3.org/ns/org#role> ?r ;"
        " <http://purl.org/dc/terms/source> ?s } ORDER BY ?m LIMIT 1",
    )
    pub = _one(good, f"SELECT ?x WHERE {{ ?x a <{SG}Publication> }} ORDER BY ?x LIMIT 1")["x"]
    broken = tmp_path / "broken.ttl"
    bad_membership = "https://w3id.org/sgraph/id/membership/broken-ends-before-start"
    broken.write_text(
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        f"<{bad_membership}> a <{SG}Membership> ;\n"
        f'  <{SG}startDate> "2020-06-01"^^xsd:date ; <{SG}endDate> "2019-02"^^xsd:gYearMonth ;\n'
        f"  <http://www.w3.org/ns/org#member> <{m['p']}> ; <http://www.w3.org/ns/org#organization> <{m['o']}> ;\n"
        f"  <http://www.w3.org/ns/org#role> <{m['r']}> ; <http://purl.org/dc/terms/source> <{m['s']}> .\n"
        f'<{pub}> <http://purl.org/dc/terms/title> "A second title"@en .\n',
        encoding="utf-8",
    )
    gs = GraphStore.load(Settings(data_dir=synth_dir), data=[synth_dir, broken])
    report = validate_store(gs, engine="fast")
    assert not report.conforms
    found = {(v.focus, v.shape) for v in report.violations}
    assert found == {
        (bad_membership, SGSH + "DateOrderRule"),
        (pub, SGSH + "EnglishTitleCount"),
    }, report.to_text()
    date_rule = next(v for v in report.violations if v.shape == SGSH + "DateOrderRule")
    assert "ends (2019-02) before it starts (2020-06-01)" in date_rule.message
    assert date_rule.source_file == str(broken) and date_rule.line == 2


def test_engine_choice_and_override(monkeypatch: pytest.MonkeyPatch) -> None:
    assert choose_engine() == "fast"
    assert choose_engine("pyshacl") == "pyshacl"
    monkeypatch.setenv(ENGINE_ENV, "pyshacl")
    assert choose_engine() == "pyshacl"
    assert choose_engine("fast") == "fast"  # an explicit choice beats the environment
    monkeypatch.setenv(ENGINE_ENV, "rdfox")
    with pytest.raises(InputError, match="unknown SHACL engine"):
        choose_engine()


def test_cli_engine_option_gives_the_same_report() -> None:
    fixture = str(FIXTURES / "publication_two_titles.ttl")
    outputs = {}
    for engine in ("fast", "pyshacl"):
        result = CliRunner().invoke(
            cli, ["validate", "--alone", "--engine", engine, "--format", "json", fixture]
        )
        assert result.exit_code == 1, result.output
        outputs[engine] = result.output
    assert outputs["fast"] == outputs["pyshacl"]
    bad = CliRunner().invoke(cli, ["validate", "--engine", "nope", fixture])
    assert bad.exit_code == 2


def test_unsupported_shape_features_are_refused(tmp_path: Path) -> None:
    gs = GraphStore.load(Settings(), data=[FIXTURES / "valid_minimal.ttl"])
    shapes = rdflib.Graph().parse(
        data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetClass <{SG}Person> ;
            sh:property [ sh:path <http://xmlns.com/foaf/0.1/name> ; sh:minLength 3 ] .
        """,
        format="turtle",
    )
    with pytest.raises(InputError, match="minLength"):
        shacl_fast.validate_raw(gs, shapes)


def test_ill_typed_dates_fail_sh_datatype() -> None:
    """A literal typed xsd:date whose text is not a date fails, as in pySHACL."""
    gs = GraphStore.load(Settings(), data=[FIXTURES / "valid_minimal.ttl"])
    shapes = rdflib.Graph().parse(
        data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <urn:s> a sh:NodeShape ; sh:targetNode <urn:x> ;
            sh:property [ sh:path <{SG}enactedOn> ; sh:datatype xsd:date ] .
        """,
        format="turtle",
    )
    gs.store.add(
        ox.Quad(
            ox.NamedNode("urn:x"),
            ox.NamedNode(SG + "enactedOn"),
            ox.Literal(
                "2020-02-31", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
            ),
            ox.NamedNode("urn:g"),
        )
    )
    raw = shacl_fast.validate_raw(gs, shapes)
    assert [(str(r.focus), str(r.value)) for r in raw] == [
        ("<urn:x>", '"2020-02-31"^^<http://www.w3.org/2001/XMLSchema#date>')
    ]
    assert load_shapes(gs.settings) is not None
