"""Writing new entities into ``data/triples/`` in the curated files' own layout.

The layout (as the curated files have it): the ``@prefix`` lines the file uses, sorted by prefix;
a blank line; then one block per entity, sorted by IRI, separated by blank lines. A block is a
``# comment`` line naming the entity, the subject on its own line, then ``a`` and the other
predicates four spaces in, in a fixed order (labels, date, agents, links, ``schema:url``,
``dcterms:source``, ``rdfs:comment``), several objects sorted and joined with `` ,`` on new lines
indented eight spaces.

New blocks are inserted at their IRI-sorted place in the file of their kind; the existing text is
kept byte for byte, and prefix lines the new blocks need are added in sorted place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from sgraph.io import atomic_write_files
from sgraph.namespaces import DEFAULT_BASE, RDF_TYPE, all_prefixes
from sgraph.serialize import PrefixMap, turtle_term
from sgraph.terms import sort_key

#: The file each kind of new entity goes into.
FILE_OF_KIND = {
    "publication": "publications.ttl",
    "organisation": "organisations.ttl",
    "person": "people.ttl",
    "review": "reviews.ttl",
    "source": "sources.ttl",
}

#: Predicate order inside a block (prefixed names; anything else goes before dcterms:source).
PREDICATE_ORDER = [
    "a",
    "dcterms:title",
    "foaf:name",
    "skos:prefLabel",
    "skos:altLabel",
    "schema:honorificPrefix",
    "schema:honorificSuffix",
    "dcterms:issued",
    "sg:authoredBy",
    "sg:publishedBy",
    "sg:commissionedBy",
    "sg:undertakenBy",
    "sg:addressedTo",
    "sg:reportOf",
    "sg:respondsTo",
    "sg:cites",
    "sg:announces",
    "sg:concerns",
    "sg:reviewTopic",
    "sg:practiceTheme",
    "sg:analyses",
    "sg:informs",
    "sg:coversPeriod",
]
TAIL_ORDER = ["schema:url", "dcterms:source", "rdfs:comment"]

_PREFIX_LINE_RE = re.compile(r"^@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>\s*\.\s*$")
_SUBJECT_RE = re.compile(r"^(<[^>\s]+>|[A-Za-z][\w.-]*:\S*)\s*$")


def _predicate_rank(name: str) -> tuple[int, str]:
    if name in PREDICATE_ORDER:
        return (PREDICATE_ORDER.index(name), name)
    if name in TAIL_ORDER:
        return (1000 + TAIL_ORDER.index(name), name)
    return (500, name)


def render_block(subject: str, triples: Iterable[ox.Triple], comment: str, pm: PrefixMap) -> str:
    """One entity's block: ``# comment``, the subject, its predicates in the layout's order."""
    preds: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]] = {}
    for t in triples:
        name = "a" if t.predicate.value == RDF_TYPE else pm.shorten(t.predicate.value)
        obj = t.object
        assert not isinstance(obj, ox.Triple)
        preds.setdefault(name, []).append(obj)
    lines = []
    for name in sorted(preds, key=_predicate_rank):
        objs = sorted(set(preds[name]), key=sort_key)
        lines.append(f"    {name} " + " ,\n        ".join(turtle_term(o, pm) for o in objs))
    head = f"# {' '.join(comment.split())}\n" if comment else ""
    return head + pm.shorten(subject) + "\n" + " ;\n".join(lines) + " .\n"


def _split(text: str) -> tuple[list[str], list[str]]:
    """A file's header (every line up to its last ``@prefix`` line) and its blocks (each block's
    text without the blank line after it)."""
    # split at line feeds only: str.splitlines would also split inside a literal that holds a
    # form feed, U+2028 or NEL, which Turtle allows, and break the block apart
    lines = [line for line in re.split(r"(?<=\n)", text) if line]
    last = max((i for i, line in enumerate(lines) if _PREFIX_LINE_RE.match(line)), default=-1)
    header = lines[: last + 1]
    blocks: list[str] = []
    current: list[str] = []
    for line in lines[last + 1 :]:
        if not line.strip():
            if current:
                blocks.append("".join(current))
                current = []
            continue
        current.append(line if line.endswith("\n") else line + "\n")
    if current:
        blocks.append("".join(current))
    return header, blocks


def _add_prefix(header: list[str], pfx: str, ns: str) -> None:
    """Insert an ``@prefix`` line in sorted place among the header's prefix lines."""
    new = f"@prefix {pfx}: <{ns}> .\n"
    positions = [
        (i, m.group(1) or "") for i, line in enumerate(header) if (m := _PREFIX_LINE_RE.match(line))
    ]
    for i, name in positions:
        if name > pfx:
            header.insert(i, new)
            return
    header.insert(positions[-1][0] + 1 if positions else len(header), new)


def _block_subject(block: str, prefixes: dict[str, str]) -> str | None:
    for line in block.split("\n"):
        if line.startswith("#") or not line.strip():
            continue
        m = _SUBJECT_RE.match(line.strip())
        if not m:
            return None
        token = m.group(1)
        if token.startswith("<"):
            return token[1:-1]
        pfx, _, local = token.partition(":")
        return prefixes[pfx] + local.replace("\\", "") if pfx in prefixes else None
    return None


def insert_entities(text: str, entities: list[tuple[str, list[ox.Triple], str]]) -> str:
    """``text`` of a data file with blocks for ``entities`` (IRI, triples, comment) added in
    IRI-sorted place, and the prefixes they need. ``text`` may be empty (a new file)."""
    header, blocks = _split(text)
    declared: dict[str, str] = {}
    for line in header:
        m = _PREFIX_LINE_RE.match(line)
        if m:
            declared[m.group(1) or ""] = m.group(2)
    # shorten with the file's own prefixes first, then the project's
    pm = PrefixMap({**all_prefixes(DEFAULT_BASE), **declared})
    existing = [(_block_subject(b, declared) or "", b) for b in blocks]
    # Each new block goes before the first existing block whose subject sorts after it. That
    # place only moves forward as the new IRIs increase, so one merge pass finds them all.
    keyed: list[tuple[str, str]] = []
    pos = 0
    for iri, triples, comment in sorted(entities, key=lambda e: e[0]):
        while pos < len(existing) and existing[pos][0] <= iri:
            keyed.append(existing[pos])
            pos += 1
        keyed.append((iri, render_block(iri, triples, comment, pm)))
    keyed += existing[pos:]
    for pfx, ns in sorted(pm.used.items()):
        if pfx not in declared:
            declared[pfx] = ns
            _add_prefix(header, pfx, ns)
    return "".join(header) + "\n" + "\n".join(b for _, b in keyed)


def commit(files: dict[Path, str]) -> None:
    """Write every file (all or nothing: nothing is renamed until every one is written)."""
    atomic_write_files({path: text.encode("utf-8") for path, text in files.items()})
