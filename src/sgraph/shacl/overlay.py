"""The as-written overlay: the literals whose form in the data differs from what SPARQL on the
store shows (``sgraph.literals``), or which are ill-typed, as rows a query can join.

``Value`` (in ``sgraph.shacl.query``) reads a value node's lexical form, datatype and
well-formedness through it; when the overlay is empty (the usual case) it adds nothing to any
query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, RDFS, SH, XSD

from sgraph.literals import WrittenLiterals, stored_forms
from sgraph.terms import from_rdflib, to_rdflib


def _string(text: str) -> str:
    return str(ox.Literal(text))


@dataclass
class Overlay:
    """The as-written forms of the literals the store shows differently (see the module doc).

    ``rows`` maps a stored literal to its forms as written anywhere in the data, each with
    whether it is well formed for its datatype. A literal the store keeps as written but which
    is ill-typed (say ``"2020-02-31"^^xsd:date``) has one row: itself, not well formed.
    ``statements`` holds, per predicate, the form each statement of the data files writes
    (subject, stored literal, form): where a value node is reached by that predicate from its
    focus node, its form is that statement's, even when the same value is written another way
    elsewhere; ``rows`` answer for the other paths, and for derived (materialised) statements.
    """

    rows: dict[ox.Literal, dict[ox.Literal, bool]] = field(default_factory=dict)
    statements: dict[str, list[tuple[ox.NamedNode, ox.Literal, ox.Literal]]] = field(
        default_factory=dict
    )

    def add(self, stored: ox.Literal, written: ox.Literal, ok: bool) -> None:
        self.rows.setdefault(stored, {})[written] = ok

    def __bool__(self) -> bool:
        return bool(self.rows)

    def join(self, var: str, subject: str | None = None, predicate: str | None = None) -> str:
        """The pattern that binds ``var``'s written forms (nothing when there is no overlay).

        With ``subject`` and ``predicate`` (``var`` is bound by ``subject <predicate> var``),
        the statement's own form comes first; the value's forms answer where none is recorded
        (a second OPTIONAL only adds rows that agree with the first).
        """
        if not self.rows:
            return ""
        names = f"{var}_lex {var}_dt {var}_ok"
        out = ""
        recorded = self.statements.get(predicate or "", []) if subject else []
        if recorded:
            lines = " ".join(
                f"({s} {kept} {_form(w, self.rows[kept][w])})" for s, kept, w in recorded
            )
            out += f" OPTIONAL {{ VALUES ({subject} {var} {names}) {{ {lines} }} }}"
        lines = " ".join(
            f"({kept} {_form(w, ok)})"
            for kept, forms in self.rows.items()
            for w, ok in sorted(forms.items(), key=lambda kv: str(kv[0]))
        )
        return out + f" OPTIONAL {{ VALUES ({var} {names}) {{ {lines} }} }} "


def _form(w: ox.Literal, ok: bool) -> str:
    return f"{_string(w.value)} <{w.datatype.value}> {'true' if ok else 'false'}"


#: Datatypes whose lexical forms pySHACL checks (via rdflib's parsing of the literal's value).
_PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {
    str(XSD.integer): int,
    str(XSD.float): float,
    str(XSD.decimal): Decimal,
    str(XSD.boolean): bool,
    str(XSD.date): dt.date,
    str(XSD.time): dt.time,
    str(XSD.dateTime): dt.datetime,
}


def well_typed(lit: ox.Literal) -> bool:
    """Whether the lexical form is valid for the datatype (as rdflib and pySHACL see it)."""
    node = to_rdflib(lit)
    assert isinstance(node, rdflib.Literal)
    if getattr(node, "ill_typed", None) is True:
        return False
    want = _PYTHON_TYPES.get(lit.datatype.value)
    return want is None or isinstance(node.value, want)


def _record(
    out: Overlay,
    subject: ox.NamedNode | ox.BlankNode | ox.Triple,
    predicate: ox.NamedNode,
    kept: ox.Literal,
    form: ox.Literal,
) -> None:
    if isinstance(subject, ox.NamedNode):  # VALUES cannot name a blank node
        out.statements.setdefault(predicate.value, []).append((subject, kept, form))


def overlay(store: ox.Store, shapes: rdflib.Graph, written: WrittenLiterals | None) -> Overlay:
    """Rows for the literals whose form as written differs from the store's, or is ill-typed."""
    out = Overlay()
    data_forms = written.forms() if written else {}
    for kept, forms in data_forms.items():
        for w in forms:
            out.add(kept, w, well_typed(w))
    for quad in written.quads if written else []:  # each data statement's own form
        assert isinstance(quad.object, ox.Literal) and written is not None
        _record(out, quad.subject, quad.predicate, written.stored[quad.object], quad.object)
    for t in written.as_is if written else set():
        assert isinstance(t.object, ox.Literal)
        _record(out, t.subject, t.predicate, t.object, t.object)
    # Shape constants that are focus nodes (sh:targetNode "4.0"^^xsd:decimal).
    consts = [
        from_rdflib(n) for n in shapes.objects(None, SH.targetNode) if isinstance(n, rdflib.Literal)
    ]
    for w, kept in stored_forms(c for c in consts if isinstance(c, ox.Literal)).items():
        out.add(kept, w, well_typed(w))
        in_data = next(store.quads_for_pattern(None, None, kept, None), None) is not None
        if kept not in data_forms and in_data:  # the data writes it as the store keeps it
            out.add(kept, kept, True)
    # Ill-typed literals the store keeps as they are, for the datatypes the shapes ask for.
    skip = {str(XSD.string), str(RDF.langString), str(RDFS.Literal)}
    wanted = sorted({str(d) for d in shapes.objects(None, SH.datatype)} - skip)
    if wanted:
        dts = ", ".join(f"<{d}>" for d in wanted)
        q = (
            "SELECT DISTINCT ?x WHERE { ?s ?p ?x "
            f"FILTER(isLiteral(?x) && DATATYPE(?x) IN ({dts})) }}"
        )
        res = store.query(q, use_default_graph_as_union=True)
        assert isinstance(res, ox.QuerySolutions)
        for row in res:
            lit = row["x"]
            assert isinstance(lit, ox.Literal)
            if lit not in out.rows and not well_typed(lit):
                out.add(lit, lit, False)
    return out
