"""Shape-based constraint components (SHACL 4.7): sh:node, sh:property, and the qualified
value shapes (sh:qualifiedValueShape with sh:qualifiedMinCount / sh:qualifiedMaxCount)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rdflib
from rdflib.namespace import SH

from sgraph.shacl.components.base import Component, Found, ValueComponent, integer
from sgraph.shacl.components.cardinality import count_above, count_below
from sgraph.shacl.query import Value

if TYPE_CHECKING:
    from sgraph.shacl.compiler import Compiler, ValueNodes
    from sgraph.shacl.shapes_graph import Constraint, ShapesGraph

TRUE = rdflib.Literal(True)


class NodeComponent(ValueComponent):
    """Each value node conforms to the node shape (one result per value node that does not)."""

    iri = SH.NodeConstraintComponent
    parameters = (SH.node,)
    message = "Value does not conform to the shape"

    def shapes(self, sg: ShapesGraph, con: Constraint) -> list[rdflib.term.Node]:
        return [con.value]

    def test(self, c: Compiler, con: Constraint, v: Value) -> str:
        return c.conforms(con.value, v)


class PropertyComponent(NodeComponent):
    """Each value node conforms to the property shape.

    At the top level the engine validates the property shape itself on the value nodes (its
    results are its own, with its own source shape); inside a nested shape it is this test.
    """

    iri = SH.PropertyConstraintComponent
    parameters = (SH.property,)
    message = "Value does not conform to the property shape"


class _QualifiedComponent(Component):
    count: rdflib.URIRef
    optional = (SH.qualifiedValueShapesDisjoint,)
    property_only = True

    def check(self, sg: ShapesGraph, con: Constraint) -> None:
        integer(sg, con, self.count)

    def shapes(self, sg: ShapesGraph, con: Constraint) -> list[rdflib.term.Node]:
        return [con.value, *self.siblings(sg, con)]

    def siblings(self, sg: ShapesGraph, con: Constraint) -> list[rdflib.term.Node]:
        """With sh:qualifiedValueShapesDisjoint true: the qualified value shapes of the other
        property shapes of every shape that has this one as sh:property."""
        if con.get(SH.qualifiedValueShapesDisjoint) != TRUE:
            return []
        g = sg.g
        found = {
            q
            for parent in g.subjects(SH.property, con.shape)
            for sibling in g.objects(parent, SH.property)
            for q in g.objects(sibling, SH.qualifiedValueShape)
        }
        found.discard(con.value)
        return sorted(found, key=str)

    def counted(self, c: Compiler, con: Constraint, v: Value) -> str:
        """The value node conforms to the qualified shape (and to none of its siblings)."""
        parts = [c.conforms(con.value, v)]
        parts.extend(f"!{c.conforms(s, v)}" for s in self.siblings(c.sg, con))
        return " && ".join(parts)


class QualifiedMinCountComponent(_QualifiedComponent):
    iri = SH.QualifiedMinCountConstraintComponent
    parameters = (SH.qualifiedValueShape, SH.qualifiedMinCount)
    count = SH.qualifiedMinCount
    message = "Fewer values than required conform to the qualified value shape"

    def violations(self, c: Compiler, con: Constraint, values: ValueNodes) -> list[Found]:
        n = int(str(con.args[self.count]))
        return [count_below(c, values, n, con.shape, lambda v: self.counted(c, con, v))]


class QualifiedMaxCountComponent(_QualifiedComponent):
    iri = SH.QualifiedMaxCountConstraintComponent
    parameters = (SH.qualifiedValueShape, SH.qualifiedMaxCount)
    count = SH.qualifiedMaxCount
    message = "More values than allowed conform to the qualified value shape"

    def violations(self, c: Compiler, con: Constraint, values: ValueNodes) -> list[Found]:
        n = int(str(con.args[self.count]))
        return [count_above(c, values, n, con.shape, lambda v: self.counted(c, con, v))]
