"""Other constraint components (SHACL 4.8): sh:closed (with sh:ignoredProperties),
sh:hasValue, sh:in. Terms compare as written."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rdflib
from rdflib.namespace import SH

from sgraph.shacl.components.base import Component, Found, ValueComponent
from sgraph.shacl.query import Value, bad_shape, rdf_list

if TYPE_CHECKING:
    from sgraph.shacl.compiler import Compiler, ValueNodes
    from sgraph.shacl.shapes_graph import Constraint, ShapesGraph

TRUE = rdflib.Literal(True)


class ClosedComponent(Component):
    """Every triple of a value node uses a property of the shape's sh:property shapes or of
    sh:ignoredProperties; each other triple is a result (path: its predicate, value: its object)."""

    iri = SH.ClosedConstraintComponent
    parameters = (SH.closed,)
    optional = (SH.ignoredProperties,)
    message = "The node has a property the closed shape does not allow"

    def active(self, sg: ShapesGraph, con: Constraint) -> bool:
        return con.value == TRUE

    def allowed(self, sg: ShapesGraph, con: Constraint) -> list[rdflib.term.Node]:
        g = sg.g
        out: set[rdflib.term.Node] = {
            p
            for prop in g.objects(con.shape, SH.property)
            for p in g.objects(prop, SH.path)
            if isinstance(p, rdflib.URIRef)
        }
        ignored = con.get(SH.ignoredProperties)
        if ignored is not None:
            out.update(rdf_list(g, ignored, con.shape))
        return sorted(out, key=str)

    def check(self, sg: ShapesGraph, con: Constraint) -> None:
        if not all(isinstance(p, rdflib.URIRef) for p in self.allowed(sg, con)):
            raise bad_shape("sh:ignoredProperties must list IRIs", con.shape)

    def violations(self, c: Compiler, con: Constraint, values: ValueNodes) -> list[Found]:
        v, bind = values.bind(c)
        p, o = c.names.var("p"), c.value("o")
        allowed = ", ".join(f"<{x}>" for x in self.allowed(c.sg, con))
        test = f"FILTER(!({p} IN ({allowed})))" if allowed else ""
        pattern = f"{bind} {v.var} {p} {o.var} .{c.overlay.join(o.var)} {test}"
        # One result per value node and triple (a property shape's value nodes each count).
        keys = (v.var,) if values.path is not None else ()
        return [Found(pattern, value=o, path_var=p, keys=keys)]


class HasValueComponent(Component):
    """One of the value nodes is the given term (a result without a value when none is)."""

    iri = SH.HasValueConstraintComponent
    parameters = (SH.hasValue,)
    message = "Missing the required value"

    def violations(self, c: Compiler, con: Constraint, values: ValueNodes) -> list[Found]:
        k = con.value
        if values.path is None:
            return [Found(f"FILTER(!COALESCE({values.focus.equals(k)}, false))")]
        if isinstance(k, rdflib.URIRef):  # IRIs are stored as written: the index finds it
            return [Found(f"FILTER NOT EXISTS {{ {values.focus.var} {values.path} <{k}> }}")]
        v, bind = values.bind(c)
        return [Found(f"FILTER NOT EXISTS {{ {bind} FILTER({v.equals(k)}) }}")]


class InComponent(ValueComponent):
    """Each value node is one of the listed terms."""

    iri = SH.InConstraintComponent
    parameters = (SH["in"],)
    message = "Value is not one of the allowed values"

    def check(self, sg: ShapesGraph, con: Constraint) -> None:
        rdf_list(sg.g, con.value, con.shape)

    def test(self, c: Compiler, con: Constraint, v: Value) -> str:
        members = rdf_list(c.g, con.value, con.shape)
        iris = [m for m in members if isinstance(m, rdflib.URIRef)]
        others = [v.equals(m) for m in members if not isinstance(m, rdflib.URIRef)]
        if iris:
            others.insert(0, f"{v.var} IN ({', '.join(f'<{m}>' for m in iris)})")
        return "(" + (" || ".join(others) or "false") + ")"
