"""HTML documentation of the ontology and the SHACL shapes: ``docs/index.html``, ``docs/shapes.html``.

Written here rather than with pyLODE: pyLODE 3.4.1 as installed fails on import (its
``version.py`` reads a ``pyproject.toml`` that the wheel does not ship), and its pages load CSS
from a CDN. These pages are self-contained (inline CSS, no script), open from ``file://``, are the
same bytes every run, and every string from the RDF goes through ``html.escape``.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from pathlib import Path

import pyoxigraph as ox

from sgraph.export.safe_links import clickable
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

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:60rem;margin:0 auto;
padding:1rem 1.5rem 4rem;line-height:1.5;color:#1b1b1b;background:#fff}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{border-bottom:2px solid #2b5d8a;padding-bottom:.2rem;margin-top:2.5rem}
h3{margin:0 0 .3rem;font-size:1.15rem}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
pre{background:#f5f7fa;padding:.6rem;overflow-x:auto;white-space:pre-wrap}
a{color:#1f5a91}nav ul{columns:3;padding-left:1.2rem}nav li{break-inside:avoid}
section.term{border:1px solid #d6dde5;border-radius:6px;padding:.8rem 1rem;margin:1rem 0}
.iri{color:#555;font-size:.85em;word-break:break-all}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.25rem .5rem;
border-bottom:1px solid #e3e8ee}th{width:12rem;font-weight:600;color:#333}
.sev-Violation{color:#a4000f;font-weight:600}.sev-Warning{color:#8a5a00;font-weight:600}
.meta th{width:10rem}footer{margin-top:3rem;color:#666;font-size:.85em}
""".strip()


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

    def link(self, term: OxTerm, anchors: set[str] | None = None) -> str:
        """A term as HTML: IRIs linked (in-page anchor for documented terms), lists and nodes inline."""
        if isinstance(term, ox.NamedNode):
            if term.value == RDF_NIL:
                return "( )"
            label = escape(self.qname(term.value))
            if anchors is not None and term.value in anchors:
                return f'<a href="#{escape(_anchor(term.value))}"><code>{label}</code></a>'
            if clickable(term.value):
                return f'<a href="{escape(term.value)}"><code>{label}</code></a>'
            return f"<code>{label}</code>"
        if isinstance(term, ox.BlankNode):
            items = self.as_list(term)
            if items is not None:
                return "( " + " ".join(self.link(i, anchors) for i in items) + " )"
            preds = self.by_subject.get(term, {})
            parts = [
                f"<code>{escape(self.qname(p))}</code> "
                + ", ".join(self.link(o, anchors) for o in self.values(term, p))
                for p in sorted(preds, key=self.qname)
            ]
            return "[ " + " ; ".join(parts) + " ]"
        if isinstance(term, ox.Triple):
            return f"<code>{escape(str(term))}</code>"
        if term.language:
            return f'"{escape(term.value)}"@{escape(term.language)}'
        if term.datatype.value == _P["xsd"] + "string":
            return f'"{escape(term.value)}"'
        return f'"{escape(term.value)}"^^<code>{escape(self.qname(term.datatype.value))}</code>'

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


def _page(title: str, body: str, nav_links: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n"
        f"<p>{nav_links}</p>\n{body}\n"
        "<footer>Generated by <code>sgraph build</code> from the ontology and shapes files. "
        "Do not edit.</footer>\n</body>\n</html>\n"
    )


def _rows(rows: list[tuple[str, str]]) -> str:
    return "".join(f"<tr><th>{escape(k)}</th><td>{v}</td></tr>\n" for k, v in rows if v)


