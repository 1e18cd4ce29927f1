"""Building SPARQL text: value nodes (with their forms as written), constants, property paths.

Every constraint component writes its check against a :class:`Value`: a SPARQL variable bound to
a value node, with accessors for its lexical form, datatype, well-formedness and term identity.
The accessors read the *as-written overlay* when there is one: for the few literals whose stored
form differs from the data as written, or which are ill-typed, an ``OPTIONAL { VALUES ... }`` join
binds ``?v_lex``, ``?v_dt`` and ``?v_ok`` next to ``?v`` (one row per written form), and the
accessors prefer those. With no such literal (the usual case) the overlay is empty and the
accessors are plain ``STR(?v)``, ``DATATYPE(?v)``: no join, no cost.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from sgraph.errors import InputError
from sgraph.literals import NATIVE_DATATYPES, stored_form
from sgraph.terms import OxTerm, from_rdflib


def unsupported(what: str, shape: rdflib.term.Node) -> InputError:
    """The engine's refusal: names the feature and the shape, before any result is given."""
    return InputError(
        f"the fast SHACL engine does not support {what} (in shape {shape_name(shape)})",
        hint="validate with the pySHACL engine: --engine pyshacl or SGRAPH_SHACL_ENGINE=pyshacl",
    )


def bad_shape(what: str, shape: rdflib.term.Node) -> InputError:
    """A shapes graph that is not valid SHACL."""
    return InputError(
        f"the shape {shape_name(shape)} is not valid SHACL: {what}",
        hint="fix the shapes file (see https://www.w3.org/TR/shacl/ for the parameter)",
    )


def shape_name(node: rdflib.term.Node) -> str:
    return f"<{node}>" if isinstance(node, rdflib.URIRef) else f"[blank node {node}]"


def local(iri: rdflib.term.Node) -> str:
    """``sh:minCount`` for the SHACL IRI of minCount, the IRI in brackets otherwise."""
    text = str(iri)
    return "sh:" + text[len(str(SH)) :] if text.startswith(str(SH)) else f"<{text}>"


def ox_term(node: rdflib.term.Node) -> OxTerm:
    """A shapes-graph term as a pyoxigraph term, literals exactly as written."""
    return from_rdflib(node)


def string(text: str) -> str:
    """A SPARQL string literal."""
    return str(ox.Literal(text))


@dataclass(frozen=True)
class Value:
    """A value node in a query: the variable ``var``, with its written form when ``written``."""

    var: str
    written: bool = False

    def companions(self) -> list[str]:
        """The variable and, when ``written``, its written-form companions (for projections)."""
        if not self.written:
            return [self.var]
        return [self.var, f"{self.var}_lex", f"{self.var}_dt", f"{self.var}_ok"]

    def lex(self) -> str:
        """The lexical form as written (an IRI's text; blank nodes have none)."""
        if self.written:
            return f"COALESCE({self.var}_lex, STR({self.var}))"
        return f"STR({self.var})"

    def datatype(self) -> str:
        if self.written:
            return f"COALESCE({self.var}_dt, DATATYPE({self.var}))"
        return f"DATATYPE({self.var})"

    def well_formed(self) -> str:
        """Whether the literal's lexical form is valid for its datatype (as pySHACL decides)."""
        return f"COALESCE({self.var}_ok, true)" if self.written else "true"

    def same(self, other: Value) -> str:
        """The two value nodes are the same RDF term, as written."""
        same = f"sameTerm({self.var}, {other.var})"
        if not (self.written or other.written):
            return same
        return f"({same} && {_form(self)} = {_form(other)})"

    def equals(self, const: rdflib.term.Node) -> str:
        """The value node is the shapes-graph term ``const``, as written."""
        term = ox_term(const)
        if isinstance(term, ox.BlankNode):
            return "false"  # a blank node of the shapes graph is never a node of the data
        if not isinstance(term, ox.Literal) or term.datatype.value not in NATIVE_DATATYPES:
            return f"sameTerm({self.var}, {term})"  # the store keeps these as written
        kept = stored_form(term)
        as_stored = f"sameTerm({self.var}, {kept})"
        exact = (
            f"({self.var}_lex = {string(term.value)} && {self.var}_dt = <{term.datatype.value}>)"
        )
        canonical = kept == term
        if not self.written:
            return as_stored if canonical else "false"
        unwritten = f"!BOUND({self.var}_lex)"
        return f"({as_stored} && ({exact}{f' || {unwritten}' if canonical else ''}))"


