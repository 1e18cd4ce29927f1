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

The projection goes in two steps: ``skeleton`` reads which entities are nodes and which relations
are edges from the store's indexes (the rdf:type statements, the relations, the memberships) as
numbers, and ``Skeleton.graph`` reads the attributes of the nodes wanted and builds the networkx
graph. ``project`` is both for every node; the network page takes the centrality of the whole
graph from the skeleton and builds the graph of the nodes it shows only.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
import numpy as np
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
        prop_labels = {
            p: labels.get(p) or STANDARD_RELATIONS.get(p) or local_name(p) for p in relations
        }
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


#: An object of a statement (a quoted triple only in RDF-star data, never drawn).
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _text(values: list[Term]) -> str | None:
    """One literal: English first, then untagged, then any; ties broken by value."""
    lits = [v for v in values if isinstance(v, ox.Literal)]
    if not lits:
        return None
    lits.sort(
        key=lambda lit: (0 if lit.language == "en" else 1 if not lit.language else 2, lit.value)
    )
    return lits[0].value


def _texts(values: list[Term]) -> list[str]:
    return sorted({v.value for v in values if isinstance(v, ox.Literal)})


def _iris(values: list[Term]) -> list[str]:
    return sorted({v.value for v in values if isinstance(v, ox.NamedNode)})


_LABEL_PROPS = (RDFS_LABEL, _P["dcterms"] + "title", _P["foaf"] + "name", _P["skos"] + "prefLabel")

Props = dict[str, list[Term]]


def project(gs: GraphStore) -> nx.MultiDiGraph:
    """The entities of ``gs`` and the relations between them, as a directed multigraph."""
    with paused_gc():  # many short-lived terms, no cycles: see paused_gc
        return skeleton(gs).graph(gs)


