"""Deterministic serialisation: the same triples always give the same bytes.

Turtle is written for people: only the prefixes used, one block per subject (sorted), ``a`` first,
predicates and objects sorted. N-Triples and N-Quads are sorted lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox

from sgraph.namespaces import RDF_TYPE
from sgraph.terms import XSD_STRING, OxTerm, sort_key

_LOCAL_RE = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


class PrefixMap:
    """Shortens IRIs with the longest matching namespace; records which prefixes were used."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        # longest namespace first so sgpub: wins over sgid:
        self._items = sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self.used: dict[str, str] = {}

    def shorten(self, iri: str) -> str:
        for pfx, ns in self._items:
            if iri.startswith(ns):
                local = iri[len(ns) :]
                if local == "" or _LOCAL_RE.match(local):
                    self.used[pfx] = ns
                    return f"{pfx}:{local}"
        return f"<{_escape_iri(iri)}>"


def _escape_iri(iri: str) -> str:
    return "".join(c if c not in '<>"{}|^`\\ ' else f"\\u{ord(c):04X}" for c in iri)


def _escape_literal(value: str) -> str:
    return "".join(_ESCAPES.get(c, c) for c in value)


def turtle_term(term: OxTerm, pm: PrefixMap) -> str:
    if isinstance(term, ox.NamedNode):
        return pm.shorten(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    text = f'"{_escape_literal(term.value)}"'
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype.value == XSD_STRING:
        return text
    return f"{text}^^{pm.shorten(term.datatype.value)}"


def to_turtle(triples: Iterable[ox.Triple], prefixes: dict[str, str], header: str = "") -> str:
    """Readable, deterministic Turtle."""
    pm = PrefixMap(prefixes)
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
            otext = " ,\n        ".join(turtle_term(o, pm) for o in objs)
            lines.append(f"    {ptext} {otext}")
        blocks.append(turtle_term(subject, pm) + "\n" + " ;\n".join(lines) + " .\n")
    head = "".join(f"# {line}\n" for line in header.splitlines()) if header else ""
    prefix_lines = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(pm.used.items()))
    return head + prefix_lines + "\n" + "\n".join(blocks)


def to_ntriples(triples: Iterable[ox.Triple]) -> str:
    lines = {str(t) + " .\n" for t in triples}
    return "".join(sorted(lines))


def to_nquads(quads: Iterable[ox.Quad]) -> str:
    lines = {str(q) + " .\n" for q in quads}
    return "".join(sorted(lines))
