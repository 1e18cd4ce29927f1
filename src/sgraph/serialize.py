"""Deterministic serialisation: the same triples always give the same bytes.

Turtle is written for people: only the prefixes used, one block per subject (sorted), ``a`` first,
predicates and objects sorted. TriG is the same, one ``GRAPH`` block per named graph (sorted).
N-Triples and N-Quads are sorted lines. RDF/XML is one ``rdf:Description`` per subject (sorted).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import pyoxigraph as ox

from sgraph.namespaces import RDF_TYPE
from sgraph.terms import XSD_STRING, OxTerm, sort_key

_LOCAL_RE = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_LITERAL_TABLE = str.maketrans(_ESCAPES)
_IRI_TABLE = str.maketrans({c: f"\\u{ord(c):04X}" for c in '<>"{}|^`\\ '})


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run a block with Python's cyclic garbage collector off (restored after).

    Serialising a large graph creates millions of short-lived term objects; the collector would
    re-scan every live one many times over (about 10x the serialisation time at 100k triples).
    None of them form reference cycles, so reference counting frees them all the same.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class PrefixMap:
    """Shortens IRIs with the longest matching namespace; records which prefixes were used."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        # longest namespace first so sgpub: wins over sgid:
        self._items = sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self.used: dict[str, str] = {}
        # iri -> (text, prefix, namespace) or (text, "", ""): IRIs recur thousands of times in a dump
        self._memo: dict[str, tuple[str, str, str]] = {}

    def shorten(self, iri: str) -> str:
        hit = self._memo.get(iri)
        if hit is not None:
            if hit[1]:
                self.used[hit[1]] = hit[2]
            return hit[0]
        for pfx, ns in self._items:
            if iri.startswith(ns):
                local = iri[len(ns) :]
                if local == "" or _LOCAL_RE.match(local):
                    self.used[pfx] = ns
                    text = f"{pfx}:{local}"
                    self._memo[iri] = (text, pfx, ns)
                    return text
        text = f"<{_escape_iri(iri)}>"
        self._memo[iri] = (text, "", "")
        return text


def _escape_iri(iri: str) -> str:
    return iri.translate(_IRI_TABLE)


def _escape_literal(value: str) -> str:
    return value.translate(_LITERAL_TABLE)


def turtle_term(term: OxTerm, pm: PrefixMap) -> str:
    if isinstance(term, ox.NamedNode):
        return pm.shorten(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        raise ValueError("RDF-star quoted triples cannot be written as Turtle 1.1")
    text = f'"{_escape_literal(term.value)}"'
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype.value == XSD_STRING:
        return text
    return f"{text}^^{pm.shorten(term.datatype.value)}"


def _turtle_blocks(triples: Iterable[ox.Triple], pm: PrefixMap, indent: str = "") -> list[str]:
    """One block per subject (sorted), ``a`` first, predicates and objects sorted."""
    by_subject: dict[OxTerm, dict[ox.NamedNode, list[OxTerm]]] = {}
    for t in triples:
        by_subject.setdefault(t.subject, {}).setdefault(t.predicate, []).append(t.object)
    blocks: list[str] = []
    for subject in sorted(by_subject, key=sort_key):
        preds = by_subject[subject]
        lines: list[str] = []
        ordered = sorted(preds, key=lambda p: (p.value != RDF_TYPE, pm.shorten(p.value)))
        for pred in ordered:
            objs = sorted(set(preds[pred]), key=sort_key)
            ptext = "a" if pred.value == RDF_TYPE else pm.shorten(pred.value)
            otext = f" ,\n{indent}        ".join(turtle_term(o, pm) for o in objs)
            lines.append(f"{indent}    {ptext} {otext}")
        blocks.append(indent + turtle_term(subject, pm) + "\n" + " ;\n".join(lines) + " .\n")
    return blocks


def _head(header: str, pm: PrefixMap) -> str:
    head = "".join(f"# {line}\n" for line in header.splitlines()) if header else ""
    prefix_lines = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(pm.used.items()))
    return head + prefix_lines + "\n"


def to_turtle(triples: Iterable[ox.Triple], prefixes: dict[str, str], header: str = "") -> str:
    """Readable, deterministic Turtle."""
    pm = PrefixMap(prefixes)
    blocks = _turtle_blocks(triples, pm)
    return _head(header, pm) + "\n".join(blocks)


def to_trig(quads: Iterable[ox.Quad], prefixes: dict[str, str], header: str = "") -> str:
    """Deterministic TriG: the default graph first, then one ``GRAPH`` block per named graph (sorted)."""
    pm = PrefixMap(prefixes)
    graphs: dict[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, list[ox.Triple]] = {}
    for q in quads:
        graphs.setdefault(q.graph_name, []).append(q.triple)
    parts: list[str] = []
    default = [g for g in graphs if isinstance(g, ox.DefaultGraph)]
    named = sorted((g for g in graphs if not isinstance(g, ox.DefaultGraph)), key=sort_key)
    for d in default:
        parts.append("\n".join(_turtle_blocks(graphs[d], pm)))
    for g in named:
        if isinstance(g, ox.DefaultGraph):  # pragma: no cover - filtered above
            continue
        body = "\n".join(_turtle_blocks(graphs[g], pm, indent="    "))
        parts.append(f"GRAPH {turtle_term(g, pm)} {{\n{body}}}\n")
    return _head(header, pm) + "\n".join(parts)


