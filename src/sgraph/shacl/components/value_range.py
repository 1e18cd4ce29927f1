"""Value range constraint components (SHACL 4.3): sh:minExclusive, sh:minInclusive,
sh:maxExclusive, sh:maxInclusive.

SPARQL's ``<`` decides, as SHACL says: a value node it cannot compare with the bound (another
datatype, an IRI, an ill-typed literal) is a violation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rdflib
from rdflib.namespace import SH

from sgraph.shacl.components.base import ValueComponent
from sgraph.shacl.query import Value, bad_shape, local, sparql_term

if TYPE_CHECKING:
    from sgraph.shacl.compiler import Compiler
    from sgraph.shacl.shapes_graph import Constraint, ShapesGraph


class _RangeComponent(ValueComponent):
    operator: str

    def check(self, sg: ShapesGraph, con: Constraint) -> None:
        if not isinstance(con.value, rdflib.Literal):
            raise bad_shape(f"{local(self.parameters[0])} must be a literal", con.shape)

    def test(self, c: Compiler, con: Constraint, v: Value) -> str:
        bound = sparql_term(con.value, con.shape)
        return f"({v.well_formed()} && {v.var} {self.operator} {bound})"


class MinExclusiveComponent(_RangeComponent):
    iri = SH.MinExclusiveConstraintComponent
    parameters = (SH.minExclusive,)
    operator = ">"
    message = "Value is not greater than the minimum (exclusive)"


class MinInclusiveComponent(_RangeComponent):
    iri = SH.MinInclusiveConstraintComponent
    parameters = (SH.minInclusive,)
    operator = ">="
    message = "Value is less than the minimum (inclusive)"


class MaxExclusiveComponent(_RangeComponent):
    iri = SH.MaxExclusiveConstraintComponent
    parameters = (SH.maxExclusive,)
    operator = "<"
    message = "Value is not less than the maximum (exclusive)"


class MaxInclusiveComponent(_RangeComponent):
    iri = SH.MaxInclusiveConstraintComponent
    parameters = (SH.maxInclusive,)
    operator = "<="
    message = "Value is greater than the maximum (inclusive)"
