"""The HTML page of one entity: label, types, properties, incoming links, sources, neighbourhood.

Every string from the data goes through ``html.escape``; the page has inline CSS and an inline SVG,
no script and nothing fetched from elsewhere.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

import pyoxigraph as ox

from sgraph.namespaces import RDF_TYPE, STANDARD_PREFIXES
from sgraph.serialize import PrefixMap
from sgraph.terms import XSD_STRING, OxTerm, sort_key

_P = STANDARD_PREFIXES
LABEL_PREDICATES = (
    _P["rdfs"] + "label",
    _P["skos"] + "prefLabel",
    _P["foaf"] + "name",
    _P["dcterms"] + "title",
    _P["schema"] + "name",
)
SOURCE = _P["dcterms"] + "source"

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:62rem;margin:0 auto;
padding:1rem 1.5rem 3rem;line-height:1.45;color:#1b1b1b}
h1{margin-bottom:.1rem}h2{border-bottom:2px solid #2b5d8a;padding-bottom:.15rem;margin-top:2rem;font-size:1.2rem}
.iri{color:#555;word-break:break-all;font-family:ui-monospace,Menlo,monospace;font-size:.85em}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.25rem .5rem;
border-bottom:1px solid #e3e8ee}th{width:14rem;font-weight:600}
.lit-meta{color:#777;font-size:.8em;word-break:break-all}a{color:#1f5a91}ul.types{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.4rem}
ul.types li{background:#eef3f8;border-radius:4px;padding:.05rem .4rem}nav a{margin-right:.8rem}
svg text{font:11px system-ui,sans-serif}svg a text{fill:#1f5a91}
""".strip()


@dataclass(frozen=True)
class PageLinks:
    """How the page links: local paths for IRIs under the base, and the entity's alternates."""

    base: str
    alternates: list[tuple[str, str, str]]  # (href, media type, label)

    def href(self, iri: str) -> str:
        if iri.startswith(self.base):
            return "/" + iri[len(self.base) :]
        return iri


def _literal(term: ox.Literal, pm: PrefixMap) -> str:
    text = escape(term.value)
    if term.language:
        return f'{text} <span class="lit-meta">@{escape(term.language)}</span>'
    if term.datatype.value == XSD_STRING:
        return text
    return f'{text} <span class="lit-meta">{escape(pm.shorten(term.datatype.value))}</span>'


def entity_html(
    iri: str,
    outgoing: list[ox.Triple],
    incoming: list[ox.Triple],
    label_of: Callable[[str], str | None],
    prefixes: dict[str, str],
    links: PageLinks,
    graphs: list[str],
    located: str | None = None,
) -> str:
    pm = PrefixMap(prefixes)

    def name(t: str) -> str:
        return label_of(t) or pm.shorten(t).strip("<>")

    def link(term: OxTerm) -> str:
        if isinstance(term, ox.Literal):
            return _literal(term, pm)
        if isinstance(term, ox.BlankNode):
            return f"<code>_:{escape(term.value)}</code>"
        if isinstance(term, ox.Triple):
            return f"<code>{escape(str(term))}</code>"
        label = label_of(term.value)
        short = pm.shorten(term.value).strip("<>")
        text = (
            escape(label) + f' <span class="lit-meta">{escape(short)}</span>'
            if label
            else escape(short)
        )
        return f'<a href="{escape(links.href(term.value))}">{text}</a>'

    title = label_of(iri) or pm.shorten(iri).strip("<>")
    types = sorted(
        {
            t.object.value
            for t in outgoing
            if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode)
        }
    )
    props: dict[str, list[OxTerm]] = {}
    for t in outgoing:
        if t.predicate.value != RDF_TYPE:
            props.setdefault(t.predicate.value, []).append(t.object)
    sources = sorted(
        {
            t.object.value
            for t in outgoing
            if t.predicate.value == SOURCE and isinstance(t.object, ox.NamedNode)
        }
    )

    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
    ]
    parts += [
        f'<link rel="alternate" type="{escape(mt)}" href="{escape(href)}">'
        for href, mt, _ in links.alternates
    ]
    parts += [f"<style>\n{CSS}\n</style>", "</head>", "<body>"]
    parts.append(
        "<nav>"
        + "".join(
            f'<a href="{escape(href)}">{escape(lbl)}</a>' for href, _, lbl in links.alternates
        )
        + '<a href="/">SPARQL</a><a href="/ontology">Ontology</a><a href="/void.ttl">Dataset</a></nav>'
    )
    parts.append(f"<h1>{escape(title)}</h1>")
    parts.append(f'<div class="iri">{escape(iri)}</div>')
    network = escape("/network?" + urlencode({"focus": iri, "depth": 1}))
    parts.append(f'<p><a href="{network}">See it on the network map, with what it links to</a></p>')
    parts.append(
        '<ul class="types">' + "".join(f"<li>{link(ox.NamedNode(t))}</li>" for t in types) + "</ul>"
    )

    parts.append("<h2>Properties</h2><table>")
    for p in sorted(props, key=lambda p: (name(p).lower(), p)):
        values = sorted(set(props[p]), key=sort_key)
        cell = "<br>".join(link(v) for v in values)
        parts.append(f"<tr><th>{link(ox.NamedNode(p))}</th><td>{cell}</td></tr>")
    parts.append("</table>")

    parts.append("<h2>Referenced by</h2>")
    if incoming:
        parts.append("<table>")
        by_pred: dict[str, list[OxTerm]] = {}
        for t in incoming:
            by_pred.setdefault(t.predicate.value, []).append(t.subject)
        for p in sorted(by_pred, key=lambda p: (name(p).lower(), p)):
            subjects = sorted(set(by_pred[p]), key=sort_key)
            parts.append(
                f"<tr><th>{link(ox.NamedNode(p))} of</th><td>"
                + "<br>".join(link(s) for s in subjects)
                + "</td></tr>"
            )
        parts.append("</table>")
    else:
        parts.append("<p>Nothing in the graph links here.</p>")

    parts.append("<h2>Sources</h2>")
    if sources:
        parts.append(
            "<ul>" + "".join(f"<li>{link(ox.NamedNode(s))}</li>" for s in sources) + "</ul>"
        )
    else:
        parts.append("<p>No dcterms:source.</p>")
    where = [f"<li>{link(ox.NamedNode(g))}</li>" for g in graphs]
    if located:
        where.append(f"<li>first described in <code>{escape(located)}</code></li>")
    if where:
        parts.append(
            "<p>Statements about it come from the named graphs:</p><ul>" + "".join(where) + "</ul>"
        )

    parts.append("<h2>Neighbourhood</h2>")
    parts.append(neighbourhood_svg(iri, outgoing, incoming, name, links))
    parts.append("</body>\n</html>\n")
    return "\n".join(parts)


