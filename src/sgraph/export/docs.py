"""HTML documentation of the ontology and the SHACL shapes: ``docs/index.html``, ``docs/shapes.html``.

Written here rather than with pyLODE: pyLODE 3.4.1 as installed fails on import (its
``version.py`` reads a ``pyproject.toml`` that the wheel does not ship), and its pages load CSS
from a CDN. These pages are self-contained (inline CSS, no script), open from ``file://``, are the
same bytes every run. They are the templates ``docs/ontology.html`` and ``docs/shapes.html`` of
``sgraph/templates/``; this module hands them plain values (terms as ``TermView``), and the
templates escape every string.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from sgraph import pages
from sgraph.namespaces import RDF_TYPE, STANDARD_PREFIXES
from sgraph.serialize import PrefixMap
from sgraph.terms import OxTerm, sort_key

_P = STANDARD_PREFIXES
OWL = _P["owl"]
RDFS = _P["rdfs"]
SKOS = _P["skos"]
SH = _P["sh"]
SCHEMA = _P["schema"]
DCTERMS = _P["dcterms"]
RDF_FIRST = _P["rdf"] + "first"
RDF_REST = _P["rdf"] + "rest"
RDF_NIL = _P["rdf"] + "nil"

#: Where the pages link to each other (the server maps them to its own paths).
FILE_LINKS = {"ontology": "index.html", "shapes": "shapes.html"}


@dataclass
class TermView:
    """An RDF term as a page shows it: ``kind`` is ``anchor`` (a term documented on the page),
    ``link`` (an http(s) IRI), ``code`` (another IRI), ``literal``, ``list`` or ``node``."""

    kind: str
    text: str = ""
    href: str | None = None
    note: str = ""
    items: list[TermView] = field(default_factory=list)
    pairs: list[tuple[str, list[TermView]]] = field(default_factory=list)


@dataclass
class Row:
    key: str
    terms: list[TermView] = field(default_factory=list)
    text: str = ""
    severity: list[str] = field(default_factory=list)
    nested: list[Row] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.terms or self.text or self.severity or self.nested)


@dataclass
class Section:
    anchor: str
    title: str
    iri: str
    kind: str = ""
    definition: str = ""
    rows: list[Row] = field(default_factory=list)
    query: str = ""


class _Index:
    """Triples by subject, with labels and list handling."""

    def __init__(self, triples: Iterable[ox.Triple], prefixes: dict[str, str], own: str) -> None:
        self.by_subject: dict[OxTerm, dict[str, list[OxTerm]]] = {}
        for t in triples:
            self.by_subject.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(
                t.object
            )
        self.pm = PrefixMap(prefixes)
        self.own = own

    def values(self, s: OxTerm, p: str) -> list[OxTerm]:
        return sorted(set(self.by_subject.get(s, {}).get(p, [])), key=sort_key)

    def text(self, s: OxTerm, *preds: str) -> str | None:
        for p in preds:
            vals = [v for v in self.values(s, p) if isinstance(v, ox.Literal)]
            if vals:
                en = [v for v in vals if v.language in ("en", None, "")] or vals
                return en[0].value
        return None

    def subjects_of_type(self, *types: str) -> list[ox.NamedNode]:
        wanted = {ox.NamedNode(t) for t in types}
        found = [
            s
            for s, preds in self.by_subject.items()
            if isinstance(s, ox.NamedNode) and wanted & set(preds.get(RDF_TYPE, []))
        ]
        return sorted(found, key=sort_key)

    def qname(self, iri: str) -> str:
        return self.pm.shorten(iri).strip("<>")

    def view(self, term: OxTerm, anchors: set[str] | None = None) -> TermView:
        """A term as the page shows it: IRIs linked (in-page for documented terms), lists and
        nodes inline."""
        if isinstance(term, ox.NamedNode):
            if term.value == RDF_NIL:
                return TermView("list")
            label = self.qname(term.value)
            if anchors is not None and term.value in anchors:
                return TermView("anchor", label, "#" + _anchor(term.value))
            if term.value.startswith(("http://", "https://")):
                return TermView("link", label, pages.safe_href(term.value))
            return TermView("code", label)
        if isinstance(term, ox.BlankNode):
            items = self.as_list(term)
            if items is not None:
                return TermView("list", items=[self.view(i, anchors) for i in items])
            preds = self.by_subject.get(term, {})
            return TermView(
                "node",
                pairs=[
                    (self.qname(p), [self.view(o, anchors) for o in self.values(term, p)])
                    for p in sorted(preds, key=self.qname)
                ],
            )
        if isinstance(term, ox.Triple):
            return TermView("code", str(term))
        if term.language:
            return TermView("literal", term.value, note="@" + term.language)
        if term.datatype.value == _P["xsd"] + "string":
            return TermView("literal", term.value)
        return TermView("literal", term.value, note="^^" + self.qname(term.datatype.value))

    def as_list(self, node: OxTerm) -> list[OxTerm] | None:
        items: list[OxTerm] = []
        seen: set[OxTerm] = set()
        while isinstance(node, ox.BlankNode) and node not in seen:
            seen.add(node)
            first = self.values(node, RDF_FIRST)
            rest = self.values(node, RDF_REST)
            if len(first) != 1 or len(rest) != 1:
                return None
            items.append(first[0])
            node = rest[0]
        return items if isinstance(node, ox.NamedNode) and node.value == RDF_NIL else None


def _anchor(iri: str) -> str:
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rstrip("/").rsplit("/", 1)[-1]


def ontology_html(
    triples: Iterable[ox.Triple],
    prefixes: dict[str, str],
    base: str,
    links: Mapping[str, str] = FILE_LINKS,
    nonce: str = "",
) -> str:
    """The ontology page: metadata, then every class, property and role with its alignments."""
    own = base + "ontology#"
    ix = _Index(triples, prefixes, own)
    onts = ix.subjects_of_type(OWL + "Ontology")
    ont = onts[0] if onts else ox.NamedNode(base + "ontology")
    classes = [
        c for c in ix.subjects_of_type(OWL + "Class", RDFS + "Class") if c.value.startswith(own)
    ]
    props = [
        p
        for p in ix.subjects_of_type(
            OWL + "ObjectProperty",
            OWL + "DatatypeProperty",
            OWL + "AnnotationProperty",
            _P["rdf"] + "Property",
        )
        if p.value.startswith(own)
    ]
    documented = {t.value for t in (*classes, *props)}
    individuals = [
        s
        for s, preds in sorted(ix.by_subject.items(), key=lambda kv: sort_key(kv[0]))
        if isinstance(s, ox.NamedNode)
        and s.value.startswith(own)
        and s.value not in documented
        and RDF_TYPE in preds
    ]
    anchors = documented | {i.value for i in individuals}

    # reverse indexes: subclasses, subproperties, where a class is a domain or range
    subclasses: dict[str, list[OxTerm]] = {}
    subprops: dict[str, list[OxTerm]] = {}
    domain_of: dict[str, list[OxTerm]] = {}
    range_of: dict[str, list[OxTerm]] = {}
    for s, preds in ix.by_subject.items():
        for o in preds.get(RDFS + "subClassOf", []):
            subclasses.setdefault(str(o).strip("<>"), []).append(s)
        for o in preds.get(RDFS + "subPropertyOf", []):
            subprops.setdefault(str(o).strip("<>"), []).append(s)
        for key in (RDFS + "domain", SCHEMA + "domainIncludes"):
            for o in preds.get(key, []):
                domain_of.setdefault(str(o).strip("<>"), []).append(s)
        for key in (RDFS + "range", SCHEMA + "rangeIncludes"):
            for o in preds.get(key, []):
                range_of.setdefault(str(o).strip("<>"), []).append(s)

    def terms(values: Iterable[OxTerm]) -> list[TermView]:
        return [ix.view(t, anchors) for t in sorted(set(values), key=sort_key)]

    def label(s: OxTerm) -> str:
        return ix.text(s, RDFS + "label", SKOS + "prefLabel") or ix.qname(str(s).strip("<>"))

    def definition(s: OxTerm) -> str:
        return ix.text(s, SKOS + "definition", RDFS + "comment", DCTERMS + "description") or ""

    def notes(s: OxTerm) -> str:
        d = ix.text(s, SKOS + "definition")
        extra = [
            v.value
            for p in (RDFS + "comment", SKOS + "note", SKOS + "scopeNote", SKOS + "example")
            for v in ix.values(s, p)
            if isinstance(v, ox.Literal) and v.value != d
        ]
        return "\n".join(extra)

    def section(s: ox.NamedNode, rows: list[Row]) -> Section:
        return Section(
            anchor=_anchor(s.value),
            title=label(s),
            iri=s.value,
            definition=definition(s),
            rows=[r for r in rows if r],
        )

    class_sections = [
        section(
            c,
            [
                Row("Notes", text=notes(c)),
                Row("Subclass of (alignments)", terms(ix.values(c, RDFS + "subClassOf"))),
                Row("Equivalent to", terms(ix.values(c, OWL + "equivalentClass"))),
                Row("Disjoint with", terms(ix.values(c, OWL + "disjointWith"))),
                Row("Subclasses", terms(subclasses.get(c.value, []))),
                Row("In domain of", terms(domain_of.get(c.value, []))),
                Row("In range of", terms(range_of.get(c.value, []))),
            ],
        )
        for c in classes
    ]
    property_sections = [
        section(
            p,
            [
                Row("Type", terms(ix.values(p, RDF_TYPE))),
                Row("Notes", text=notes(p)),
                Row("Subproperty of (alignments)", terms(ix.values(p, RDFS + "subPropertyOf"))),
                Row("Equivalent to", terms(ix.values(p, OWL + "equivalentProperty"))),
                Row("Inverse of", terms(ix.values(p, OWL + "inverseOf"))),
                Row("Subproperties", terms(subprops.get(p.value, []))),
                Row("Domain", terms(ix.values(p, RDFS + "domain"))),
                Row("Domain includes", terms(ix.values(p, SCHEMA + "domainIncludes"))),
                Row("Range", terms(ix.values(p, RDFS + "range"))),
                Row("Range includes", terms(ix.values(p, SCHEMA + "rangeIncludes"))),
            ],
        )
        for p in props
    ]
    skip = {RDF_TYPE, RDFS + "label", SKOS + "definition", RDFS + "comment", SKOS + "prefLabel"}
    individual_sections = [
        section(
            i,
            [Row("Type", terms(ix.values(i, RDF_TYPE))), Row("Notes", text=notes(i))]
            + [
                Row(ix.qname(p), terms(ix.values(i, p)))
                for p in sorted(ix.by_subject[i], key=ix.qname)
                if p not in skip
            ],
        )
        for i in individuals
    ]
    external = sorted(
        {
            s.value
            for s in ix.subjects_of_type(
                OWL + "Class",
                OWL + "ObjectProperty",
                OWL + "DatatypeProperty",
                OWL + "AnnotationProperty",
                OWL + "NamedIndividual",
            )
            if not s.value.startswith(own) and s != ont
        }
    )
    title = ix.text(ont, DCTERMS + "title", RDFS + "label") or "sgraph ontology"
    meta = [
        Row("IRI", [TermView("code", ont.value)]),
        Row("Version", text=ix.text(ont, OWL + "versionInfo") or ""),
        Row("Version IRI", terms(ix.values(ont, OWL + "versionIRI"))),
        Row("Created", text=ix.text(ont, DCTERMS + "created") or ""),
        Row("Modified", text=ix.text(ont, DCTERMS + "modified") or ""),
        Row("Creator", terms(ix.values(ont, DCTERMS + "creator"))),
        Row("Licence", terms(ix.values(ont, DCTERMS + "license"))),
        Row("Prefix", text=ix.text(ont, _P["vann"] + "preferredNamespacePrefix") or ""),
        Row("Namespace", text=ix.text(ont, _P["vann"] + "preferredNamespaceUri") or own),
        Row("Shapes", [TermView("link", "SHACL shapes", links["shapes"])]),
    ]
    return pages.render(
        "docs/ontology.html",
        title=title,
        links=links,
        meta=[r for r in meta if r],
        description=ix.text(ont, DCTERMS + "description", RDFS + "comment") or "",
        toc=[
            ("Classes", "classes", class_sections),
            ("Properties", "properties", property_sections),
            ("Individuals", "individuals", individual_sections),
        ],
        external=[ix.view(ox.NamedNode(e)) for e in external],
        nonce=nonce,
    )


def shapes_html(
    triples: Iterable[ox.Triple],
    prefixes: dict[str, str],
    base: str,
    links: Mapping[str, str] = FILE_LINKS,
    nonce: str = "",
) -> str:
    """The shapes page: every named shape with its targets, severity and constraints."""
    ix = _Index(triples, prefixes, base + "shapes#")
    shapes = ix.subjects_of_type(SH + "NodeShape", SH + "PropertyShape")
    constraints = ix.subjects_of_type(SH + "SPARQLConstraint")
    anchors = {s.value for s in (*shapes, *constraints)}
    skip = {
        RDF_TYPE,
        RDFS + "label",
        RDFS + "comment",
        SH + "select",
        SH + "prefixes",
        SH + "declare",
    }

    def params(s: OxTerm) -> list[Row]:
        preds = ix.by_subject.get(s, {})
        rows: list[Row] = []
        for p in sorted(preds, key=ix.qname):
            if p in skip:
                continue
            key = ix.qname(p)
            if p == SH + "property":
                named = [v for v in ix.values(s, p) if isinstance(v, ox.NamedNode)]
                nested = [
                    Row("", nested=params(v))
                    for v in ix.values(s, p)
                    if not isinstance(v, ox.NamedNode)
                ]
                rows.append(Row(key, [ix.view(v, anchors) for v in named], nested=nested))
            elif p == SH + "severity":
                rows.append(
                    Row(
                        key,
                        severity=[
                            _anchor(v.value) for v in ix.values(s, p) if isinstance(v, ox.NamedNode)
                        ],
                    )
                )
            else:
                rows.append(Row(key, [ix.view(v, anchors) for v in ix.values(s, p)]))
        return [r for r in rows if r]

    def name(s: ox.NamedNode) -> str:
        return ix.text(s, RDFS + "label", SH + "name") or ix.qname(s.value)

    def section(s: ox.NamedNode, kind: str) -> Section:
        query = ix.text(s, SH + "select")
        return Section(
            anchor=_anchor(s.value),
            title=name(s),
            iri=ix.qname(s.value),
            kind=kind,
            definition=ix.text(s, RDFS + "comment") or "",
            rows=params(s),
            query=query.strip() if query else "",
        )

    node_shapes = [s for s in shapes if ox.NamedNode(SH + "NodeShape") in ix.values(s, RDF_TYPE)]
    prop_shapes = [s for s in shapes if s not in node_shapes]
    heads = ix.subjects_of_type(_P["owl"] + "Ontology")
    title = (ix.text(heads[0], RDFS + "label") if heads else None) or "sgraph SHACL shapes"
    intro = (ix.text(heads[0], RDFS + "comment") if heads else None) or ""
    groups = [
        ("Node shapes", "node-shapes", [section(s, "node shape") for s in node_shapes]),
        ("Property shapes", "property-shapes", [section(s, "property shape") for s in prop_shapes]),
        (
            "SPARQL constraints",
            "sparql-constraints",
            [section(s, "SPARQL constraint") for s in constraints],
        ),
    ]
    return pages.render(
        "docs/shapes.html", title=title, intro=intro, groups=groups, links=links, nonce=nonce
    )


def write_docs(
    folder: Path,
    ontology: Iterable[ox.Triple],
    shapes: Iterable[ox.Triple],
    prefixes: dict[str, str],
    base: str,
) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    pages_ = {
        "index.html": ontology_html(ontology, prefixes, base),
        "shapes.html": shapes_html(shapes, prefixes, base),
    }
    written = []
    for name, text in pages_.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
