"""SHACL-SPARQL: SPARQL-based constraints (``sh:sparql``, SHACL 5) and SPARQL-based constraint
components declared in the shapes graph (``sh:ConstraintComponent`` with ``sh:parameter``s and
ASK or SELECT validators, SHACL 6).

A SELECT query runs once for all focus nodes of its shape: ``{ focus nodes } LATERAL { query }``.
Oxigraph's LATERAL evaluates the query once per focus node with ``?this`` already bound, which is
SHACL's pre-binding (the variable bound throughout the query, in every nested group), done in the
store. Parameters and ``$currentShape`` are bound the same way (``BIND`` before the LATERAL);
``$PATH`` is replaced by the shape's path in the text. An ASK validator is a test of each value
node, ``EXISTS { its group }`` with ``$this``, ``$value`` and the parameters bound around it (an
``EXISTS`` sees them in every nested group too), so it works in every context, nested included.

The SPARQL features SHACL forbids with pre-bound variables (MINUS, VALUES, SERVICE, a sub-select
that does not project ``$this``, ``AS`` a pre-bound variable) and ``$shapesGraph`` are refused.
Results follow pySHACL: ``?value`` (the focus node itself for a node shape) and ``?path``, and
the messages with ``{$var}`` / ``{?var}`` replaced (language tags kept).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH

from sgraph.rdf import sparql_lexer as lex
from sgraph.shacl.components.base import Component, Found
from sgraph.shacl.query import bad_shape, shape_name, sparql_term, unsupported

if TYPE_CHECKING:
    from sgraph.shacl.compiler import Compiler, ValueNodes
    from sgraph.shacl.shapes_graph import Constraint, Shape, ShapesGraph

TRUE = rdflib.Literal(True)
_FORBIDDEN = {"MINUS", "VALUES", "SERVICE"}
Tokens = list[lex.Token]


@dataclass(frozen=True)
class Prepared:
    """A SELECT query of the shapes graph, checked, ready to be joined with its focus nodes."""

    prologue: str
    select: str
    prefixes: dict[str, str]
    messages: list[rdflib.term.Node]
    #: variables bound before the query runs (parameters, $currentShape): name -> SPARQL term
    bound: dict[str, str] = field(default_factory=dict)

    def text(self, focus: str) -> str:
        """The query over all focus nodes: ``{ focus } LATERAL { the SELECT }``."""
        binds = "".join(f" BIND({term} AS ?{name})" for name, term in self.bound.items())
        return f"{self.prologue} SELECT * WHERE {{ {focus}{binds} LATERAL {{ {self.select} }} }}"


class SPARQLComponent(Component):
    """``sh:sparql``: a SELECT whose solutions are the violations of each focus node."""

    iri = SH.SPARQLConstraintComponent
    parameters = (SH.sparql,)

    def active(self, sg: ShapesGraph, con: Constraint) -> bool:
        return sg.g.value(con.value, SH.deactivated) != TRUE

    def check(self, sg: ShapesGraph, con: Constraint) -> None:
        self.lateral(sg, con, sg.shape(con.shape))

    def lateral(self, sg: ShapesGraph, con: Constraint, shape: Shape) -> Prepared:
        g = sg.g
        node = con.value
        if g.value(node, SH.select) is None:
            what = "sh:select, not sh:ask" if g.value(node, SH.ask) is not None else "sh:select"
            raise bad_shape(f"the SPARQL constraint {shape_name(node)} needs {what}", con.shape)
        shape_msgs = shape.messages
        extra = sorted((m for m in g.objects(node, SH.message) if m not in shape_msgs), key=str)
        return prepare_select(sg, node, shape, [*extra, *shape_msgs], {})

    def violations(self, c: Compiler, con: Constraint, values: ValueNodes) -> list[Found]:
        raise unsupported(
            "sh:sparql inside sh:node / sh:not / sh:and / sh:or / sh:xone / qualified shapes",
            con.shape,
        )


class SPARQLBasedComponent(Component):
    """A constraint component declared in the shapes graph, with SPARQL validators."""

    def __init__(self, sg: ShapesGraph, node: rdflib.term.Node) -> None:
        g = sg.g
        if not isinstance(node, rdflib.URIRef):
            raise bad_shape("a constraint component needs an IRI", node)
        self.iri = node
        mandatory: list[rdflib.URIRef] = []
        optional: list[rdflib.URIRef] = []
        for param in g.objects(node, SH.parameter):
            p = g.value(param, SH.path)
            if not isinstance(p, rdflib.URIRef):
                raise bad_shape("a parameter's sh:path must be an IRI", node)
            (optional if g.value(param, SH.optional) == TRUE else mandatory).append(p)
        if not mandatory:
            raise unsupported(
                "a SPARQL-based constraint component without mandatory parameters", node
            )
        self.parameters = tuple(sorted(mandatory))
        self.optional = tuple(sorted(optional))
        self.messages = sorted(g.objects(node, SH.message), key=str)
        self.validators = {
            kind: g.value(node, kind)
            for kind in (SH.validator, SH.nodeValidator, SH.propertyValidator)
        }

    def __repr__(self) -> str:
        return f"SPARQLBasedComponent(<{self.iri}>)"

    def validator(self, sg: ShapesGraph, shape: Shape) -> rdflib.term.Node:
        """The validator for the kind of shape (node or property), as SHACL 6.2.3 chooses it."""
        specific = SH.propertyValidator if shape.is_property_shape else SH.nodeValidator
        found = self.validators[specific] or self.validators[SH.validator]
        if found is None:
            kind = "property" if shape.is_property_shape else "node"
            raise unsupported(
                f"<{self.iri}> in a {kind} shape (it has no validator for it)", shape.node
            )
        if sg.g.value(found, SH.ask) is None and sg.g.value(found, SH.select) is None:
            raise unsupported(
                f"the validator of <{self.iri}> (only SPARQL ASK or SELECT)", shape.node
            )
        return found

    def names(self, con: Constraint) -> dict[str, rdflib.term.Node]:
        """Each parameter's variable name (the local name of its path) and its value here."""
        out: dict[str, rdflib.term.Node] = {}
        for p in (*self.parameters, *self.optional):
            name = re.split(r"[#/:]", str(p))[-1]
            if p in con.args:
                out[name] = con.args[p]
        return out

    def _messages(self, sg: ShapesGraph, validator: rdflib.term.Node) -> list[rdflib.term.Node]:
        return sorted(sg.g.objects(validator, SH.message), key=str) or self.messages

    def check(self, sg: ShapesGraph, con: Constraint) -> None:
        shape = sg.shape(con.shape)
        validator = self.validator(sg, shape)
        if sg.g.value(validator, SH.select) is not None:
            self.lateral(sg, con, shape)
        else:
            _checked(sg, str(sg.g.value(validator, SH.ask)), validator, "ASK")

    def lateral(self, sg: ShapesGraph, con: Constraint, shape: Shape) -> Prepared | None:
        """The SELECT validator's query (None: an ASK validator, a test of each value node)."""
        validator = self.validator(sg, shape)
        if sg.g.value(validator, SH.select) is None:
            return None
        bound = {n: sparql_term(v, con.shape) for n, v in self.names(con).items()}
        messages = shape.messages or self._messages(sg, validator)
        return prepare_select(sg, validator, shape, messages, bound)

    def violations(self, c: Compiler, con: Constraint, values: ValueNodes) -> list[Found]:
        shape = c.sg.shape(con.shape)
        validator = self.validator(c.sg, shape)
        if c.g.value(validator, SH.select) is not None:
            raise unsupported(
                f"<{self.iri}> (a SELECT validator) inside sh:node / sh:not / sh:or / ...",
                con.shape,
            )
        text = str(c.g.value(validator, SH.ask))
        toks = _checked(c.sg, text, validator, "ASK")
        ask = next(i for i, t in enumerate(toks) if t.is_keyword("ASK"))
        brace = next(t.start for t in toks[ask:] if t.text == "{")
        v, bind = values.bind(c)
        binds, names = [], {"this": values.focus.var, "value": v.var}
        for name, term in self.names(con).items():
            var = c.names.var("p")
            binds.append(f"BIND({sparql_term(term, con.shape)} AS {var})")
            names[name] = var
        for name in (re.split(r"[#/:]", str(p))[-1] for p in self.optional):
            names.setdefault(name, c.names.var("p"))  # unbound: a fresh variable of its own
        if isinstance(shape.node, rdflib.URIRef):
            names["currentShape"] = f"<{shape.node}>"
        group = rename(text[brace:], toks, brace, names, shape)
        c.prefixes_for(sparql_prefixes(c.g, validator), validator)
        pattern = f"{bind} {' '.join(binds)} FILTER(!EXISTS {group})"
        return [Found(pattern, value=v)]

    def result_messages(self, sg: ShapesGraph, con: Constraint) -> list[rdflib.term.Node]:
        """Messages of an ASK validator's results, with the parameters filled in."""
        shape = sg.shape(con.shape)
        messages = shape.messages or self._messages(sg, self.validator(sg, shape))
        return [substitute(m, dict(self.names(con))) for m in messages]


