"""Deterministic serialisation: the same triples always give the same bytes.

The writers of the formats in ``sgraph.rdf.formats`` (JSON-LD's is ``sgraph.rdf.jsonld``), each
fed one subject (with its triples) at a time, subjects in sorted order, so a dump is never held
in Python. Turtle is written for people: only the prefixes used, one block per subject, ``a``
first, predicates and objects sorted. TriG is the same, one ``GRAPH`` block per named graph
(sorted). N-Triples and N-Quads are sorted lines. RDF/XML is one ``rdf:Description`` per subject.
"""

from __future__ import annotations

import gc
import heapq
import io
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Protocol, TextIO, runtime_checkable

import pyoxigraph as ox

from sgraph.namespaces import RDF_TYPE
from sgraph.terms import XSD_STRING, OxSubject, OxTerm, sort_key

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


def group_by_subject(
    triples: Iterable[ox.Triple],
) -> list[tuple[OxSubject | ox.Triple, list[ox.Triple]]]:
    """The distinct triples grouped by subject, subjects in ``sort_key`` order."""
    by_subject: dict[OxSubject | ox.Triple, list[ox.Triple]] = {}
    for t in set(triples):
        by_subject.setdefault(t.subject, []).append(t)
    return [(s, by_subject[s]) for s in sorted(by_subject, key=sort_key)]


def turtle_block(
    subject: OxSubject | ox.Triple, triples: Iterable[ox.Triple], pm: PrefixMap, indent: str = ""
) -> str:
    """One subject's block: ``a`` first, predicates and objects sorted."""
    preds: dict[ox.NamedNode, set[OxTerm]] = {}
    for t in triples:
        preds.setdefault(t.predicate, set()).add(t.object)
    lines: list[str] = []
    ordered = sorted(preds, key=lambda p: (p.value != RDF_TYPE, pm.shorten(p.value)))
    for pred in ordered:
        objs = sorted(preds[pred], key=sort_key)
        ptext = "a" if pred.value == RDF_TYPE else pm.shorten(pred.value)
        otext = f" ,\n{indent}        ".join(turtle_term(o, pm) for o in objs)
        lines.append(f"{indent}    {ptext} {otext}")
    return indent + turtle_term(subject, pm) + "\n" + " ;\n".join(lines) + " .\n"


def copy_text(body: TextIO, out: TextIO) -> None:
    """Append what was written to ``body`` (a StringIO or temporary file) to ``out``."""
    if isinstance(body, io.StringIO):
        out.write(body.getvalue())
        return
    body.seek(0)
    shutil.copyfileobj(body, out, 1 << 20)


GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


class SubjectWriter(Protocol):
    """A format written one subject (with its triples) at a time, subjects in sorted order."""

    def add(self, subject: OxSubject | ox.Triple, triples: Iterable[ox.Triple]) -> None: ...

    def finish(self, out: TextIO) -> None: ...


@runtime_checkable
class DatasetWriter(SubjectWriter, Protocol):
    """A format that keeps named graphs: ``graph(name)`` starts each graph (default graph
    first, then the named graphs in order), then its subjects are added."""

    def graph(self, name: GraphName) -> None: ...


def canonical_triples(triples: list[ox.Triple]) -> list[ox.Triple]:
    """``triples`` with blank nodes (e.g. SHACL lists) relabelled canonically: stable output."""
    if not any(isinstance(t, ox.BlankNode) for tr in triples for t in (tr.subject, tr.object)):
        return triples
    ds = ox.Dataset([ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples])
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return [q.triple for q in ds]


def write_all(writer: SubjectWriter, triples: Iterable[ox.Triple]) -> str:
    """The text ``writer`` gives for a set of triples already in memory."""
    for subject, group in group_by_subject(triples):
        writer.add(subject, group)
    out = io.StringIO()
    writer.finish(out)
    return out.getvalue()


class TurtleWriter:
    """Readable, deterministic Turtle written one subject at a time (subjects in sorted order).

    Only the prefixes used are declared, so they are known at the end: blocks go to ``body``
    (a StringIO, or a temporary file for a large graph) and ``finish`` writes the head first.
    """

    def __init__(
        self, prefixes: dict[str, str], header: str = "", body: TextIO | None = None
    ) -> None:
        self.pm = PrefixMap(prefixes)
        self.header = header
        self.body = body if body is not None else io.StringIO()
        self.blocks = 0

    def add(self, subject: OxSubject | ox.Triple, triples: Iterable[ox.Triple]) -> None:
        self.body.write(("\n" if self.blocks else "") + turtle_block(subject, triples, self.pm))
        self.blocks += 1

    def finish(self, out: TextIO) -> None:
        out.write(_head(self.header, self.pm))
        copy_text(self.body, out)


