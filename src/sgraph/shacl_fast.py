"""A fast SHACL validator: the SHACL Core and SHACL-SPARQL features our shapes use, as set-based SPARQL.

pySHACL evaluates constraints focus node by focus node on rdflib (its SPARQL constraints run one
query per focus node), which takes minutes at 10 thousand triples. This module gives the same
results (focus, path, value, message, severity, shape) by compiling every constraint into ONE
SPARQL query over all focus nodes of its shape, run by pyoxigraph on the store that ``GraphStore``
already holds, so the cost grows with the data, not with focus nodes times data.

The data graph is what pySHACL sees: the store's union graph (curated data, materialised triples,
provenance) plus the ontology, loaded for the duration into a temporary named graph (or, when the
store is read-only, into an in-memory copy).

Supported (exactly what ``ontology/shapes.ttl`` uses, following pySHACL 0.40's semantics):

* targets: ``sh:targetClass`` (instances of the class and of its ``rdfs:subClassOf`` subclasses in
  the data graph), ``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf`` and
  SPARQL-based targets (``sh:target [ a sh:SPARQLTarget ; sh:select ... ]``);
* paths: an IRI, ``sh:alternativePath``, ``sh:inversePath`` and sequence paths;
* components: ``sh:class``, ``sh:datatype`` (ill-typed literals fail, as in pySHACL),
  ``sh:nodeKind``, ``sh:pattern`` with ``sh:flags``, ``sh:languageIn``, ``sh:hasValue``,
  ``sh:minCount``, ``sh:maxCount``, ``sh:not``, ``sh:or``, ``sh:and``, ``sh:property`` and
  ``sh:sparql`` (SPARQL-based constraints with ``$this``, ``$PATH``, ``sh:prefixes`` /
  ``sh:declare`` and ``{?var}`` / ``{$var}`` message templates);
* ``sh:severity``, ``sh:message`` and ``sh:deactivated``.

Any other SHACL feature in the shapes raises :class:`~sgraph.errors.InputError` naming it (use the
pySHACL engine for such shapes). Results carry pySHACL's messages only where the shapes give them
(every shape of ours does); otherwise a short generic message.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from sgraph.errors import InputError
from sgraph.store import GraphStore
from sgraph.terms import OxTerm, to_rdflib

_RDF_TYPE = f"<{RDF.type}>"
_SUBCLASS = f"<{RDFS.subClassOf}>"

#: Shape-graph predicates that carry no constraint (documentation, grouping, SPARQL plumbing).
_INERT = {
    SH.name,
    SH.description,
    SH.message,
    SH.severity,
    SH.deactivated,
    SH.order,
    SH.group,
    SH.defaultValue,
    SH.path,
    SH.prefixes,
    SH.declare,
    SH.select,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.target,
    SH.property,
    SH.sparql,
    SH.flags,
}
#: Constraint parameters this engine evaluates.
_SUPPORTED = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.pattern,
    SH.languageIn,
    SH.hasValue,
    SH.minCount,
    SH.maxCount,
    SH["not"],
    SH["or"],
    SH["and"],
}
_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNode: "isBlank({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
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
#: pySHACL's way of finding ``$this`` and ``$PATH`` in SPARQL text.
_THIS_RE = re.compile(r"([\s{}()])[\$\?]this\b", flags=re.M)
_PATH_RE = re.compile(r"([\s{}()])[\$\?]PATH\b", flags=re.M)
_SELECT_RE = re.compile(r"\bSELECT\s+(DISTINCT\s+|REDUCED\s+)?", flags=re.I)


@dataclass
class RawResult:
    """One validation result, in terms (converted to a ``Violation`` by ``sgraph.validate``)."""

    focus: OxTerm
    path: rdflib.term.Node | OxTerm | None
    value: OxTerm | None
    messages: list[str]
    severity: rdflib.term.Node
    shape: rdflib.term.Node
    component: rdflib.URIRef
    source_constraint: rdflib.term.Node | None = None


@dataclass
class _Context:
    """One compiled evaluation: prefixes collected along the way, ill-typed literals per datatype."""

    shapes: rdflib.Graph
    ill_typed: dict[str, list[str]] = field(default_factory=dict)
    #: class IRI -> every IRI ``X`` with ``X rdfs:subClassOf* class`` in the data graph (None when
    #: the chain passes a blank node: then the property path itself is used)
    subclasses: dict[str, list[str] | None] = field(default_factory=dict)
    counter: int = 0

    def var(self) -> str:
        self.counter += 1
        return f"?_v{self.counter}"

    def instance_of(self, v: str, cls: rdflib.term.Node) -> str:
        """A pattern: ``v`` has ``rdf:type`` ``cls`` or a subclass of it (``rdf:type/rdfs:subClassOf*``).

        The subclasses are read from the data graph once (``subclass_closure``) and listed in a
        ``VALUES`` block: the same solutions as the path, without evaluating it per value node.
        """
        members = (
            self.subclasses.get(str(cls), [str(cls)]) if isinstance(cls, rdflib.URIRef) else None
        )
        if members is None:
            return f"{v} {_RDF_TYPE}/{_SUBCLASS}* {_sparql_term(cls)} ."
        if len(members) == 1:
            return f"{v} {_RDF_TYPE} <{members[0]}> ."
        t = self.var()
        return f"VALUES {t} {{ {' '.join(f'<{m}>' for m in members)} }} {v} {_RDF_TYPE} {t} ."


def subclass_closure(store: ox.Store) -> dict[str, list[str] | None]:
    """For each class with subclasses in ``store`` (all graphs), the class and all its subclasses."""
    query = f"SELECT ?sub ?sup WHERE {{ ?sub {_SUBCLASS} ?sup }}"
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    below: dict[OxTerm, set[OxTerm]] = {}
    for row in result:
        below.setdefault(row["sup"], set()).add(row["sub"])
    closure: dict[str, list[str] | None] = {}
    for top in below:
        if not isinstance(top, ox.NamedNode):
            continue
        seen: set[OxTerm] = {top}
        stack: list[OxTerm] = [top]
        while stack:
            for sub in below.get(stack.pop(), ()):
                if sub not in seen:
                    seen.add(sub)
                    stack.append(sub)
        if all(isinstance(x, ox.NamedNode) for x in seen):
            closure[top.value] = sorted(x.value for x in seen if isinstance(x, ox.NamedNode))
        else:
            closure[top.value] = None
    return closure


def _unsupported(what: str, node: rdflib.term.Node) -> InputError:
    return InputError(
        f"the fast SHACL engine does not support {what} (in shape {node})",
        hint="validate with the pySHACL engine: --engine pyshacl or SGRAPH_SHACL_ENGINE=pyshacl",
    )


def _sparql_term(node: rdflib.term.Node | OxTerm) -> str:
    if isinstance(node, rdflib.URIRef):
        return f"<{node}>"
    if isinstance(node, rdflib.Literal):
        return str(_ox_literal(node))
    if isinstance(node, (ox.NamedNode, ox.Literal)):
        return str(node)
    raise InputError(f"a blank node ({node}) cannot be a constant in a shape")


def _ox_literal(lit: rdflib.Literal) -> ox.Literal:
    if lit.language:
        return ox.Literal(str(lit), language=lit.language)
    if lit.datatype is not None:
        return ox.Literal(str(lit), datatype=ox.NamedNode(str(lit.datatype)))
    return ox.Literal(str(lit))


def _string(s: str) -> str:
    return str(ox.Literal(s))


class _Compiler:
    """Turns shapes into SPARQL text: paths, boolean conformance expressions, focus patterns."""

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx
        self.g = ctx.shapes

    # -- paths ----------------------------------------------------------------------------
    def path(self, node: rdflib.term.Node, depth: int = 0) -> str:
        if depth > 12:
            raise _unsupported("paths nested this deep", node)
        g = self.g
        if isinstance(node, rdflib.URIRef):
            return f"<{node}>"
        if isinstance(node, rdflib.Literal):
            raise InputError(f"a property path cannot be a literal ({node})")
        if (node, RDF.first, None) in g:
            items = [self.path(n, depth + 1) for n in Collection(g, node)]
            return "(" + " / ".join(items) + ")"
        alt = g.value(node, SH.alternativePath)
        if alt is not None:
            items = [self.path(n, depth + 1) for n in Collection(g, alt)]
            return "(" + " | ".join(items) + ")"
        inv = g.value(node, SH.inversePath)
        if inv is not None:
            return "^" + self.path(inv, depth + 1)
        for pred, op in (
            (SH.zeroOrMorePath, "*"),
            (SH.oneOrMorePath, "+"),
            (SH.zeroOrOnePath, "?"),
        ):
            inner = g.value(node, pred)
            if inner is not None:
                return "(" + self.path(inner, depth + 1) + ")" + op
        raise _unsupported("this kind of property path", node)

    # -- value-level expressions --------------------------------------------------------
    def value_components(
        self, shape: rdflib.term.Node, v: str
    ) -> Iterator[tuple[rdflib.URIRef, str]]:
        """(component, boolean expression "value node ``v`` meets it") for each value constraint."""
        g = self.g
        for c in g.objects(shape, SH["class"]):
            yield (SH.ClassConstraintComponent, f"EXISTS {{ {self.ctx.instance_of(v, c)} }}")
        for d in g.objects(shape, SH.datatype):
            yield SH.DatatypeConstraintComponent, self.datatype_expr(str(d), v)
        for k in g.objects(shape, SH.nodeKind):
            kind = _NODE_KINDS.get(rdflib.URIRef(str(k)))
            if kind is None:
                raise _unsupported(f"sh:nodeKind {k}", shape)
            yield SH.NodeKindConstraintComponent, kind.format(v=v)
        flags = g.value(shape, SH.flags)
        flag_text = "".join(ch for ch in str(flags).lower() if ch in "im") if flags else ""
        for p in g.objects(shape, SH.pattern):
            yield (
                SH.PatternConstraintComponent,
                (f"(!isBlank({v}) && REGEX(STR({v}), {_string(str(p))}, {_string(flag_text)}))"),
            )
        for lst in g.objects(shape, SH.languageIn):
            langs = sorted({str(x).lower() for x in Collection(g, lst)})
            if "*" in langs:
                expr = f'(isLiteral({v}) && LANG({v}) != "")'
            else:
                opts = ", ".join(_string(x) for x in langs)
                expr = (
                    f'(isLiteral({v}) && LANG({v}) != "" && (LCASE(LANG({v})) IN ({opts}) || '
                    f'LCASE(STRBEFORE(CONCAT(LANG({v}), "-"), "-")) IN ({opts})))'
                )
            yield SH.LanguageInConstraintComponent, expr
        for n in g.objects(shape, SH["not"]):
            yield SH.NotConstraintComponent, f"!({self.conforms(n, v)})"
        for lst in g.objects(shape, SH["or"]):
            members = [self.conforms(m, v) for m in Collection(g, lst)]
            yield SH.OrConstraintComponent, "(" + (" || ".join(members) or "false") + ")"
        for lst in g.objects(shape, SH["and"]):
            members = [self.conforms(m, v) for m in Collection(g, lst)]
            yield SH.AndConstraintComponent, "(" + (" && ".join(members) or "true") + ")"

    def datatype_expr(self, d: str, v: str) -> str:
        if d == str(RDFS.Literal):
            return f"isLiteral({v})"
        if d == str(RDF.langString):
            return f'(isLiteral({v}) && LANG({v}) != "")'
        expr = f"(isLiteral({v}) && DATATYPE({v}) = <{d}>"
        bad = self.ctx.ill_typed.get(d, [])
        if bad:
            expr += f" && !(STR({v}) IN ({', '.join(_string(b) for b in bad)}))"
        return expr + ")"

    def conforms(self, shape: rdflib.term.Node, v: str) -> str:
        """A SPARQL expression: the node ``v`` conforms to the (nested) shape ``shape``."""
        g = self.g
        self.check_supported(shape)
        if (shape, SH.sparql, None) in g:
            raise _unsupported("sh:sparql inside sh:or / sh:not / sh:and", shape)
        if g.value(shape, SH.deactivated) == rdflib.Literal(True):
            return "true"
        parts: list[str] = []
        path_node = g.value(shape, SH.path)
        if path_node is None:
            parts.extend(e for _, e in self.value_components(shape, v))
            if (shape, SH.minCount, None) in g or (shape, SH.maxCount, None) in g:
                raise _unsupported("sh:minCount / sh:maxCount without sh:path", shape)
            for hv in g.objects(shape, SH.hasValue):
                parts.append(f"sameTerm({v}, {_sparql_term(hv)})")
        else:
            path = self.path(path_node)
            for mc in g.objects(shape, SH.minCount):
                n = int(str(mc))
                if n == 1:
                    parts.append(f"EXISTS {{ {v} {path} {self.ctx.var()} }}")
                elif n > 1:
                    raise _unsupported("nested sh:minCount above 1", shape)
            for mc in g.objects(shape, SH.maxCount):
                n = int(str(mc))
                a, b = self.ctx.var(), self.ctx.var()
                if n == 0:
                    parts.append(f"NOT EXISTS {{ {v} {path} {a} }}")
                elif n == 1:
                    parts.append(
                        f"NOT EXISTS {{ {v} {path} {a} . {v} {path} {b} FILTER(!sameTerm({a}, {b})) }}"
                    )
                else:
                    raise _unsupported("nested sh:maxCount above 1", shape)
            for hv in g.objects(shape, SH.hasValue):
                parts.append(f"EXISTS {{ {v} {path} {_sparql_term(hv)} }}")
            inner = self.ctx.var()
            for _, e in self.value_components(shape, inner):
                parts.append(f"NOT EXISTS {{ {v} {path} {inner} FILTER(!({e})) }}")
        for prop in g.objects(shape, SH.property):
            parts.append(self.conforms(prop, v))
        return "(" + (" && ".join(parts) or "true") + ")"

    def check_supported(self, shape: rdflib.term.Node) -> None:
        for p in set(self.g.predicates(shape)):
            if str(p).startswith(str(SH)) and p not in _INERT and p not in _SUPPORTED:
                raise _unsupported(f"sh:{str(p)[len(str(SH)) :]}", shape)


# -- prefixes (pySHACL's collect_prefixes) --------------------------------------------------
def _declares(g: rdflib.Graph, node: rdflib.term.Node) -> dict[str, str]:
    out: dict[str, str] = {}
    for d in g.objects(node, SH.declare):
        p, ns = g.value(d, SH.prefix), g.value(d, SH.namespace)
        if p is not None and ns is not None:
            out[str(p)] = str(ns)
    return out


def _prefixes(g: rdflib.Graph, node: rdflib.term.Node) -> dict[str, str]:
    out = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
    onts = set(g.subjects(RDF.type, OWL.Ontology))
    for pv in g.objects(node, SH.prefixes):
        own = _declares(g, pv)
        if not (own and pv in onts):
            for o in onts:
                out.update(_declares(g, o))
        out.update(own)
    return out


def _merge_prefixes(into: dict[str, str], more: dict[str, str], where: rdflib.term.Node) -> None:
    for p, ns in more.items():
        if into.get(p, ns) != ns:
            raise _unsupported(f"two namespaces for the prefix {p}: in one query", where)
        into[p] = ns


# -- the validator ------------------------------------------------------------------------------
def _targets(ctx: _Context, shape: rdflib.term.Node, prefixes: dict[str, str]) -> list[str]:
    g = ctx.shapes
    parts: list[str] = []
    for c in g.objects(shape, SH.targetClass):
        parts.append(ctx.instance_of("?this", c))
    nodes = [n for n in g.objects(shape, SH.targetNode)]
    if nodes:
        parts.append("VALUES ?this { " + " ".join(_sparql_term(n) for n in nodes) + " }")
    for p in g.objects(shape, SH.targetSubjectsOf):
        parts.append(f"?this {_sparql_term(p)} ?_o .")
    for p in g.objects(shape, SH.targetObjectsOf):
        parts.append(f"?_s {_sparql_term(p)} ?this .")
    for t in g.objects(shape, SH.target):
        select = g.value(t, SH.select)
        if (t, RDF.type, SH.SPARQLTarget) not in g or select is None:
            raise _unsupported("custom targets other than sh:SPARQLTarget with sh:select", shape)
        _merge_prefixes(prefixes, _prefixes(g, t), shape)
        parts.append("{ " + str(select) + " }")
    types = set(g.objects(shape, RDF.type))
    if types & {RDFS.Class, OWL.Class}:
        raise _unsupported("implicit class targets (a shape that is also a class)", shape)
    return parts


def _focus_pattern(parts: list[str]) -> str:
    union = " UNION ".join("{ " + p + " }" for p in parts)
    return "{ SELECT DISTINCT ?this WHERE { " + union + " } }"


class _Runner:
    def __init__(self, store: ox.Store, ctx: _Context) -> None:
        self.store = store
        self.ctx = ctx
        self.compiler = _Compiler(ctx)
        self.g = ctx.shapes
        self.results: list[RawResult] = []

    def query(self, text: str, prefixes: dict[str, str]) -> ox.QuerySolutions:
        try:
            res = self.store.query(text, prefixes=prefixes, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise InputError(f"SHACL query cannot be parsed: {exc}\n{text}") from None
        assert isinstance(res, ox.QuerySolutions)
        return res

    def messages(self, shape: rdflib.term.Node) -> list[rdflib.term.Node]:
        return list(self.g.objects(shape, SH.message))

    def severity(self, shape: rdflib.term.Node) -> rdflib.term.Node:
        return self.g.value(shape, SH.severity) or SH.Violation

    def deactivated(self, node: rdflib.term.Node) -> bool:
        return self.g.value(node, SH.deactivated) == rdflib.Literal(True)

    def add(
        self,
        shape: rdflib.term.Node,
        component: rdflib.URIRef,
        focus: OxTerm,
        value: OxTerm | None,
        path: rdflib.term.Node | None,
    ) -> None:
        msgs = [str(m) for m in self.messages(shape)] or [_generic(component)]
        self.results.append(
            RawResult(focus, path, value, msgs, self.severity(shape), shape, component)
        )

    # -- node shapes --------------------------------------------------------------------------
    def node_shape(self, shape: rdflib.term.Node) -> None:
        g = self.g
        if self.deactivated(shape):
            return
        self.compiler.check_supported(shape)
        prefixes: dict[str, str] = {}
        parts = _targets(self.ctx, shape, prefixes)
        if not parts:
            return
        focus = _focus_pattern(parts)
        if (shape, SH.path, None) in g:  # a property shape with its own targets
            self.property_shape(shape, focus, prefixes)
            return
        if (shape, SH.minCount, None) in g or (shape, SH.maxCount, None) in g:
            raise _unsupported("sh:minCount / sh:maxCount on a node shape", shape)
        for component, expr in self.compiler.value_components(shape, "?this"):
            q = f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER(!({expr})) }}"
            for row in self.query(q, prefixes):
                self.add(shape, component, row["this"], row["this"], None)
        for hv in g.objects(shape, SH.hasValue):
            q = f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER(!sameTerm(?this, {_sparql_term(hv)})) }}"
            for row in self.query(q, prefixes):
                self.add(shape, SH.HasValueConstraintComponent, row["this"], None, None)
        for prop in g.objects(shape, SH.property):
            self.property_shape(prop, focus, prefixes)
        for constraint in g.objects(shape, SH.sparql):
            self.sparql(shape, constraint, focus, prefixes, None)

    # -- property shapes ----------------------------------------------------------------------
    def property_shape(self, shape: rdflib.term.Node, focus: str, prefixes: dict[str, str]) -> None:
        g = self.g
        if self.deactivated(shape):
            return
        self.compiler.check_supported(shape)
        path_node = g.value(shape, SH.path)
        if path_node is None:
            raise InputError(f"the property shape {shape} has no sh:path")
        path = self.compiler.path(path_node)
        for mc in g.objects(shape, SH.minCount):
            n = int(str(mc))
            if n <= 0:
                continue
            if n == 1:
                q = f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} ?_val }} }}"
            else:
                q = (
                    f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?_val }} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_val) < {n})"
                )
            for row in self.query(q, prefixes):
                self.add(shape, SH.MinCountConstraintComponent, row["this"], None, path_node)
        for mc in g.objects(shape, SH.maxCount):
            n = int(str(mc))
            q = (
                f"SELECT ?this WHERE {{ {focus} ?this {path} ?_val }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_val) > {n})"
            )
            for row in self.query(q, prefixes):
                self.add(shape, SH.MaxCountConstraintComponent, row["this"], None, path_node)
        for component, expr in self.compiler.value_components(shape, "?value"):
            q = (
                f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {path} ?value . "
                f"FILTER(!({expr})) }}"
            )
            for row in self.query(q, prefixes):
                self.add(shape, component, row["this"], row["value"], path_node)
        for hv in g.objects(shape, SH.hasValue):
            q = f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} {_sparql_term(hv)} }} }}"
            for row in self.query(q, prefixes):
                self.add(shape, SH.HasValueConstraintComponent, row["this"], None, path_node)
        if (shape, SH.property, None) in g:
            raise _unsupported("sh:property inside a property shape", shape)
        for constraint in g.objects(shape, SH.sparql):
            self.sparql(shape, constraint, focus, prefixes, path)

    # -- SPARQL-based constraints -------------------------------------------------------------
    def sparql(
        self,
        shape: rdflib.term.Node,
        constraint: rdflib.term.Node,
        focus: str,
        target_prefixes: dict[str, str],
        path: str | None,
    ) -> None:
        g = self.g
        if self.deactivated(constraint):
            return
        select = g.value(constraint, SH.select)
        if select is None:
            raise _unsupported("SPARQL constraints without sh:select", constraint)
        prefixes = dict(target_prefixes)
        _merge_prefixes(prefixes, _prefixes(g, constraint), constraint)
        text = _THIS_RE.sub(r"\g<1>?this", " " + str(select))
        if _PATH_RE.search(text):
            if path is None:
                raise InputError(
                    f"the SPARQL constraint {constraint} uses $PATH but its shape {shape} has no path"
                )
            text = _PATH_RE.sub(lambda m: m.group(1) + path, text)
        text = _with_focus(text, focus, constraint)
        is_property = path is not None
        shape_msgs = self.messages(shape)
        extra = [m for m in g.objects(constraint, SH.message) if m not in shape_msgs]
        seen: set[tuple[object, ...]] = set()
        res = self.query(text, prefixes)
        names = [v.value for v in res.variables]
        for row in res:
            bound = {n: row[n] for n in names if row[n] is not None}
            bound.pop("failure", None)
            p = bound.pop("path", None)
            v = bound.pop("value", None)
            t = bound.pop("this")
            key = (t, p, v, tuple(sorted((k, str(x)) for k, x in bound.items())))
            if key in seen:
                continue
            seen.add(key)
            if v is None and not is_property:
                v = t
            fdict: dict[str, rdflib.term.Node] = {k: to_rdflib(x) for k, x in bound.items()}
            fdict["this"] = to_rdflib(t)
            if p is not None:
                fdict["path"] = to_rdflib(p)
            if v is not None:
                fdict["value"] = to_rdflib(v)
            msgs = [_substitute(str(m), fdict) for m in [*extra, *shape_msgs]]
            if not msgs:
                msgs = ["(no message)"]
            result_path: rdflib.term.Node | OxTerm | None = p
            if result_path is None and is_property:
                result_path = g.value(shape, SH.path)
            self.results.append(
                RawResult(
                    t,
                    result_path,
                    v,
                    msgs,
                    self.severity(shape),
                    shape,
                    SH.SPARQLConstraintComponent,
                    constraint,
                )
            )


def _with_focus(text: str, focus: str, where: rdflib.term.Node) -> str:
    """Put the focus pattern first in the WHERE group and make sure ?this is projected."""
    brace = text.find("{")
    if brace < 0:
        raise InputError(f"the SPARQL constraint {where} has no WHERE {{ ... }} group")
    head, body = text[:brace], text[brace + 1 :]
    m = _SELECT_RE.search(head)
    if m is None:
        raise _unsupported("sh:select text that is not a SELECT query", where)
    projection = head[m.end() :]
    if "?this" not in projection and not projection.strip().startswith("*"):
        head = head[: m.end()] + "?this " + projection
    return f"{head}{{ {focus} {body}"


def _substitute(msg: str, fdict: dict[str, rdflib.term.Node]) -> str:
    for var, val in fdict.items():
        msg = re.sub(f"{{[?$]{var}}}", str(val), msg)
    return msg


_GENERIC = {
    SH.ClassConstraintComponent: "Value does not have the required class",
    SH.DatatypeConstraintComponent: "Value is not a literal with the required datatype",
    SH.NodeKindConstraintComponent: "Value is not of the required node kind",
    SH.PatternConstraintComponent: "Value does not match the pattern",
    SH.LanguageInConstraintComponent: "Language is not in the allowed languages",
    SH.HasValueConstraintComponent: "Node does not have the required value",
    SH.MinCountConstraintComponent: "Less than the minimum number of values",
    SH.MaxCountConstraintComponent: "More than the maximum number of values",
    SH.NotConstraintComponent: "Node conforms to a shape it must not conform to",
    SH.OrConstraintComponent: "Node does not conform to any shape of sh:or",
    SH.AndConstraintComponent: "Node does not conform to every shape of sh:and",
}


def _generic(component: rdflib.URIRef) -> str:
    return _GENERIC.get(component, "(no message)")


# -- ill-typed literals (as rdflib and pySHACL see them) ----------------------------------------
def _well_typed(lit: ox.Literal, datatype: str) -> bool:
    node = to_rdflib(lit)
    assert isinstance(node, rdflib.Literal)
    if getattr(node, "ill_typed", None) is True:
        return False
    want = _PYTHON_TYPES.get(datatype)
    if want is None:
        return True
    return isinstance(node.value, want)


def _ill_typed(store: ox.Store, shapes: rdflib.Graph) -> dict[str, list[str]]:
    """For each datatype named by sh:datatype, the lexical forms in the data that pySHACL rejects."""
    skip = {str(XSD.string), str(RDF.langString), str(RDFS.Literal)}
    wanted = sorted({str(d) for d in shapes.objects(None, SH.datatype)} - skip)
    if not wanted:
        return {}
    dts = ", ".join(f"<{d}>" for d in wanted)
    q = f"SELECT DISTINCT ?x WHERE {{ ?s ?p ?x FILTER(isLiteral(?x) && DATATYPE(?x) IN ({dts})) }}"
    res = store.query(q, use_default_graph_as_union=True)
    assert isinstance(res, ox.QuerySolutions)
    out: dict[str, list[str]] = {}
    for row in res:
        lit = row["x"]
        assert isinstance(lit, ox.Literal)
        d = lit.datatype.value
        if not _well_typed(lit, d):
            out.setdefault(d, []).append(lit.value)
    return {d: sorted(set(v)) for d, v in out.items()}


# -- entry point ---------------------------------------------------------------------------------
def top_level_shapes(shapes: rdflib.Graph) -> list[rdflib.term.Node]:
    """Shapes with targets, in a stable order."""
    preds = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
    found = {s for p in preds for s in shapes.subjects(p, None)}
    return sorted(found, key=lambda n: (isinstance(n, rdflib.BNode), str(n)))


def _with_ontology(gs: GraphStore) -> tuple[ox.Store, ox.NamedNode | None]:
    """The store with the ontology visible: a temporary named graph, or a copy if read-only."""
    graph = ox.NamedNode(f"urn:uuid:{uuid.uuid4()}")
    quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in gs.ontology.triples]
    try:
        gs.store.extend(quads)
        return gs.store, graph
    except OSError:
        copy = ox.Store()
        copy.extend(list(gs.store))
        copy.extend(quads)
        return copy, None


def validate_raw(gs: GraphStore, shapes: rdflib.Graph) -> list[RawResult]:
    """Every validation result of the shapes on the graph (data + materialised + ontology)."""
    store, temp = _with_ontology(gs)
    try:
        ctx = _Context(
            shapes=shapes, ill_typed=_ill_typed(store, shapes), subclasses=subclass_closure(store)
        )
        runner = _Runner(store, ctx)
        for shape in top_level_shapes(shapes):
            runner.node_shape(shape)
        return runner.results
    finally:
        if temp is not None:
            store.remove_graph(temp)


def results_graph(results: list[RawResult], conforms: bool) -> rdflib.Graph:
    """The SHACL validation report graph (sh:ValidationReport) of ``results``."""
    g = rdflib.Graph()
    g.bind("sh", SH)
    report = rdflib.BNode()
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, rdflib.Literal(conforms)))
    for r in results:
        node = rdflib.BNode()
        g.add((report, SH.result, node))
        g.add((node, RDF.type, SH.ValidationResult))
        g.add((node, SH.focusNode, to_rdflib(r.focus)))
        g.add((node, SH.resultSeverity, r.severity))
        g.add((node, SH.sourceShape, r.shape))
        g.add((node, SH.sourceConstraintComponent, r.component))
        if r.source_constraint is not None:
            g.add((node, SH.sourceConstraint, r.source_constraint))
        if r.value is not None:
            g.add((node, SH.value, to_rdflib(r.value)))
        if r.path is not None:
            path = r.path if isinstance(r.path, rdflib.term.Node) else to_rdflib(r.path)
            g.add((node, SH.resultPath, path))
        for m in r.messages:
            g.add((node, SH.resultMessage, rdflib.Literal(m)))
    return g
