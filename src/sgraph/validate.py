"""SHACL validation of the materialised graph with pySHACL.

The data graph given to pySHACL is the curated data plus the materialised standard triples plus the
ontology, so shapes on a superclass reach instances of its subclasses without RDFS inference
(inference is off: the subclass closure is already in the data).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib.namespace import SH

from sgraph.config import Settings
from sgraph.errors import InputError
from sgraph.namespaces import DEFAULT_BASE
from sgraph.sources import parse_file
from sgraph.store import GraphStore
from sgraph.terms import triples_to_rdflib

Severity = Literal["Violation", "Warning", "Info"]


@dataclass(frozen=True)
class Violation:
    """One SHACL result, with where its focus node is written down."""

    focus: str
    path: str | None
    value: str | None
    message: str
    severity: Severity
    shape: str | None
    source_file: str | None = None
    line: int | None = None

    def describe(self) -> str:
        where = f"{self.source_file}:{self.line}: " if self.source_file else ""
        parts = [f"{where}{self.severity}: {self.message}", f"  focus: <{self.focus}>"]
        if self.path:
            parts.append(f"  property: <{self.path}>")
        if self.value is not None:
            parts.append(f"  value: {self.value}")
        if self.shape:
            parts.append(f"  shape: {self.shape}")
        return "\n".join(parts)


@dataclass
class ValidationReport:
    conforms: bool
    results: list[Violation] = field(default_factory=list)
    results_graph: rdflib.Graph | None = None

    @property
    def violations(self) -> list[Violation]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Violation]:
        return [r for r in self.results if r.severity != "Violation"]

    def to_text(self) -> str:
        lines = [r.describe() for r in self.results]
        verdict = "conforms" if self.conforms else "does not conform"
        lines.append(
            f"The graph {verdict}: {len(self.violations)} violation(s), {len(self.warnings)} warning(s)."
        )
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        body = {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [asdict(r) for r in self.results],
        }
        return json.dumps(body, indent=2, sort_keys=True) + "\n"

    def to_turtle(self) -> str:
        g = self.results_graph if self.results_graph is not None else rdflib.Graph()
        return g.serialize(format="turtle")


def _term_text(node: rdflib.term.Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, rdflib.Literal):
        return node.n3()
    return str(node)


def _shape_text(node: rdflib.term.Node | None) -> str | None:
    if node is None or isinstance(node, rdflib.BNode):
        return None
    return str(node)


def _severity(node: rdflib.term.Node | None) -> Severity:
    if node == SH.Warning:
        return "Warning"
    if node == SH.Info:
        return "Info"
    return "Violation"


def run_shacl(
    data: rdflib.Graph, shapes: rdflib.Graph, gs: GraphStore | None = None
) -> ValidationReport:
    conforms, results_graph, text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=True,
    )
    if not isinstance(results_graph, rdflib.Graph):  # pySHACL's ValidationFailure: bad shapes
        raise InputError(
            f"the SHACL shapes cannot be used: {text or results_graph}",
            hint="fix ontology/shapes.ttl (the message names the shape)",
        )
    results: list[Violation] = []
    # Top-level results only: nested sh:detail results are part of their parent's result.
    top = [
        r
        for report in results_graph.subjects(rdflib.RDF.type, SH.ValidationReport)
        for r in results_graph.objects(report, SH.result)
    ]
    for r in top:
        focus = str(results_graph.value(r, SH.focusNode))
        messages = sorted(str(m) for m in results_graph.objects(r, SH.resultMessage))
        loc = gs.locate(focus) if gs is not None else None
        source_shape = results_graph.value(r, SH.sourceShape)
        shape_name = _shape_text(source_shape)
        results.append(
            Violation(
                focus=focus,
                path=_term_text(results_graph.value(r, SH.resultPath)),
                value=_term_text(results_graph.value(r, SH.value)),
                message=messages[0] if messages else "(no message)",
                severity=_severity(results_graph.value(r, SH.resultSeverity)),
                shape=shape_name,
                source_file=str(loc.path) if loc else None,
                line=loc.line if loc else None,
            )
        )
    results.sort(
        key=lambda v: (
            v.severity != "Violation",
            v.source_file or "",
            v.line or 0,
            v.focus,
            v.path or "",
            v.message,
        )
    )
    return ValidationReport(conforms=bool(conforms), results=results, results_graph=results_graph)


def load_shapes(settings: Settings) -> rdflib.Graph:
    """The shapes, with the default base replaced everywhere (IRIs and SPARQL text alike)."""
    text = settings.shapes_file.read_text(encoding="utf-8")
    if settings.base != DEFAULT_BASE:
        text = text.replace(DEFAULT_BASE, settings.base)
    try:
        triples = [q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)]
    except SyntaxError:
        parse_file(settings.shapes_file)  # raises DataSyntaxError with file, line and column
        raise
    return triples_to_rdflib(triples)


def validate_store(gs: GraphStore) -> ValidationReport:
    """Validate a loaded graph (data + materialised triples + ontology) against the shapes."""
    data = gs.to_rdflib(with_ontology=True)
    return run_shacl(data, load_shapes(gs.settings), gs)


def validate_paths(paths: list[Path], settings: Settings | None = None) -> ValidationReport:
    """Load ``paths`` (files or folders) with the ontology, materialise, validate."""
    gs = GraphStore.load(settings or Settings(), data=[Path(p) for p in paths])
    return validate_store(gs)