def to_ntriples(triples: Iterable[ox.Triple]) -> str:
    lines = {str(t) + " .\n" for t in triples}
    return "".join(sorted(lines))


def to_nquads(quads: Iterable[ox.Quad]) -> str:
    lines = {str(q) + " .\n" for q in quads}
    return "".join(sorted(lines))


# -- RDF/XML ----------------------------------------------------------------------------------

_NCNAME = re.compile(r"^[A-Za-z_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF]"
                     r"[A-Za-z0-9_.\-\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF]*$")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _xml_text(value: str) -> str:
    if _XML_INVALID.search(value):
        raise ValueError(f"literal {value[:40]!r} holds a character XML 1.0 cannot represent")
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _xml_attr(value: str) -> str:
    return (
        _xml_text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    )


def _split_predicate(
    iri: str, prefixes: dict[str, str], namespaces: list[str] | None = None
) -> tuple[str, str]:
    """(namespace, local name) with an XML NCName local part, preferring a known namespace."""
    if namespaces is None:
        namespaces = sorted(prefixes.values(), key=lambda n: (-len(n), n))
    for ns in namespaces:
        if iri.startswith(ns) and _NCNAME.match(iri[len(ns) :]):
            return ns, iri[len(ns) :]
    for i in range(len(iri) - 1, 0, -1):
        if _NCNAME.match(iri[i:]) and not _NCNAME.match(iri[i - 1 :]):
            return iri[:i], iri[i:]
    raise ValueError(f"predicate <{iri}> cannot be written as an XML element name in RDF/XML")


def to_rdfxml(triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> str:
    """Deterministic RDF/XML: one ``rdf:Description`` per subject, sorted like the Turtle."""
    by_ns = {ns: p for p, ns in sorted(prefixes.items(), reverse=True)}
    by_subject: dict[ox.NamedNode | ox.BlankNode, list[ox.Triple]] = {}
    for t in set(triples):
        if isinstance(t.subject, ox.Triple):
            raise ValueError("RDF-star quoted triples cannot be written as RDF/XML")
        by_subject.setdefault(t.subject, []).append(t)
    used: dict[str, str] = {"rdf": RDF_NS}
    extra = 0
    body: list[str] = []
    namespaces = sorted(prefixes.values(), key=lambda n: (-len(n), n))
    splits: dict[str, tuple[str, str]] = {}
    pred_keys: dict[ox.NamedNode, tuple[int, str, str, str]] = {}

    def order(t: ox.Triple) -> tuple[tuple[int, str, str, str], tuple[int, str, str, str]]:
        key = pred_keys.get(t.predicate)
        if key is None:
            key = pred_keys[t.predicate] = sort_key(t.predicate)
        return (key, sort_key(t.object))

    for subject in sorted(by_subject, key=sort_key):
        if isinstance(subject, ox.BlankNode):
            body.append(f'  <rdf:Description rdf:nodeID="{_xml_attr(subject.value)}">')
        else:
            body.append(f'  <rdf:Description rdf:about="{_xml_attr(subject.value)}">')
        for t in sorted(by_subject[subject], key=order):
            piri = t.predicate.value
            split = splits.get(piri)
            if split is None:
                split = splits[piri] = _split_predicate(piri, prefixes, namespaces)
            ns, local = split
            pfx = by_ns.get(ns)
            if pfx is None or (pfx in used and used[pfx] != ns):
                pfx = next((p for p, n in used.items() if n == ns), None)
                if pfx is None:
                    extra += 1
                    pfx = f"ns{extra}"
            used[pfx] = ns
            tag = f"{pfx}:{local}"
            o = t.object
            if isinstance(o, ox.NamedNode):
                body.append(f'    <{tag} rdf:resource="{_xml_attr(o.value)}"/>')
            elif isinstance(o, ox.BlankNode):
                body.append(f'    <{tag} rdf:nodeID="{_xml_attr(o.value)}"/>')
            elif not isinstance(o, ox.Literal):
                raise ValueError("RDF-star quoted triples cannot be written as RDF/XML")
            elif o.language:
                body.append(f'    <{tag} xml:lang="{_xml_attr(o.language)}">{_xml_text(o.value)}</{tag}>')
            elif o.datatype.value == XSD_STRING:
                body.append(f"    <{tag}>{_xml_text(o.value)}</{tag}>")
            else:
                dt = _xml_attr(o.datatype.value)
                body.append(f'    <{tag} rdf:datatype="{dt}">{_xml_text(o.value)}</{tag}>')
        body.append("  </rdf:Description>")
    xmlns = "".join(f'\n    xmlns:{p}="{_xml_attr(ns)}"' for p, ns in sorted(used.items()))
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f"<rdf:RDF{xmlns}>\n" + "\n".join(body) + ("\n" if body else "") + "</rdf:RDF>\n"
    )
