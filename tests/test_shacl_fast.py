"""The fast SHACL engine (sgraph.shacl) gives pySHACL's results, and scales.

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
from sgraph import shacl
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


_PREFIXES = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/ns#> .
@prefix sg: <{SG}> .
"""

#: Shapes the engine cannot evaluate exactly, and the words its refusal must contain.
REFUSED = {
    "SELECT validator inside sh:or": (
        "ex:C sh:parameter [ sh:path ex:size ] ; sh:nodeValidator "
        '[ sh:select "SELECT $this WHERE { FILTER(STRLEN(STR($this)) > $size) }" ] . '
        "ex:S a sh:NodeShape ; sh:targetClass sg:Person ; "
        "sh:or ( [ ex:size 3 ] [ sh:nodeKind sh:IRI ] ) .",
        "<https://example.org/ns#C> (a SELECT validator) inside",
    ),
    "$shapesGraph": (
        "ex:S a sh:NodeShape ; sh:targetClass sg:Person ; "
        'sh:sparql [ sh:select "SELECT $this WHERE { GRAPH $shapesGraph { ?s ?p ?o } }" ] .',
        "$shapesGraph",
    ),
    "unknown SHACL parameter": (
        "ex:S a sh:NodeShape ; sh:targetClass sg:Person ; sh:minCont 1 .",
        "does not support sh:minCont",
    ),
    "SPARQL inside sh:not": (
        "ex:S a sh:NodeShape ; sh:targetClass sg:Person ; "
        'sh:not [ sh:sparql [ sh:select "SELECT $this WHERE { }" ] ] .',
        "sh:sparql inside",
    ),
    "MINUS in a SPARQL constraint": (
        "ex:S a sh:NodeShape ; sh:targetClass sg:Person ; "
        'sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o MINUS { $this a ex:X } }" ] .',
        "MINUS",
    ),
    "recursive shape": (
        "ex:S a sh:NodeShape ; sh:targetClass sg:Person ; sh:node ex:T . "
        "ex:T sh:property [ sh:path ex:knows ; sh:node ex:T ] .",
        "recursive shapes",
    ),
    "custom target": (
        "ex:S a sh:NodeShape ; sh:target [ a ex:MyTarget ] ; sh:nodeKind sh:IRI .",
        "custom targets",
    ),
    "large nested count": (
        "ex:S a sh:NodeShape ; sh:targetClass sg:Person ; "
        "sh:or ( [ sh:path ex:p ; sh:minCount 6 ] [ sh:path ex:q ; sh:minCount 1 ] ) .",
        "counting above 5 values inside a nested shape",
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_unsupported_shapes_are_refused_by_name_before_any_query(name: str) -> None:
    """The engine refuses while planning, naming the feature and the shape: no result exists."""
    from sgraph.shacl.engine import Engine
    from sgraph.shacl.overlay import Overlay

    text, words = REFUSED[name]
    gs = GraphStore.load(Settings(), data=[FIXTURES / "valid_minimal.ttl"])
    shapes = rdflib.Graph().parse(data=_PREFIXES + text, format="turtle")
    engine = Engine(gs.store, shapes, Overlay())
    with pytest.raises(InputError) as err:
        engine.plan()
    assert words in str(err.value)
    assert "(in shape " in str(err.value) and "--engine pyshacl" in (err.value.hint or "")
    with pytest.raises(InputError, match="does not support"):
        shacl.validate_raw(gs, shapes)


def test_sparql_based_components_declared_in_the_shapes(tmp_path: Path) -> None:
    """An ASK validator works at the top level and inside sh:or; a SELECT one at the top level.

    Results name the declared component, messages have the parameter filled in."""
    gs = _load(tmp_path, 'ex:a ex:code "AB" . ex:b ex:code "ABCD" . ex:c ex:code "A" .')
    shapes = rdflib.Graph().parse(
        data=_PREFIXES
        + """
        ex:MaxLen a sh:ConstraintComponent ;
            sh:parameter [ sh:path ex:maxLen ] ;
            sh:validator [ a sh:SPARQLAskValidator ;
                sh:message "longer than {$maxLen}" ;
                sh:ask "ASK { FILTER(STRLEN(STR($value)) <= $maxLen) }" ] .
        ex:NotA a sh:ConstraintComponent ;
            sh:parameter [ sh:path ex:notA ] ;
            sh:propertyValidator [ a sh:SPARQLSelectValidator ;
                sh:select "SELECT $this ?value WHERE { $this $PATH ?value FILTER(?value = $notA) }"
            ] .
        ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:code ;
            sh:property [ sh:path ex:code ; ex:maxLen 3 ] ,
                [ sh:path ex:code ; ex:notA "A" ] ,
                [ sh:path ex:code ; sh:or ( [ ex:maxLen 1 ] [ sh:minLength 4 ] ) ] .
        """,
        format="turtle",
    )
    got = sorted(
        (str(r.focus).split("#")[1], r.component.split("#")[1], [str(m) for m in r.messages])
        for r in shacl.validate_raw(gs, shapes)
    )
    assert got == [
        ("a>", "OrConstraintComponent", ["Value does not conform to any shape of sh:or"]),
        ("b>", "MaxLen", ["longer than 3"]),
        ("c>", "NotA", ["(no message)"]),
    ]


def test_the_component_table_covers_shacl_core() -> None:
    """One entry per SHACL Core component (and SPARQL constraints), each parameter owned once."""
    iris = [c.iri for c in shacl.COMPONENTS]
    assert len(iris) == len(set(iris)) == 30
    core = {
        "Class", "Datatype", "NodeKind", "MinCount", "MaxCount", "MinExclusive", "MinInclusive",
        "MaxExclusive", "MaxInclusive", "MinLength", "MaxLength", "Pattern", "LanguageIn",
        "UniqueLang", "Equals", "Disjoint", "LessThan", "LessThanOrEquals", "Not", "And", "Or",
        "Xone", "Node", "Property", "QualifiedMinCount", "QualifiedMaxCount", "Closed",
        "HasValue", "In", "SPARQL",
    }  # fmt: skip
    sh = "http://www.w3.org/ns/shacl#"
    assert {str(i) for i in iris} == {f"{sh}{n}ConstraintComponent" for n in core}
    keys = [c.parameters[0] for c in shacl.COMPONENTS if c.parameters[0] != SH_QVS]
    assert len(keys) == len(set(keys))


SH_QVS = rdflib.URIRef("http://www.w3.org/ns/shacl#qualifiedValueShape")


def _load(tmp_path: Path, turtle: str) -> GraphStore:
    data = tmp_path / "data.ttl"
    data.write_text(_PREFIXES + turtle, encoding="utf-8")
    return GraphStore.load(Settings(), data=[data])


def test_literals_are_checked_as_written(tmp_path: Path) -> None:
    """The store keeps "100"^^xsd:byte as xsd:integer; sh:datatype sees it as written."""
    gs = _load(
        tmp_path,
        'ex:x ex:byte "100"^^xsd:byte ; ex:count "5"^^xsd:nonNegativeInteger ; '
        'ex:int "7"^^xsd:integer ; ex:big "300"^^xsd:byte ; ex:dec "4.0"^^xsd:decimal .',
    )
    assert {str(q.object) for q in gs.written.quads} == {
        '"100"^^<http://www.w3.org/2001/XMLSchema#byte>',
        '"5"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>',
        '"300"^^<http://www.w3.org/2001/XMLSchema#byte>',
        '"4.0"^^<http://www.w3.org/2001/XMLSchema#decimal>',
    }
    shapes = rdflib.Graph().parse(
        data=_PREFIXES
        + """
        ex:S a sh:NodeShape ; sh:targetNode ex:x ;
            sh:property [ sh:path ex:byte ; sh:datatype xsd:byte ] ,
                [ sh:path ex:count ; sh:datatype xsd:nonNegativeInteger ] ,
                [ sh:path ex:byte ; sh:datatype xsd:integer ] ,
                [ sh:path ex:int ; sh:datatype xsd:integer ] ,
                [ sh:path ex:big ; sh:datatype xsd:byte ] ,
                [ sh:path ex:dec ; sh:maxInclusive 3 ] ,
                [ sh:path ex:dec ; sh:pattern "^4[.]0$" ] .
        """,
        format="turtle",
    )
    got = sorted((str(r.value), r.component.split("#")[1]) for r in shacl.validate_raw(gs, shapes))
    assert got == [
        ('"100"^^<http://www.w3.org/2001/XMLSchema#byte>', "DatatypeConstraintComponent"),
        ('"300"^^<http://www.w3.org/2001/XMLSchema#byte>', "DatatypeConstraintComponent"),
        ('"4.0"^^<http://www.w3.org/2001/XMLSchema#decimal>', "MaxInclusiveConstraintComponent"),
    ]
    # pySHACL is handed the same data as written (GraphStore.to_rdflib) and agrees (the
    # messages differ: each engine has its own text for a shape without sh:message).
    from sgraph.validate import run_fast, run_shacl

    fast, reference = run_fast(gs, shapes), run_shacl(gs.to_rdflib(with_ontology=True), shapes, gs)
    assert [(v.focus, v.path, v.value) for v in fast.results] == [
        (v.focus, v.path, v.value) for v in reference.results
    ]


def test_fast_path_of_written_literals_agrees_with_the_store() -> None:
    """``may_change`` skips the round trip only for forms the store keeps exactly."""
    from sgraph.literals import may_change, stored_forms

    xsd = "http://www.w3.org/2001/XMLSchema#"
    forms = {
        "integer": ["0", "1", "-5", "123456789012345678901234567890", "-0", "+1", "01"],
        "boolean": ["true", "false", "1", "0"],
        "date": ["2020-06-01", "0000-01-01", "2020-02-30", "2020-06-01Z", "2020-06-01+00:00"],
        "gYear": ["2020", "0000", "-0001", "2020Z"],
        "gYearMonth": ["2020-06", "2020-00", "2020-13"],
        "dateTime": [
            "2020-06-01T10:00:00",
            "2020-06-01T23:59:59Z",
            "2020-06-01T24:00:00",
            "2020-06-01T10:00:60",
            "2020-06-01T10:00:00.0",
            "2020-06-01T10:00:00+00:00",
        ],
    }
    lits = [ox.Literal(v, datatype=ox.NamedNode(xsd + d)) for d, vs in forms.items() for v in vs]
    changed = stored_forms(lits)
    assert len(changed) >= 8  # the rewrites this test is about do happen
    for lit in lits:
        assert may_change(lit) or lit not in changed, lit
    assert not may_change(ox.Literal("x")) and not may_change(ox.Literal("x", language="en"))


def test_messages_keep_their_language(tmp_path: Path) -> None:
    gs = _load(tmp_path, "ex:x a ex:Thing .")
    shapes = rdflib.Graph().parse(
        data=_PREFIXES
        + 'ex:S a sh:NodeShape ; sh:targetNode ex:x ; sh:class ex:Other ; sh:message "Faux"@fr .',
        format="turtle",
    )
    report = shacl.results_graph(shacl.validate_raw(gs, shapes), conforms=False)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert list(report.objects(None, sh.resultMessage)) == [rdflib.Literal("Faux", lang="fr")]


def test_implicit_class_targets(tmp_path: Path) -> None:
    """A shape that is also a class targets its instances (and those of its subclasses)."""
    gs = _load(
        tmp_path,
        "ex:Sub rdfs:subClassOf ex:C . ex:a a ex:C . ex:b a ex:Sub ; ex:name 'b' . ex:c a ex:D .",
    )
    shapes = rdflib.Graph().parse(
        data=_PREFIXES
        + "ex:C a rdfs:Class , sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .",
        format="turtle",
    )
    assert [str(r.focus) for r in shacl.validate_raw(gs, shapes)] == ["<https://example.org/ns#a>"]


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
    raw = shacl.validate_raw(gs, shapes)
    assert [(str(r.focus), str(r.value)) for r in raw] == [
        ("<urn:x>", '"2020-02-31"^^<http://www.w3.org/2001/XMLSchema#date>')
    ]
    assert load_shapes(gs.settings) is not None
