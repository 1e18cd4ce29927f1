"""The SHACL shapes, driven by the fixture files in tests/fixtures/shapes/.

Each invalid fixture starts with comment lines naming what it must trigger:

    # expect-message: <substring of the expected sh:message>
    # expect-focus: <focus node IRI, or "(blank node)">
    # expect-severity: Warning          (optional; default Violation)
    # also-expect: <message substring>  (optional, repeatable: another violation the same
    #                                      mistake rightly causes, e.g. via a materialised superproperty)

and must trigger exactly that: the expected result is reported, and no other violation is (so a
fixture tests one constraint, and a shape that fires too widely fails some other fixture).
``valid_minimal.ttl`` must conform with no result at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, RDFS, SH

from paths import ONTOLOGY_DIR
from sgraph.validate import ValidationReport, Violation, validate_paths

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
VALID = FIXTURES / "valid_minimal.ttl"
BLANK = "(blank node)"

_HEADER = re.compile(r"^#\s*(expect-message|expect-focus|expect-severity|also-expect):\s*(.+?)\s*$")


@dataclass(frozen=True)
class Expectation:
    message: str
    focus: str
    severity: str
    also: tuple[str, ...] = ()

    def matches(self, r: Violation) -> bool:
        focus_ok = (
            (not r.focus.startswith(("http:", "https:", "urn:")))
            if self.focus == BLANK
            else r.focus == self.focus
        )
        return focus_ok and self.message in r.message and r.severity == self.severity


def read_expectation(path: Path) -> Expectation:
    found: dict[str, str] = {}
    also: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if m and m.group(1) == "also-expect":
            also.append(m.group(2))
        elif m:
            found[m.group(1)] = m.group(2)
    if "expect-message" not in found or "expect-focus" not in found:
        raise AssertionError(
            f"{path}: starts without '# expect-message:' and '# expect-focus:' lines"
        )
    severity = found.get("expect-severity", "Violation")
    return Expectation(found["expect-message"], found["expect-focus"], severity, tuple(also))


INVALID = sorted(p for p in FIXTURES.glob("*.ttl") if p != VALID)


@cache
def report_for(path: Path) -> ValidationReport:
    return validate_paths([path])


def _listing(report: ValidationReport) -> str:
    return "\n".join(r.describe() for r in report.results) or "(no results)"


def test_valid_minimal_conforms_without_warnings() -> None:
    report = report_for(VALID)
    assert report.conforms, _listing(report)
    assert report.results == [], _listing(report)


def test_there_are_invalid_fixtures() -> None:
    assert len(INVALID) >= 40


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_fixture_triggers_its_constraint(path: Path) -> None:
    expected = read_expectation(path)
    report = report_for(path)
    assert any(expected.matches(r) for r in report.results), (
        f"{path.name}: expected {expected.severity} on <{expected.focus}> with message containing "
        f"{expected.message!r}; got:\n{_listing(report)}"
    )
    if expected.severity == "Violation":
        assert not report.conforms
        others = [
            r
            for r in report.violations
            if not expected.matches(r) and not any(a in r.message for a in expected.also)
        ]
    else:
        assert report.conforms, f"{path.name}: a warning must not make the graph fail"
        others = report.violations
    assert others == [], f"{path.name}: unexpected violations:\n" + "\n".join(
        r.describe() for r in others
    )


# -- the shapes file itself -------------------------------------------------------------------


@cache
def shapes_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES_FILE, format="turtle")


def targeted_node_shapes() -> set[str]:
    g = shapes_graph()
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
    return {
        str(s)
        for s in g.subjects(RDF.type, SH.NodeShape)
        if isinstance(s, rdflib.URIRef) and any(g.value(s, t) is not None for t in targets)
    }


def test_every_targeted_node_shape_is_exercised_by_a_fixture() -> None:
    """A new node shape without an invalid fixture fails here.

    A result names its node shape (SPARQL constraints) or its property shape; a property shape
    counts for every node shape that lists it (shared ones, such as the title shapes, for all).
    """
    g = shapes_graph()
    exercised: set[str] = set()
    for path in INVALID:
        expected = read_expectation(path)
        for r in report_for(path).results:
            if not expected.matches(r) or r.shape is None:
                continue
            exercised.add(r.shape)
            exercised.update(str(n) for n in g.subjects(SH.property, rdflib.URIRef(r.shape)))
    missing = sorted(targeted_node_shapes() - exercised)
    assert missing == [], f"node shapes with no fixture in {FIXTURES}: {missing}"


def test_every_sparql_constraint_is_exercised_by_a_fixture() -> None:
    """Each cross-entity or focus-node rule has a fixture whose expected message is its own."""
    g = shapes_graph()
    constraints = {
        str(c): str(g.value(c, SH.message)) for c in g.subjects(RDF.type, SH.SPARQLConstraint)
    }
    expected_messages = [read_expectation(p).message for p in INVALID]
    missing = sorted(
        c
        for c, template in constraints.items()
        if not any(
            m in part for m in expected_messages for part in re.split(r"\{[$?]\w+\}", template)
        )
    )
    assert missing == [], f"SPARQL constraints with no fixture: {missing}"


def test_every_shape_speaks_to_curators() -> None:
    """Property shapes and SPARQL constraints carry sh:message and sh:name; node shapes a label."""
    g = shapes_graph()
    problems: list[str] = []
    checked = set(g.subjects(RDF.type, SH.PropertyShape)) | set(
        g.subjects(RDF.type, SH.SPARQLConstraint)
    )
    for node in checked:
        if not isinstance(node, rdflib.URIRef):
            problems.append(f"anonymous shape {node}: give it an IRI so reports can name it")
            continue
        for p in (SH.message, SH.name):
            if g.value(node, p) is None:
                problems.append(f"{node} has no {p}")
    for node in g.subjects(RDF.type, SH.NodeShape):
        if g.value(node, SH.message) is not None and g.value(node, SH.sparql) is not None:
            problems.append(
                f"node shape {node} has sh:message and sh:sparql (pySHACL adds the message to every SPARQL result)"
            )
        if isinstance(node, rdflib.URIRef) and g.value(node, RDFS.label) is None:
            problems.append(f"node shape {node} has no rdfs:label")
    assert problems == []


def test_every_sg_class_has_a_node_shape() -> None:
    onto_dir = ONTOLOGY_DIR

    onto = rdflib.Graph().parse(onto_dir / "sgraph.ttl", format="turtle")
    sg = "https://w3id.org/sgraph/ontology#"
    classes = {str(c) for c in onto.subjects(RDF.type, rdflib.OWL.Class) if str(c).startswith(sg)}
    targeted = {str(o) for o in shapes_graph().objects(None, SH.targetClass)}
    assert len(classes) > 30
    assert sorted(classes - targeted) == []
