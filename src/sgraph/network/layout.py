"""Deterministic node positions, computed once in Python so the page never runs physics.

The same graph (same nodes and edges) always gets the same positions: nodes are laid out in
sorted order with a fixed seed.
"""

from __future__ import annotations

import math

import networkx as nx

from sgraph.network.analytics import undirected

SEED = 7
#: Up to this many nodes the layout is Kamada-Kawai (O(n^2) memory), above it Fruchterman-Reingold.
KAMADA_KAWAI_LIMIT = 400


def positions(g: nx.MultiDiGraph, *, seed: int = SEED) -> dict[str, tuple[float, float]]:
    """Pixel positions for every node of ``g`` (force-directed, fixed seed)."""
    h = undirected(g)
    n = h.number_of_nodes()
    if n == 0:
        return {}
    if n == 1:
        return {next(iter(h)): (0.0, 0.0)}
    if n <= KAMADA_KAWAI_LIMIT:
        # Even spacing for small graphs: start from a seeded spring layout, then Kamada-Kawai
        # (components are laid out side by side by networkx's disconnected-graph handling).
        start = nx.spring_layout(h, seed=seed, iterations=50)
        raw = nx.kamada_kawai_layout(h, pos=start)
        scale = 110.0 * math.sqrt(n)
    else:
        raw = nx.spring_layout(h, seed=seed, iterations=50, k=1.6 / math.sqrt(n))
        scale = 110.0 * math.sqrt(n)
    return {str(node): (round(float(x) * scale, 1), round(float(y) * scale, 1)) for node, (x, y) in raw.items()}