class TrigWriter:
    """Deterministic TriG written one graph, then one subject, at a time: the default graph first,
    then one ``NAME { ... }`` block per named graph (sorted; without the optional ``GRAPH`` keyword,
    which rapper 2.0 and Virtuoso 7.2 do not read); subjects sorted within each graph."""

    def __init__(
        self, prefixes: dict[str, str], header: str = "", body: TextIO | None = None
    ) -> None:
        self.pm = PrefixMap(prefixes)
        self.header = header
        self.body = body if body is not None else io.StringIO()
        self.graphs = 0
        self.blocks = 0
        self.named = False

    def graph(self, name: GraphName) -> None:
        self._close()
        if self.graphs:
            self.body.write("\n")
        self.named = not isinstance(name, ox.DefaultGraph)
        if self.named:
            assert not isinstance(name, ox.DefaultGraph)
            # no GRAPH keyword: optional in TriG 1.1, refused by rapper 2.0 and Virtuoso 7.2
            self.body.write(f"{turtle_term(name, self.pm)} {{\n")
        self.graphs += 1
        self.blocks = 0

    def add(self, subject: OxSubject | ox.Triple, triples: Iterable[ox.Triple]) -> None:
        block = turtle_block(subject, triples, self.pm, "    " if self.named else "")
        self.body.write(("\n" if self.blocks else "") + block)
        self.blocks += 1

    def _close(self) -> None:
        if self.named:
            self.body.write("}\n")
            self.named = False

    def finish(self, out: TextIO) -> None:
        self._close()
        out.write(_head(self.header, self.pm))
        copy_text(self.body, out)


def _head(header: str, pm: PrefixMap) -> str:
    head = "".join(f"# {line}\n" for line in header.splitlines()) if header else ""
    prefix_lines = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(pm.used.items()))
    return head + prefix_lines + "\n"


def to_turtle(triples: Iterable[ox.Triple], prefixes: dict[str, str], header: str = "") -> str:
    """Readable, deterministic Turtle."""
    return write_all(TurtleWriter(prefixes, header), triples)


class SortedLines:
    """Distinct lines written in sorted order, holding at most ``chunk`` of them in memory.

    N-Triples and N-Quads dumps are sorted lines. Below ``chunk`` lines this is ``sorted(set())``;
    above, sorted runs go to temporary files in ``spill_dir`` and are merged (an external sort).
    """

    def __init__(self, chunk: int = 2_000_000, spill_dir: str | None = None) -> None:
        self.chunk = chunk
        self.spill_dir = spill_dir
        self.lines: set[str] = set()
        self.runs: list[TextIO] = []

    def add(self, line: str) -> None:
        self.lines.add(line)
        if len(self.lines) >= self.chunk:
            self._spill()

    def _spill(self) -> None:
        run = tempfile.TemporaryFile(  # noqa: SIM115 - kept open until finish() merges it
            "w+", encoding="utf-8", newline="", dir=self.spill_dir
        )
        run.writelines(sorted(self.lines))
        run.seek(0)
        self.runs.append(run)
        self.lines = set()

    def finish(self, out: TextIO) -> None:
        if not self.runs:
            out.writelines(sorted(self.lines))
            return
        if self.lines:
            self._spill()
        previous = None
        for line in heapq.merge(*self.runs):
            if line != previous:
                out.write(line)
                previous = line
        for run in self.runs:
            run.close()
        self.runs = []


def statement_line(statement: ox.Triple | ox.Quad) -> str:
    """One N-Triples / N-Quads line: the same text as Oxigraph's serialiser (tested)."""
    return f"{statement} .\n"


class LinesWriter:
    """N-Triples, or N-Quads with ``quads``: the distinct statements as sorted lines, at most
    ``chunk`` of them in memory (see ``SortedLines``)."""

    def __init__(
        self, *, quads: bool = False, chunk: int = 2_000_000, spill_dir: str | None = None
    ) -> None:
        self.quads = quads
        self.lines = SortedLines(chunk, spill_dir)
        self.name: GraphName = ox.DefaultGraph()

    def graph(self, name: GraphName) -> None:
        self.name = name

    def add(self, subject: OxSubject | ox.Triple, triples: Iterable[ox.Triple]) -> None:
        for t in triples:
            statement = ox.Quad(t.subject, t.predicate, t.object, self.name) if self.quads else t
            self.lines.add(statement_line(statement))

    def finish(self, out: TextIO) -> None:
        self.lines.finish(out)


