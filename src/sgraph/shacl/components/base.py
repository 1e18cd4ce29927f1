"""What a constraint component is to the engine: its parameters and one check, for every context.

A component writes its check once, as SPARQL group patterns whose solutions are its violations
(:meth:`Component.violations`, usually one pattern) for the value nodes of a focus node. The
engine uses that pattern in every context: at the top level as
``SELECT ... WHERE { focus nodes . violations }`` (one query over all focus nodes of a shape),
and inside ``sh:node``, ``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone`` and qualified value shapes
as ``NOT EXISTS { violations }`` ("conforms").

Most components test each value node on its own: they subclass :class:`ValueComponent` and write
only :meth:`ValueComponent.test`, a boolean SPARQL expression on one value node; the violations
are the value nodes where it is not true (an error counts as not true, as SHACL says).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import rdflib

from sgraph.shacl.query import Value

if TYPE_CHECKING:
    from sgraph.shacl.compiler import Compiler, ValueNodes
    from sgraph.shacl.components.sparql_based import Prepared
    from sgraph.shacl.shapes_graph import Constraint, Shape, ShapesGraph


@dataclass(frozen=True)
class Found:
    """A pattern whose solutions are violations, and what each one reports."""

    pattern: str
    #: the value node reported as sh:value (None: the result has no value)
    value: Value | None = None
    #: a variable bound to the result path (sh:closed); None: the shape's own path
    path_var: str | None = None
    #: more variables that tell results apart (sh:uniqueLang: one result per language)
    keys: tuple[str, ...] = ()
    #: the pattern binds the focus nodes itself (a GROUP BY over the focus set)
    includes_focus: bool = False


class Component:
    """One SHACL constraint component (https://www.w3.org/TR/shacl/#core-components)."""

    #: the component's IRI, e.g. sh:MinCountConstraintComponent
    iri: rdflib.URIRef
    #: mandatory parameters: the component applies when a shape has a value for each
    parameters: tuple[rdflib.URIRef, ...]
    optional: tuple[rdflib.URIRef, ...] = ()
    #: only meaningful in property shapes (SHACL: "not allowed in node shapes")
    property_only: bool = False
    #: the result message when the shape has no sh:message
    message: str = "(no message)"

    def active(self, sg: ShapesGraph, con: Constraint) -> bool:
        """Whether the parameter values switch the constraint on (``sh:closed false`` does not)."""
        return True

    def check(self, sg: ShapesGraph, con: Constraint) -> None:
        """Raise InputError when the parameter values are not what SHACL allows."""

    def shapes(self, sg: ShapesGraph, con: Constraint) -> list[rdflib.term.Node]:
        """The shapes this constraint refers to (checked with it, before any query runs)."""
        return []

    def lateral(self, sg: ShapesGraph, con: Constraint, shape: Shape) -> Prepared | None:
        """A SPARQL SELECT that gives this constraint's results at the top level of a shape,
        instead of :meth:`violations` (SPARQL-based constraints); None for the others."""
        return None

    def result_messages(self, sg: ShapesGraph, con: Constraint) -> list[rdflib.term.Node]:
        """The messages of this constraint's results: the shape's, else the component's."""
        return sg.shape(con.shape).messages or [rdflib.Literal(self.message)]

    def violations(self, c: Compiler, con: Constraint, values: ValueNodes) -> list[Found]:
        """Patterns whose solutions are the violations (each pattern binds the focus variable,
        or is placed after the pattern that does)."""
        raise NotImplementedError

    def conforms(self, c: Compiler, con: Constraint, values: ValueNodes) -> str:
        """A SPARQL expression: the focus node of ``values`` meets this constraint."""
        found = self.violations(c, con, values)
        return " && ".join(f"NOT EXISTS {{ {f.pattern} }}" for f in found)

    def __repr__(self) -> str:
        return type(self).__name__


class ValueComponent(Component):
    """A component that tests every value node on its own."""

    def test(self, c: Compiler, con: Constraint, v: Value) -> str:
        """A SPARQL expression, true when the value node ``v`` meets the constraint."""
        raise NotImplementedError

    def violations(self, c: Compiler, con: Constraint, values: ValueNodes) -> list[Found]:
        v, bind = values.bind(c)
        return [Found(f"{bind} FILTER(!COALESCE({self.test(c, con, v)}, false))", value=v)]

    def conforms(self, c: Compiler, con: Constraint, values: ValueNodes) -> str:
        if values.path is None:  # a node shape: the value node is the focus node
            return f"COALESCE({self.test(c, con, values.focus)}, false)"
        return super().conforms(c, con, values)


def integer(sg: ShapesGraph, con: Constraint, param: rdflib.URIRef, minimum: int = 0) -> int:
    """A parameter whose value must be a non-negative xsd:integer literal."""
    from rdflib.namespace import XSD

    from sgraph.shacl.query import bad_shape, local

    node = con.args[param]
    if not (isinstance(node, rdflib.Literal) and node.datatype == XSD.integer):
        raise bad_shape(f"{local(param)} must be an xsd:integer, not {node.n3()}", con.shape)
    n = int(str(node))
    if n < minimum:
        raise bad_shape(f"{local(param)} must be {minimum} or more", con.shape)
    return n
