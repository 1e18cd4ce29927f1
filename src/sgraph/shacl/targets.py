"""Focus nodes: every target of a shape as one SPARQL pattern binding ``?this``.

Targets: ``sh:targetClass`` (instances of the class and its subclasses in the data graph),
the implicit class target of a shape that is also a class, ``sh:targetNode``,
``sh:targetSubjectsOf``, ``sh:targetObjectsOf`` and SHACL-AF SPARQL targets
(``sh:target [ a sh:SPARQLTarget ; sh:select ... ]``). Other custom targets are refused.
"""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from sgraph.shacl.compiler import Compiler
from sgraph.shacl.components.sparql_based import merge_prefixes, sparql_prefixes
from sgraph.shacl.overlay import well_typed
from sgraph.shacl.query import Value, ox_term, sparql_term, string, unsupported

FOCUS = "?this"


def focus_set(c: Compiler, node: rdflib.term.Node, prefixes: dict[str, str]) -> str | None:
    """A pattern binding ``?this`` to each focus node of the shape once (with its form as
    written, when the data has literals the store shows otherwise), or None (no target)."""
    g = c.g
    x = c.focus(FOCUS)
    parts: list[str] = []
    classes = sorted(g.objects(node, SH.targetClass), key=str)
    if c.sg.is_class(node):
        classes.append(node)
    parts.extend(c.instance_of(FOCUS, cls) for cls in classes)
    nodes = sorted(g.objects(node, SH.targetNode), key=str)
    for n in nodes:
        if isinstance(n, rdflib.BNode):
            raise unsupported("a blank node as sh:targetNode", node)
    if nodes and x.written:  # a constant is its own form as written
        rows = " ".join(f"({sparql_term(n, node)} {_form(n)})" for n in nodes)
        parts.append(f"VALUES ({' '.join(x.companions())}) {{ {rows} }}")
    elif nodes:
        parts.append("VALUES ?this { " + " ".join(sparql_term(n, node) for n in nodes) + " }")
    for p in sorted(g.objects(node, SH.targetSubjectsOf), key=str):
        parts.append(f"?this {sparql_term(p, node)} ?_o .")
    for p in sorted(g.objects(node, SH.targetObjectsOf), key=str):
        path = sparql_term(p, node)
        parts.append(f"?_s {path} ?this .{c.overlay_join(x, Value('?_s'), path)}")
    for t in sorted(g.objects(node, SH.target), key=str):
        select = g.value(t, SH.select)
        if (t, RDF.type, SH.SPARQLTarget) not in g or select is None:
            raise unsupported("custom targets other than sh:SPARQLTarget with sh:select", node)
        merge_prefixes(prefixes, sparql_prefixes(g, t), node)
        parts.append("{ " + str(select) + " }" + c.overlay.join(FOCUS))
    if not parts:
        return None
    union = " UNION ".join("{ " + p + " }" for p in parts)
    return f"{{ SELECT DISTINCT {' '.join(x.companions())} WHERE {{ {union} }} }}"


def _form(n: rdflib.term.Node) -> str:
    if not isinstance(n, rdflib.Literal) or n.language:
        return "UNDEF UNDEF UNDEF"
    lit = ox_term(n)
    assert isinstance(lit, ox.Literal)
    return f"{string(lit.value)} <{lit.datatype.value}> {'true' if well_typed(lit) else 'false'}"


def value_nodes_as_focus(
    focus: str, path: str, nullable: bool, keys: tuple[str, ...], c: Compiler
) -> tuple[str, tuple[str, ...]]:
    """A pattern binding ``?this`` to each value node (of ``path``) of the focus nodes, and the
    variables that tell its results apart: one evaluation per parent focus node and value node,
    as SHACL validates an ``sh:property`` shape for each value node of each focus node."""
    t = c.names.var("t")
    x = c.focus(FOCUS)
    outer = " ".join(keys)
    inner = f"{{ SELECT {outer} (?this AS {t}) WHERE {{ {focus} }} }}"
    values = c.path_values(Value(t), path, x, nullable)
    projected = " ".join((*keys, t, *x.companions()))
    return f"{{ SELECT DISTINCT {projected} WHERE {{ {inner} {values} }} }}", (*keys, t)