def to_ntriples(triples: Iterable[ox.Triple]) -> str:
    """Sorted N-Triples (``LinesWriter``'s text, without grouping by subject first)."""
    return "".join(sorted({statement_line(t) for t in triples}))


# -- RDF/XML ----------------------------------------------------------------------------------

_NCNAME = re.compile(
    r"^[A-Za-z_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF]"
    r"[A-Za-z0-9_.\-\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF]*$"
)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _xml_text(value: str) -> str:
    if _XML_INVALID.search(value):
        raise ValueError(f"literal {value[:40]!r} holds a character XML 1.0 cannot represent")
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _xml_attr(value: str) -> str:
    return _xml_text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


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


class RdfXmlWriter:
    """Deterministic RDF/XML written one ``rdf:Description`` per subject (subjects sorted).

    The namespace declarations, known at the end, come first: see ``TurtleWriter``.
    """

    def __init__(self, prefixes: dict[str, str], body: TextIO | None = None) -> None:
        self.prefixes = prefixes
        self.by_ns = {ns: p for p, ns in sorted(prefixes.items(), reverse=True)}
        self.namespaces = sorted(prefixes.values(), key=lambda n: (-len(n), n))
        self.used: dict[str, str] = {"rdf": RDF_NS}
        self.extra = 0
        self.splits: dict[str, tuple[str, str]] = {}
        self.pred_keys: dict[ox.NamedNode, tuple[int, str, str, str]] = {}
        self.body = body if body is not None else io.StringIO()

    def _order(self, t: ox.Triple) -> tuple[tuple[int, str, str, str], tuple[int, str, str, str]]:
        key = self.pred_keys.get(t.predicate)
        if key is None:
            key = self.pred_keys[t.predicate] = sort_key(t.predicate)
        return (key, sort_key(t.object))

    def _tag(self, piri: str) -> str:
        split = self.splits.get(piri)
        if split is None:
            split = self.splits[piri] = _split_predicate(piri, self.prefixes, self.namespaces)
        ns, local = split
        pfx = self.by_ns.get(ns)
        if pfx is None or (pfx in self.used and self.used[pfx] != ns):
            pfx = next((p for p, n in self.used.items() if n == ns), None)
            if pfx is None:
                self.extra += 1
                pfx = f"ns{self.extra}"
        self.used[pfx] = ns
        return f"{pfx}:{local}"

    def add(self, subject: OxSubject | ox.Triple, triples: Iterable[ox.Triple]) -> None:
        if isinstance(subject, ox.Triple):
            raise ValueError("RDF-star quoted triples cannot be written as RDF/XML")
        lines: list[str] = []
        if isinstance(subject, ox.BlankNode):
            lines.append(f'  <rdf:Description rdf:nodeID="{_xml_attr(subject.value)}">')
        else:
            lines.append(f'  <rdf:Description rdf:about="{_xml_attr(subject.value)}">')
        for t in sorted(set(triples), key=self._order):
            tag = self._tag(t.predicate.value)
            o = t.object
            if isinstance(o, ox.NamedNode):
                lines.append(f'    <{tag} rdf:resource="{_xml_attr(o.value)}"/>')
            elif isinstance(o, ox.BlankNode):
                lines.append(f'    <{tag} rdf:nodeID="{_xml_attr(o.value)}"/>')
            elif not isinstance(o, ox.Literal):
                raise ValueError("RDF-star quoted triples cannot be written as RDF/XML")
            elif o.language:
                lines.append(
                    f'    <{tag} xml:lang="{_xml_attr(o.language)}">{_xml_text(o.value)}</{tag}>'
                )
            elif o.datatype.value == XSD_STRING:
                lines.append(f"    <{tag}>{_xml_text(o.value)}</{tag}>")
            else:
                dt = _xml_attr(o.datatype.value)
                lines.append(f'    <{tag} rdf:datatype="{dt}">{_xml_text(o.value)}</{tag}>')
        lines.append("  </rdf:Description>\n")
        self.body.write("\n".join(lines))

    def finish(self, out: TextIO) -> None:
        xmlns = "".join(f'\n    xmlns:{p}="{_xml_attr(ns)}"' for p, ns in sorted(self.used.items()))
        out.write(f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{xmlns}>\n')
        copy_text(self.body, out)
        out.write("</rdf:RDF>\n")
