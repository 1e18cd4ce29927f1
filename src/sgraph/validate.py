"""SHACL validation of the materialised graph: the fast engine (default) or pySHACL (the reference).

The data graph is the curated data plus the materialised standard triples plus the ontology, so
shapes on a superclass reach instances of its subclasses without RDFS inference (inference is off:
the subclass closure is already in the data).

Two engines give the same results: ``"fast"`` (``sgraph.shacl``: one set-based SPARQL query per
constraint on the pyoxigraph store, for large graphs) and ``"pyshacl"`` (pySHACL on an rdflib copy,
the reference implementation). Choose with ``engine=`` or the ``SGRAPH_SHACL_ENGINE`` environment
variable (which overrides the argument).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sgraph.config import Settings
from sgraph.errors import InputError
from sgraph.namespaces import DEFAULT_BASE

if TYPE_CHECKING:  # imported where used, so the CLI can read ENGINES without loading rdflib
    import rdflib

    from sgraph.store import GraphStore

Severity = Literal["Violation", "Warning", "Info"]
Engine = Literal["fast", "pyshacl"]
ENGINES: tuple[Engine, ...] = ("fast", "pyshacl")
#: Environment variable that overrides the engine argument.
ENGINE_ENV = "SGRAPH_SHACL_ENGINE"


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
        import rdflib

        g = self.results_graph if self.results_graph is not None else rdflib.Graph()
        return g.serialize(format="turtle")


def _term_text(node: rdflib.term.Node | None) -> str | None:
    import rdflib

    if node is None:
        return None
    if isinstance(node, rdflib.Literal):
        return node.n3()
    return str(node)


def _shape_text(node: rdflib.term.Node | None) -> str | None:
    import rdflib

    if node is None or isinstance(node, rdflib.BNode):
        return None
    return str(node)


def _severity(node: rdflib.term.Node | None) -> Severity:
    from rdflib.namespace import SH

    if node == SH.Warning:
        return "Warning"
    if node == SH.Info:
        return "Info"
    return "Violation"


def run_shacl(
    data: rdflib.Graph, shapes: rdflib.Graph, gs: GraphStore | None = None
) -> ValidationReport:
    import pyshacl  # imported here: slow to import, and the fast engine does not need it
    import rdflib
    from rdflib.namespace import SH

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
    results.sort(key=_result_order)
    return ValidationReport(conforms=bool(conforms), results=results, results_graph=results_graph)


def _result_order(v: Violation) -> tuple[bool, str, int, str, str, str]:
    return (
        v.severity != "Violation",
        v.source_file or "",
        v.line or 0,
        v.focus,
        v.path or "",
        v.message,
    )


def run_fast(gs: GraphStore, shapes: rdflib.Graph) -> ValidationReport:
    """The fast engine: the same report as ``run_shacl``, computed by ``sgraph.shacl``."""
    import rdflib

    from sgraph import shacl
    from sgraph.terms import to_rdflib

    raw = shacl.validate_raw(gs, shapes)
    results: list[Violation] = []
    for r in raw:
        focus = str(to_rdflib(r.focus))
        loc = gs.locate(focus)
        path = (
            r.path if r.path is None or isinstance(r.path, rdflib.term.Node) else to_rdflib(r.path)
        )
        results.append(
            Violation(
                focus=focus,
                path=_term_text(path),
                value=_term_text(to_rdflib(r.value) if r.value is not None else None),
                message=sorted(str(m) for m in r.messages)[0],
                severity=_severity(r.severity),
                shape=_shape_text(r.shape),
                source_file=str(loc.path) if loc else None,
                line=loc.line if loc else None,
            )
        )
    results.sort(key=_result_order)
    conforms = not any(v.severity == "Violation" for v in results)
    graph = shacl.results_graph(raw, conforms, shapes)
    return ValidationReport(conforms=conforms, results=results, results_graph=graph)


def choose_engine(engine: str = "fast") -> Engine:
    """``engine``, unless ``SGRAPH_SHACL_ENGINE`` names another; an unknown name is an InputError."""
    chosen = os.environ.get(ENGINE_ENV) or engine
    for known in ENGINES:
        if chosen == known:
            return known
    raise InputError(
        f"unknown SHACL engine {chosen!r}",
        hint=f"use one of {', '.join(ENGINES)} (--engine or {ENGINE_ENV})",
    )


def load_shapes(settings: Settings) -> rdflib.Graph:
    """The shapes, with the default base replaced everywhere (IRIs and SPARQL text alike)."""
    import pyoxigraph as ox

    from sgraph.sources import parse_file
    from sgraph.terms import triples_to_rdflib

    text = settings.shapes_file.read_text(encoding="utf-8")
    if settings.base != DEFAULT_BASE:
        text = text.replace(DEFAULT_BASE, settings.base)
    try:
        triples = [q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)]
    except SyntaxError:
        parse_file(settings.shapes_file)  # raises DataSyntaxError with file, line and column
        raise
    return triples_to_rdflib(triples)


def validate_store(gs: GraphStore, engine: Engine = "fast") -> ValidationReport:
    """Validate a loaded graph (data + materialised triples + ontology) against the shapes.

    ``engine`` is ``"fast"`` (set-based SPARQL on the store) or ``"pyshacl"`` (the reference);
    the ``SGRAPH_SHACL_ENGINE`` environment variable overrides it.
    """
    shapes = load_shapes(gs.settings)
    if choose_engine(engine) == "fast":
        return run_fast(gs, shapes)
    data = gs.to_rdflib(with_ontology=True)
    return run_shacl(data, shapes, gs)


def validate_paths(
    paths: list[Path], settings: Settings | None = None, engine: Engine = "fast"
) -> ValidationReport:
    """Load ``paths`` (files or folders) with the ontology, materialise, validate."""
    from sgraph.store import GraphStore

    gs = GraphStore.load(settings or Settings(), data=[Path(p) for p in paths])
    return validate_store(gs, engine)
