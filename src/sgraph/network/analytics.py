"""Centrality, communities and components of a projected network, stored as node attributes.

Everything here is deterministic: the same graph gives the same numbers, the same community
numbers and the same component numbers (both numbered by size, largest first, ties by IRI).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse

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


def betweenness(
    h: nx.Graph, k: int | None = None, seed: int = SEED, batch: int = 32
) -> dict[str, float]:
    """Normalised betweenness, exact (``k`` None) or estimated from ``k`` sampled sources, as
    ``nx.betweenness_centrality(h, k=k, seed=seed)`` computes it (the same sources, the same
    scaling; equal to about 1e-16) but with Brandes' two passes done for ``batch`` sources at a
    time as sparse matrix products: breadth-first levels and path counts forward, dependencies
    backward. Some 30x faster than networkx's pure-Python loop. Each product takes only the
    rows it needs or the columns that are not zero (``_product``), which changes no bit."""
    nodes = list(h)
    index = {node: i for i, node in enumerate(nodes)}
    pairs = np.array(
        [(index[u], index[v]) for u, v in h.edges() if u != v], dtype=np.int64
    ).reshape(-1, 2)
    between = betweenness_of(nodes, pairs, k, seed, batch)
    return {node: float(between[i]) for i, node in enumerate(nodes)}


def betweenness_of(
    nodes: Sequence[str], pairs: np.ndarray, k: int | None = None, seed: int = SEED, batch: int = 32
) -> np.ndarray:
    """``betweenness`` of the undirected graph of ``nodes`` (in this order) whose edges are the
    node-number pairs ``pairs`` (each once, no self-loops), as an array in node order."""
    n = len(nodes)
    between = np.zeros(n)
    if n == 0:
        return between
    if k is not None and k >= n:
        k = None
    if k is None:
        sources = list(range(n))
    else:
        index = {node: i for i, node in enumerate(nodes)}
        sources = [index[s] for s in random.Random(seed).sample(list(nodes), k)]
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
    adj = scipy.sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    row_nnz = np.diff(adj.indptr)
    for start in range(0, len(sources), batch):
        src = np.array(sources[start : start + batch], dtype=np.int64)
        lanes = np.arange(len(src))
        seen = np.zeros((n, len(src)), dtype=bool)
        seen[src, lanes] = True
        sigma = np.zeros((n, len(src)))
        sigma[src, lanes] = 1.0
        frontier = sigma.copy()
        levels = [seen.copy()]
        front = np.unique(src)
        while True:
            open_rows = np.flatnonzero(~seen.all(axis=1))
            if not len(open_rows):
                break
            reach = _product(adj, row_nnz, frontier, open_rows, front)
            new = (reach > 0) & ~seen
            if not new.any():
                break
            seen |= new
            frontier = np.where(new, reach, 0.0)
            sigma += frontier
            levels.append(new)
            front = np.flatnonzero(new.any(axis=1))
        delta = np.zeros((n, len(src)))
        safe_sigma = np.where(sigma > 0, sigma, 1.0)
        level_rows = [np.flatnonzero(level.any(axis=1)) for level in levels]
        # down to level 1 only: what level 0 (the sources) would get is zeroed below anyway
        for d in range(len(levels) - 1, 1, -1):
            coeff = np.where(levels[d], (1.0 + delta) / safe_sigma, 0.0)
            below = _product(adj, row_nnz, coeff, level_rows[d - 1], level_rows[d])
            delta += np.where(levels[d - 1], sigma * below, 0.0)
        delta[src, lanes] = 0.0
        between += delta.sum(axis=1)
    big_n = n - 1  # pairs (s, t) exclude t == v
    if big_n >= 2 and k is None:
        between *= 1 / (big_n * (big_n - 1))
    elif big_n >= 2 and k is not None:
        chosen = np.zeros(n, dtype=bool)
        chosen[sources] = True
        scale_source = 1 / ((k - 1) * (big_n - 1)) if k > 1 else float("nan")
        scale_other = 1 / (k * (big_n - 1))
        between *= np.where(chosen, scale_source, scale_other)
    return between


def _product(
    adj: scipy.sparse.csr_matrix,
    row_nnz: np.ndarray,
    x: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
) -> np.ndarray:
    """``adj @ x`` where only ``rows`` of the result are wanted (the others may be zero) and
    ``x`` is zero outside ``cols``: the rows of ``adj`` that are wanted, or (symmetric ``adj``)
    the columns that matter, whichever has fewer entries. Every value is the same float as in
    the whole product: each row still sums its terms in column order, and the terms it skips
    are zeros (``x`` is never negative, so no -0.0 either)."""
    if row_nnz[rows].sum() <= row_nnz[cols].sum():
        out = np.zeros_like(x)
        out[rows] = adj[rows] @ x
        return out
    result: np.ndarray = adj[cols].T @ x[cols]
    return result


@dataclass(frozen=True)
class Scores:
    """Centrality of every node of a graph, in node order, rounded as the node attributes are."""

    degree: list[int]
    degree_centrality: list[float]
    betweenness: list[float]


def scores(nodes: Sequence[str], pairs: np.ndarray, degree: Sequence[int] | np.ndarray) -> Scores:
    """``degree`` (given: the directed multigraph's), ``degree_centrality`` and ``betweenness``
    (sampled above EXACT_BETWEENNESS_LIMIT nodes) of the graph of ``nodes`` (sorted), whose
    undirected simple edges are the node-number pairs ``pairs`` (each once, no self-loops)."""
    n = len(nodes)
    simple_degree = np.bincount(pairs.ravel(), minlength=n).tolist()
    # as nx.degree_centrality: degree times 1 / (n - 1)
    scale = 1.0 / (n - 1.0) if n > 1 else 0.0
    between = betweenness_of(
        nodes, pairs, BETWEENNESS_SAMPLE if n > EXACT_BETWEENNESS_LIMIT else None, SEED
    )
    return Scores(
        degree=[int(d) for d in degree],
        degree_centrality=[round(float(d * scale), 6) for d in simple_degree],
        betweenness=[round(float(b), 6) for b in between.tolist()],
    )


def centrality(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Add ``degree``, ``degree_centrality`` and ``betweenness`` (sampled above
    EXACT_BETWEENNESS_LIMIT nodes)."""
    nodes = sorted(g.nodes)
    if not nodes:
        return g
    index = {node: i for i, node in enumerate(nodes)}
    pairs = {
        (index[u], index[v]) if u < v else (index[v], index[u]) for u, v in g.edges() if u != v
    }
    result = scores(
        nodes,
        np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2),
        [g.degree(node) for node in nodes],
    )
    for node, data in g.nodes(data=True):
        i = index[node]
        data["degree"] = result.degree[i]
        data["degree_centrality"] = result.degree_centrality[i]
        data["betweenness"] = result.betweenness[i]
    return g


def top(nodes: Sequence[str], result: Scores, limit: int) -> list[int]:
    """The numbers of the ``limit`` most central nodes, ordered as ``top_nodes`` orders them."""
    return sorted(
        range(len(nodes)), key=lambda i: (-result.betweenness[i], -result.degree[i], nodes[i])
    )[:limit]


def groups(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Add ``community`` (Louvain, fixed seed) and ``component`` (both numbered by size)."""
    h = undirected(g)
    if h.number_of_nodes() == 0:
        return g
    if h.number_of_edges():
        communities = nx.community.louvain_communities(h, seed=SEED)
    else:
        communities = [{node} for node in h]
    community = _numbered([set(c) for c in communities])
    component = _numbered([set(c) for c in nx.connected_components(h)])
    for node, data in g.nodes(data=True):
        data["community"] = community[node]
        data["component"] = component[node]
    return g


def analyse(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Add ``degree``, ``degree_centrality``, ``betweenness``, ``community`` and ``component``."""
    return groups(centrality(g))


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
