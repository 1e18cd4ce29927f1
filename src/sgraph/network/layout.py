"""Deterministic node positions, computed once in Python so the page never runs physics.

The same graph (same nodes and edges) always gets the same positions: nodes are laid out in
sorted order with a fixed seed.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

from sgraph.network.analytics import undirected

SEED = 7
#: Up to this many nodes the layout is Kamada-Kawai (O(n^2) memory), above it Fruchterman-Reingold.
KAMADA_KAWAI_LIMIT = 400
#: Elements of one tile of the repulsion weights (1 MiB of float64, so the temporaries of the
#: elementwise steps stay in cache).
_TILE_ELEMENTS = 131_072


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
        raw = fruchterman_reingold(h, seed=seed)
        scale = 110.0 * math.sqrt(n)
    return {
        str(node): (round(float(x) * scale, 1), round(float(y) * scale, 1))
        for node, (x, y) in raw.items()
    }


def fruchterman_reingold(
    h: nx.Graph, *, seed: int = SEED, iterations: int = 40, chunk: int = 1024
) -> dict[str, tuple[float, float]]:
    """Force-directed layout for large graphs in numpy: exact repulsion, computed in row chunks
    so memory stays near ``chunk * n`` (networkx's version loops over nodes in Python).

    ``chunk`` fixes the positions, not only the speed: the two BLAS products of a chunk,
    ``pos @ pos.T`` and ``w @ pos``, can round differently for another shape (OpenBLAS sums in
    another order when it splits a product between threads, and takes other kernels for a few
    rows). So they keep their shapes, and only the elementwise steps between them go a
    cache-sized tile of rows at a time through reused buffers: the same operations in the same
    order, element by element, so the tiling changes no bit."""
    nodes = list(h)
    n = len(nodes)
    index = {node: i for i, node in enumerate(nodes)}
    pos = np.random.default_rng(seed).random((n, 2))
    k2 = 1.0 / n
    k = math.sqrt(k2)
    edges = np.array([(index[u], index[v]) for u, v in h.edges()], dtype=np.int64).reshape(-1, 2)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    rows_per_chunk = min(chunk, n)
    tile = max(1, min(rows_per_chunk, _TILE_ELEMENTS // n))
    w_chunk = np.empty((rows_per_chunk, n))
    pp_chunk = np.empty((rows_per_chunk, n))
    w_rows = np.empty(rows_per_chunk)
    diagonal = np.arange(tile)
    for _ in range(iterations):
        disp = np.zeros((n, 2))
        sq = (pos**2).sum(axis=1)
        for start in range(0, n, chunk):
            stop = min(start + chunk, n)
            w = w_chunk[: stop - start]
            pp_all = pp_chunk[: stop - start]
            np.matmul(pos[start:stop], pos.T, out=pp_all)
            for t0 in range(start, stop, tile):
                t1 = min(t0 + tile, stop)
                # repulsion sum_j (x_i - x_j) k^2 / d_ij^2, with d_ij^2 = |x_i|^2 + |x_j|^2 - 2 x_i.x_j
                wt = w[t0 - start : t1 - start]
                pp = pp_all[t0 - start : t1 - start]
                np.multiply(pp, 2.0, out=pp)
                np.add(sq[t0:t1, None], sq[None, :], out=wt)
                np.subtract(wt, pp, out=wt)
                np.maximum(wt, 1e-9, out=wt)
                np.divide(k2, wt, out=wt)
                wt[diagonal[: t1 - t0], np.arange(t0, t1)] = 0.0
                np.sum(wt, axis=1, out=w_rows[t0 - start : t1 - start])
            disp[start:stop] += pos[start:stop] * w_rows[: stop - start, None] - w @ pos
        if len(edges):
            delta = pos[edges[:, 0]] - pos[edges[:, 1]]
            force = delta * (np.sqrt((delta**2).sum(axis=1)) / k)[:, None]
            np.add.at(disp, edges[:, 0], -force)
            np.add.at(disp, edges[:, 1], force)
        length = np.maximum(np.sqrt((disp**2).sum(axis=1)), 1e-9)
        pos += disp / length[:, None] * np.minimum(length, temperature)[:, None]
        temperature -= cooling
    pos -= pos.mean(axis=0)
    pos /= max(float(np.abs(pos).max()), 1e-9)
    return {str(node): (float(pos[i, 0]), float(pos[i, 1])) for i, node in enumerate(nodes)}
