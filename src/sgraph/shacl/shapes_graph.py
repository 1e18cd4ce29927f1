"""The shapes graph read as shapes: targets, paths, severities, messages and constraints.

A constraint is one use of a constraint component by a shape: the component and the values of its
parameters (``sh:minCount 2``; ``sh:pattern "^a"`` with ``sh:flags "i"``). A shape has one
constraint per value of a component's mandatory parameter (two ``sh:class`` values are two
constraints), as SHACL defines it.

Everything here is read before any query runs, and anything the engine cannot evaluate exactly
raises :class:`~sgraph.errors.InputError` naming the feature and the shape: a SHACL parameter no
component of the table knows, a SPARQL-based constraint component declared in the shapes graph,
a custom target type.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import product
from typing import TYPE_CHECKING

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH

from sgraph.shacl.query import bad_shape, local, nullable, path, unsupported

if TYPE_CHECKING:
    from sgraph.shacl.components.base import Component

#: Predicates of the SHACL namespace that carry no constraint: documentation, grouping, targets
#: (read by ``sgraph.shacl.targets``), SPARQL plumbing, and non-validating features.
INERT = frozenset(
    {
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
        SH.prefix,
        SH.namespace,
        SH.select,
        SH.ask,
        SH.targetClass,
        SH.targetNode,
        SH.targetSubjectsOf,
        SH.targetObjectsOf,
        SH.target,
        SH.suggestedShapesGraph,
        SH.shapesGraph,
        SH.entailment,
        SH.labelTemplate,
    }
)
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
TRUE = rdflib.Literal(True)


@dataclass(frozen=True)
class Constraint:
    """One use of ``component`` by the shape ``shape``, with its parameter values."""

    component: Component
    shape: rdflib.term.Node
    args: Mapping[rdflib.URIRef, rdflib.term.Node]

    @property
    def value(self) -> rdflib.term.Node:
        """The value of the component's first mandatory parameter."""
        return self.args[self.component.parameters[0]]

    def get(self, param: rdflib.URIRef) -> rdflib.term.Node | None:
        return self.args.get(param)


@dataclass
class Shape:
    node: rdflib.term.Node
    path_node: rdflib.term.Node | None
    path: str | None
    severity: rdflib.term.Node
    messages: list[rdflib.term.Node]
    deactivated: bool
    constraints: list[Constraint] = field(default_factory=list)
    #: the path can be of length zero (``ex:p*``): a focus node is then one of its own values
    nullable: bool = False

    @property
    def is_property_shape(self) -> bool:
        return self.path is not None


class ShapesGraph:
    """The shapes of an rdflib graph, read once each, with the component table they use."""

    def __init__(self, graph: rdflib.Graph, components: tuple[Component, ...]) -> None:
        from sgraph.shacl.components.sparql_based import declared_components

        self.g = graph
        self._shapes: dict[rdflib.term.Node, Shape] = {}
        #: the table, then the SPARQL-based components this shapes graph declares
        self.components = (*components, *declared_components(self))
        self.parameters: dict[rdflib.URIRef, list[Component]] = {}
        for comp in self.components:
            for p in (*comp.parameters, *comp.optional):
                self.parameters.setdefault(p, []).append(comp)

    # -- which nodes are shapes ------------------------------------------------------------
    def is_class(self, node: rdflib.term.Node) -> bool:
        """A SHACL instance of rdfs:Class (owl:Class counts, as in pySHACL)."""
        types = set(self.g.objects(node, RDF.type))
        seen: set[rdflib.term.Node] = set()
        while types:
            t = types.pop()
            if t in (RDFS.Class, OWL.Class):
                return True
            seen.add(t)
            types.update(x for x in self.g.objects(t, RDFS.subClassOf) if x not in seen)
        return False

    def is_shape(self, node: rdflib.term.Node) -> bool:
        g = self.g
        if (node, RDF.type, SH.NodeShape) in g or (node, RDF.type, SH.PropertyShape) in g:
            return True
        return any(p in self.parameters or p in TARGETS for p in g.predicates(node))

    def top_level(self) -> list[rdflib.term.Node]:
        """Shapes with targets, explicit or implicit (a shape that is also a class), in order."""
        g = self.g
        found = {s for p in TARGETS for s in g.subjects(p, None)}
        found.update(
            s
            for s in set(g.subjects(RDF.type, None))
            if s not in found and self.is_class(s) and self.is_shape(s)
        )
        return sorted(found, key=lambda n: (isinstance(n, rdflib.BNode), str(n)))

    # -- one shape ---------------------------------------------------------------------------
    def shape(self, node: rdflib.term.Node) -> Shape:
        """The shape ``node``: read and checked the first time it is asked for."""
        found = self._shapes.get(node)
        if found is None:
            found = self._read(node)
            self._shapes[node] = found  # before its constraints: they may look at the shape
            try:
                for comp in self.components:
                    found.constraints.extend(self._constraints(comp, found))
            except BaseException:
                del self._shapes[node]
                raise
        return found

    def _read(self, node: rdflib.term.Node) -> Shape:
        g = self.g
        if isinstance(node, rdflib.Literal):
            raise bad_shape(f"a literal ({node.n3()}) is used as a shape", node)
        path_nodes = list(g.objects(node, SH.path))
        if len(path_nodes) > 1:
            raise bad_shape("it has more than one sh:path", node)
        path_node = path_nodes[0] if path_nodes else None
        shape = Shape(
            node=node,
            path_node=path_node,
            path=path(g, path_node, node) if path_node is not None else None,
            severity=g.value(node, SH.severity) or SH.Violation,
            messages=sorted(g.objects(node, SH.message), key=str),
            deactivated=g.value(node, SH.deactivated) == TRUE,
            nullable=path_node is not None and nullable(g, path_node),
        )
        for p in set(g.predicates(node)):
            if (
                isinstance(p, rdflib.URIRef)
                and str(p).startswith(str(SH))
                and p not in INERT
                and p not in self.parameters
            ):
                raise unsupported(f"{local(p)}", node)
        return shape

    def _constraints(self, comp: Component, shape: Shape) -> Iterator[Constraint]:
        g = self.g
        mandatory = [sorted(g.objects(shape.node, p), key=str) for p in comp.parameters]
        if not all(mandatory):
            return
        optional: dict[rdflib.URIRef, rdflib.term.Node] = {}
        for p in comp.optional:
            vals = list(g.objects(shape.node, p))
            if len(vals) > 1:
                raise bad_shape(f"it has more than one {local(p)}", shape.node)
            if vals:
                optional[p] = vals[0]
        for combo in product(*mandatory):
            args = dict(zip(comp.parameters, combo, strict=True)) | optional
            con = Constraint(comp, shape.node, args)
            if comp.active(self, con):
                if comp.property_only and not shape.is_property_shape:
                    raise bad_shape(
                        f"{local(comp.parameters[0])} needs a property shape", shape.node
                    )
                comp.check(self, con)
                yield con

    # -- shapes reachable from a shape -------------------------------------------------------
    def reachable(self, roots: list[rdflib.term.Node]) -> list[Shape]:
        """Every shape ``roots`` use (themselves, sh:property, sh:node, sh:not, ...), each once."""
        seen: dict[rdflib.term.Node, Shape] = {}
        stack = list(reversed(roots))
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            shape = self.shape(node)
            seen[node] = shape
            for con in shape.constraints:
                stack.extend(reversed(con.component.shapes(self, con)))
        return list(seen.values())
