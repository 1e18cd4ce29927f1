"""Materialisation: add the standard triples that consumers without a reasoner need.

Two steps, both deterministic:

1. the SPARQL CONSTRUCT rules in ``ontology/rules/*.rq`` (labels, dates, dated roles);
2. the closure of the ontology's ``rdfs:subClassOf`` and ``rdfs:subPropertyOf`` axioms: every
   instance gets the type of every superclass, every statement is repeated with every
   superproperty. This is what lets shapes on a superclass reach instances of its subclasses
   without running RDFS inference inside the validator.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from sgraph.errors import InputError
from sgraph.namespaces import RDF_TYPE, RDFS_SUBCLASSOF, RDFS_SUBPROPERTYOF, all_prefixes
from sgraph.sources import parse_vocabulary

_TYPE = ox.NamedNode(RDF_TYPE)


@dataclass(frozen=True)
class Ontology:
    """The ontology's triples and its class and property hierarchies (transitively closed)."""

    path: Path
    triples: list[ox.Triple]
    superclasses: dict[str, tuple[str, ...]]
    superproperties: dict[str, tuple[str, ...]]

    @property
    def iri(self) -> str | None:
        owl_ontology = "http://www.w3.org/2002/07/owl#Ontology"
        for t in self.triples:
            if (
                t.predicate.value == RDF_TYPE
                and isinstance(t.object, ox.NamedNode)
                and t.object.value == owl_ontology
                and isinstance(t.subject, ox.NamedNode)
            ):
                return t.subject.value
        return None


def _closure(edges: dict[str, set[str]]) -> dict[str, tuple[str, ...]]:
    result: dict[str, tuple[str, ...]] = {}
    for start in edges:
        seen: set[str] = set()
        stack = list(edges[start])
        while stack:
            node = stack.pop()
            if node in seen or node == start:
                continue
            seen.add(node)
            stack.extend(edges.get(node, ()))
        result[start] = tuple(sorted(seen))
    return result


def load_ontology(path: Path, base: str) -> Ontology:
    """The ontology of ``path`` under ``base`` (``sources.parse_vocabulary``)."""
    triples = parse_vocabulary(path, base)
    sub_c: dict[str, set[str]] = {}
    sub_p: dict[str, set[str]] = {}
    for t in triples:
        if not isinstance(t.object, ox.NamedNode) or not isinstance(t.subject, ox.NamedNode):
            continue
        if t.predicate.value == RDFS_SUBCLASSOF:
            sub_c.setdefault(t.subject.value, set()).add(t.object.value)
        elif t.predicate.value == RDFS_SUBPROPERTYOF:
            sub_p.setdefault(t.subject.value, set()).add(t.object.value)
    return Ontology(path, triples, _closure(sub_c), _closure(sub_p))


def rule_files(rules_dir: Path) -> list[Path]:
    return sorted(rules_dir.glob("*.rq")) if rules_dir.is_dir() else []


def apply_rules(store: ox.Store, rules: list[Path], base: str) -> list[IO[bytes]]:
    """Run each CONSTRUCT rule over the union of the store's graphs; each rule's triples go to a
    temporary N-Triples file (written by Oxigraph: no Python object per triple), rewound."""
    out: list[IO[bytes]] = []
    prefixes = all_prefixes(base)
    try:
        for rule in rules:
            text = rule.read_text(encoding="utf-8")
            try:
                result = store.query(text, prefixes=prefixes, use_default_graph_as_union=True)
            except SyntaxError as exc:
                raise InputError(
                    f"{rule}: SPARQL syntax error in materialisation rule: {exc}"
                ) from None
            assert isinstance(result, ox.QueryTriples)
            spill = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the caller
            out.append(spill)
            result.serialize(spill, ox.RdfFormat.N_TRIPLES)
            spill.seek(0)
    except BaseException:
        for f in out:
            f.close()
        raise
    return out


#: Rule triples checked against the store and added per bulk load (bounds Python objects).
RULE_BATCH = 200_000


def _add_new(store: ox.Store, spill: IO[bytes], graph: ox.NamedNode) -> None:
    """Add to ``graph`` the triples of ``spill`` that no graph of the store holds yet."""
    batch: list[ox.Quad] = []
    for t in ox.parse(spill, format=ox.RdfFormat.N_TRIPLES):
        if next(store.quads_for_pattern(t.subject, t.predicate, t.object, None), None) is None:
            batch.append(ox.Quad(t.subject, t.predicate, t.object, graph))
            if len(batch) >= RULE_BATCH:
                store.bulk_extend(batch)
                batch = []
    if batch:
        store.bulk_extend(batch)


