"""The fast SHACL engine: SHACL Core and SHACL-SPARQL constraints as set-based SPARQL on Oxigraph.

pySHACL evaluates constraints focus node by focus node on rdflib, which takes minutes at 10
thousand triples. This engine gives the same results (focus node, path, value, source shape,
constraint component, severity, messages) by compiling each constraint into one SPARQL query over
all focus nodes of its shape, run by pyoxigraph on the store ``GraphStore`` already holds: the
cost grows with the data, not with focus nodes times data. It is the default validator of
``sgraph build`` and ``sgraph validate``; the W3C SHACL test suite (tests/w3c/) holds it to the
standard beside pySHACL.

The data graph is what pySHACL sees: the store's union graph (curated data, materialised triples,
provenance) plus the ontology, loaded for the duration into a temporary named graph (or, when the
store is read-only, into an in-memory copy). Literals are checked as written in the data
(``sgraph.literals``: the store keeps some in a canonical form).

The constraint components, one class each in ``sgraph.shacl.components`` (``COMPONENTS``):

=============================================  ==================================================
value type: class, datatype, nodeKind          supported
cardinality: minCount, maxCount                supported (nested counts up to 5)
value range: min/max Exclusive/Inclusive       supported
string: minLength, maxLength, pattern,         supported
languageIn, uniqueLang
property pair: equals, disjoint, lessThan,     supported
lessThanOrEquals
logical: not, and, or, xone                    supported
shape-based: node, property,                   supported (qualified counts nested up to 5)
qualifiedValueShape (min/max count, disjoint)
other: closed (ignoredProperties), hasValue,   supported
in
SPARQL: sh:sparql (SELECT)                     supported at the top level of a shape; refused
                                               inside sh:node / sh:or / ... and with MINUS,
                                               VALUES, SERVICE, $shapesGraph
SPARQL-based constraint components declared    ASK validators supported everywhere; SELECT
in the shapes graph (sh:parameter, validators) validators at the top level of a shape
=============================================  ==================================================

Targets: ``sh:targetClass``, implicit class targets, ``sh:targetNode``, ``sh:targetSubjectsOf``,
``sh:targetObjectsOf``, SPARQL targets. Anything else in a shape (a SHACL parameter no component
knows, a custom target, recursive shapes) raises :class:`~sgraph.errors.InputError` naming it
and the shape, before any query runs.

Literals as written: a value node reached through a single property takes the form its own
statement writes; reached another way (an inverse or sequence path, a SPARQL target) or derived
by the build's materialisation, it takes the forms the value has anywhere in the data, so a value
written two ways (``"3"^^xsd:byte`` here, ``"3"^^xsd:integer`` there) is seen in both. Counts
(``sh:minCount``, qualified counts) count the values the store holds: ``"1"`` and ``"01"``
(xsd:integer) written for the same subject and property count once.

Where pySHACL departs from SHACL the engine follows SHACL (the W3C suite decides): value ranges and
``sh:lessThan`` on values SPARQL cannot compare (a date against a number, two IRIs) are
violations, ``sh:minLength`` fails on blank nodes even at 0, ``sh:uniqueLang "1"^^xsd:boolean``
is not "true", and prefixes declared through ``owl:imports`` count.
"""

from __future__ import annotations

import uuid

import pyoxigraph as ox
import rdflib

from sgraph.shacl.components import COMPONENTS
from sgraph.shacl.engine import validate
from sgraph.shacl.report import RawResult, results_graph
from sgraph.store import GraphStore

__all__ = ["COMPONENTS", "RawResult", "results_graph", "validate", "validate_raw"]


def _with_ontology(gs: GraphStore) -> tuple[ox.Store, ox.NamedNode | None]:
    """The store with the ontology visible: a temporary named graph, or a copy if read-only."""
    graph = ox.NamedNode(f"urn:uuid:{uuid.uuid4()}")
    quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in gs.ontology.triples]
    try:
        gs.store.extend(quads)
        return gs.store, graph
    except OSError:
        copy = ox.Store()
        copy.extend(list(gs.store))
        copy.extend(quads)
        return copy, None


def validate_raw(gs: GraphStore, shapes: rdflib.Graph) -> list[RawResult]:
    """Every validation result of the shapes on the graph (data + materialised + ontology)."""
    store, temp = _with_ontology(gs)
    try:
        return validate(store, shapes, gs.written)
    finally:
        if temp is not None:
            store.remove_graph(temp)
