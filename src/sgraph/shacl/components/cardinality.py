"""Cardinality constraint components (SHACL 4.2): sh:minCount, sh:maxCount.

At the top level a count is one ``GROUP BY`` over all focus nodes. Inside a nested shape (where
SPARQL cannot correlate a sub-select with the outer focus node) "at least k values" is written as
k value nodes that differ pairwise, which stays exact and is cheap for the small counts shapes
use; beyond :data:`NESTED_COUNT_LIMIT` the engine refuses rather than build a slow query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import rdflib
from rdflib.namespace import SH

from sgraph.shacl.components.base import Component, Found, integer
from sgraph.shacl.query import Value, unsupported

if TYPE_CHECKING:
    from sgraph.shacl.compiler import Compiler, ValueNodes
    from sgraph.shacl.shapes_graph import Constraint, ShapesGraph

#: The largest count compared inside sh:node / sh:or / qualified shapes (k pairwise-distinct
#: values make k(k-1)/2 comparisons).
NESTED_COUNT_LIMIT = 5


def at_least(
    c: Compiler,
    values: ValueNodes,
    k: int,
    shape: rdflib.term.Node,
    condition: Callable[[Value], str] | None = None,
) -> str:
    """A pattern with a solution when ``k`` distinct value nodes (meeting ``condition``) exist."""
    if k > NESTED_COUNT_LIMIT:
        raise unsupported(
            f"counting above {NESTED_COUNT_LIMIT} values inside a nested shape", shape
        )
    parts: list[str] = []
    vs: list[Value] = []
    for _ in range(k):
        v, bind = values.bind(c, "n")
        parts.append(bind)
        if condition is not None:
            parts.append(f"FILTER({condition(v)})")
        vs.append(v)
    distinct = [f"!sameTerm({a.var}, {b.var})" for i, a in enumerate(vs) for b in vs[i + 1 :]]
    if distinct:
        parts.append(f"FILTER({' && '.join(distinct)})")
    return " ".join(parts)


def count_below(
    c: Compiler,
    values: ValueNodes,
    n: int,
    shape: rdflib.term.Node,
    condition: Callable[[Value], str] | None = None,
) -> Found:
    """Violations: focus nodes with fewer than ``n`` distinct value nodes meeting ``condition``."""
    if n <= 0:
        return Found("FILTER(false)")
    if values.focus_set is not None and (n > 1 or condition is not None):
        return _grouped(c, values, f"< {n}", condition)
    return Found(f"FILTER NOT EXISTS {{ {at_least(c, values, n, shape, condition)} }}")


def count_above(
    c: Compiler,
    values: ValueNodes,
    n: int,
    shape: rdflib.term.Node,
    condition: Callable[[Value], str] | None = None,
) -> Found:
    """Violations: focus nodes with more than ``n`` (distinct) value nodes meeting ``condition``."""
    if values.focus_set is not None:
        return _grouped(c, values, f"> {n}", condition)
    return Found(at_least(c, values, n + 1, shape, condition))


def _grouped(
    c: Compiler, values: ValueNodes, test: str, condition: Callable[[Value], str] | None
) -> Found:
    """One GROUP BY over all focus nodes (the pattern includes the focus set itself)."""
    assert values.focus_set is not None
    v, bind = values.bind(c, "n")
    cond = f" FILTER({condition(v)})" if condition is not None else ""
    f = " ".join((*values.focus_keys, *values.focus.companions()))
    # Focus nodes without values count 0: they matter only to "fewer than".
    body = f"OPTIONAL {{ {bind}{cond} }}" if test.startswith("<") else f"{bind}{cond}"
    inner = f"{{ SELECT {f} WHERE {{ {values.focus_set} {body} }} GROUP BY {f} "
    return Found(f"{inner}HAVING (COUNT(DISTINCT {v.var}) {test}) }}", includes_focus=True)


class _CountComponent(Component):
    property_only = True
    count: staticmethod[..., Found]

    def check(self, sg: ShapesGraph, con: Constraint) -> None:
        integer(sg, con, self.parameters[0])

    def violations(self, c: Compiler, con: Constraint, values: ValueNodes) -> list[Found]:
        return [self.count(c, values, int(str(con.value)), con.shape)]


class MinCountComponent(_CountComponent):
    iri = SH.MinCountConstraintComponent
    parameters = (SH.minCount,)
    count = staticmethod(count_below)
    message = "Less than the minimum number of values"


class MaxCountComponent(_CountComponent):
    iri = SH.MaxCountConstraintComponent
    parameters = (SH.maxCount,)
    count = staticmethod(count_above)
    message = "More than the maximum number of values"
