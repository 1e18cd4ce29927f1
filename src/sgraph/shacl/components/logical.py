"""Logical constraint components (SHACL 4.6): sh:not, sh:and, sh:or, sh:xone.

Each value node is tested against the member shapes with ``Compiler.conforms``, the same
expression every nested shape gets."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rdflib
from rdflib.namespace import SH

from sgraph.shacl.components.base import ValueComponent
from sgraph.shacl.query import Value, rdf_list

if TYPE_CHECKING:
    from sgraph.shacl.compiler import Compiler
    from sgraph.shacl.shapes_graph import Constraint, ShapesGraph


class NotComponent(ValueComponent):
    iri = SH.NotConstraintComponent
    parameters = (SH["not"],)
    message = "Value conforms to a shape it must not conform to"

    def shapes(self, sg: ShapesGraph, con: Constraint) -> list[rdflib.term.Node]:
        return [con.value]

    def test(self, c: Compiler, con: Constraint, v: Value) -> str:
        return f"!{c.conforms(con.value, v)}"


class _ListComponent(ValueComponent):
    def shapes(self, sg: ShapesGraph, con: Constraint) -> list[rdflib.term.Node]:
        return rdf_list(sg.g, con.value, con.shape)

    def members(self, c: Compiler, con: Constraint, v: Value) -> list[str]:
        return [c.conforms(m, v) for m in self.shapes(c.sg, con)]


class AndComponent(_ListComponent):
    iri = SH.AndConstraintComponent
    parameters = (SH["and"],)
    message = "Value does not conform to every shape of sh:and"

    def test(self, c: Compiler, con: Constraint, v: Value) -> str:
        return "(" + (" && ".join(self.members(c, con, v)) or "true") + ")"


class OrComponent(_ListComponent):
    iri = SH.OrConstraintComponent
    parameters = (SH["or"],)
    message = "Value does not conform to any shape of sh:or"

    def test(self, c: Compiler, con: Constraint, v: Value) -> str:
        return "(" + (" || ".join(self.members(c, con, v)) or "false") + ")"


class XoneComponent(_ListComponent):
    iri = SH.XoneConstraintComponent
    parameters = (SH.xone,)
    message = "Value does not conform to exactly one shape of sh:xone"

    def test(self, c: Compiler, con: Constraint, v: Value) -> str:
        counts = [f"IF({m}, 1, 0)" for m in self.members(c, con, v)]
        return f"({' + '.join(counts) or '0'}) = 1"
