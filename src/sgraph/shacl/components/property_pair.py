"""Property pair constraint components (SHACL 4.5): sh:equals, sh:disjoint, sh:lessThan,
sh:lessThanOrEquals. Each compares the value nodes with the values of a property of the focus
node; terms compare as written."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rdflib
from rdflib.namespace import SH

from sgraph.shacl.components.base import Component, Found
from sgraph.shacl.query import Value, bad_shape, local

if TYPE_CHECKING:
    from sgraph.shacl.compiler import Compiler, ValueNodes
    from sgraph.shacl.shapes_graph import Constraint, ShapesGraph


class _PairComponent(Component):
    def check(self, sg: ShapesGraph, con: Constraint) -> None:
        if not isinstance(con.value, rdflib.URIRef):
            raise bad_shape(f"{local(self.parameters[0])} must be an IRI", con.shape)

    def other(self, c: Compiler, con: Constraint, values: ValueNodes) -> tuple[Value, str]:
        """A variable for the values of the compared property, and the pattern binding it."""
        o = c.value("o")
        path = f"<{con.value}>"
        return o, f"{values.focus.var} {path} {o.var} .{c.overlay_join(o, values.focus, path)}"


class EqualsComponent(_PairComponent):
    """The value nodes and the property's values are the same set: each one missing from the
    other side is a result."""

    iri = SH.EqualsConstraintComponent
    parameters = (SH.equals,)
    message = "The values differ from those of the other property"

    def violations(self, c: Compiler, con: Constraint, values: ValueNodes) -> list[Found]:
        v, bind_v = values.bind(c)
        o, bind_o = self.other(c, con, values)
        only_values = f"{bind_v} FILTER NOT EXISTS {{ {bind_o} FILTER({v.same(o)}) }}"
        v2, bind_v2 = values.bind(c)
        o2, bind_o2 = self.other(c, con, values)
        only_other = f"{bind_o2} FILTER NOT EXISTS {{ {bind_v2} FILTER({v2.same(o2)}) }}"
        return [Found(only_values, value=v), Found(only_other, value=o2)]


class DisjointComponent(_PairComponent):
    iri = SH.DisjointConstraintComponent
    parameters = (SH.disjoint,)
    message = "A value is also a value of the other property"

    def violations(self, c: Compiler, con: Constraint, values: ValueNodes) -> list[Found]:
        v, bind_v = values.bind(c)
        o, bind_o = self.other(c, con, values)
        return [Found(f"{bind_v} {bind_o} FILTER({v.same(o)})", value=v)]


class _OrderComponent(_PairComponent):
    operator: str
    property_only = True

    def violations(self, c: Compiler, con: Constraint, values: ValueNodes) -> list[Found]:
        v, bind_v = values.bind(c)
        o, bind_o = self.other(c, con, values)
        test = f"{v.well_formed()} && {o.well_formed()} && {v.var} {self.operator} {o.var}"
        # One result per pair of values that are not in order (as SHACL and the W3C suite say).
        pattern = f"{bind_v} {bind_o} FILTER(!COALESCE({test}, false))"
        return [Found(pattern, value=v, keys=(o.var,))]


class LessThanComponent(_OrderComponent):
    iri = SH.LessThanConstraintComponent
    parameters = (SH.lessThan,)
    operator = "<"
    message = "A value is not less than a value of the other property"


class LessThanOrEqualsComponent(_OrderComponent):
    iri = SH.LessThanOrEqualsConstraintComponent
    parameters = (SH.lessThanOrEquals,)
    operator = "<="
    message = "A value is greater than a value of the other property"