@dataclass(frozen=True, eq=False)
class Skeleton:
    """The projected network before any attribute is read: which entities are nodes and which
    relations are edges, as numbers. Enough for centrality over the whole graph; ``graph``
    then builds the networkx graph of all nodes or of some (the most central, for a page).

    Nodes are numbered in IRI order. Edges are listed in the order ``project`` adds them to its
    graph: the relations sorted by (subject, predicate, object), then the memberships.
    """

    vocab: Vocabulary
    #: Node IRIs, sorted.
    nodes: list[str]
    #: Per edge: source and target node numbers, and the relation: ``r >= 0`` is the predicate
    #: ``predicates[r]``, ``r < 0`` the membership ``memberships[~r]``.
    source: np.ndarray
    target: np.ndarray
    relation: np.ndarray
    predicates: list[str]
    memberships: list[str]

    def degree(self) -> np.ndarray:
        """Relations per node, as ``networkx.MultiDiGraph.degree`` counts them (in and out, a
        self-loop twice)."""
        n = len(self.nodes)
        return np.bincount(self.source, minlength=n) + np.bincount(self.target, minlength=n)

    def pairs(self) -> np.ndarray:
        """The connected pairs ``(u, v)``, ``u < v``, once each and sorted: the edges of
        ``analytics.undirected`` as node numbers."""
        lo = np.minimum(self.source, self.target)
        hi = np.maximum(self.source, self.target)
        n = max(len(self.nodes), 1)
        codes = _distinct(lo[lo != hi] * n + hi[lo != hi])
        return np.stack([codes // n, codes % n], axis=1)

    def graph(self, gs: GraphStore, keep: Iterable[int] | None = None) -> nx.MultiDiGraph:
        """The networkx graph of every node (``keep`` None) or of the nodes numbered ``keep``,
        with their attributes and the edges between them."""
        with paused_gc():
            return self._graph(gs, keep)

    def _graph(self, gs: GraphStore, keep: Iterable[int] | None) -> nx.MultiDiGraph:
        vocab = self.vocab
        sg = vocab.sg
        store = gs.store
        kept = list(range(len(self.nodes))) if keep is None else sorted(set(keep))
        edges = np.arange(len(self.source))
        if keep is not None:
            mask = np.zeros(len(self.nodes), dtype=bool)
            mask[kept] = True
            edges = edges[mask[self.source] & mask[self.target]]
        labels: dict[str, str] = {}

        def label_of(iri: str, props: Props | None = None) -> str:
            if iri not in labels:
                p = props if props is not None else _props(store, iri)
                labels[iri] = next(
                    (text for lp in _LABEL_PROPS if (text := _text(p.get(lp, [])))), local_name(iri)
                )
            return labels[iri]

        g = nx.MultiDiGraph()
        for i in kept:
            iri = self.nodes[i]
            p = _props(store, iri)
            specific = vocab.most_specific(_iris(p.get(RDF_TYPE, [])))
            cls = specific[0]
            start = (
                _text(p.get(DCT_ISSUED, []))
                or _text(p.get(sg + "startDate", []))
                or _text(p.get(sg + "enactedOn", []))
            )
            end = _text(p.get(sg + "endDate", []))
            g.add_node(
                iri,
                iri=iri,
                label=label_of(iri, p),
                type=local_name(cls),
                type_label=vocab.class_labels.get(cls, local_name(cls)),
                types=[local_name(c) for c in specific],
                group=vocab.group(cls),
                alt_labels=_texts(p.get(SKOS_ALT, [])),
                date=start or "",
                end_date=end or "",
                year=_year(start),
                end_year=_year(end),
                url=(_iris(p.get(SCHEMA_URL, [])) or [""])[0],
                sources=_iris(p.get(DCT_SOURCE, [])),
                identifier=_text(p.get(DCT_IDENTIFIER, [])) or "",
                job_title=_text(p.get(SCHEMA_JOB_TITLE, [])) or "",
                comment=_text(p.get(RDFS_COMMENT, [])) or "",
            )
        nodes = g.nodes
        for u, v, r in zip(
            self.source[edges].tolist(),
            self.target[edges].tolist(),
            self.relation[edges].tolist(),
            strict=True,
        ):
            s, o = self.nodes[u], self.nodes[v]
            if r >= 0:
                pred = self.predicates[r]
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
                    year=_year(nodes[s]["date"]),
                    source="",
                )
                continue
            m = self.memberships[~r]
            mp = _props(store, m)
            roles = _iris(mp.get(ORG_ROLE, []))
            role_labels = [vocab.class_labels.get(role) or label_of(role) for role in roles] or [
                "Member"
            ]
            start = _text(mp.get(sg + "startDate", [])) or ""
            end = _text(mp.get(sg + "endDate", [])) or ""
            role = ", ".join(role_labels)
            span = ""
            if start or end:
                span = f" ({start or '?'} to {end or 'now'})" if end else f" (from {start})"
            g.add_edge(
                s,
                o,
                key=local_name(m),
                relation=MEMBERSHIP_RELATION,
                predicate=m,
                label=role + span,
                relation_label="holds role in",
                role=role,
                date=start,
                end_date=end,
                year=_year(start),
                source=" ".join(_iris(mp.get(DCT_SOURCE, []))),
            )
        g.graph["name"] = "sgraph"
        g.graph["base"] = gs.settings.base
        return g


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (``np.unique``, which numpy 2.3+ computes by hashing: some
    100x slower than this on a million large integers)."""
    ordered = np.sort(values)
    if len(ordered) == 0:
        return ordered.astype(np.int64)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def _props(store: ox.Store, iri: str) -> Props:
    """Predicate -> objects of the statements about ``iri`` (in any graph)."""
    props: Props = defaultdict(list)
    for q in store.quads_for_pattern(ox.NamedNode(iri), None, None, None):
        props[q.predicate.value].append(q.object)
    return props


def _kind(vocab: Vocabulary, classes: frozenset[str]) -> str | None:
    """``node:{group}`` or ``membership`` for an entity with these sg: classes, else None."""
    specific = vocab.most_specific(classes)
    if not specific:
        return None
    names = {local_name(c) for c in specific}
    if "Membership" in names:
        return "membership"
    if names & set(_NOT_NODES):
        return None
    return "node:" + vocab.group(specific[0])


def skeleton(gs: GraphStore) -> Skeleton:
    """Nodes and edges of the projection of ``gs``, read by predicate from the store's indexes
    (the statements of the types, the relations and the memberships), without attributes."""
    with paused_gc():
        return _skeleton(gs)


def _skeleton(gs: GraphStore) -> Skeleton:
    vocab = Vocabulary.from_store(gs)
    store = gs.store
    sg = vocab.sg

    # -- entities: the most specific sg: classes of every IRI typed with one -----------------
    classes: dict[str, set[str]] = defaultdict(set)
    for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None, None):
        s, o = q.subject, q.object
        if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode) and o.value.startswith(sg):
            classes[s.value].add(o.value)
    kinds: dict[frozenset[str], str | None] = {}
    candidates: list[str] = []
    only_if_linked: list[bool] = []
    memberships: list[str] = []
    for iri in sorted(classes):
        own = frozenset(classes[iri])
        if own not in kinds:
            kinds[own] = _kind(vocab, own)
        kind = kinds[own]
        if kind == "membership":
            memberships.append(iri)
        elif kind is not None:
            candidates.append(iri)
            only_if_linked.append(kind[len("node:") :] in _ONLY_IF_LINKED)
    del classes, kinds
    index = {iri: i for i, iri in enumerate(candidates)}
    n = max(len(candidates), 1)

    # -- relations: (subject, predicate, object) as one number, sorted like the strings ------
    predicates = sorted(vocab.relations - {DCT_REPLACES})
    p_count = len(predicates)
    p_index = {p: i for i, p in enumerate(predicates)}
    codes = array("q")
    for pred in (*predicates, DCT_REPLACES):
        turned = pred == DCT_REPLACES  # a replaces b: drawn as b is replaced by a
        r = p_index[DCT_IS_REPLACED_BY] if turned else p_index[pred]
        for q in store.quads_for_pattern(None, ox.NamedNode(pred), None, None):
            s, o = q.subject, q.object
            if not (isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode)):
                continue
            si, oi = index.get(s.value), index.get(o.value)
            if si is None or oi is None:
                continue
            if turned:
                si, oi = oi, si
            codes.append((si * p_count + r) * n + oi)
    stated = _distinct(np.frombuffer(codes, dtype=np.int64))
    del codes
    # Drop a statement whose predicate is only a superproperty of another between the same pair.
    subj, rest = np.divmod(stated, p_count * n)
    pred_of, obj = np.divmod(rest, n)
    implied = [
        (subj[sel] * p_count + p_index[sup]) * n + obj[sel]
        for pred, sups in vocab.superproperties.items()
        if pred in p_index and (sel := pred_of == p_index[pred]).any()
        for sup in sups
        if sup in p_index
    ]
    if implied:
        keep = ~np.isin(stated, np.concatenate(implied))
        subj, pred_of, obj = subj[keep], pred_of[keep], obj[keep]

    # -- memberships: one person -> organisation edge each ------------------------------------
    m_index = {m: i for i, m in enumerate(memberships)}
    ends: dict[str, list[set[str]]] = {}
    for side, pred in enumerate((ORG_MEMBER, ORG_ORGANIZATION)):
        for q in store.quads_for_pattern(None, ox.NamedNode(pred), None, None):
            s, o = q.subject, q.object
            if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode) and s.value in m_index:
                ends.setdefault(s.value, [set(), set()])[side].add(o.value)
    m_source: list[int] = []
    m_target: list[int] = []
    m_relation: list[int] = []
    for m in memberships:
        people, orgs = ends.get(m, [set(), set()])
        for person in sorted(people):
            for org in sorted(orgs):
                if person in index and org in index:
                    m_source.append(index[person])
                    m_target.append(index[org])
                    m_relation.append(~m_index[m])

    source = np.concatenate([subj, np.array(m_source, dtype=np.int64)])
    target = np.concatenate([obj, np.array(m_target, dtype=np.int64)])
    relation = np.concatenate([pred_of, np.array(m_relation, dtype=np.int64)])

    # -- nodes: periods and collections only when something links to them --------------------
    linked = np.zeros(len(candidates), dtype=bool)
    linked[source] = True
    linked[target] = True
    is_node = linked | ~np.array(only_if_linked, dtype=bool)
    renumber = np.cumsum(is_node) - 1
    nodes = [iri for iri, keep_it in zip(candidates, is_node.tolist(), strict=True) if keep_it]
    source, target = renumber[source], renumber[target]

    # -- edges as networkx keeps them: one per (source, target, key), the last one's data -----
    keys: dict[str, int] = {}
    key_of = np.array(
        [keys.setdefault(local_name(p), len(keys)) for p in predicates]
        + [keys.setdefault(local_name(m), len(keys)) for m in memberships],
        dtype=np.int64,
    )
    key = key_of[np.where(relation >= 0, relation, p_count + ~relation)]
    n = max(len(nodes), 1)
    edge_code = (source * max(len(keys), 1) + key) * n + target
    if len(_distinct(edge_code)) < len(edge_code):  # networkx keeps the first one's place
        _, first = np.unique(edge_code, return_index=True)
        _, last_rev = np.unique(edge_code[::-1], return_index=True)
        order = np.argsort(first)
        last = len(edge_code) - 1 - last_rev
        source, target, relation = source[first[order]], target[first[order]], relation[last[order]]
    return Skeleton(
        vocab=vocab,
        nodes=nodes,
        source=source.astype(np.int64),
        target=target.astype(np.int64),
        relation=relation.astype(np.int64),
        predicates=predicates,
        memberships=memberships,
    )


def _year(date: str | None) -> int | None:
    if date and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None
