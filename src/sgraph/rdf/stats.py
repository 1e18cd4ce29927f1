"""What a JSON-LD context and VoID need to know about a graph, counted without holding it in
Python.

``GraphStats`` feeds the JSON-LD context (which key gets which coercion) and VoID (triples per
property, entities per class, distinct subjects and objects). ``stats_of_store`` counts inside
Oxigraph with SPARQL aggregates over the distinct triples of the union of all graphs, so a graph
of millions of triples is summarised without a Python object per triple; ``stats_of_triples``
gives the same summary of a small set of triples already in Python (a CONSTRUCT result).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from sgraph.namespaces import RDF_TYPE

#: Object kinds besides literal datatypes (which are counted by datatype IRI).
IRI = "@id"
BLANK = "@blank"


@dataclass(frozen=True)
class GraphStats:
    triples: int = 0
    distinct_subjects: int = 0
    distinct_objects: int = 0
    #: predicate IRI -> {object kind (IRI, BLANK or a literal's datatype IRI) -> distinct triples}
    objects: dict[str, Counter[str]] = field(default_factory=dict)
    #: class IRI -> distinct instances (subjects of ``rdf:type`` with that IRI as object)
    class_members: dict[str, int] = field(default_factory=dict)

    @property
    def by_property(self) -> dict[str, int]:
        return {p: sum(kinds.values()) for p, kinds in self.objects.items()}


def _kind(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    if isinstance(term, ox.NamedNode):
        return IRI
    if isinstance(term, ox.Literal):
        return term.datatype.value
    return BLANK


def stats_of_triples(triples: Iterable[ox.Triple]) -> GraphStats:
    unique = set(triples)
    objects: dict[str, Counter[str]] = {}
    members: dict[str, set[ox.NamedNode | ox.BlankNode | ox.Triple]] = {}
    for t in unique:
        objects.setdefault(t.predicate.value, Counter())[_kind(t.object)] += 1
        if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode):
            members.setdefault(t.object.value, set()).add(t.subject)
    return GraphStats(
        triples=len(unique),
        distinct_subjects=len({t.subject for t in unique}),
        distinct_objects=len({t.object for t in unique}),
        objects=objects,
        class_members={c: len(s) for c, s in members.items()},
    )


_DISTINCT = "{ SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"

_OBJECTS = f"""
SELECT ?p ?kind (COUNT(*) AS ?n) WHERE {{
  {_DISTINCT}
  BIND(IF(isIRI(?o), "{IRI}", IF(isBlank(?o), "{BLANK}", STR(DATATYPE(?o)))) AS ?kind)
}} GROUP BY ?p ?kind
"""
_DISTINCT_TERMS = """
SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects) WHERE { ?s ?p ?o }
"""
_CLASSES = f"""
SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s <{RDF_TYPE}> ?c FILTER(isIRI(?c)) }} GROUP BY ?c
"""


def _solutions(store: ox.Store, query: str) -> ox.QuerySolutions:
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return result


def _int(term: object) -> int:
    assert isinstance(term, ox.Literal)
    return int(term.value)


def stats_of_store(store: ox.Store) -> GraphStats:
    """The summary of the union of every graph in ``store`` (RDF-star triples are not counted)."""
    objects: dict[str, Counter[str]] = {}
    for row in _solutions(store, _OBJECTS):
        p, kind = row["p"], row["kind"]
        assert isinstance(p, ox.NamedNode) and isinstance(kind, ox.Literal)
        objects.setdefault(p.value, Counter())[kind.value] = _int(row["n"])
    counts = next(iter(_solutions(store, _DISTINCT_TERMS)))
    members: dict[str, int] = {}
    for row in _solutions(store, _CLASSES):
        c = row["c"]
        assert isinstance(c, ox.NamedNode)
        members[c.value] = _int(row["n"])
    return GraphStats(
        triples=sum(sum(k.values()) for k in objects.values()),
        distinct_subjects=_int(counts["subjects"]),
        distinct_objects=_int(counts["objects"]),
        objects=objects,
        class_members=members,
    )
