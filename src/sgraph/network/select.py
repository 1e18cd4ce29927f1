"""Choosing part of a projected network: entity look-up, focus and depth, filters, paths."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

from sgraph.errors import AmbiguousEntityError, InputError, UnknownEntityError
from sgraph.network.analytics import undirected
from sgraph.network.layout import VIEW_KEY, mark_view

#: How many shortest paths ``--path`` draws at most.
MAX_PATHS = 25


def resolve_entity(g: nx.MultiDiGraph, text: str, prefixes: Mapping[str, str] | None = None) -> str:
    """The node of ``g`` named by an IRI, a prefixed name, or a case-insensitive label part.

    A label part that matches several entities raises AmbiguousEntityError listing them, unless
    exactly one of them has that label in full.
    """
    text = text.strip()
    if not text:
        raise UnknownEntityError(
            "an empty entity name", hint="give an IRI, a prefixed name or a label"
        )
    candidate = text[1:-1] if text.startswith("<") and text.endswith(">") else text
    if candidate in g:
        return candidate
    if prefixes and ":" in candidate and "://" not in candidate:
        pfx, _, local = candidate.partition(":")
        if pfx in prefixes:
            iri = prefixes[pfx] + local
            if iri in g:
                return iri
            raise UnknownEntityError(
                f"no entity {text} (<{iri}>) in the network",
                hint="check the name, or give part of the entity's label instead",
            )
    needle = candidate.casefold()
    matches: list[str] = []
    exact: list[str] = []
    for node, data in sorted(g.nodes(data=True)):
        names = [str(data.get("label", "")), *data.get("alt_labels", [])]
        folded = [name.casefold() for name in names]
        if any(needle in name for name in folded):
            matches.append(node)
            if needle in folded:
                exact.append(node)
    if len(matches) == 1:
        return matches[0]
    if len(exact) == 1:
        return exact[0]
    if not matches:
        raise UnknownEntityError(
            f"no entity matches {text!r}",
            hint="give an IRI, a prefixed name (e.g. sgper:annie-hudson) or part of a label",
        )
    raise AmbiguousEntityError(text, [f"{g.nodes[m].get('label', m)} <{m}>" for m in matches])


@dataclass(frozen=True)
class Selection:
    """What to draw: filters first, then a neighbourhood or a path. Empty means everything."""

    focus: str | None = None
    depth: int = 1
    types: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    path: tuple[str, str] | None = None


def _match_names(wanted: Iterable[str], known: Mapping[str, set[str]], what: str) -> set[str]:
    """Map user-given names (case-insensitive) onto canonical keys of ``known``."""
    lookup: dict[str, str] = {}
    for key, aliases in known.items():
        for alias in (key, *aliases):
            lookup[alias.casefold().replace(" ", "")] = key
    out: set[str] = set()
    for name in wanted:
        found = lookup.get(name.strip().casefold().replace(" ", ""))
        if found is None:
            raise InputError(
                f"unknown {what} {name!r}",
                hint=f"choose from: {', '.join(sorted(known))}",
            )
        out.add(found)
    return out


def filter_graph(
    g: nx.MultiDiGraph,
    *,
    types: Iterable[str] = (),
    relations: Iterable[str] = (),
    year_from: int | None = None,
    year_to: int | None = None,
) -> nx.MultiDiGraph:
    """Keep nodes of the given types or groups, edges of the given relations, dated nodes
    in the year range (undated nodes stay)."""
    types, relations = list(types), list(relations)
    keep_nodes = set(g.nodes)
    if types:
        known: dict[str, set[str]] = {}
        for _, d in g.nodes(data=True):
            known.setdefault(str(d.get("type")), set()).add(str(d.get("type_label")))
            known.setdefault(str(d.get("group")), set())
        wanted = _match_names(types, known, "type")
        keep_nodes = {
            n
            for n, d in g.nodes(data=True)
            if d.get("group") in wanted or wanted & set(d.get("types", [d.get("type")]))
        }
    if year_from is not None or year_to is not None:
        lo = year_from if year_from is not None else -10_000
        hi = year_to if year_to is not None else 10_000
        keep_nodes = {n for n in keep_nodes if _overlaps(g.nodes[n], lo, hi)}
    h = g.subgraph(keep_nodes).copy()
    if relations:
        known_rel: dict[str, set[str]] = {}
        for _, _, d in g.edges(data=True):
            known_rel.setdefault(str(d["relation"]), set()).add(str(d["relation_label"]))
        wanted_rel = _match_names(relations, known_rel, "relation")
        drop = [
            (u, v, k)
            for u, v, k, d in h.edges(keys=True, data=True)
            if d["relation"] not in wanted_rel
        ]
        h.remove_edges_from(drop)
    return h


def _overlaps(data: Mapping[str, object], lo: int, hi: int) -> bool:
    start = data.get("year")
    end = data.get("end_year")
    if not isinstance(start, int):
        return True
    last = end if isinstance(end, int) else start
    return start <= hi and last >= lo


def neighbourhood(g: nx.MultiDiGraph, focus: str, depth: int) -> nx.MultiDiGraph:
    """``focus`` and everything within ``depth`` relations of it, in either direction."""
    if depth < 0:
        raise InputError(f"depth must be 0 or more, not {depth}")
    lengths = nx.single_source_shortest_path_length(undirected(g), focus, cutoff=depth)
    return g.subgraph(lengths).copy()


def shortest_paths(g: nx.MultiDiGraph, a: str, b: str) -> nx.MultiDiGraph:
    """The shortest connections between ``a`` and ``b`` (in either direction), with their edges."""
    h = undirected(g)
    try:
        paths = []
        for p in nx.all_shortest_paths(h, a, b):
            paths.append(p)
            if len(paths) >= MAX_PATHS:
                break
    except nx.NetworkXNoPath:
        raise InputError(
            f"no connection between {g.nodes[a].get('label', a)!r} and {g.nodes[b].get('label', b)!r}",
            hint="widen the filters (--types, --relations, --from/--to) or pick other entities",
        ) from None
    pairs = {frozenset(pair) for p in paths for pair in itertools.pairwise(p)}
    nodes = {n for p in paths for n in p}
    out = nx.MultiDiGraph(**g.graph)
    out.add_nodes_from((n, g.nodes[n]) for n in sorted(nodes))
    for u, v, k, d in g.edges(keys=True, data=True):
        if frozenset((u, v)) in pairs:
            out.add_edge(u, v, key=k, **d)
    return out


def select(
    g: nx.MultiDiGraph, selection: Selection, prefixes: Mapping[str, str] | None = None
) -> nx.MultiDiGraph:
    """Apply ``selection`` to ``g``: filters, then path or focus neighbourhood."""
    h = filter_graph(
        g,
        types=selection.types,
        relations=selection.relations,
        year_from=selection.year_from,
        year_to=selection.year_to,
    )
    if selection.path is not None:
        a = resolve_entity(g, selection.path[0], prefixes)
        b = resolve_entity(g, selection.path[1], prefixes)
        for end in (a, b):
            if end not in h:
                raise InputError(
                    f"{g.nodes[end].get('label', end)!r} is filtered out",
                    hint="drop the --types or --from/--to filter that hides it",
                )
        h = mark_view(shortest_paths(h, a, b), "path", a, b)
    if selection.focus is not None:
        f = resolve_entity(g, selection.focus, prefixes)
        if f not in h:
            raise InputError(
                f"{g.nodes[f].get('label', f)!r} is filtered out",
                hint="drop the --types or --from/--to filter that hides it",
            )
        h = mark_view(neighbourhood(h, f, selection.depth), "focus", f)
    view = h.graph.get(VIEW_KEY)
    h.graph.update(g.graph)
    if view is None:
        h.graph.pop(VIEW_KEY, None)
    else:
        h.graph[VIEW_KEY] = view
    return h
