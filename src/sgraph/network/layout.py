"""Deterministic node positions, computed once in Python so the page never runs physics.

Every view gets a layout of its own, chosen by how the view was made (``view_of``):

* ``focus`` (``sgraph network --focus``): the entity in the middle, the entities one relation
  away on a ring round it, two relations away on the next ring, and so on;
* ``path`` (``--path A B``): A on the left, B on the right, each step of the chains a column;
* anything else (the whole graph, ``--types``, ``--relations``, years, ``--query``): each
  connected part laid out by itself (force-directed), the whole graph's groups (its Louvain
  communities) each in a cluster of their own, the parts packed side by side, and the entities
  with no relation in a grid below them, never piled up.

A layout of the whole graph (or a filtered view) is then shrunk towards CELL x CELL layout units
per node (``compact``: the packed parts and clusters leave empty space between them, and a first
view of it all would draw every shape a speck). Then a last pass pushes apart any two nodes
closer than their radii (``style.radius``) and a gap, growing the layout where pushing alone
does not clear a crowd, so no two node shapes overlap at any zoom (the page scales sizes with
positions). The same
graph (same nodes, edges and attributes) always gets the same positions: nodes go in sorted
order, every random start has a fixed seed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy.spatial import cKDTree

from sgraph.network.analytics import undirected
from sgraph.network.style import radius

SEED = 7
#: The graph attribute ``select`` records the view in, as ``(kind, *entities)``.
VIEW_KEY = "sgraph_view"
#: Ideal length of a relation, in layout units (a node's radius is 7 to 20 units).
EDGE = 70.0
#: Space kept between two node shapes, in layout units.
GAP = 6.0
#: Up to this many nodes a part gets 120 force-directed steps, above it 40, and above
#: BIG_SPRING_LIMIT 30 (each step costs the square of the nodes).
SPRING_LIMIT = 500
BIG_SPRING_LIMIT = 1500
#: A part with at least this many nodes has its groups (communities) laid out as clusters.
CLUSTER_MIN = 24
#: Layout units per node (each way) a whole-graph layout is shrunk towards (``compact``).
CELL = 80.0
#: The width-to-height ratio a whole-graph layout is stretched towards.
ASPECT = 1.85
#: Elements of one tile of the repulsion weights (1 MiB of float64, so the temporaries of the
#: elementwise steps stay in cache).
_TILE_ELEMENTS = 131_072

Point = tuple[float, float]


@dataclass(frozen=True)
class View:
    """How a network was chosen: ``graph`` (anything), ``focus`` (around ``entities[0]``) or
    ``path`` (between ``entities[0]`` and ``entities[1]``)."""

    kind: str = "graph"
    entities: tuple[str, ...] = ()


def view_of(g: nx.MultiDiGraph) -> View:
    raw = g.graph.get(VIEW_KEY)
    if isinstance(raw, tuple | list) and raw and all(isinstance(x, str) for x in raw):
        kind, *entities = raw
        if all(e in g for e in entities):
            return View(kind, tuple(entities))
    return View()


def mark_view(g: nx.MultiDiGraph, kind: str, *entities: str) -> nx.MultiDiGraph:
    """Record in ``g`` how it was chosen, for ``positions``."""
    g.graph[VIEW_KEY] = (kind, *entities)
    return g


def radii(g: nx.MultiDiGraph) -> dict[str, float]:
    return {str(n): radius(int(g.degree(n))) for n in g.nodes}


def positions(g: nx.MultiDiGraph, *, seed: int = SEED) -> dict[str, Point]:
    """Positions (layout units) for every node of ``g``, laid out for its view."""
    n = g.number_of_nodes()
    if n == 0:
        return {}
    r = radii(g)
    view = view_of(g)
    h = undirected(g)
    if view.kind == "focus":
        raw = radial(h, view.entities[0], r)
    elif view.kind == "path" and len(view.entities) == 2:
        raw = columns(h, view.entities[0], view.entities[1], r)
    else:
        community = {
            str(k): int(d["community"])
            for k, d in g.nodes(data=True)
            if isinstance(d.get("community"), int)
        }
        raw = parts(h, r, community, seed)
    nodes = sorted(raw)
    xy = np.array([raw[k] for k in nodes], dtype=float)
    rr = np.array([r[k] for k in nodes])
    if view.kind not in ("focus", "path"):
        xy = compact(xy, rr)
    xy = separate(xy, rr)
    xy -= (xy.min(axis=0) + xy.max(axis=0)) / 2
    return {
        k: (round(float(x), 1) + 0.0, round(float(y), 1) + 0.0)
        for k, (x, y) in zip(nodes, xy.tolist(), strict=True)
    }


# -- the whole graph and filtered views --------------------------------------------------------


def parts(
    h: nx.Graph, r: Mapping[str, float], community: Mapping[str, int], seed: int = SEED
) -> dict[str, Point]:
    """Connected parts laid out apart and packed, largest in the middle; lone nodes in a grid."""
    comps = sorted((sorted(c) for c in nx.connected_components(h)), key=lambda c: (-len(c), c[0]))
    blocks: list[dict[str, Point]] = []
    lone = [c[0] for c in comps if len(c) == 1]
    for comp in comps:
        if len(comp) == 1:
            continue
        sub = h.subgraph(comp)
        groups: dict[int, list[str]] = {}
        for node in comp:
            groups.setdefault(community.get(node, 0), []).append(node)
        if len(comp) >= CLUSTER_MIN and len(groups) > 1:
            blocks.append(clusters(sub, groups, r, seed))
        else:
            blocks.append(force(sub, r, seed))
    pos: dict[str, Point] = pack(blocks, r)
    if pos:
        keys = sorted(pos)
        turned = landscape(np.array([pos[k] for k in keys], dtype=float))
        pos = {k: (float(x), float(y)) for k, (x, y) in zip(keys, turned.tolist(), strict=True)}
    if lone:
        lone.sort(key=lambda k: k)
        top = max((y + r[k] for k, (_, y) in pos.items()), default=0.0)
        bottom_left = min((x - r[k] for k, (x, _) in pos.items()), default=0.0)
        width = max((x + r[k] for k, (x, _) in pos.items()), default=0.0) - bottom_left
        pos.update(grid(lone, r, origin=(bottom_left, top + 2 * EDGE), width=width))
    return pos


def force(h: nx.Graph, r: Mapping[str, float], seed: int = SEED) -> dict[str, Point]:
    """A force-directed layout of one connected part, in layout units."""
    nodes = sorted(h)
    n = len(nodes)
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    if n == 2:
        gap = r[nodes[0]] + r[nodes[1]] + EDGE
        return {nodes[0]: (-gap / 2, 0.0), nodes[1]: (gap / 2, 0.0)}
    ordered = nx.Graph()
    ordered.add_nodes_from(nodes)
    ordered.add_edges_from(sorted(tuple(sorted(e)) for e in h.edges()))
    steps = 120 if n <= SPRING_LIMIT else 40 if n <= BIG_SPRING_LIMIT else 30
    raw = fruchterman_reingold(ordered, seed=seed, iterations=steps)
    xy = np.array([raw[k] for k in nodes], dtype=float)
    xy -= xy.mean(axis=0)
    # scale so the median relation is EDGE long (plus the radii at its ends)
    index = {k: i for i, k in enumerate(nodes)}
    e = np.array([(index[u], index[v]) for u, v in ordered.edges()], dtype=np.int64)
    lengths = np.sqrt(((xy[e[:, 0]] - xy[e[:, 1]]) ** 2).sum(axis=1))
    mean_r = float(np.mean([r[k] for k in nodes]))
    scale = (EDGE + 2 * mean_r) / max(float(np.median(lengths)), 1e-9)
    xy *= scale
    return {k: (float(x), float(y)) for k, (x, y) in zip(nodes, xy.tolist(), strict=True)}


def clusters(
    h: nx.Graph, groups: Mapping[int, list[str]], r: Mapping[str, float], seed: int = SEED
) -> dict[str, Point]:
    """One part whose groups are each laid out by themselves, then placed where the relations
    between groups pull them (a layout of the graph of groups) and pushed apart."""
    keys = sorted(groups, key=lambda k: (-len(groups[k]), min(groups[k])))
    blocks = []
    for k in keys:
        sub = h.subgraph(groups[k])
        inner = [force(sub.subgraph(c), r, seed) for c in _components(sub)]
        blocks.append(pack(inner, r) if len(inner) > 1 else inner[0])
    member = {node: i for i, k in enumerate(keys) for node in groups[k]}
    meta = nx.Graph()
    meta.add_nodes_from(range(len(keys)))
    weights: dict[tuple[int, int], int] = {}
    for u, v in h.edges():
        a, b = sorted((member[u], member[v]))
        if a != b:
            weights[(a, b)] = weights.get((a, b), 0) + 1
    meta.add_weighted_edges_from((a, b, w) for (a, b), w in sorted(weights.items()))
    start = nx.spring_layout(meta, seed=seed, iterations=200, weight="weight")
    centres = np.array([start[i] for i in range(len(keys))], dtype=float)
    return place(blocks, r, centres)


def _components(h: nx.Graph) -> list[list[str]]:
    return sorted((sorted(c) for c in nx.connected_components(h)), key=lambda c: (-len(c), c[0]))


def _extent(block: Mapping[str, Point], r: Mapping[str, float]) -> tuple[np.ndarray, float]:
    """The centre of a block's bounding box, and the radius of a circle round it all."""
    keys = sorted(block)
    xy = np.array([block[k] for k in keys], dtype=float)
    rr = np.array([r[k] for k in keys])
    centre = (np.min(xy - rr[:, None], axis=0) + np.max(xy + rr[:, None], axis=0)) / 2
    reach = float(np.max(np.sqrt(((xy - centre) ** 2).sum(axis=1)) + rr))
    return centre, reach