def declared_components(sg: ShapesGraph) -> list[SPARQLBasedComponent]:
    """The SPARQL-based constraint components of the shapes graph (nodes with sh:parameter)."""
    nodes = sorted(set(sg.g.subjects(SH.parameter, None)), key=str)
    return [SPARQLBasedComponent(sg, n) for n in nodes]


# -- checking and rewriting query text ------------------------------------------------------
def _variable(toks: Tokens, i: int) -> str | None:
    """The name of the variable at token ``i`` (``?x`` or ``$x``), if it is one."""
    return toks[i].name if 0 <= i < len(toks) and toks[i].kind == lex.VAR else None


def _checked(sg: ShapesGraph, text: str, node: rdflib.term.Node, form: str) -> Tokens:
    """The tokens of a query, refused when it breaks SHACL's rules for pre-bound variables."""
    toks = lex.tokens(text)
    for t in toks:
        if t.is_keyword(*_FORBIDDEN):
            raise unsupported(f"{t.text.upper()} in a SPARQL query with pre-bound variables", node)
        if form == "ASK" and t.is_keyword("PREFIX", "BASE"):
            raise unsupported(f"{t.text.upper()} in an ASK validator (use sh:prefixes)", node)
    forms = [i for i, t in enumerate(toks) if t.is_keyword(form)]
    if not forms:
        raise bad_shape(f"the query of {shape_name(node)} is not a {form} query", node)
    for i, t in enumerate(toks):
        if t.is_keyword("SELECT") and i != forms[0] and "this" not in _projection(toks, i):
            raise unsupported("a sub-select that does not project $this", node)
        if t.is_keyword("AS") and _variable(toks, i + 1) in ("this", "value", "currentShape"):
            raise unsupported(f"AS ${_variable(toks, i + 1)} (a pre-bound variable)", node)
        if _variable(toks, i) == "shapesGraph":
            raise unsupported("$shapesGraph (the shapes graph is not in the store)", node)
    return toks


