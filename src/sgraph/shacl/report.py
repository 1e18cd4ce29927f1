"""Validation results as the engine finds them, and the SHACL validation report graph."""

from __future__ import annotations

from dataclasses import dataclass

import rdflib
from rdflib.namespace import RDF, SH

from sgraph.terms import OxTerm, to_rdflib


@dataclass
class RawResult:
    """One validation result, in terms (converted to a ``Violation`` by ``sgraph.validate``).

    Literals are as written in the data; messages keep their language tags.
    """

    focus: OxTerm
    path: rdflib.term.Node | OxTerm | None
    value: OxTerm | None
    messages: list[rdflib.term.Node]
    severity: rdflib.term.Node
    shape: rdflib.term.Node
    component: rdflib.URIRef
    source_constraint: rdflib.term.Node | None = None


def results_graph(
    results: list[RawResult], conforms: bool, shapes: rdflib.Graph | None = None
) -> rdflib.Graph:
    """The SHACL validation report graph (sh:ValidationReport) of ``results``.

    A result path that is a blank node (``[ sh:inversePath ex:p ]``) is copied from ``shapes``
    with its description, so the report says which path it is.
    """
    g = rdflib.Graph()
    g.bind("sh", SH)
    report = rdflib.BNode()
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, rdflib.Literal(conforms)))
    for r in results:
        node = rdflib.BNode()
        g.add((report, SH.result, node))
        g.add((node, RDF.type, SH.ValidationResult))
        g.add((node, SH.focusNode, to_rdflib(r.focus)))
        g.add((node, SH.resultSeverity, r.severity))
        g.add((node, SH.sourceShape, r.shape))
        g.add((node, SH.sourceConstraintComponent, r.component))
        if r.source_constraint is not None:
            g.add((node, SH.sourceConstraint, r.source_constraint))
        if r.value is not None:
            g.add((node, SH.value, to_rdflib(r.value)))
        if r.path is not None:
            path = r.path if isinstance(r.path, rdflib.term.Node) else to_rdflib(r.path)
            g.add((node, SH.resultPath, path))
            if isinstance(path, rdflib.BNode) and shapes is not None:
                for t in shapes.cbd(path):
                    g.add(t)
        for m in r.messages:
            g.add((node, SH.resultMessage, m))
    return g
