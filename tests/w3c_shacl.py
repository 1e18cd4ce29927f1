"""The W3C SHACL test suite (tests/w3c/data-shapes/): its manifests, and a run of one case.

A case is an ``sht:Validate`` entry of a manifest: a data graph, a shapes graph and the expected
validation report. A report matches when ``sh:conforms`` is the same and the results are the same
multiset of (focus node, result path, value, source shape, constraint component, severity), plus
the messages where the expected result lists some (the suite's rule: messages are compared only
where the test gives them). Blank nodes are compared by identity where the expected report can
name them (it is the same document as the data or the shapes), by structure for paths, and as
"some blank node" otherwise.

Files are parsed once each with sgraph's own loader (``sgraph.sources.parse_file``), the way the
curated data is read, so a case sees literals exactly as written; the same parse feeds both
engines and the expected report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from sgraph import shacl
from sgraph.errors import InputError
from sgraph.literals import WrittenLiterals
from sgraph.sources import parse_file
from sgraph.terms import triples_to_rdflib

SUITE = Path(__file__).parent / "w3c" / "data-shapes"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")

#: (focus, path, value, source shape, component, severity, messages or None)
Key = tuple[str, str, str, str, str, str, frozenset[str] | None]
FastOutcome = Literal["pass", "refused", "wrong"]
ReferenceOutcome = Literal["pass", "fail"]


@dataclass(frozen=True)
class Case:
    """One ``sht:Validate`` entry."""

    name: str  # e.g. "core/node/datatype-001"
    manifest: Path
    entry: str  # the entry's IRI
    data: Path
    shapes: Path

    def __str__(self) -> str:
        return self.name


@dataclass
class Run:
    outcome: str
    detail: str = ""


# -- manifests -------------------------------------------------------------------------------
def _path(iri: rdflib.term.Node) -> Path:
    text = str(iri)
    assert text.startswith("file://"), f"the suite names a non-file graph {text}"
    return Path(text[len("file://") :].split("#")[0])


def _graph(path: Path) -> rdflib.Graph:
    return triples_to_rdflib(parsed(path))


@cache
def parsed(path: Path) -> tuple[ox.Triple, ...]:
    """The triples of one suite file, parsed once (so blank nodes keep one identity)."""
    return tuple(parse_file(path).triples)


def cases(manifest: Path = SUITE / "manifest.ttl") -> list[Case]:
    """Every ``sht:Validate`` entry reachable from ``manifest`` (mf:include), in manifest order."""
    g = _graph(manifest)
    found: list[Case] = []
    for m in g.subjects(RDF.type, MF.Manifest):
        for inc in g.objects(m, MF.include):
            found.extend(cases(_path(inc)))
        for lst in g.objects(m, MF.entries):
            for entry in Collection(g, lst):
                if (entry, RDF.type, SHT.Validate) not in g:
                    continue
                action = g.value(entry, MF.action)
                data, shapes = g.value(action, SHT.dataGraph), g.value(action, SHT.shapesGraph)
                assert data is not None and shapes is not None, entry
                rel = manifest.parent.relative_to(SUITE) / _path(entry).stem
                found.append(Case(str(rel), manifest, str(entry), _path(data), _path(shapes)))
    return found


# -- reports as comparable keys ----------------------------------------------------------------
def path_text(g: rdflib.Graph, node: rdflib.term.Node) -> str:
    """A SHACL property path as text, so that paths in two graphs can be compared."""
    if isinstance(node, rdflib.URIRef):
        return f"<{node}>"
    if (node, RDF.first, None) in g:
        return "(" + " / ".join(path_text(g, n) for n in Collection(g, node)) + ")"
    for pred, fmt in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "({})*"),
        (SH.oneOrMorePath, "({})+"),
        (SH.zeroOrOnePath, "({})?"),
    ):
        inner = g.value(node, pred)
        if inner is not None:
            return fmt.format(path_text(g, inner))
    alt = g.value(node, SH.alternativePath)
    if alt is not None:
        return "(" + " | ".join(path_text(g, n) for n in Collection(g, alt)) + ")"
    return "_:path"


def _term(node: rdflib.term.Node | None, known: set[rdflib.term.Node]) -> str:
    if node is None:
        return ""
    if isinstance(node, rdflib.BNode):
        return f"_:{node}" if node in known else "_:"
    return node.n3()


def _known_bnodes(*graphs: rdflib.Graph) -> set[rdflib.term.Node]:
    return {n for g in graphs for t in g for n in t if isinstance(n, rdflib.BNode)}


def report_keys(
    report: rdflib.Graph,
    node: rdflib.term.Node,
    known: set[rdflib.term.Node],
    with_messages: bool,
) -> tuple[bool, Counter[Key]]:
    """``sh:conforms`` and the results of the report ``node`` in ``report``."""
    conforms = report.value(node, SH.conforms)
    keys: Counter[Key] = Counter()
    for r in report.objects(node, SH.result):
        path = report.value(r, SH.resultPath)
        msgs = frozenset(m.n3() for m in report.objects(r, SH.resultMessage))
        keys[
            (
                _term(report.value(r, SH.focusNode), known),
                "" if path is None else path_text(report, path),
                _term(report.value(r, SH.value), known),
                _term(report.value(r, SH.sourceShape), known),
                _term(report.value(r, SH.sourceConstraintComponent), known),
                _term(report.value(r, SH.resultSeverity), known),
                msgs if with_messages else None,
            )
        ] += 1
    return bool(conforms is not None and conforms.toPython()), keys


@dataclass(frozen=True)
class Loaded:
    """A case's graphs: the data as triples (for the store) and rdflib graphs (for pySHACL)."""

    data_triples: tuple[ox.Triple, ...]
    data: rdflib.Graph
    shapes: rdflib.Graph
    expected_conforms: bool
    expected: Counter[Key]
    with_messages: bool
    known: frozenset[rdflib.term.Node]
    #: the suite expects the processor to fail (sht:Failure): shapes it must not evaluate
    expects_failure: bool = False


