"""Value type constraint components (SHACL 4.1): sh:class, sh:datatype, sh:nodeKind."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rdflib
from rdflib.namespace import RDF, RDFS, SH

from sgraph.shacl.components.base import ValueComponent
from sgraph.shacl.query import Value, bad_shape

if TYPE_CHECKING:
    from sgraph.shacl.compiler import Compiler
    from sgraph.shacl.shapes_graph import Constraint, ShapesGraph


class ClassComponent(ValueComponent):
    """Each value node is a SHACL instance of the class (``rdf:type/rdfs:subClassOf*``)."""

    iri = SH.ClassConstraintComponent
    parameters = (SH["class"],)
    message = "Value does not have the required class"

    def check(self, sg: ShapesGraph, con: Constraint) -> None:
        if isinstance(con.value, rdflib.Literal):
            raise bad_shape(f"sh:class must be an IRI, not {con.value.n3()}", con.shape)

    def test(self, c: Compiler, con: Constraint, v: Value) -> str:
        return f"EXISTS {{ {c.instance_of(v.var, con.value)} }}"


class DatatypeComponent(ValueComponent):
    """Each value node is a literal of the datatype, well formed (checked as written)."""

    iri = SH.DatatypeConstraintComponent
    parameters = (SH.datatype,)
    message = "Value is not a literal with the required datatype"

    def check(self, sg: ShapesGraph, con: Constraint) -> None:
        if not isinstance(con.value, rdflib.URIRef):
            raise bad_shape(f"sh:datatype must be an IRI, not {con.value.n3()}", con.shape)

    def test(self, c: Compiler, con: Constraint, v: Value) -> str:
        d = con.value
        if d == RDFS.Literal:  # as pySHACL: every literal
            return f"isLiteral({v.var})"
        if d == RDFS.Datatype:  # as pySHACL: every literal with a datatype IRI
            return f'(isLiteral({v.var}) && LANG({v.var}) = "")'
        if d == RDF.langString:
            return f'(isLiteral({v.var}) && LANG({v.var}) != "")'
        return f"(isLiteral({v.var}) && {v.datatype()} = <{d}> && {v.well_formed()})"


_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNode: "isBlank({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}


class NodeKindComponent(ValueComponent):
    """Each value node is of the node kind (IRI, blank node, literal or a pair of them)."""

    iri = SH.NodeKindConstraintComponent
    parameters = (SH.nodeKind,)
    message = "Value is not of the required node kind"

    def check(self, sg: ShapesGraph, con: Constraint) -> None:
        if con.value not in _NODE_KINDS:
            raise bad_shape(f"sh:nodeKind {con.value.n3()} is not a SHACL node kind", con.shape)

    def test(self, c: Compiler, con: Constraint, v: Value) -> str:
        return _NODE_KINDS[con.value].format(v=v.var)  # type: ignore[index]