def ontology_html(triples: Iterable[ox.Triple], prefixes: dict[str, str], base: str) -> str:
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

    def links(terms: Iterable[OxTerm]) -> str:
        return ", ".join(ix.link(t, anchors) for t in sorted(set(terms), key=sort_key))

    def label(s: OxTerm) -> str:
        return ix.text(s, RDFS + "label", SKOS + "prefLabel") or ix.qname(str(s).strip("<>"))

    def definition(s: OxTerm) -> str:
        return escape(
            ix.text(s, SKOS + "definition", RDFS + "comment", DCTERMS + "description") or ""
        )

    def notes(s: OxTerm) -> str:
        d = ix.text(s, SKOS + "definition")
        extra = [
            v.value
            for p in (RDFS + "comment", SKOS + "note", SKOS + "scopeNote", SKOS + "example")
            for v in ix.values(s, p)
            if isinstance(v, ox.Literal) and v.value != d
        ]
        return "<br>".join(escape(e) for e in extra)

    def section(s: ox.NamedNode, rows: list[tuple[str, str]]) -> str:
        return (
            f'<section class="term" id="{escape(_anchor(s.value))}">\n'
            f"<h3>{escape(label(s))}</h3>\n"
            f'<div class="iri"><code>{escape(s.value)}</code></div>\n'
            f"<p>{definition(s)}</p>\n<table>\n{_rows(rows)}</table>\n</section>\n"
        )

    out: list[str] = []
    title = ix.text(ont, DCTERMS + "title", RDFS + "label") or "sgraph ontology"
    out.append(f"<h1>{escape(title)}</h1>")
    meta = [
        ("IRI", f"<code>{escape(ont.value)}</code>"),
        ("Version", escape(ix.text(ont, OWL + "versionInfo") or "")),
        ("Version IRI", links(ix.values(ont, OWL + "versionIRI"))),
        ("Created", escape(ix.text(ont, DCTERMS + "created") or "")),
        ("Modified", escape(ix.text(ont, DCTERMS + "modified") or "")),
        ("Creator", links(ix.values(ont, DCTERMS + "creator"))),
        ("Licence", links(ix.values(ont, DCTERMS + "license"))),
        ("Prefix", escape(ix.text(ont, _P["vann"] + "preferredNamespacePrefix") or "")),
        ("Namespace", escape(ix.text(ont, _P["vann"] + "preferredNamespaceUri") or own)),
        ("Shapes", '<a href="shapes.html">SHACL shapes</a>'),
    ]
    out.append(f'<table class="meta">\n{_rows(meta)}</table>')
    desc = ix.text(ont, DCTERMS + "description", RDFS + "comment")
    if desc:
        out.append(f"<p>{escape(desc)}</p>")

    def toc(title: str, terms: list[ox.NamedNode], anchor: str) -> str:
        items = "".join(
            f'<li><a href="#{escape(_anchor(t.value))}">{escape(label(t))}</a></li>' for t in terms
        )
        return f'<h3><a href="#{anchor}">{escape(title)}</a></h3><ul>{items}</ul>'

    out.append(
        "<nav><h2>Contents</h2>"
        + toc("Classes", classes, "classes")
        + toc("Properties", props, "properties")
        + toc("Individuals", individuals, "individuals")
        + "</nav>"
    )
    out.append('<h2 id="classes">Classes</h2>')
    for c in classes:
        v = c.value
        out.append(
            section(
                c,
                [
                    ("Notes", notes(c)),
                    ("Subclass of (alignments)", links(ix.values(c, RDFS + "subClassOf"))),
                    ("Equivalent to", links(ix.values(c, OWL + "equivalentClass"))),
                    ("Disjoint with", links(ix.values(c, OWL + "disjointWith"))),
                    ("Subclasses", links(subclasses.get(v, []))),
                    ("In domain of", links(domain_of.get(v, []))),
                    ("In range of", links(range_of.get(v, []))),
                ],
            )
        )
    out.append('<h2 id="properties">Properties</h2>')
    for p in props:
        out.append(
            section(
                p,
                [
                    ("Type", links(ix.values(p, RDF_TYPE))),
                    ("Notes", notes(p)),
                    ("Subproperty of (alignments)", links(ix.values(p, RDFS + "subPropertyOf"))),
                    ("Equivalent to", links(ix.values(p, OWL + "equivalentProperty"))),
                    ("Inverse of", links(ix.values(p, OWL + "inverseOf"))),
                    ("Subproperties", links(subprops.get(p.value, []))),
                    ("Domain", links(ix.values(p, RDFS + "domain"))),
                    ("Domain includes", links(ix.values(p, SCHEMA + "domainIncludes"))),
                    ("Range", links(ix.values(p, RDFS + "range"))),
                    ("Range includes", links(ix.values(p, SCHEMA + "rangeIncludes"))),
                ],
            )
        )
    out.append('<h2 id="individuals">Individuals</h2>')
    for i in individuals:
        preds = ix.by_subject[i]
        rows = [("Type", links(ix.values(i, RDF_TYPE))), ("Notes", notes(i))]
        skip = {RDF_TYPE, RDFS + "label", SKOS + "definition", RDFS + "comment", SKOS + "prefLabel"}
        rows += [
            (ix.qname(p), links(ix.values(i, p)))
            for p in sorted(preds, key=ix.qname)
            if p not in skip
        ]
        out.append(section(i, rows))
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
    out.append('<h2 id="external">Standard terms used</h2><p>')
    out.append(", ".join(ix.link(ox.NamedNode(e)) for e in external))
    out.append("</p>")
    return _page(
        title,
        "\n".join(out),
        '<a href="index.html">Ontology</a> · <a href="shapes.html">Shapes</a>',
    )


