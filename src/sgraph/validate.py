"""SHACL validation of the materialised graph: the fast engine (default) or pySHACL (the reference).

The data graph is the curated data plus the materialised standard triples plus the ontology, so
shapes on a superclass reach instances of its subclasses without RDFS inference (inference is off:
the subclass closure is already in the data).

Two engines give the same results: ``"fast"`` (``sgraph.shacl``: one set-based SPARQL query per
constraint on the pyoxigraph store, for large graphs) and ``"pyshacl"`` (pySHACL on an rdflib copy,
the reference implementation). Choose with ``engine=``; without one, the ``SGRAPH_SHACL_ENGINE``
environment variable chooses, and without that, ``"fast"``.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sgraph import environment
from sgraph.config import Settings
from sgraph.errors import InputError

if TYPE_CHECKING:  # imported where used, so the CLI can read ENGINES without loading rdflib
    import rdflib

    from sgraph.store import GraphStore

Severity = Literal["Violation", "Warning", "Info"]
Engine = Literal["fast", "pyshacl"]
ENGINES: tuple[Engine, ...] = ("fast", "pyshacl")
#: Environment variable that chooses the engine when no argument does.
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


#: How many results a person sees by default (``sgraph validate --limit``, a failing build).
SHOWN_RESULTS = 20


@dataclass
class ValidationReport:
    conforms: bool
    results: list[Violation] = field(default_factory=list)
    results_graph: rdflib.Graph | None = None
    #: Results left out because their focus is described in none of the files named
    #: (``validate_in_context``); they are about the rest of the data folder.
    omitted: int = 0

    @property
    def violations(self) -> list[Violation]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Violation]:
        return [r for r in self.results if r.severity != "Violation"]

    def to_text(self, limit: int | None = None) -> str:
        """Each result (violations first), at most ``limit`` of them, then the verdict."""
        shown = self.results if limit is None or limit <= 0 else self.results[:limit]
        lines = [r.describe() for r in shown]
        if len(shown) < len(self.results):
            lines.append(
                f"... and {len(self.results) - len(shown)} more result(s) "
                "(--limit 0 shows them all, --format json lists them for tools)"
            )
        verdict = "conforms" if self.conforms else "does not conform"
        what = "The graph" if not self.omitted else "The named files"
        lines.append(
            f"{what} {verdict}: {len(self.violations)} violation(s), "
            f"{len(self.warnings)} warning(s)."
        )
        if self.omitted:
            lines.append(
                f"({self.omitted} result(s) about entities described in other files of the data "
                "folder not shown: run `sgraph validate` without files to see them.)"
            )
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        body = {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [asdict(r) for r in self.results],
            "omitted": self.omitted,
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


def choose_engine(engine: str | None = None) -> Engine:
    """``engine`` if given, else ``SGRAPH_SHACL_ENGINE``, else ``fast``: an explicit choice
    always beats the environment. An unknown name is an InputError."""
    chosen = engine or environment.read(ENGINE_ENV) or "fast"
    for known in ENGINES:
        if chosen == known:
            return known
    raise InputError(
        f"unknown SHACL engine {chosen!r}",
        hint=f"use one of {', '.join(ENGINES)} (--engine or {ENGINE_ENV})",
    )


def load_shapes(settings: Settings) -> rdflib.Graph:
    """The shapes validation uses: ``sgraph.shapes.shapes_graph`` (the one shapes loader)."""
    from sgraph.shapes import shapes_graph

    return shapes_graph(settings)


def validate_store(gs: GraphStore, engine: str | None = None) -> ValidationReport:
    """Validate a loaded graph (data + materialised triples + ontology) against the shapes.

    ``engine`` is ``"fast"`` (set-based SPARQL on the store) or ``"pyshacl"`` (the reference);
    None: ``SGRAPH_SHACL_ENGINE``, else fast.
    """
    shapes = load_shapes(gs.settings)
    if choose_engine(engine) == "fast":
        return run_fast(gs, shapes)
    data = gs.to_rdflib(with_ontology=True)
    return run_shacl(data, shapes, gs)


def validate_paths(
    paths: list[Path], settings: Settings | None = None, engine: str | None = None
) -> ValidationReport:
    """Load ``paths`` (files or folders) alone with the ontology, materialise, validate: the
    files are the whole data graph (``sgraph validate --alone``)."""
    from sgraph.store import GraphStore

    gs = GraphStore.load(settings or Settings(), data=[Path(p) for p in paths], include=False)
    return validate_store(gs, engine)


def validate_in_context(
    paths: list[Path], settings: Settings | None = None, engine: str | None = None
) -> ValidationReport:
    """Check ``paths`` as part of their data folder (``sgraph validate PATH...``).

    A folder is validated as a whole, in place of the settings' data folder. A file is
    validated with the rest of the data folder (it replaces nothing if it lies in that folder,
    it is added to it otherwise), and only the results whose focus node the named files
    describe are reported: an entity's sources, its targets and its neighbours are there, so a
    file is judged as the build would judge it. With no file named, every result is reported.
    """
    from sgraph.sources import data_files
    from sgraph.store import GraphStore

    settings = settings or Settings()
    paths = [Path(p) for p in paths]
    folders = [p for p in paths if p.is_dir()]
    named = data_files([p for p in paths if not p.is_dir()]) if len(folders) < len(paths) else []
    if folders:
        settings = dataclasses.replace(settings, data_dir=folders[0], data_origin="given")
    context: list[Path] = folders or [settings.data_dir]
    known = {f.resolve() for f in data_files(context)}
    extra = [f for f in named if f.resolve() not in known]
    gs = GraphStore.load(settings, data=[*context, *extra])
    report = validate_store(gs, engine)
    if not named:
        return report
    wanted = {f.resolve() for f in named}
    described = _described_in(gs, [src.graph for src in gs.sources if src.path.resolve() in wanted])
    kept = [r for r in report.results if r.focus in described]
    conforms = not any(r.severity == "Violation" for r in kept)
    graph = report.results_graph
    if graph is not None:
        graph = _keep_results(graph, described, conforms)
    return ValidationReport(
        conforms=conforms,
        results=kept,
        results_graph=graph,
        omitted=len(report.results) - len(kept),
    )


def _described_in(gs: GraphStore, graphs: list[Any]) -> set[str]:
    """The subjects of the named graphs ``graphs``, as results name their focus nodes."""
    from sgraph.terms import to_rdflib

    found: set[str] = set()
    for g in graphs:
        for q in gs.store.quads_for_pattern(None, None, None, g):
            found.add(str(to_rdflib(q.subject)))
    return found


def _keep_results(graph: rdflib.Graph, focus: set[str], conforms: bool) -> rdflib.Graph:
    """A copy of a SHACL report graph with only the results about ``focus``."""
    import rdflib
    from rdflib.namespace import SH

    out = rdflib.Graph()
    for pfx, ns in graph.namespaces():
        out.bind(pfx, ns)
    results = [
        r
        for rep in graph.subjects(rdflib.RDF.type, SH.ValidationReport)
        for r in graph.objects(rep, SH.result)
    ]

    def reach(starts: list[rdflib.term.Node]) -> set[rdflib.term.Node]:
        """The nodes and the blank nodes under them (sh:detail, paths, anonymous shapes)."""
        seen, stack = set(starts), list(starts)
        while stack:
            for o in graph.objects(stack.pop(), None):
                if isinstance(o, rdflib.BNode) and o not in seen:
                    seen.add(o)
                    stack.append(o)
        return seen

    keep = reach([r for r in results if str(graph.value(r, SH.focusNode)) in focus])
    dropped = reach([r for r in results if str(graph.value(r, SH.focusNode)) not in focus]) - keep
    for t in graph:
        if t[0] in dropped or t[2] in dropped or t[1] == SH.conforms:
            continue
        out.add(t)
    for report in graph.subjects(rdflib.RDF.type, SH.ValidationReport):
        out.add((report, SH.conforms, rdflib.Literal(conforms)))
    return out