def _projection(toks: Tokens, i: int) -> set[str]:
    """The variables named in the projection of the SELECT at token ``i`` (``*`` included)."""
    out: set[str] = set()
    j = i + 1
    while j < len(toks) and toks[j].text != "{" and not toks[j].is_keyword("WHERE"):
        out.add(toks[j].name if toks[j].kind == lex.VAR else toks[j].text)
        j += 1
    return out


def rename(text: str, toks: Tokens, offset: int, names: dict[str, str], shape: Shape) -> str:
    """``text`` (which starts at ``offset`` of the tokenised query) with ``$PATH`` replaced by the
    shape's path and each variable of ``names`` by its replacement."""
    out: list[str] = []
    last = 0
    for t in toks:
        if t.start < offset or t.kind != lex.VAR or (t.name != "PATH" and t.name not in names):
            continue
        if t.name == "PATH":
            if shape.path is None:
                raise bad_shape("the query uses $PATH but the shape has no path", shape.node)
            repl = shape.path
        else:
            repl = names[t.name]
        out.append(text[last : t.start - offset] + repl)
        last = t.end - offset
    return "".join(out) + text[last:]


def prepare_select(
    sg: ShapesGraph,
    node: rdflib.term.Node,
    shape: Shape,
    messages: list[rdflib.term.Node],
    bound: dict[str, str],
) -> Prepared:
    """Check a SELECT of the shapes graph (``node`` holds it) and substitute ``$PATH``."""
    text = str(sg.g.value(node, SH.select))
    toks = _checked(sg, text, node, "SELECT")
    first = next(i for i, t in enumerate(toks) if t.is_keyword("SELECT"))
    start = toks[first].start
    bound = dict(bound)
    if isinstance(shape.node, rdflib.URIRef):
        bound["currentShape"] = f"<{shape.node}>"
    used = {t.name for t in toks if t.kind == lex.VAR}
    if "currentShape" in used and "currentShape" not in bound:
        raise unsupported("$currentShape in a blank-node shape", shape.node)
    bound = {k: v for k, v in bound.items() if k in used}
    # LATERAL binds only the variables the SELECT projects: project $this and the bound ones.
    head = first + 1
    while head < len(toks) and toks[head].is_keyword("DISTINCT", "REDUCED"):
        head += 1
    projected = _projection(toks, first)
    missing = [] if "*" in projected else [n for n in ("this", *bound) if n not in projected]
    at = toks[head].start if head < len(toks) else len(text)
    text = text[:at] + "".join(f"?{n} " for n in missing) + text[at:]
    body = rename(text[start:], lex.tokens(text), start, {}, shape)
    prefixes: dict[str, str] = {}
    merge_prefixes(prefixes, sparql_prefixes(sg.g, node), node)
    return Prepared(text[:start], body, prefixes, messages, bound)


# -- prefixes (pySHACL's collect_prefixes, and owl:imports as SHACL says) -------------------
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


def substitute(msg: rdflib.term.Node, bound: dict[str, rdflib.term.Node]) -> rdflib.term.Node:
    """A message with ``{$var}`` / ``{?var}`` replaced by the bound values (language kept)."""
    text = str(msg)
    for var, val in bound.items():
        text = re.sub(f"{{[?$]{var}}}", str(val).replace("\\", "\\\\"), text)
    lang = msg.language if isinstance(msg, rdflib.Literal) else None
    return rdflib.Literal(text, lang=lang)