def shapes_html(triples: Iterable[ox.Triple], prefixes: dict[str, str], base: str) -> str:
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

    def params(s: OxTerm) -> list[tuple[str, str]]:
        preds = ix.by_subject.get(s, {})
        rows: list[tuple[str, str]] = []
        for p in sorted(preds, key=ix.qname):
            if p in skip:
                continue
            if p == SH + "property":
                rendered = "<br>".join(
                    ix.link(v, anchors)
                    if isinstance(v, ox.NamedNode)
                    else "<table>" + _rows(params(v)) + "</table>"
                    for v in ix.values(s, p)
                )
            elif p == SH + "severity":
                rendered = ", ".join(
                    f'<span class="sev-{escape(_anchor(v.value))}">{escape(_anchor(v.value))}</span>'
                    for v in ix.values(s, p)
                    if isinstance(v, ox.NamedNode)
                )
            else:
                rendered = ", ".join(ix.link(v, anchors) for v in ix.values(s, p))
            rows.append((ix.qname(p), rendered))
        return rows

    def section(s: ox.NamedNode, kind: str) -> str:
        name = ix.text(s, RDFS + "label", SH + "name") or ix.qname(s.value)
        comment = ix.text(s, RDFS + "comment") or ""
        query = ix.text(s, SH + "select")
        pre = f"<pre>{escape(query.strip())}</pre>" if query else ""
        return (
            f'<section class="term" id="{escape(_anchor(s.value))}">\n<h3>{escape(name)}</h3>\n'
            f'<div class="iri"><code>{escape(ix.qname(s.value))}</code> · {escape(kind)}</div>\n'
            f"<p>{escape(comment)}</p>\n<table>\n{_rows(params(s))}</table>\n{pre}</section>\n"
        )

    node_shapes = [s for s in shapes if ox.NamedNode(SH + "NodeShape") in ix.values(s, RDF_TYPE)]
    prop_shapes = [s for s in shapes if s not in node_shapes]
    heads = ix.subjects_of_type(_P["owl"] + "Ontology")
    title = (ix.text(heads[0], RDFS + "label") if heads else None) or "sgraph SHACL shapes"
    intro = (ix.text(heads[0], RDFS + "comment") if heads else None) or ""
    out = [f"<h1>{escape(title)}</h1>", f"<p>{escape(intro)}</p>"]
    out.append(
        "<nav><h2>Contents</h2><ul>"
        + "".join(
            f'<li><a href="#{escape(_anchor(s.value))}">{escape(ix.text(s, RDFS + "label", SH + "name") or ix.qname(s.value))}</a></li>'
            for s in (*node_shapes, *prop_shapes, *constraints)
        )
        + "</ul></nav>"
    )
    out.append('<h2 id="node-shapes">Node shapes</h2>')
    out += [section(s, "node shape") for s in node_shapes]
    out.append('<h2 id="property-shapes">Property shapes</h2>')
    out += [section(s, "property shape") for s in prop_shapes]
    out.append('<h2 id="sparql-constraints">SPARQL constraints</h2>')
    out += [section(s, "SPARQL constraint") for s in constraints]
    return _page(
        title,
        "\n".join(out),
        '<a href="index.html">Ontology</a> · <a href="shapes.html">Shapes</a>',
    )


def write_docs(
    folder: Path,
    ontology: Iterable[ox.Triple],
    shapes: Iterable[ox.Triple],
    prefixes: dict[str, str],
    base: str,
) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    pages = {
        "index.html": ontology_html(ontology, prefixes, base),
        "shapes.html": shapes_html(shapes, prefixes, base),
    }
    written = []
    for name, text in pages.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
