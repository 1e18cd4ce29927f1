"""RDF terms: pyoxigraph (the store) term types, their order, and conversion to and from rdflib
(pySHACL; the shapes graph the SHACL engine reads)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyoxigraph as ox

if TYPE_CHECKING:  # rdflib is imported where it is used: slow to import, most commands skip it
    import rdflib
    from rdflib.term import Node

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
OxSubject = ox.NamedNode | ox.BlankNode
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def to_rdflib(term: OxTerm | ox.DefaultGraph) -> Node:
    """Convert a pyoxigraph term (RDF-star triples are not supported)."""
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == XSD_STRING:
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(dt), normalize=False)
    raise TypeError(f"not an RDF term: {term!r}")


def from_rdflib(node: Node) -> OxTerm:
    """Convert an rdflib term (a shapes-graph constant), literals exactly as rdflib holds them."""
    import rdflib

    if isinstance(node, rdflib.URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, rdflib.BNode):
        return ox.BlankNode(str(node))
    if isinstance(node, rdflib.Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        if node.datatype is not None:
            return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
        return ox.Literal(str(node))
    raise TypeError(f"not an RDF term: {node!r}")


def triples_to_rdflib(
    triples: Iterable[ox.Triple | ox.Quad], graph: rdflib.Graph | None = None
) -> rdflib.Graph:
    """Copy triples (or the triples of quads) into an rdflib graph."""
    import rdflib

    g = graph if graph is not None else rdflib.Graph()
    add = g.add
    for t in triples:
        add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return g


def sort_key(term: OxTerm | ox.DefaultGraph) -> tuple[int, str, str, str]:
    """A total order on terms: IRIs, then blank nodes, then literals (by value, datatype, lang)."""
    if isinstance(term, ox.NamedNode):
        return (0, term.value, "", "")
    if isinstance(term, ox.BlankNode):
        return (1, term.value, "", "")
    if isinstance(term, ox.Literal):
        return (2, term.value, term.datatype.value, term.language or "")
    if isinstance(term, ox.Triple):
        return (3, str(term), "", "")
    return (4, "", "", "")
