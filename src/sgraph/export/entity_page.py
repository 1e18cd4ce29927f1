"""The HTML page of one entity (``templates/entity.html``), built from its statements.

The page shows what a curator wrote first, once:

* the **curated statements**, grouped by relation; each standard equivalent the build
  materialised (``dcterms:creator``, ``schema:author``, ... for ``sg:authoredBy``) is named once
  as an alias of its relation instead of repeating the list;
* the statements pointing at the entity, grouped the same way;
* what the build derived with no curated twin (``org:headOf``, the OWL-Time interval of a
  membership), folded away;
* the sources, once, at the end (and never in the neighbourhood diagram);
* a neighbourhood diagram (inline SVG) of the entities it is linked with.

Everything is handed to the template as plain values; the template escapes every string.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

import pyoxigraph as ox

from sgraph import pages
from sgraph.catalogue import LABEL_PREDICATES, SOURCE
from sgraph.namespaces import RDF_TYPE, STANDARD_PREFIXES
from sgraph.serialize import PrefixMap
from sgraph.terms import XSD_STRING, OxTerm, sort_key

_P = STANDARD_PREFIXES

__all__ = [
    "LABEL_PREDICATES",
    "EntityView",
    "Names",
    "PageLinks",
    "entity_html",
    "entity_view",
]


@dataclass(frozen=True)
class PageLinks:
    """How the page links: local paths for IRIs under the base (and for other entities of the
    graph, ``/describe?iri=``), and the entity's alternate documents."""

    base: str
    alternates: list[tuple[str, str, str]] = field(default_factory=list)  # href, type, label
    in_graph: Callable[[str], bool] = lambda iri: False

    def href(self, iri: str) -> str | None:
        if iri.startswith(self.base):
            return "/" + iri[len(self.base) :]
        if self.in_graph(iri):
            return "/describe?iri=" + quote(iri, safe="")
        return pages.safe_href(iri) if iri.startswith(("http://", "https://")) else None


#: Plain words for the standard properties curated data uses directly (the ontology labels its
#: own terms; these come from other vocabularies and have no label in the graph).
PLAIN = {
    _P["foaf"] + "name": "name",
    _P["dcterms"] + "title": "title",
    _P["dcterms"] + "issued": "issued",
    _P["dcterms"] + "identifier": "identifier",
    _P["dcterms"] + "description": "description",
    _P["dcterms"] + "replaces": "replaces",
    _P["dcterms"] + "isReplacedBy": "replaced by",
    _P["rdfs"] + "comment": "note",
    _P["rdfs"] + "label": "label",
    _P["skos"] + "prefLabel": "name",
    _P["skos"] + "altLabel": "also called",
    _P["skos"] + "definition": "definition",
    _P["skos"] + "inScheme": "in scheme",
    _P["skos"] + "hasTopConcept": "top concept",
    _P["org"] + "member": "member",
    _P["org"] + "organization": "organisation",
    _P["org"] + "role": "role",
    _P["org"] + "unitOf": "part of",
    _P["schema"] + "url": "web page",
    _P["schema"] + "jobTitle": "job title",
    _P["schema"] + "honorificPrefix": "title (prefix)",
    _P["schema"] + "honorificSuffix": "honours",
}


class Names:
    """Labels and kinds of the IRIs a page mentions."""

    def __init__(
        self,
        label: Callable[[str], str | None],
        prefixes: Mapping[str, str],
        kind: Callable[[str], str | None] | None = None,
    ) -> None:
        self.label = label
        self.kind: Callable[[str], str | None] = kind or (lambda iri: None)
        self._pm = PrefixMap(dict(prefixes))

    def short(self, iri: str) -> str:
        return self._pm.shorten(iri).strip("<>")

    def display(self, iri: str) -> str:
        return self.label(iri) or PLAIN.get(iri) or self.short(iri)


@dataclass(frozen=True)
class ValueView:
    kind: str  # "iri", "literal" or "other"
    text: str
    href: str | None = None
    note: str = ""


@dataclass
class Relation:
    predicate: str
    label: str
    href: str | None
    values: list[ValueView]
    aliases: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    short: str
    href: str | None
    title: str
    anchor: str
    dx: int


@dataclass
class Neighbourhood:
    width: int
    height: int
    cx: float
    cy: float
    centre: str
    points: list[Point]
    total: int


