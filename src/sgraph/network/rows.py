"""A network drawn from the rows of a SPARQL SELECT, with the Wikidata Query Service's
graph-view column conventions: ``?x ?xLabel ?y ?yLabel ?edgeLabel``.

Each row gives a node ``?x`` and, when ``?y`` is bound, a node ``?y`` and an edge x -> y labelled
``?edgeLabel``. Nodes that are entities of the projected graph keep its attributes (type, dates,
sources ...); the labels of the row win.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import networkx as nx
import pyoxigraph as ox

from sgraph.errors import InputError
from sgraph.network.projection import local_name

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = Mapping[str, object]


def _term(row: Row, name: str) -> Term | None:
    value = row.get(name)
    return value if isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal) else None


def _node_attrs(
    term: Term, label: str | None, base: nx.MultiDiGraph | None
) -> tuple[str, dict[str, object]]:
    key = term.value
    if base is not None and key in base:
        attrs = dict(base.nodes[key])
    else:
        attrs = {
            "iri": key if isinstance(term, ox.NamedNode) else "",
            "type": "Result",
            "type_label": "Query result" if isinstance(term, ox.NamedNode) else "Value",
            "types": [],
            "group": "Result",
            "alt_labels": [],
            "date": "",
            "end_date": "",
            "year": None,
            "end_year": None,
            "url": "",
            "sources": [],
            "label": local_name(key) if isinstance(term, ox.NamedNode) else key,
        }
    if label:
        attrs["label"] = label
    return key, attrs


def from_rows(
    variables: Sequence[str], rows: Sequence[Row], base: nx.MultiDiGraph | None = None
) -> nx.MultiDiGraph:
    """The network of ``rows``; ``base`` (the projection) supplies attributes of known entities."""
    if "x" not in variables:
        raise InputError(
            "the query has no ?x column, so there is nothing to draw",
            hint="select ?x ?xLabel ?y ?yLabel ?edgeLabel (the Wikidata graph-view columns)",
        )
    g = nx.MultiDiGraph(name="sgraph query")
    for i, row in enumerate(rows):
        x = _term(row, "x")
        if x is None:
            continue
        xl = _term(row, "xLabel")
        xk, xa = _node_attrs(x, xl.value if xl is not None else None, base)
        if xk not in g:
            g.add_node(xk, **xa)
        y = _term(row, "y")
        if y is None:
            continue
        yl = _term(row, "yLabel")
        yk, ya = _node_attrs(y, yl.value if yl is not None else None, base)
        if yk not in g:
            g.add_node(yk, **ya)
        el = _term(row, "edgeLabel")
        label = el.value if el is not None else "related to"
        relation = local_name(el.value) if isinstance(el, ox.NamedNode) else label
        g.add_edge(
            xk,
            yk,
            key=f"row{i}",
            relation=relation,
            relation_label=label,
            label=label,
            predicate="",
            role="",
            date="",
            end_date="",
            year=None,
            source="",
        )
    return g