def closure_update(ontology: Ontology, graph: ox.NamedNode) -> str:
    """A SPARQL update adding to ``graph`` the superclass types and superproperty statements.

    It reads every graph of the store (``GRAPH ?g``) and adds only triples that no graph holds
    yet (``MINUS``, a hash anti-join). The closure maps are transitive, so one pass suffices.
    Empty hierarchies give no operation.
    """

    def pairs(mapping: dict[str, tuple[str, ...]]) -> tuple[str, str]:
        rows = " ".join(
            f"(<{sub}> <{sup}>)" for sub, sups in sorted(mapping.items()) for sup in sups
        )
        tops = " ".join(sorted({f"<{sup}>" for sups in mapping.values() for sup in sups}))
        return rows, tops

    target = f"<{graph.value}>"
    ops: list[str] = []
    rows, tops = pairs(ontology.superclasses)
    if rows:
        ops.append(
            f"INSERT {{ GRAPH {target} {{ ?s <{RDF_TYPE}> ?sup }} }} WHERE {{\n"
            f"  {{ VALUES (?c ?sup) {{ {rows} }} GRAPH ?g {{ ?s <{RDF_TYPE}> ?c }} }}\n"
            f"  MINUS {{ VALUES ?sup {{ {tops} }} GRAPH ?h {{ ?s <{RDF_TYPE}> ?sup }} }}\n}}"
        )
    rows, tops = pairs(ontology.superproperties)
    if rows:
        ops.append(
            f"INSERT {{ GRAPH {target} {{ ?s ?sup ?o }} }} WHERE {{\n"
            f"  {{ VALUES (?p ?sup) {{ {rows} }} GRAPH ?g {{ ?s ?p ?o }} }}\n"
            f"  MINUS {{ VALUES ?sup {{ {tops} }} GRAPH ?h {{ ?s ?sup ?o }} }}\n}}"
        )
    return " ;\n".join(ops)


def closure_construct(update: str) -> list[str]:
    """The operations of ``closure_update`` as CONSTRUCT queries (the same triples)."""
    out = []
    for op in update.split(" ;\n") if update else []:
        head, _, where = op.partition("} } WHERE {")
        template = head.split("{", 2)[2]
        out.append(f"CONSTRUCT {{ {template} }} WHERE {{{where}")
    return out


def materialise(
    store: ox.Store,
    ontology: Ontology,
    rules: list[Path],
    base: str,
    graph: ox.NamedNode,
    *,
    bulk: bool = False,
) -> int:
    """Add to ``graph`` the standard triples the data in ``store`` implies; return how many.

    Only triples that no graph of the store holds yet are added. The work stays inside Oxigraph
    except for the rules' results, which are checked one by one against the store (read back
    from temporary files in batches of ``RULE_BATCH``, so memory does not grow with them).

    With ``bulk`` (for an on-disk store, where one SPARQL update of millions of inserts is one
    transaction held in memory), each closure operation is a CONSTRUCT whose results Oxigraph
    writes to a temporary N-Triples file, then bulk-loads: the same triples.
    """
    before = len(store)
    # The rules may read the ontology (e.g. a role's label): load it beside the data for them.
    onto_graph = ox.NamedNode(base + "graph/ontology")
    store.extend([ox.Quad(t.subject, t.predicate, t.object, onto_graph) for t in ontology.triples])
    try:
        from_rules = apply_rules(store, rules, base)  # every rule sees the data alone
    finally:
        store.remove_graph(onto_graph)
    # Streamed back in batches: a triple another rule added already is found in ``graph`` and
    # skipped, which gives the same graph as checking the union of the rules' results at once.
    for spill in from_rules:
        with spill:
            _add_new(store, spill, graph)
    update = closure_update(ontology, graph)
    if update and not bulk:
        store.update(update)
    elif update:
        # Every CONSTRUCT is read to the end before anything is added: its MINUS must not see
        # the closure's own triples (it would not change the result, but reads a moving store).
        for query in closure_construct(update):
            result = store.query(query, use_default_graph_as_union=False)
            assert isinstance(result, ox.QueryTriples)
            with tempfile.TemporaryFile() as spill:
                result.serialize(spill, ox.RdfFormat.N_TRIPLES)
                spill.seek(0)
                store.bulk_load(spill, ox.RdfFormat.N_TRIPLES, to_graph=graph)
    return len(store) - before