@dataclass
class EntityView:
    iri: str
    title: str
    types: list[ValueView]
    also_types: list[str]
    relations: list[Relation]
    incoming: list[Relation]
    derived: list[Relation]
    sources: list[ValueView]
    graphs: list[ValueView]
    located: str | None
    alternates: list[tuple[str, str, str]]
    network_href: str
    external: str | None
    neighbourhood: Neighbourhood | None


def _objects(triples: Iterable[ox.Triple], predicate: str) -> set[str]:
    return {
        t.object.value
        for t in triples
        if t.predicate.value == predicate and isinstance(t.object, ox.NamedNode)
    }


def _value(term: OxTerm, names: Names, links: PageLinks) -> ValueView:
    if isinstance(term, ox.Literal):
        if term.language:
            note = "@" + term.language
        elif term.datatype.value == XSD_STRING:
            note = ""
        else:
            note = names.short(term.datatype.value)
        return ValueView("literal", term.value, note=note)
    if isinstance(term, ox.NamedNode):
        label = names.label(term.value)
        short = names.short(term.value)
        return ValueView("iri", label or short, links.href(term.value), short if label else "")
    if isinstance(term, ox.BlankNode):
        return ValueView("other", "_:" + term.value)
    return ValueView("other", str(term))


def _split(
    quads: Iterable[ox.Quad], derived_graph: str | None
) -> tuple[set[ox.Triple], set[ox.Triple]]:
    curated: set[ox.Triple] = set()
    derived: set[ox.Triple] = set()
    for q in quads:
        graph = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else None
        (derived if derived_graph is not None and graph == derived_graph else curated).add(q.triple)
    return curated, derived - curated


def _group(
    curated: set[ox.Triple],
    derived: set[ox.Triple],
    other_end: Callable[[ox.Triple], OxTerm],
    supers: Mapping[str, set[str]],
    skip: set[str],
) -> tuple[dict[str, list[OxTerm]], dict[str, set[str]], dict[str, list[OxTerm]]]:
    """Curated values by predicate, the derived predicates that repeat each one (aliases), and
    the derived values with no curated twin."""
    groups: dict[str, list[OxTerm]] = defaultdict(list)
    by_other: dict[OxTerm, set[str]] = defaultdict(set)
    for t in curated:
        if t.predicate.value in skip:
            continue
        groups[t.predicate.value].append(other_end(t))
        by_other[other_end(t)].add(t.predicate.value)
    aliases: dict[str, set[str]] = defaultdict(set)
    leftover: dict[str, list[OxTerm]] = defaultdict(list)
    for t in derived:
        p = t.predicate.value
        if p in skip:
            continue
        candidates = by_other.get(other_end(t), set())
        if candidates:
            best = {c for c in candidates if p in supers.get(c, set())} or candidates
            for c in best:
                aliases[c].add(p)
        else:
            leftover[p].append(other_end(t))
    return groups, aliases, leftover


def _relations(
    groups: Mapping[str, list[OxTerm]],
    aliases: Mapping[str, set[str]],
    names: Names,
    links: PageLinks,
) -> list[Relation]:
    out = []
    for p in sorted(groups, key=lambda p: (names.display(p).casefold(), p)):
        values = [_value(v, names, links) for v in sorted(set(groups[p]), key=sort_key)]
        values.sort(key=lambda v: v.text.casefold())
        out.append(
            Relation(
                predicate=names.short(p),
                label=names.display(p),
                href=links.href(p),
                values=values,
                aliases=sorted(names.short(a) for a in aliases.get(p, ())),
            )
        )
    return out


