"""The validation run: plan every query (refusing what cannot be evaluated), then run them.

For each shape with targets, and each constraint of it: one SELECT over all its focus nodes that
returns the violations, built from the component's pattern. ``sh:property`` shapes are validated
in turn on the value nodes (their results carry their own source shape); SPARQL constraints run
as ``LATERAL`` joins. Every shape reachable from a target is read and checked, and every query
text built, before the first query runs: a shape the engine cannot evaluate exactly stops the
run with an InputError naming the feature, before any result exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from sgraph.errors import InputError
from sgraph.literals import WrittenLiterals
from sgraph.shacl.compiler import Compiler, ValueNodes, subclass_closure
from sgraph.shacl.components import COMPONENTS
from sgraph.shacl.components.base import Found
from sgraph.shacl.components.shape_based import PropertyComponent
from sgraph.shacl.components.sparql_based import (
    Prepared,
    SPARQLComponent,
    merge_prefixes,
    substitute,
)
from sgraph.shacl.overlay import Overlay, overlay
from sgraph.shacl.query import Value
from sgraph.shacl.report import RawResult
from sgraph.shacl.shapes_graph import Constraint, Shape, ShapesGraph
from sgraph.shacl.targets import focus_set, value_nodes_as_focus
from sgraph.terms import OxTerm, from_rdflib, to_rdflib

Builder = Callable[[ox.QuerySolution, list[str]], RawResult | None]


@dataclass
class Job:
    """One query of the plan and how each of its rows becomes a result."""

    text: str
    prefixes: dict[str, str]
    build: Builder
    shape: rdflib.term.Node


class Engine:
    def __init__(self, store: ox.Store, shapes: rdflib.Graph, overlay: Overlay) -> None:
        self.store = store
        self.sg = ShapesGraph(shapes, COMPONENTS)
        self.c = Compiler(self.sg, overlay, subclass_closure(store), absent=absent(store, shapes))
        self.jobs: list[Job] = []

    @property
    def overlay(self) -> Overlay:
        return self.c.overlay

    # -- planning --------------------------------------------------------------------------
    def plan(self) -> None:
        tops = self.sg.top_level()
        self.sg.reachable(tops)  # read and check every shape used, before anything runs
        for node in tops:
            shape = self.sg.shape(node)
            if shape.deactivated:
                continue
            prefixes: dict[str, str] = {}
            focus = focus_set(self.c, node, prefixes)
            if focus is not None:
                self.shape_jobs(shape, focus, prefixes)
        for job in self.jobs:  # prefixes the compiled expressions use (SPARQL validators)
            merge_prefixes(job.prefixes, self.c.prefixes, job.shape)

    def shape_jobs(
        self, shape: Shape, focus: str, prefixes: dict[str, str], keys: tuple[str, ...] = ()
    ) -> None:
        """The queries of ``shape`` on the focus nodes bound (to ``?this``) by ``focus``.

        ``keys`` are variables of ``focus`` that tell focus nodes reached from different parent
        focus nodes apart (nested ``sh:property`` shapes): each gives its own results.
        """
        x = self.c.focus()
        bound = focus  # binds ?this with its form as written (targets.focus_set)
        values = ValueNodes(x, shape.path, focus, keys, shape.nullable)
        for con in shape.constraints:
            comp = con.component
            if isinstance(comp, PropertyComponent):
                prop = self.sg.shape(con.value)
                if prop.deactivated:
                    continue
                if shape.path is None:
                    self.shape_jobs(prop, focus, prefixes, keys)
                else:
                    inner, inner_keys = value_nodes_as_focus(
                        focus, shape.path, shape.nullable, keys, self.c
                    )
                    self.shape_jobs(prop, inner, prefixes, inner_keys)
            elif (prepared := comp.lateral(self.sg, con, shape)) is not None:
                self.sparql_job(shape, con, prepared, bound, x, prefixes)
            else:
                for found in comp.violations(self.c, con, values):
                    self.jobs.append(self.job(shape, con, found, bound, x, prefixes, keys))

    def job(
        self,
        shape: Shape,
        con: Constraint,
        found: Found,
        bound: str,
        x: Value,
        prefixes: dict[str, str],
        keys: tuple[str, ...],
    ) -> Job:
        where = found.pattern if found.includes_focus else bound + found.pattern
        reported = [x] + ([found.value] if found.value is not None and found.value != x else [])
        names = [n for v in reported for n in self._names(v)]
        if found.path_var:
            names.append(found.path_var)
        names.extend(found.keys)
        names.extend(keys)
        text = f"SELECT DISTINCT {' '.join(names)} WHERE {{ {where} }}"
        messages = con.component.result_messages(self.sg, con)
        value, path_var = found.value, found.path_var

        def build(row: ox.QuerySolution, _: list[str]) -> RawResult:
            path: rdflib.term.Node | OxTerm | None = shape.path_node
            if path_var is not None:
                path = row[path_var[1:]]
            return RawResult(
                focus=self.written(row, x),
                path=path,
                value=self.written(row, value) if value is not None else None,
                messages=list(messages),
                severity=shape.severity,
                shape=shape.node,
                component=con.component.iri,
            )

        return Job(text, dict(prefixes), build, shape.node)

    def _names(self, v: Value) -> list[str]:
        return [v.var, f"{v.var}_lex", f"{v.var}_dt"] if v.written else [v.var]

    def written(self, row: ox.QuerySolution, v: Value) -> OxTerm:
        """The value node of ``v`` in ``row``, as written in the data."""
        term = row[v.var[1:]]
        if v.written:
            lex, dtype = row[v.var[1:] + "_lex"], row[v.var[1:] + "_dt"]
            if isinstance(lex, ox.Literal) and isinstance(dtype, ox.NamedNode):
                return ox.Literal(lex.value, datatype=dtype)
        assert term is not None
        return term  # type: ignore[no-any-return]

    def sparql_job(
        self,
        shape: Shape,
        con: Constraint,
        p: Prepared,
        bound: str,
        x: Value,
        target: dict[str, str],
    ) -> None:
        """The job of a SPARQL SELECT (sh:sparql or a SELECT validator) on the focus nodes."""
        prefixes = dict(target)
        merge_prefixes(prefixes, p.prefixes, con.value)
        seen: set[tuple[object, ...]] = set()
        is_property = shape.is_property_shape
        skip = {"failure", *p.bound, *(f"{x.var[1:]}{s}" for s in ("_lex", "_dt", "_ok"))}
        sparql = isinstance(con.component, SPARQLComponent)

        def build(row: ox.QuerySolution, names: list[str]) -> RawResult | None:
            found = {n: row[n] for n in names if row[n] is not None and n not in skip}
            this = self.written(row, x)
            found.pop("this")
            path = found.pop("path", None)
            value = found.pop("value", None)
            key = (this, path, value, tuple(sorted((k, str(v)) for k, v in found.items())))
            if key in seen:
                return None
            seen.add(key)
            if value is None and not is_property:
                value = this
            fdict: dict[str, rdflib.term.Node] = {
                k: to_rdflib(v) for k, v in found.items() if v is not None
            }
            fdict.update((k, to_rdflib(row[k])) for k in p.bound if row[k] is not None)
            fdict["this"] = to_rdflib(this)
            if path is not None:
                fdict["path"] = to_rdflib(path)
            if value is not None:
                fdict["value"] = to_rdflib(value)
            messages = [substitute(m, fdict) for m in p.messages] or [
                rdflib.Literal("(no message)")
            ]
            result_path: rdflib.term.Node | OxTerm | None = path
            if result_path is None and is_property:
                result_path = shape.path_node
            return RawResult(
                this,
                result_path,
                value,
                messages,
                shape.severity,
                shape.node,
                con.component.iri,
                con.value if sparql else None,
            )

        self.jobs.append(Job(p.text(bound), prefixes, build, shape.node))

    # -- running ---------------------------------------------------------------------------
    def run(self) -> list[RawResult]:
        results: list[RawResult] = []
        for job in self.jobs:
            try:
                res = self.store.query(
                    job.text, prefixes=job.prefixes, use_default_graph_as_union=True
                )
            except SyntaxError as exc:
                raise InputError(
                    f"a SHACL query of the shape {job.shape} cannot be parsed: {exc}\n{job.text}"
                ) from None
            assert isinstance(res, ox.QuerySolutions)
            names = [v.value for v in res.variables]
            for row in res:
                r = job.build(row, names)
                if r is not None:
                    results.append(r)
        return results


def absent(store: ox.Store, shapes: rdflib.Graph) -> list[str]:
    """The sh:targetNode constants that are neither a subject nor an object in ``store``."""
    out: set[str] = set()
    for n in shapes.objects(None, SH.targetNode):
        if isinstance(n, rdflib.BNode):
            continue
        t = from_rdflib(n)
        found = next(store.quads_for_pattern(None, None, t, None), None)
        if found is None and isinstance(t, ox.NamedNode):
            found = next(store.quads_for_pattern(t, None, None, None), None)
        if found is None:
            out.add(str(t))
    return sorted(out)


def validate(
    store: ox.Store, shapes: rdflib.Graph, written: WrittenLiterals | None = None
) -> list[RawResult]:
    """Every validation result of ``shapes`` on the union of ``store``'s graphs.

    ``written`` records the literals the store keeps in another form than the data wrote
    (``GraphStore.written``); results and checks then see them as written.
    """
    engine = Engine(store, shapes, overlay(store, shapes, written))
    engine.plan()
    return engine.run()
