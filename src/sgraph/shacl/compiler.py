"""The state one validation run compiles queries with: shapes, overlay, class hierarchy, names.

``Compiler.conforms`` is the one place a shape becomes a boolean SPARQL expression ("this node
conforms"), built from the same component patterns as the top-level queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, RDFS

from sgraph.shacl.overlay import Overlay
from sgraph.shacl.query import Names, Value, sparql_term, unsupported
from sgraph.shacl.shapes_graph import Shape, ShapesGraph
from sgraph.terms import OxTerm

_RDF_TYPE = f"<{RDF.type}>"
_SUBCLASS = f"<{RDFS.subClassOf}>"


@dataclass(frozen=True)
class ValueNodes:
    """The value nodes of a shape for one focus node: the focus itself, or its ``path`` values.

    ``focus_set`` is the pattern that binds the focus variable to every focus node, when the
    values are those of a top-level query (components that count use it for one GROUP BY);
    None inside a nested shape.
    """

    focus: Value
    path: str | None
    focus_set: str | None = None
    #: variables of ``focus_set`` that tell apart focus nodes reached from different parents
    focus_keys: tuple[str, ...] = ()
    #: the path can be of length zero
    nullable: bool = False

    def bind(self, c: Compiler, hint: str = "v") -> tuple[Value, str]:
        """A value node variable and the pattern that binds it (with its written forms)."""
        if self.path is None:
            return self.focus, ""
        v = c.value(hint)
        return v, c.path_values(self.focus, self.path, v, self.nullable)


@dataclass
class Compiler:
    sg: ShapesGraph
    overlay: Overlay
    #: class IRI -> every IRI ``X`` with ``X rdfs:subClassOf* class`` in the data graph (None when
    #: the chain passes a blank node: then the property path itself is used)
    subclasses: dict[str, list[str] | None]
    names: Names = field(default_factory=Names)
    #: prefixes that compiled expressions use (SPARQL validators' sh:prefixes), for every query
    prefixes: dict[str, str] = field(default_factory=dict)
    #: sh:targetNode constants that occur nowhere in the data (SPARQL terms)
    absent: list[str] = field(default_factory=list)
    _stack: list[rdflib.term.Node] = field(default_factory=list)

    def prefixes_for(self, more: dict[str, str], where: rdflib.term.Node) -> None:
        from sgraph.shacl.components.sparql_based import merge_prefixes

        merge_prefixes(self.prefixes, more, where)

    @property
    def g(self) -> rdflib.Graph:
        return self.sg.g

    def value(self, hint: str = "v") -> Value:
        """A fresh value-node variable (with written-form companions when there is an overlay)."""
        return Value(self.names.var(hint), written=bool(self.overlay))

    def focus(self, var: str = "?this") -> Value:
        return Value(var, written=bool(self.overlay))

    def values(self, shape: Shape, focus: Value, focus_set: str | None = None) -> ValueNodes:
        return ValueNodes(focus, shape.path, focus_set, nullable=shape.nullable)

    def path_values(self, focus: Value, path: str, v: Value, nullable: bool) -> str:
        """The pattern ``focus path v`` with ``v``'s written forms.

        Oxigraph gives a path of length zero only from nodes that occur in the data; SHACL also
        from focus nodes that do not (``sh:targetNode ex:absent`` with ``sh:path ex:p*``): those
        are added as their own values.
        """
        pattern = f"{focus.var} {path} {v.var} ."
        if nullable and self.absent:
            pairs = " ".join(f"({t} {t})" for t in self.absent)
            pattern = f"{{ {pattern} }} UNION {{ VALUES ({focus.var} {v.var}) {{ {pairs} }} }}"
        return pattern + self.overlay_join(v, focus, path)

    def overlay_join(self, v: Value, subject: Value, path: str) -> str:
        """The written forms of ``v``, bound by ``subject path v`` (exact for an IRI path)."""
        predicate = path[1:-1] if path.startswith("<") and path.endswith(">") else None
        return self.overlay.join(v.var, subject.var, predicate)

    def instance_of(self, var: str, cls: rdflib.term.Node) -> str:
        """A pattern: ``var`` has ``rdf:type`` ``cls`` or a subclass of it
        (``rdf:type/rdfs:subClassOf*``).

        The subclasses are read from the data graph once (``subclass_closure``) and listed in a
        ``VALUES`` block: the same solutions as the path, without evaluating it per value node.
        """
        members = (
            self.subclasses.get(str(cls), [str(cls)]) if isinstance(cls, rdflib.URIRef) else None
        )
        if members is None:
            return f"{var} {_RDF_TYPE}/{_SUBCLASS}* {sparql_term(cls, cls)} ."
        if len(members) == 1:
            return f"{var} {_RDF_TYPE} <{members[0]}> ."
        t = self.names.var("c")
        return f"VALUES {t} {{ {' '.join(f'<{m}>' for m in members)} }} {var} {_RDF_TYPE} {t} ."

    def conforms(self, node: rdflib.term.Node, v: Value) -> str:
        """A SPARQL expression: the node ``v`` conforms to the shape ``node`` (every constraint)."""
        if node in self._stack:
            raise unsupported("recursive shapes (a shape that refers back to itself)", node)
        shape = self.sg.shape(node)
        if shape.deactivated:
            return "true"
        self._stack.append(node)
        try:
            values = self.values(shape, v)
            parts = [con.component.conforms(self, con, values) for con in shape.constraints]
        finally:
            self._stack.pop()
        return "(" + (" && ".join(parts) or "true") + ")"


def subclass_closure(store: ox.Store) -> dict[str, list[str] | None]:
    """For each class with subclasses in ``store`` (all graphs): the class and its subclasses."""
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