def _form(v: Value) -> str:
    if not v.written:
        return '""'
    return f'COALESCE(CONCAT({v.var}_lex, "^^", STR({v.var}_dt)), "")'


@dataclass
class Names:
    """Fresh variable names for one validation run."""

    counter: int = 0

    def var(self, hint: str = "v") -> str:
        self.counter += 1
        return f"?_{hint}{self.counter}"


def sparql_term(node: rdflib.term.Node, shape: rdflib.term.Node) -> str:
    """A constant of the shapes graph in SPARQL text (blank nodes cannot be constants)."""
    if isinstance(node, rdflib.BNode):
        raise unsupported(f"a blank node ({node}) as a constant value", shape)
    return str(ox_term(node))


def path(g: rdflib.Graph, node: rdflib.term.Node, shape: rdflib.term.Node, depth: int = 0) -> str:
    """A SHACL property path as a SPARQL property path."""
    if depth > 32:
        raise bad_shape("its sh:path is nested too deep (a cycle?)", shape)
    if isinstance(node, rdflib.URIRef):
        return f"<{node}>"
    if isinstance(node, rdflib.Literal):
        raise bad_shape(f"its sh:path is a literal ({node.n3()})", shape)
    if (node, RDF.first, None) in g:
        items = [path(g, n, shape, depth + 1) for n in _list(g, node, shape)]
        if len(items) < 2:
            raise bad_shape("a sequence path needs at least two members", shape)
        return "(" + " / ".join(items) + ")"
    kinds = [p for p in _PATH_KINDS if (node, p, None) in g]
    if len(kinds) != 1:
        raise bad_shape(f"its sh:path {node} is not a SHACL property path", shape)
    inner = g.value(node, kinds[0])
    assert inner is not None
    if kinds[0] == SH.alternativePath:
        items = [path(g, n, shape, depth + 1) for n in _list(g, inner, shape)]
        if len(items) < 2:
            raise bad_shape("an alternative path needs at least two members", shape)
        return "(" + " | ".join(items) + ")"
    text = path(g, inner, shape, depth + 1)
    return {
        SH.inversePath: "^{}",
        SH.zeroOrMorePath: "({})*",
        SH.oneOrMorePath: "({})+",
        SH.zeroOrOnePath: "({})?",
    }[kinds[0]].format(text)


def nullable(g: rdflib.Graph, node: rdflib.term.Node) -> bool:
    """Whether the (well-formed) SHACL path ``node`` can be of length zero."""
    if isinstance(node, rdflib.URIRef):
        return False
    if (node, RDF.first, None) in g:
        return all(nullable(g, n) for n in Collection(g, node))
    if (node, SH.zeroOrMorePath, None) in g or (node, SH.zeroOrOnePath, None) in g:
        return True
    alt = g.value(node, SH.alternativePath)
    if alt is not None:
        return any(nullable(g, n) for n in Collection(g, alt))
    inner = g.value(node, SH.inversePath) or g.value(node, SH.oneOrMorePath)
    return inner is not None and nullable(g, inner)


_PATH_KINDS = (
    SH.alternativePath,
    SH.inversePath,
    SH.zeroOrMorePath,
    SH.oneOrMorePath,
    SH.zeroOrOnePath,
)


def _list(
    g: rdflib.Graph, node: rdflib.term.Node, shape: rdflib.term.Node
) -> list[rdflib.term.Node]:
    if node != RDF.nil and (node, RDF.first, None) not in g:
        raise bad_shape(f"{node} is not an RDF list", shape)
    return list(Collection(g, node))


def rdf_list(
    g: rdflib.Graph, node: rdflib.term.Node, shape: rdflib.term.Node
) -> list[rdflib.term.Node]:
    """The members of an RDF list in the shapes graph (a malformed list is a bad shape)."""
    return _list(g, node, shape)


def values_block(var: str, terms: Iterable[str]) -> str:
    return f"VALUES {var} {{ {' '.join(terms)} }}"