def entity_view(
    iri: str,
    outgoing: Iterable[ox.Quad],
    incoming: Iterable[ox.Quad],
    names: Names,
    links: PageLinks,
    *,
    derived_graph: str | None = None,
    supers: Mapping[str, set[str]] | None = None,
    located: str | None = None,
) -> EntityView:
    """What the entity page of ``iri`` shows. ``derived_graph`` is the graph of the build's
    materialised triples; ``supers`` maps each property to its super-properties (the ontology's
    ``rdfs:subPropertyOf`` closure), which decides whose alias a derived statement is."""
    outgoing, incoming = list(outgoing), list(incoming)
    supers = supers or {}
    out_cur, out_der = _split(outgoing, derived_graph)
    in_cur, in_der = _split(incoming, derived_graph)
    in_cur -= out_cur  # a statement about itself is listed once, as outgoing
    in_der -= out_cur | out_der

    types = sorted(_objects(out_cur, RDF_TYPE), key=lambda c: names.display(c).casefold())
    also_types = sorted(names.short(c) for c in _objects(out_der, RDF_TYPE))
    sources = sorted(_objects(out_cur | out_der, SOURCE), key=lambda s: names.display(s).casefold())
    skip = {RDF_TYPE, SOURCE}
    groups, aliases, leftover = _group(out_cur, out_der, lambda t: t.object, supers, skip)
    in_groups, in_aliases, in_leftover = _group(
        in_cur, in_der, lambda t: t.subject, supers, {RDF_TYPE}
    )
    derived = _relations(leftover, {}, names, links)
    for rel in _relations(in_leftover, {}, names, links):
        rel.label = "← " + rel.label
        derived.append(rel)
    incoming_rel = _relations(in_groups, in_aliases, names, links)
    for rel in incoming_rel:
        rel.label = "← " + rel.label

    def source_view(s: str) -> ValueView:
        title = names.label(s)
        href = pages.safe_href(s) if s.startswith(("http://", "https://")) else None
        return ValueView("iri", title or s, href, s if title else "")

    graph_names = sorted(
        {
            q.graph_name.value
            for q in outgoing
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value != derived_graph
        }
    )
    title = names.display(iri)
    return EntityView(
        iri=iri,
        title=title,
        types=[_value(ox.NamedNode(t), names, links) for t in types],
        also_types=also_types,
        relations=_relations(groups, aliases, names, links),
        incoming=incoming_rel,
        derived=derived,
        sources=[source_view(s) for s in sources],
        graphs=[_value(ox.NamedNode(g), names, links) for g in graph_names],
        located=located,
        alternates=list(links.alternates),
        network_href="/network?focus=" + quote(iri, safe="") + "&depth=1",
        external=None if iri.startswith(links.base) else pages.safe_href(iri),
        neighbourhood=_neighbourhood(iri, out_cur, in_cur, names, links),
    )


def _neighbourhood(
    iri: str,
    outgoing: set[ox.Triple],
    incoming: set[ox.Triple],
    names: Names,
    links: PageLinks,
    limit: int = 24,
) -> Neighbourhood | None:
    """The entity in the middle, the entities it is linked with on an ellipse round it: curated
    links only, sources left out."""
    edges: dict[str, set[str]] = defaultdict(set)
    for t in outgoing:
        if isinstance(t.object, ox.NamedNode) and t.predicate.value not in (RDF_TYPE, SOURCE):
            edges[t.object.value].add(names.display(t.predicate.value) + " →")
    for t in incoming:
        if isinstance(t.subject, ox.NamedNode) and t.predicate.value != SOURCE:
            edges[t.subject.value].add("← " + names.display(t.predicate.value))
    edges.pop(iri, None)
    for n in [n for n in edges if names.kind(n) == "source"]:
        del edges[n]
    if not edges:
        return None
    neighbours = sorted(edges, key=lambda n: (names.display(n).casefold(), n))
    shown = neighbours[:limit]
    w, h, r = 900, 560, 220
    cx, cy = w / 2, h / 2
    points = []
    for i, n in enumerate(shown):
        angle = 2 * math.pi * i / len(shown) - math.pi / 2
        x, y = cx + r * math.cos(angle), cy + r * 0.9 * math.sin(angle)
        label = names.display(n)
        anchor = "start" if x > cx + 1 else ("end" if x < cx - 1 else "middle")
        points.append(
            Point(
                x=round(x, 1),
                y=round(y, 1),
                label=label,
                short=label if len(label) <= 34 else label[:33] + "…",
                href=links.href(n),
                title=label + ": " + "; ".join(sorted(edges[n])),
                anchor=anchor,
                dx=8 if anchor == "start" else (-8 if anchor == "end" else 0),
            )
        )
    centre = names.display(iri)
    return Neighbourhood(
        width=w,
        height=h,
        cx=cx,
        cy=cy,
        centre=centre if len(centre) <= 50 else centre[:49] + "…",
        points=points,
        total=len(neighbours),
    )


def entity_html(view: EntityView, *, nonce: str = "") -> str:
    """The page of ``view`` (``templates/entity.html``)."""
    return pages.render("entity.html", e=view, nonce=nonce, section="browse")