def load(case: Case) -> Loaded:
    data_triples = parsed(case.data)
    data = _graph(case.data)
    shapes = data if case.shapes == case.data else _graph(case.shapes)
    manifest = data if case.manifest == case.data else _graph(case.manifest)
    known = _known_bnodes(data, shapes)
    result = manifest.value(rdflib.URIRef(case.entry), MF.result)
    assert result is not None, case
    if result == SHT.Failure:
        return Loaded(data_triples, data, shapes, False, Counter(), False, frozenset(), True)
    with_messages = any(
        manifest.value(r, SH.resultMessage) is not None for r in manifest.objects(result, SH.result)
    )
    conforms, expected = report_keys(manifest, result, known, with_messages)
    return Loaded(data_triples, data, shapes, conforms, expected, with_messages, frozenset(known))


def _diff(got: Counter[Key], want: Counter[Key]) -> str:
    extra = "\n  ".join(map(str, sorted((got - want).elements())))
    missing = "\n  ".join(map(str, sorted((want - got).elements())))
    return f"unexpected:\n  {extra or '-'}\nmissing:\n  {missing or '-'}"


def _judge(loaded: Loaded, report: rdflib.Graph, node: rdflib.term.Node) -> tuple[bool, str]:
    conforms, got = report_keys(report, node, set(loaded.known), loaded.with_messages)
    if conforms == loaded.expected_conforms and got == loaded.expected:
        return True, ""
    return False, f"conforms {conforms} (expected {loaded.expected_conforms})\n" + _diff(
        got, loaded.expected
    )


# -- the two engines ---------------------------------------------------------------------------
def fast_report(loaded: Loaded) -> rdflib.Graph:
    """The fast engine's report on a case (results of every severity count against conformance)."""
    store = ox.Store()
    graph = ox.NamedNode("urn:sgraph:w3c:data")
    store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in loaded.data_triples)
    written = WrittenLiterals.of([(graph, loaded.data_triples)])
    results = shacl.validate(store, loaded.shapes, written)
    return shacl.results_graph(results, conforms=not results, shapes=loaded.shapes)


def run_fast(case: Case) -> Run:
    loaded = load(case)
    try:
        report = fast_report(loaded)
    except InputError as exc:
        return Run("pass" if loaded.expects_failure else "refused", str(exc))
    if loaded.expects_failure:
        return Run("wrong", "the suite expects a failure; the engine gave a report")
    ok, detail = _judge(loaded, report, next(report.subjects(RDF.type, SH.ValidationReport)))
    return Run("pass" if ok else "wrong", detail)


def run_pyshacl(case: Case) -> Run:
    import pyshacl

    loaded = load(case)
    try:
        _, report, _ = pyshacl.validate(
            loaded.data,
            shacl_graph=loaded.shapes,
            inference="none",
            advanced=True,
            abort_on_first=False,
        )
    except Exception as exc:  # pySHACL's own errors: a failed case, not a crashed suite
        return Run("pass" if loaded.expects_failure else "fail", f"{type(exc).__name__}: {exc}")
    if not isinstance(report, rdflib.Graph):  # pySHACL's ValidationFailure
        return Run("pass" if loaded.expects_failure else "fail", str(report))
    if loaded.expects_failure:
        return Run("fail", "the suite expects a failure; pySHACL gave a report")
    node = next(
        n
        for n in report.subjects(RDF.type, SH.ValidationReport)
        if (None, SH.detail, n) not in report
    )
    ok, detail = _judge(loaded, report, node)
    return Run("pass" if ok else "fail", detail)


def label(case: Case) -> str:
    g = _graph(case.manifest)
    return str(g.value(rdflib.URIRef(case.entry), RDFS.label) or case.name)