def neighbourhood_svg(
    iri: str,
    outgoing: list[ox.Triple],
    incoming: list[ox.Triple],
    name: Callable[[str], str],
    links: PageLinks,
    limit: int = 24,
) -> str:
    """The entity in the middle, the entities it links to and from on a circle (IRIs only)."""
    edges: dict[str, set[str]] = {}
    for t in outgoing:
        if isinstance(t.object, ox.NamedNode) and t.predicate.value != RDF_TYPE:
            edges.setdefault(t.object.value, set()).add(name(t.predicate.value) + " →")
    for t in incoming:
        if isinstance(t.subject, ox.NamedNode):
            edges.setdefault(t.subject.value, set()).add("← " + name(t.predicate.value))
    edges.pop(iri, None)
    if not edges:
        return "<p>No linked entities.</p>"
    neighbours = sorted(edges, key=lambda n: (name(n).lower(), n))
    shown = neighbours[:limit]
    w, h, r = 900, 560, 220
    cx, cy = w / 2, h / 2
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" '
        f'aria-label="{escape(name(iri))} and its {len(shown)} neighbours">'
    ]
    points: list[tuple[str, float, float]] = []
    for i, n in enumerate(shown):
        angle = 2 * math.pi * i / len(shown) - math.pi / 2
        points.append((n, cx + r * math.cos(angle), cy + r * 0.9 * math.sin(angle)))
    for n, x, y in points:
        out.append(
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#9db4cc">'
            f"<title>{escape('; '.join(sorted(edges[n])))}</title></line>"
        )
    for n, x, y in points:
        label = name(n)
        short = label if len(label) <= 34 else label[:33] + "…"
        anchor = "start" if x > cx + 1 else ("end" if x < cx - 1 else "middle")
        dx = 8 if anchor == "start" else (-8 if anchor == "end" else 0)
        out.append(
            f'<a href="{escape(links.href(n))}"><circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="#2b5d8a">'
            f"<title>{escape(label)}: {escape('; '.join(sorted(edges[n])))}</title></circle>"
            f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}">{escape(short)}</text></a>'
        )
    centre = name(iri)
    out.append(
        f'<circle cx="{cx}" cy="{cy}" r="10" fill="#a4400f"><title>{escape(centre)}</title></circle>'
    )
    out.append(
        f'<text x="{cx}" y="{cy + 26}" text-anchor="middle" font-weight="bold">'
        f"{escape(centre if len(centre) <= 50 else centre[:49] + '…')}</text>"
    )
    out.append("</svg>")
    if len(neighbours) > limit:
        out.append(
            f"<p>Showing {limit} of {len(neighbours)} linked entities; every link is listed above.</p>"
        )
    return "\n".join(out)