def place(
    blocks: Sequence[Mapping[str, Point]], r: Mapping[str, float], start: np.ndarray
) -> dict[str, Point]:
    """Blocks moved to ``start`` (any scale), spread so their circles just do not overlap."""
    extents = [_extent(b, r) for b in blocks]
    reach = np.array([e[1] for e in extents]) + EDGE / 2
    centres = start - start.mean(axis=0)
    spread = float(np.max(np.abs(centres))) if len(centres) > 1 else 0.0
    # start packed tight (the discs' total area in a circle), then push apart: no disc overlaps
    centres = centres / max(spread, 1e-9) * math.sqrt(float((reach**2).sum())) * 0.8
    centres = separate(centres, reach, gap=0.0, iterations=300)
    out: dict[str, Point] = {}
    for (centre, _), block, c in zip(extents, blocks, centres, strict=True):
        for k, (x, y) in block.items():
            out[k] = (x - centre[0] + c[0], y - centre[1] + c[1])
    return out


def pack(blocks: Sequence[Mapping[str, Point]], r: Mapping[str, float]) -> dict[str, Point]:
    """Blocks (largest first) placed one by one on a spiral out from the middle, each at the
    first place where its circle meets no other."""
    extents = [_extent(b, r) for b in blocks]
    placed: list[tuple[float, float, float]] = []
    out: dict[str, Point] = {}
    for (centre, reach), block in zip(extents, blocks, strict=True):
        reach += EDGE / 2
        x = y = 0.0
        if placed:
            step = max(reach / 4, 1.0)
            t = 0.0
            while True:
                a = t / max(reach, 1.0)
                x, y = t * math.cos(a), t * math.sin(a)
                if all(math.hypot(x - px, y - py) >= reach + pr for px, py, pr in placed):
                    break
                t += step
        placed.append((x, y, reach))
        for k, (bx, by) in block.items():
            out[k] = (bx - centre[0] + x, by - centre[1] + y)
    return out


