"""The RDF graph projected into a networkx graph of entities and their relations.

Nodes are the entities typed with an ``sg:`` class (publications, reviews, people, organisations,
legislation, concepts, and periods and collections that something links to). Their literals become
node attributes (label, dates, URL, sources, ...), never nodes. Edges come from the ``sg:`` object
properties of the ontology plus ``org:unitOf`` and ``dcterms:isReplacedBy`` (``dcterms:replaces``
is turned round into it); a superproperty statement that merely repeats a subproperty statement
(``sg:cites`` beside ``sg:respondsTo``, the materialised standard triples) is left out, so every
relation is drawn once. An ``sg:Membership`` becomes one person -> organisation edge labelled with
the role and dates.

Node keys are entity IRIs. Attributes are plain strings, numbers and lists of strings (the file
formats in ``sgraph.network.formats`` flatten the lists).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pyoxigraph as ox

from sgraph.namespaces import RDF_TYPE, RDFS_LABEL, STANDARD_PREFIXES
from sgraph.serialize import paused_gc
from sgraph.store import GraphStore

_P = STANDARD_PREFIXES
OWL_OBJECT_PROPERTY = _P["owl"] + "ObjectProperty"
SKOS_CONCEPT = _P["skos"] + "Concept"
ORG_UNIT_OF = _P["org"] + "unitOf"
ORG_MEMBER = _P["org"] + "member"
ORG_ORGANIZATION = _P["org"] + "organization"
ORG_ROLE = _P["org"] + "role"
DCT_IS_REPLACED_BY = _P["dcterms"] + "isReplacedBy"
DCT_REPLACES = _P["dcterms"] + "replaces"
DCT_SOURCE = _P["dcterms"] + "source"
DCT_ISSUED = _P["dcterms"] + "issued"
DCT_IDENTIFIER = _P["dcterms"] + "identifier"
SCHEMA_URL = _P["schema"] + "url"
SKOS_ALT = _P["skos"] + "altLabel"
RDFS_COMMENT = _P["rdfs"] + "comment"
SCHEMA_JOB_TITLE = _P["schema"] + "jobTitle"

#: Labels of the standard relations drawn beside the sg: ones (not declared in the ontology).
STANDARD_RELATIONS: dict[str, str] = {
    ORG_UNIT_OF: "unit of",
    DCT_IS_REPLACED_BY: "is replaced by",
}

#: Broad groups that colour and shape the nodes, by the sg: class that heads each group.
GROUP_CLASSES: tuple[tuple[str, str], ...] = (
    ("Publication", "Publication"),
    ("Review", "Review"),
    ("Person", "Person"),
    ("Organisation", "Organisation"),
    ("Legislation", "Legislation"),
    ("Period", "Period"),
    ("Collection", "Collection"),
)
CONCEPT_GROUP = "Concept"
MEMBERSHIP_RELATION = "membership"

#: sg: classes that are not drawn as nodes: provenance pages, roles, and memberships (edges).
_NOT_NODES = ("Source", "Role", "Membership")
#: Groups drawn only when something links to them.
_ONLY_IF_LINKED = ("Period", "Collection")


@dataclass(frozen=True)
class Vocabulary:
    """What the projection needs from the ontology: class and property labels and hierarchy."""

    sg: str
    class_labels: dict[str, str]
    property_labels: dict[str, str]
    relations: frozenset[str]
    superclasses: dict[str, tuple[str, ...]]
    superproperties: dict[str, tuple[str, ...]]

    @classmethod
    def from_store(cls, gs: GraphStore) -> Vocabulary:
        sg = gs.settings.base + "ontology#"
        labels: dict[str, str] = {}
        object_props: set[str] = set()
        for t in gs.ontology.triples:
            s, p, o = t.subject, t.predicate, t.object
            if not isinstance(s, ox.NamedNode):
                continue
            if p.value == RDFS_LABEL and isinstance(o, ox.Literal):
                if s.value not in labels or o.language == "en":
                    labels[s.value] = o.value
            elif (
                p.value == RDF_TYPE
                and isinstance(o, ox.NamedNode)
                and o.value == OWL_OBJECT_PROPERTY
                and s.value.startswith(sg)
            ):
                object_props.add(s.value)
        relations = frozenset(object_props | set(STANDARD_RELATIONS))
        prop_labels = {p: labels.get(p) or STANDARD_RELATIONS.get(p) or local_name(p) for p in relations}
        return cls(
            sg=sg,
            class_labels=labels,
            property_labels=prop_labels,
            relations=relations,
            superclasses=gs.ontology.superclasses,
            superproperties=gs.ontology.superproperties,
        )

    def group(self, cls: str) -> str:
        """The broad group of an sg: class (``Publication``, ``Person``, ``Concept`` ...)."""
        ancestry = (cls, *self.superclasses.get(cls, ()))
        for group, head in GROUP_CLASSES:
            if self.sg + head in ancestry:
                return group
        if SKOS_CONCEPT in ancestry:
            return CONCEPT_GROUP
        return local_name(cls)

    def most_specific(self, classes: Iterable[str]) -> list[str]:
        """The sg: classes of ``classes`` that no other of them specialises, sorted."""
        own = {c for c in classes if c.startswith(self.sg)}
        implied = {sup for c in own for sup in self.superclasses.get(c, ())}
        return sorted(own - implied)


def local_name(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            tail = iri.rsplit(sep, 1)[1]
            if tail:
                return tail
    return iri


def _text(values: list[ox.NamedNode | ox.BlankNode | ox.Literal]) -> str | None:
    """One literal: English first, then untagged, then any; ties broken by value."""
    lits = [v for v in values if isinstance(v, ox.Literal)]
    if not lits:
        return None
    lits.sort(key=lambda lit: (0 if lit.language == "en" else 1 if not lit.language else 2, lit.value))
    return lits[0].value


def _texts(values: list[ox.NamedNode | ox.BlankNode | ox.Literal]) -> list[str]:
    return sorted({v.value for v in values if isinstance(v, ox.Literal)})


def _iris(values: list[ox.NamedNode | ox.BlankNode | ox.Literal]) -> list[str]:
    return sorted({v.value for v in values if isinstance(v, ox.NamedNode)})


_LABEL_PROPS = (RDFS_LABEL, _P["dcterms"] + "title", _P["foaf"] + "name", _P["skos"] + "prefLabel")


def project(gs: GraphStore) -> nx.MultiDiGraph:
    """The entities of ``gs`` and the relations between them, as a directed multigraph."""
    with paused_gc():  # a pass over every quad: see paused_gc
        return _project(gs)


def _project(gs: GraphStore) -> nx.MultiDiGraph:
    vocab = Vocabulary.from_store(gs)
    sg = vocab.sg
    props: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    seen: set[ox.Triple] = set()
    for q in gs.store:
        t = q.triple
        if t in seen or not isinstance(t.subject, ox.NamedNode):
            continue
        seen.add(t)
        props[t.subject.value][t.predicate.value].append(t.object)

    def label_of(iri: str) -> str:
        p = props.get(iri, {})
        for lp in _LABEL_PROPS:
            text = _text(p.get(lp, []))
            if text:
                return text
        return local_name(iri)

    # -- nodes ------------------------------------------------------------------------------
    g = nx.MultiDiGraph()
    memberships: list[str] = []
    candidates: dict[str, dict[str, Any]] = {}
    for iri in sorted(props):
        p = props[iri]
        classes = _iris(p.get(RDF_TYPE, []))
        specific = vocab.most_specific(classes)
        if not specific:
            continue
        names = {local_name(c) for c in specific}
        if "Membership" in names:
            memberships.append(iri)
            continue
        if names & set(_NOT_NODES):
            continue
        cls = specific[0]
        start = _text(p.get(DCT_ISSUED, [])) or _text(p.get(sg + "startDate", [])) or _text(
            p.get(sg + "enactedOn", [])
        )
        end = _text(p.get(sg + "endDate", []))
        attrs: dict[str, Any] = {
            "iri": iri,
            "label": label_of(iri),
            "type": local_name(cls),
            "type_label": vocab.class_labels.get(cls, local_name(cls)),
            "types": [local_name(c) for c in specific],
            "group": vocab.group(cls),
            "alt_labels": _texts(p.get(SKOS_ALT, [])),
            "date": start or "",
            "end_date": end or "",
            "year": _year(start),
            "end_year": _year(end),
            "url": (_iris(p.get(SCHEMA_URL, [])) or [""])[0],
            "sources": _iris(p.get(DCT_SOURCE, [])),
            "identifier": _text(p.get(DCT_IDENTIFIER, [])) or "",
            "job_title": _text(p.get(SCHEMA_JOB_TITLE, [])) or "",
            "comment": _text(p.get(RDFS_COMMENT, [])) or "",
        }
        candidates[iri] = attrs

    # -- edges ------------------------------------------------------------------------------
    edges: set[tuple[str, str, str]] = set()
    for iri in candidates:
        for pred, objects in props[iri].items():
            if pred == DCT_REPLACES:
                edges.update((o, DCT_IS_REPLACED_BY, iri) for o in _iris(objects) if o in candidates)
            elif pred in vocab.relations:
                edges.update((iri, pred, o) for o in _iris(objects) if o in candidates)
    # Drop a statement whose predicate is only a superproperty of another between the same pair.
    by_pair: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s, pred, o in edges:
        by_pair[(s, o)].add(pred)
    implied = {
        (s, sup, o)
        for (s, o), preds in by_pair.items()
        for pred in preds
        for sup in vocab.superproperties.get(pred, ())
        if sup in preds
    }
    edges -= implied

    linked = {s for s, _, _ in edges} | {o for _, _, o in edges}
    membership_edges = []
    for m in memberships:
        mp = props[m]
        people, orgs, roles = _iris(mp[ORG_MEMBER]), _iris(mp[ORG_ORGANIZATION]), _iris(mp[ORG_ROLE])
        for person in people:
            for org in orgs:
                if person in candidates and org in candidates:
                    membership_edges.append((m, person, org, roles))
                    linked.update((person, org))

    for iri, attrs in candidates.items():
        if attrs["group"] in _ONLY_IF_LINKED and iri not in linked:
            continue
        g.add_node(iri, **attrs)

    for s, pred, o in sorted(edges):
        if s in g and o in g:
            label = vocab.property_labels[pred]
            g.add_edge(
                s,
                o,
                key=local_name(pred),
                relation=local_name(pred),
                predicate=pred,
                label=label,
                relation_label=label,
                role="",
                date="",
                end_date="",
                year=_year(g.nodes[s]["date"]),
                source="",
            )
    for m, person, org, roles in membership_edges:
        role_labels = [vocab.class_labels.get(r) or label_of(r) for r in roles] or ["Member"]
        start = _text(props[m].get(sg + "startDate", [])) or ""
        end = _text(props[m].get(sg + "endDate", [])) or ""
        role = ", ".join(role_labels)
        span = ""
        if start or end:
            span = f" ({start or '?'} to {end or 'now'})" if end else f" (from {start})"
        g.add_edge(
            person,
            org,
            key=local_name(m),
            relation=MEMBERSHIP_RELATION,
            predicate=m,
            label=role + span,
            relation_label="holds role in",
            role=role,
            date=start,
            end_date=end,
            year=_year(start),
            source=" ".join(_iris(props[m].get(DCT_SOURCE, []))),
        )
    g.graph["name"] = "sgraph"
    g.graph["base"] = gs.settings.base
    return g


def _year(date: str | None) -> int | None:
    if date and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None


def relation_labels(g: nx.MultiDiGraph) -> dict[str, str]:
    """Relation key -> its label, for the relations that occur in ``g``."""
    return {d["relation"]: d["relation_label"] for _, _, d in g.edges(data=True)}
