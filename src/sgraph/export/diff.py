"""``sgraph diff OLD NEW``: the statements added and removed between two builds, by entity.

OLD and NEW are build folders (their ``graph.nt``, else ``graph.ttl``) or RDF files (Turtle,
N-Triples, N-Quads, TriG, RDF/XML, JSON-LD by suffix, optionally ``.gz``). Graphs without blank
nodes (ours) are compared as sets of triples; with blank nodes, both are first canonicalised so
that relabelled blank nodes do not show up as changes.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from sgraph.errors import DataSyntaxError, InputError
from sgraph.rdf.formats import GRAPH_FORMATS, by_suffix
from sgraph.serialize import PrefixMap, canonical_triples, turtle_term
from sgraph.terms import sort_key


def graph_file(path: Path) -> Path:
    """The graph file to compare: ``path`` itself, or a build folder's dump."""
    path = Path(path)
    if path.is_dir():
        for name in ("graph.nt", "graph.ttl", "graph.nq", "graph.trig"):
            if (path / name).is_file():
                return path / name
        raise InputError(
            f"{path}: no graph.nt or graph.ttl in this folder",
            hint="give a folder written by `sgraph build`, or a graph file",
        )
    if not path.is_file():
        raise InputError(f"{path}: no such file or folder")
    return path


def read_triples(path: Path) -> set[ox.Triple]:
    path = graph_file(path)
    name = path.name[:-3] if path.name.endswith(".gz") else path.name
    found = by_suffix(Path(name).suffix)
    if found is None:
        suffixes = [s for f in GRAPH_FORMATS.values() for s in f.suffixes]
        raise InputError(
            f"{path}: unknown RDF file type",
            hint="use " + ", ".join(suffixes) + " (optionally .gz)",
        )
    fmt = found.oxigraph
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    try:
        triples = [q.triple for q in ox.parse(data, format=fmt, base_iri=path.resolve().as_uri())]
    except SyntaxError as exc:
        raise DataSyntaxError(
            f"cannot parse: {exc.msg}", path=path, line=exc.lineno, column=exc.offset
        ) from None
    return set(canonical_triples(triples))


@dataclass
class EntityChanges:
    subject: ox.NamedNode | ox.BlankNode
    added: list[ox.Triple] = field(default_factory=list)
    removed: list[ox.Triple] = field(default_factory=list)


@dataclass
class GraphDiff:
    old: Path
    new: Path
    old_count: int
    new_count: int
    entities: list[EntityChanges]

    @property
    def added(self) -> int:
        return sum(len(e.added) for e in self.entities)

    @property
    def removed(self) -> int:
        return sum(len(e.removed) for e in self.entities)

    def to_text(self, prefixes: dict[str, str]) -> str:
        pm = PrefixMap(prefixes)
        lines = [
            f"Changes from {self.old} ({self.old_count} triples) to {self.new} ({self.new_count} triples):",
            f"  {self.added} added, {self.removed} removed, about {len(self.entities)} entities",
        ]
        for e in self.entities:
            lines.append("")
            lines.append(turtle_term(e.subject, pm))
            for sign, triples in (("-", e.removed), ("+", e.added)):
                lines.extend(
                    f"  {sign} {turtle_term(t.predicate, pm)} {turtle_term(t.object, pm)}"
                    for t in triples
                )
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": str(self.old),
            "new": str(self.new),
            "old_triples": self.old_count,
            "new_triples": self.new_count,
            "added": self.added,
            "removed": self.removed,
            "entities": [
                {
                    "subject": e.subject.value,
                    "added": [[str(t.predicate), str(t.object)] for t in e.added],
                    "removed": [[str(t.predicate), str(t.object)] for t in e.removed],
                }
                for e in self.entities
            ],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


def diff_graphs(old: Path, new: Path) -> GraphDiff:
    """The statements in NEW but not OLD (added) and in OLD but not NEW (removed), by subject."""
    a, b = read_triples(old), read_triples(new)
    by_subject: dict[ox.NamedNode | ox.BlankNode, EntityChanges] = {}
    for t in (*a, *b):
        if isinstance(t.subject, ox.Triple):
            raise InputError("RDF-star quoted triples as subjects are not supported by sgraph diff")
    for t in b - a:
        assert not isinstance(t.subject, ox.Triple)
        by_subject.setdefault(t.subject, EntityChanges(t.subject)).added.append(t)
    for t in a - b:
        assert not isinstance(t.subject, ox.Triple)
        by_subject.setdefault(t.subject, EntityChanges(t.subject)).removed.append(t)

    def key(t: ox.Triple) -> tuple[tuple[int, str, str, str], ...]:
        return (sort_key(t.predicate), sort_key(t.object))

    entities = [by_subject[s] for s in sorted(by_subject, key=sort_key)]
    for e in entities:
        e.added.sort(key=key)
        e.removed.sort(key=key)
    return GraphDiff(Path(old), Path(new), len(a), len(b), entities)
