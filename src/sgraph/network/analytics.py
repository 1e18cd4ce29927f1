"""Centrality, communities and components of a projected network, stored as node attributes.

Everything here is deterministic: the same graph gives the same numbers, the same community
numbers and the same component numbers (both numbered by size, largest first, ties by IRI).
"""

from __future__ import annotations

import networkx as nx

#: Above this many nodes betweenness is estimated from a fixed-seed sample of sources.
EXACT_BETWEENNESS_LIMIT = 1000
BETWEENNESS_SAMPLE = 300
SEED = 42


def undirected(g: nx.MultiDiGraph) -> nx.Graph:
    """A simple undirected view: one edge per connected pair, nodes in sorted order."""
    h = nx.Graph()
    h.add_nodes_from(sorted(g.nodes))
    h.add_edges_from(sorted((u, v) if u <= v else (v, u) for u, v in g.edges() if u != v))
    return h


def _numbered(groups: list[set[str]]) -> dict[str, int]:
    ordered = sorted(groups, key=lambda c: (-len(c), min(c)))
    return {node: i for i, group in enumerate(ordered) for node in group}


def analyse(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Add ``degree``, ``degree_centrality``, ``betweenness``, ``community`` and ``component``."""
    h = undirected(g)
    n = h.number_of_nodes()
    if n == 0:
        return g
    degree_c = nx.degree_centrality(h) if n > 1 else {node: 0.0 for node in h}
    if n > EXACT_BETWEENNESS_LIMIT:
        between = nx.betweenness_centrality(h, k=BETWEENNESS_SAMPLE, seed=SEED)
    else:
        between = nx.betweenness_centrality(h)
    if h.number_of_edges():
        communities = nx.community.louvain_communities(h, seed=SEED)
    else:
        communities = [{node} for node in h]
    community = _numbered([set(c) for c in communities])
    component = _numbered([set(c) for c in nx.connected_components(h)])
    for node, data in g.nodes(data=True):
        data["degree"] = int(g.degree(node))
        data["degree_centrality"] = round(float(degree_c[node]), 6)
        data["betweenness"] = round(float(between[node]), 6)
        data["community"] = community[node]
        data["component"] = component[node]
    return g


def most_connected(g: nx.MultiDiGraph, limit: int = 10) -> list[str]:
    """The ``limit`` nodes with most relations (then highest betweenness, then IRI)."""
    return sorted(
        g.nodes,
        key=lambda n: (-g.degree(n), -float(g.nodes[n].get("betweenness", 0.0)), str(n)),
    )[:limit]


def top_nodes(g: nx.MultiDiGraph, limit: int) -> list[str]:
    """The ``limit`` most central nodes: by betweenness, then degree, then IRI."""
    return sorted(
        g.nodes,
        key=lambda n: (-float(g.nodes[n].get("betweenness", 0.0)), -g.degree(n), str(n)),
    )[:limit]
