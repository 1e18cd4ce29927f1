"""Literals as written in the data, beside the form the Oxigraph store keeps of them.

Oxigraph stores a literal of a datatype it computes with (the XSD numbers, booleans, dates, times
and durations) by its value, and gives back that value's canonical form: ``"100"^^xsd:byte`` and
``"5"^^xsd:nonNegativeInteger`` come back as ``xsd:integer``, ``"4.0"^^xsd:decimal`` as ``"4"``,
``"1"^^xsd:boolean`` as ``"true"``. Its SPARQL engine does the same to a literal written in a
query. The parser does not (``pyoxigraph.parse`` returns literals as written), and Oxigraph has no
option to keep them (https://github.com/oxigraph/oxigraph/issues/526). So the written forms exist
only while a file is being loaded: ``WrittenLiterals.of`` records, from the parsed triples, the
few that the store will change, and ``sgraph.store.GraphStore`` keeps that record beside the store.

SHACL is defined on the data as written (``sh:datatype xsd:byte`` holds for ``"100"^^xsd:byte``,
``sh:datatype xsd:integer`` does not), so the validator reads this record; so does
``GraphStore.to_rdflib`` (the graph handed to pySHACL).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import cast

import pyoxigraph as ox

_XSD = "http://www.w3.org/2001/XMLSchema#"
#: Datatypes whose literals Oxigraph may store in another form (its native value encodings).
NATIVE_DATATYPES = frozenset(
    _XSD + name
    for name in [
        "boolean",
        "float",
        "double",
        "decimal",
        "integer",
        "byte",
        "short",
        "int",
        "long",
        "unsignedByte",
        "unsignedShort",
        "unsignedInt",
        "unsignedLong",
        "positiveInteger",
        "nonNegativeInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "dateTime",
        "dateTimeStamp",
        "time",
        "date",
        "gYearMonth",
        "gYear",
        "gMonthDay",
        "gDay",
        "gMonth",
        "duration",
        "yearMonthDuration",
        "dayTimeDuration",
    ]
)
_P = ox.NamedNode("urn:sgraph:literal")
#: Lexical forms the store certainly keeps as they are (canonical, or not a valid value, which
#: Oxigraph also keeps as written), per datatype: the common forms of curated data, checked
#: here without a round trip through the store. Any other form goes through ``stored_forms``.
_KEPT = {
    _XSD + "integer": re.compile(r"0|-?[1-9][0-9]*"),
    _XSD + "boolean": re.compile(r"true|false"),
    _XSD + "date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    _XSD + "gYear": re.compile(r"[0-9]{4}"),
    _XSD + "gYearMonth": re.compile(r"[0-9]{4}-[0-9]{2}"),
    _XSD + "dateTime": re.compile(
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-9]{2}:[0-9]{2}Z?"
    ),
}
_NATIVE_NODES = frozenset(ox.NamedNode(d) for d in NATIVE_DATATYPES)


def may_change(lit: ox.Literal) -> bool:
    """Whether the store might keep ``lit`` in another form (cheap; true errs on the safe side)."""
    dt = lit.datatype
    if dt not in _NATIVE_NODES:
        return False
    kept = _KEPT.get(dt.value)
    return kept is None or kept.fullmatch(lit.value) is None


def stored_forms(literals: Iterable[ox.Literal]) -> dict[ox.Literal, ox.Literal]:
    """For each literal the store would keep in another form, that form (others are left out).

    Found by the store itself (a scratch store, one triple per literal), so this is exactly what
    Oxigraph does, not a re-implementation of its canonical forms.
    """
    candidates = sorted(
        {lit for lit in literals if may_change(lit)},
        key=lambda lit: (lit.datatype.value, lit.value),
    )
    if not candidates:
        return {}
    scratch = ox.Store()
    scratch.extend(
        ox.Quad(ox.NamedNode(f"urn:sgraph:literal:{i}"), _P, lit, ox.DefaultGraph())
        for i, lit in enumerate(candidates)
    )
    out: dict[ox.Literal, ox.Literal] = {}
    for q in scratch:
        assert isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal)
        written = candidates[int(q.subject.value.rsplit(":", 1)[1])]
        if q.object != written:
            out[written] = q.object
    return out


@lru_cache(maxsize=4096)
def stored_form(lit: ox.Literal) -> ox.Literal:
    """The form the store keeps of one literal (shape constants: a few, asked for often)."""
    return stored_forms([lit]).get(lit, lit)


@dataclass
class WrittenLiterals:
    """The data's literals that the store keeps in another form, and where they are written.

    ``quads`` holds each such statement as written (graph, subject, predicate, written literal);
    ``stored`` maps each written literal to the form the store keeps; ``as_is`` holds the
    statements whose literal is written in the stored form while the same value is also written
    another way elsewhere (so both forms exist in the data).
    """

    quads: list[ox.Quad] = field(default_factory=list)
    stored: dict[ox.Literal, ox.Literal] = field(default_factory=dict)
    as_is: set[ox.Triple] = field(default_factory=set)

    @classmethod
    def of(
        cls, graphs: Iterable[tuple[ox.NamedNode | ox.DefaultGraph, Iterable[ox.Triple]]]
    ) -> WrittenLiterals:
        """The record for triples about to be loaded, given per named graph (one pass over them,
        one scratch store for the distinct literals of the datatypes the store rewrites)."""
        native: list[tuple[ox.NamedNode | ox.DefaultGraph, ox.Triple, ox.Literal]] = []
        for graph, triples in graphs:
            for t in triples:
                o = t.object
                if type(o) is ox.Literal and o.datatype in _NATIVE_NODES:
                    native.append((graph, t, o))
        stored = stored_forms(lit for _, _, lit in native)
        if not stored:
            return cls()
        changed_values = set(stored.values())
        out = cls(stored=stored)
        for graph, t, lit in native:
            if lit in stored:
                out.quads.append(ox.Quad(t.subject, t.predicate, lit, graph))
            elif lit in changed_values:
                out.as_is.add(t)
        return out

    def __bool__(self) -> bool:
        return bool(self.quads)

    def forms(self) -> dict[ox.Literal, set[ox.Literal]]:
        """Each stored literal that stands for another written form, and every form it stands for
        in the data (itself included when some statement writes it that way)."""
        out: dict[ox.Literal, set[ox.Literal]] = {}
        for written, kept in self.stored.items():
            out.setdefault(kept, set()).add(written)
        for t in self.as_is:
            assert isinstance(t.object, ox.Literal)
            out[t.object].add(t.object)
        return out

    def restore(self, triples: set[ox.Triple]) -> set[ox.Triple]:
        """``triples`` read from the store, with each changed literal back as written."""
        if not self.quads:
            return triples
        out = set(triples)
        for q in self.quads:
            out.add(q.triple)
        for q in self.quads:
            assert isinstance(q.object, ox.Literal)
            kept = ox.Triple(q.subject, q.predicate, self.stored[q.object])
            if kept not in self.as_is:
                out.discard(kept)
        return out


@dataclass
class WrittenRecorder:
    """Builds ``WrittenLiterals`` one data file at a time, so no file's triples need to stay in
    memory once they are in the store: the same record as ``WrittenLiterals.of`` on all files.

    ``add`` each file's triples before or after loading them; ``finish`` with the store once
    every file is loaded (before anything else is added to those graphs).
    """

    stored: dict[ox.Literal, ox.Literal] = field(default_factory=dict)
    quads: list[ox.Quad] = field(default_factory=list)
    #: statements a file writes both in a changed form and in the stored form (the store holds
    #: one quad for both, so only the file can tell)
    both: set[ox.Triple] = field(default_factory=set)

    def add(self, graph: ox.NamedNode | ox.DefaultGraph, triples: Iterable[ox.Triple]) -> None:
        native = [
            (t, o)
            for t in triples
            if type(o := t.object) is ox.Literal and o.datatype in _NATIVE_NODES
        ]
        stored = stored_forms(lit for _, lit in native)
        if not stored:
            return
        self.stored.update(stored)
        images: set[tuple[object, object, ox.Literal]] = set()
        for t, lit in native:
            if lit in stored:
                self.quads.append(ox.Quad(t.subject, t.predicate, lit, graph))
                images.add((t.subject, t.predicate, stored[lit]))
        for t, lit in native:
            if lit not in stored and (t.subject, t.predicate, lit) in images:
                self.both.add(t)

    def finish(
        self, store: ox.Store, graphs: Iterable[ox.NamedNode | ox.DefaultGraph]
    ) -> WrittenLiterals:
        """The record, reading from ``store`` the statements written in a stored form that
        another statement writes in a changed form (``WrittenLiterals.as_is``)."""
        if not self.stored:
            return WrittenLiterals()
        images = {
            (q.subject, q.predicate, self.stored[cast(ox.Literal, q.object)], q.graph_name)
            for q in self.quads
        }
        as_is = set(self.both)
        graphs = list(graphs)
        for value in sorted(set(self.stored.values()), key=str):
            for g in graphs:
                for q in store.quads_for_pattern(None, None, value, g):
                    if (q.subject, q.predicate, q.object, q.graph_name) not in images:
                        as_is.add(q.triple)
        return WrittenLiterals(quads=self.quads, stored=self.stored, as_is=as_is)
