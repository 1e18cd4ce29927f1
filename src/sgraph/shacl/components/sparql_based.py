"""SPARQL-based constraints (SHACL 5): ``sh:sparql [ sh:select "SELECT $this ... " ]``.

The query runs once for all focus nodes of its shape: ``{ focus nodes } LATERAL { the query }``.
Oxigraph's LATERAL evaluates the query once per focus node with ``?this`` already bound, which is
SHACL's pre-binding (the variable bound throughout the query, in every nested group), done in the
store. ``$PATH`` is replaced by the shape's path in the text, ``$currentShape`` is bound to the
shape. The SPARQL features SHACL forbids with pre-bound variables (MINUS, VALUES, SERVICE, a
sub-select that does not project ``$this``, ``AS $this``) and ``$shapesGraph`` are refused.

Results follow pySHACL: ``?value`` (the focus node itself for a node shape) and ``?path``, the
shape's messages and the constraint's with ``{$var}`` / ``{?var}`` replaced (language tags kept).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH

from sgraph.shacl.components.base import Component, Found
from sgraph.shacl.query import bad_shape, shape_name, unsupported
from sgraph.sparql import _tokens

if TYPE_CHECKING:
    from sgraph.shacl.compiler import Compiler, ValueNodes
    from sgraph.shacl.shapes import Constraint, Shape, ShapesGraph

TRUE = rdflib.Literal(True)
_FORBIDDEN = {"MINUS", "VALUES", "SERVICE"}
_PRE_BOUND = {"this", "shapesGraph", "currentShape"}


class SPARQLComponent(Component):
    iri = SH.SPARQLConstraintComponent
    parameters = (SH.sparql,)
    message = "(no message)"

    def active(self, sg: ShapesGraph, con: Constraint) -> bool:
        return sg.g.value(con.value, SH.deactivated) != TRUE

    def check(self, sg: ShapesGraph, con: Constraint) -> None:
        prepare(sg, con, sg.shape(con.shape))

    def violations(self, c: Compiler, con: Constraint, values: ValueNodes) -> list[Found]:
        raise unsupported(
            "sh:sparql inside sh:node / sh:not / sh:and / sh:or / sh:xone / qualified shapes",
            con.shape,
        )


@dataclass(frozen=True)
class Prepared:
    """A SPARQL constraint's query, ready to be joined with its shape's focus nodes."""

    prologue: str
    select: str
    prefixes: dict[str, str]
    messages: list[rdflib.term.Node]


def prepare(sg: ShapesGraph, con: Constraint, shape: Shape) -> Prepared:
    """Check the constraint's query against SHACL's pre-binding rules and substitute $PATH."""
    g = sg.g
    node = con.value
    select = g.value(node, SH.select)
    if select is None:
        if g.value(node, SH.ask) is not None:
            raise bad_shape("a SPARQL constraint takes sh:select, not sh:ask", con.shape)
        raise bad_shape(f"the SPARQL constraint {shape_name(node)} has no sh:select", con.shape)
    text = str(select)
    toks = _tokens(text)
    words = [(i, pos, tok.upper()) for i, (pos, tok) in enumerate(toks) if _is_keyword(toks, i)]
    for _, _, word in words:
        if word in _FORBIDDEN:
            raise unsupported(f"{word} in a SPARQL constraint (SHACL forbids it with $this)", node)
    selects = [(i, pos) for i, pos, word in words if word == "SELECT"]
    if not selects:
        raise bad_shape(f"the sh:select of {shape_name(node)} is not a SELECT query", con.shape)
    for i, _ in selects[1:]:
        if not _projects_this(toks, i):
            raise unsupported("a sub-select that does not project $this", node)
    for i, (_, tok) in enumerate(toks):
        if tok.upper() == "AS" and _variable(toks, i + 1) in _PRE_BOUND:
            raise unsupported(f"AS ${_variable(toks, i + 1)} (a pre-bound variable)", node)
        if _variable(toks, i) == "shapesGraph":
            raise unsupported("$shapesGraph (the shapes graph is not in the store)", node)
    pieces: list[str] = []
    last = 0
    for i, (pos, tok) in enumerate(toks):
        if tok in "$?" and i + 1 < len(toks) and toks[i + 1][1] == "PATH":
            if shape.path is None:
                raise bad_shape(
                    f"{shape_name(node)} uses $PATH but the shape has no path", con.shape
                )
            pieces.append(text[last:pos] + shape.path)
            last = toks[i + 1][0] + len("PATH")
    body = "".join(pieces) + text[last:]
    # PREFIX / BASE lines (before the first SELECT) hold no $PATH: the split is where it was.
    prologue, select_text = body[: selects[0][1]], body[selects[0][1] :]
    shape_msgs = shape.messages
    extra = sorted((m for m in g.objects(node, SH.message) if m not in shape_msgs), key=str)
    prefixes: dict[str, str] = {}
    merge_prefixes(prefixes, sparql_prefixes(g, node), node)
    return Prepared(prologue, select_text, prefixes, [*extra, *shape_msgs])


def _is_keyword(toks: list[tuple[int, str]], i: int) -> bool:
    """A word token that is not a variable name or part of a prefixed name."""
    tok = toks[i][1]
    if not (tok[:1].isalpha() or tok[:1] == "_"):
        return False
    before = toks[i - 1][1] if i > 0 else ""
    after = toks[i + 1][1] if i + 1 < len(toks) else ""
    return before not in ("?", "$", ":") and after != ":"


def _variable(toks: list[tuple[int, str]], i: int) -> str | None:
    if i + 1 < len(toks) and toks[i][1] in "?$" and toks[i][1] != "":
        return toks[i + 1][1]
    return None


def _projects_this(toks: list[tuple[int, str]], i: int) -> bool:
    """The sub-select starting at token ``i`` names $this (or ?this) in its projection."""
    j = i + 1
    while j < len(toks) and toks[j][1] != "{" and toks[j][1].upper() != "WHERE":
        if _variable(toks, j) == "this":
            return True
        j += 1
    return False


# -- prefixes (pySHACL's collect_prefixes) --------------------------------------------------
def _declares(g: rdflib.Graph, node: rdflib.term.Node) -> dict[str, str]:
    out: dict[str, str] = {}
    for d in g.objects(node, SH.declare):
        p, ns = g.value(d, SH.prefix), g.value(d, SH.namespace)
        if p is not None and ns is not None:
            out[str(p)] = str(ns)
    return out


def sparql_prefixes(g: rdflib.Graph, node: rdflib.term.Node) -> dict[str, str]:
    """The prefixes a SPARQL query of the shapes graph may use (sh:prefixes / sh:declare)."""
    out = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL), "sh": str(SH)}
    onts = set(g.subjects(RDF.type, OWL.Ontology))
    for pv in g.objects(node, SH.prefixes):
        own = _declares(g, pv)
        if not (own and pv in onts):  # as pySHACL: a bare node also sees the ontologies' prefixes
            for o in onts:
                out.update(_declares(g, o))
        # SHACL: the prefixes of the ontologies a node owl:imports count as its own.
        seen, stack = {pv}, list(g.objects(pv, OWL.imports))
        while stack:
            imported = stack.pop()
            if imported not in seen:
                seen.add(imported)
                out.update(_declares(g, imported))
                stack.extend(g.objects(imported, OWL.imports))
        out.update(own)
    return out


def merge_prefixes(into: dict[str, str], more: dict[str, str], where: rdflib.term.Node) -> None:
    for p, ns in more.items():
        if into.get(p, ns) != ns:
            raise unsupported(f"two namespaces for the prefix {p}: in one query", where)
        into[p] = ns


# -- running -----------------------------------------------------------------------------
def query_text(p: Prepared, focus: str, shape: Shape) -> str:
    """The query over all focus nodes: ``{ focus } LATERAL { the constraint's SELECT }``."""
    current = ""
    if isinstance(shape.node, rdflib.URIRef):
        current = f" BIND(<{shape.node}> AS ?currentShape)"
    elif re.search(r"[$?]currentShape\b", p.select):
        raise unsupported("$currentShape on a blank-node shape", shape.node)
    return f"{p.prologue} SELECT * WHERE {{ {focus}{current} LATERAL {{ {p.select} }} }}"


def substitute(msg: rdflib.term.Node, bound: dict[str, rdflib.term.Node]) -> rdflib.term.Node:
    """A message with ``{$var}`` / ``{?var}`` replaced by the bound values (language kept)."""
    text = str(msg)
    for var, val in bound.items():
        text = re.sub(f"{{[?$]{var}}}", str(val).replace("\\", "\\\\"), text)
    lang = msg.language if isinstance(msg, rdflib.Literal) else None
    return rdflib.Literal(text, lang=lang)