def grid(
    nodes: Sequence[str], r: Mapping[str, float], *, origin: Point = (0.0, 0.0), width: float = 0.0
) -> dict[str, Point]:
    """Nodes in rows, left to right, a label's width apart (lone nodes: none is stacked)."""
    dx, dy = 4 * EDGE, EDGE
    cols = max(1, int(width // dx) + 1, math.ceil(math.sqrt(len(nodes) / 3)))
    x0, y0 = origin
    return {k: (x0 + (i % cols) * dx, y0 + (i // cols) * dy) for i, k in enumerate(nodes)}


# -- focus and path views ----------------------------------------------------------------------


def radial(h: nx.Graph, focus: str, r: Mapping[str, float]) -> dict[str, Point]:
    """``focus`` in the middle, everything ``d`` relations away on ring ``d``, each node near
    the angle of the nodes that lead to it; rings wide enough that no two nodes touch."""
    depth = nx.single_source_shortest_path_length(h, focus)
    rest = sorted(k for k in h if k not in depth)
    out: dict[str, Point] = {focus: (0.0, 0.0)}
    angle: dict[str, float] = {focus: 0.0}
    ring = 0.0
    last = max(depth.values(), default=0)
    for d in range(1, last + 1):
        layer = [k for k in sorted(depth) if depth[k] == d]

        def parent_angle(k: str, d: int = d) -> float:
            ups = [angle[p] for p in h[k] if depth.get(p) == d - 1]
            if not ups:
                return 0.0
            return math.atan2(
                sum(math.sin(a) for a in ups) / len(ups), sum(math.cos(a) for a in ups) / len(ups)
            ) % (2 * math.pi)

        layer.sort(key=lambda k: (parent_angle(k), h.nodes[k].get("label", ""), k))
        around = sum(2 * r[k] + GAP + 12 for k in layer)
        ring = max(ring + 2.2 * EDGE, around / (2 * math.pi))
        for i, k in enumerate(layer):
            a = 2 * math.pi * i / len(layer) - math.pi / 2
            angle[k] = a % (2 * math.pi)
            out[k] = (ring * math.cos(a), ring * math.sin(a))
    if rest:
        out.update(grid(rest, r, origin=(-ring, ring + 2 * EDGE), width=2 * ring))
    return out


def columns(h: nx.Graph, a: str, b: str, r: Mapping[str, float]) -> dict[str, Point]:
    """``a`` left, ``b`` right, the nodes between in a column per step from ``a``."""
    depth = nx.single_source_shortest_path_length(h, a)
    rest = sorted(k for k in h if k not in depth)
    by_col: dict[int, list[str]] = {}
    for k in sorted(depth):
        by_col.setdefault(depth[k], []).append(k)
    out: dict[str, Point] = {}
    for col, members in sorted(by_col.items()):
        members.sort(key=lambda k: (k != b, h.nodes[k].get("label", ""), k))
        step = max(2 * max(r[k] for k in members) + GAP, 1.4 * EDGE)
        top = -step * (len(members) - 1) / 2
        for i, k in enumerate(members):
            out[k] = (col * 4.0 * EDGE, top + i * step)
    if rest:
        out.update(grid(rest, r, origin=(0.0, max(y for _, y in out.values()) + 2 * EDGE)))
    return out


def compact(xy: np.ndarray, rr: np.ndarray, cell: float | None = None) -> np.ndarray:
    """``xy`` shrunk (never grown) towards its middle until its bounding box holds about
    ``cell`` x ``cell`` layout units per node: packed parts and clusters leave room between
    them, and a first view of the whole box would draw every shape a speck. The pass that
    follows (``separate``) pushes apart what comes to overlap."""
    n = len(xy)
    if n < 3:
        return xy
    cell = CELL if cell is None else cell
    lo = (xy - rr[:, None]).min(axis=0)
    hi = (xy + rr[:, None]).max(axis=0)
    area = float(np.prod(np.maximum(hi - lo, 1.0)))
    factor = min(1.0, math.sqrt(n * cell * cell / area))
    centre = (lo + hi) / 2
    out: np.ndarray = (xy - centre) * factor + centre
    return out


def landscape(xy: np.ndarray) -> np.ndarray:
    """``xy`` turned so its longest axis is horizontal (screens are wider than tall), with the
    sign of each axis fixed by the data, so the same input gives the same picture, and widened
    towards ASPECT."""
    if len(xy) < 3:
        return xy
    centred = xy - xy.mean(axis=0)
    _, vectors = np.linalg.eigh(np.cov(centred.T))
    turned: np.ndarray = centred @ vectors[:, ::-1]
    for axis in (0, 1):
        if float((turned[:, axis] ** 3).sum()) < 0:
            turned[:, axis] *= -1
    # and stretched towards the shape of a screen (stretching only moves nodes apart)
    width, height = np.ptp(turned, axis=0)
    if height > 0 and width / height < ASPECT:
        turned[:, 0] *= min(ASPECT * height / max(width, 1e-9), 1.8)
    return turned


# -- no overlaps -------------------------------------------------------------------------------


def separate(
    xy: np.ndarray,
    rr: np.ndarray,
    *,
    gap: float = GAP,
    iterations: int = 25,
    rounds: int = 60,
    grow: float = 1.1,
) -> np.ndarray:
    """Positions moved apart until no two circles (radii ``rr``) come closer than ``gap``: each
    overlapping pair moves away from each other along the line between them, half the overlap
    each, up to ``iterations`` times; where that leaves overlaps (a crowd round a hub only
    spreads from its edge, slowly), the whole layout grows by ``grow`` from its middle and the
    pushing goes on, up to ``rounds`` times. Deterministic (pairs in sorted order, coincident
    points separated along a direction given by their numbers).

    The pairs to test come from a k-d tree: the pairs of nodes within twice the 95th
    percentile radius, and each larger node (a hub) with the nodes within its own reach, so a
    few hubs do not make every node look as far as the largest radius."""
    xy = np.array(xy, dtype=float, copy=True)
    n = len(xy)
    if n < 2:
        return xy
    rr = np.asarray(rr, dtype=float)
    small = float(np.percentile(rr, 95))
    big = np.flatnonzero(rr > small)
    big_reach = 2 * float(rr.max()) + gap
    for round_ in range(rounds + 1):
        for _ in range(iterations):
            pairs = _near_pairs(xy, gap, small, big, big_reach)
            i, j = pairs[:, 0], pairs[:, 1]
            delta = xy[j] - xy[i]
            dist = np.sqrt((delta**2).sum(axis=1))
            need = rr[i] + rr[j] + gap
            bad = dist < need - 1e-6
            if not bad.any():
                return xy
            i, j, delta, dist, need = i[bad], j[bad], delta[bad], dist[bad], need[bad]
            angle = (i * 2.399963 + j) % (2 * math.pi)
            unit = np.where(
                dist[:, None] > 1e-9,
                delta / np.maximum(dist, 1e-9)[:, None],
                np.stack([np.cos(angle), np.sin(angle)], axis=1),
            )
            push = unit * ((need - dist) / 2 * 1.01)[:, None]
            for axis in (0, 1):  # bincount sums in order, like np.add.at but far faster
                xy[:, axis] += np.bincount(j, push[:, axis], n) - np.bincount(i, push[:, axis], n)
        if round_ < rounds:
            centre = (xy.min(axis=0) + xy.max(axis=0)) / 2
            xy = centre + (xy - centre) * grow
    return xy


def _near_pairs(
    xy: np.ndarray, gap: float, small: float, big: np.ndarray, big_reach: float
) -> np.ndarray:
    """The pairs ``(i, j)``, ``i < j``, sorted, that may overlap: within ``2 * small + gap`` of
    each other, or within ``big_reach`` of one of the ``big`` nodes."""
    n = len(xy)
    tree = cKDTree(xy)
    pairs = tree.query_pairs(2 * small + gap, output_type="ndarray").reshape(-1, 2)
    keys = pairs[:, 0].astype(np.int64) * n + pairs[:, 1]
    if len(big):
        near = cKDTree(xy[big]).sparse_distance_matrix(tree, big_reach, output_type="ndarray")
        a = big[near["i"]].astype(np.int64)
        b = near["j"].astype(np.int64)
        keep = a != b
        keys = np.concatenate([keys, (np.minimum(a, b) * n + np.maximum(a, b))[keep]])
    keys = np.sort(keys)  # one sort of integers: the same order every run
    if len(keys) > 1:
        keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])]
    out: np.ndarray = np.stack([keys // n, keys % n], axis=1)
    return out


def overlaps(pos: Mapping[str, Point], r: Mapping[str, float]) -> list[tuple[str, str]]:
    """The pairs of nodes whose circles overlap (for tests and checks)."""
    keys = sorted(pos)
    if len(keys) < 2:
        return []
    xy = np.array([pos[k] for k in keys], dtype=float)
    rr = np.array([r[k] for k in keys])
    out = []
    for i, j in cKDTree(xy).query_pairs(2 * float(rr.max())):
        if math.dist(xy[i], xy[j]) < rr[i] + rr[j]:
            out.append((keys[i], keys[j]) if keys[i] < keys[j] else (keys[j], keys[i]))
    return sorted(out)


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
