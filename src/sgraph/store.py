"""The graph in an embedded Oxigraph store: curated sources, materialised triples, provenance.

Layout of the dataset (one named graph per source file, see docs/model.md):

* ``{base}graph/{file stem}``  the triples of one data file;
* ``{base}graph/materialised`` the standard triples the build adds (``sgraph.materialise``);
* the default graph            PROV descriptions of those named graphs.

Queries see the union of all of them as their default graph.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib

from sgraph.config import Settings
from sgraph.literals import WrittenLiterals, WrittenRecorder
from sgraph.materialise import Ontology, load_ontology, materialise, rule_files
from sgraph.namespaces import RDF_TYPE, STANDARD_PREFIXES, all_prefixes
from sgraph.serialize import paused_gc
from sgraph.sources import (
    LiteralProblem,
    Location,
    SourceFile,
    literal_problems,
    locate,
    parse_file,
    raise_literal_problems,
    source_files,
)
from sgraph.terms import sort_key, triples_to_rdflib

_P = STANDARD_PREFIXES


def _iri(ns: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(_P[ns] + local)


@dataclass
class GraphStore:
    """The loaded, materialised graph and where each part came from."""

    store: ox.Store
    settings: Settings
    ontology: Ontology
    sources: list[SourceFile] = field(default_factory=list)
    #: the data's literals that the store keeps in another form (``"5"^^xsd:byte`` as
    #: ``xsd:integer``), as written: read by validation and ``to_rdflib``
    written: WrittenLiterals = field(default_factory=WrittenLiterals)
    #: the folder of the on-disk pyoxigraph store holding these quads, when there is one: a
    #: large build's store (``load(store_path=...)``) or a persisted store (``sgraph.persist``),
    #: which the server's query workers can open read-only instead of each copying the graph
    disk_path: Path | None = None

    # -- construction -------------------------------------------------------------------
    @classmethod
    def load(
        cls,
        settings: Settings | None = None,
        data: list[Path] | None = None,
        *,
        include: bool = True,
        store_path: Path | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> GraphStore:
        """Read ``data`` (default: the settings' data folder) and, unless ``include`` is false,
        the graphs the data folder's project includes; materialise, describe provenance.

        Files are parsed and loaded one at a time (a file's Python triples are dropped once it
        is in the store), into a new in-memory store, or with ``store_path`` (a new or empty
        folder) an on-disk store there, filled with bulk loads only: memory stays bounded at
        tens of millions of triples. ``progress`` hears each file.
        """
        with paused_gc():  # millions of short-lived terms, no cycles: see serialize.paused_gc
            return cls._load(settings or Settings(), data, include, store_path, progress)

    @classmethod
    def _load(
        cls,
        settings: Settings,
        data: list[Path] | None,
        include: bool,
        store_path: Path | None,
        progress: Callable[[str], None] | None,
    ) -> GraphStore:
        files = source_files(
            data if data is not None else [settings.data_dir],
            settings.included if include else (),
        )
        ontology = load_ontology(settings.ontology_file, settings.base)
        store = ox.Store() if store_path is None else ox.Store(str(store_path))
        sources: list[SourceFile] = []
        problems: list[LiteralProblem] = []
        verdicts: dict[tuple[str, str], str | None] = {}
        recorder = WrittenRecorder()
        pages: dict[str, list[ox.NamedNode]] = {}
        source = _iri("dcterms", "source")
        for i, (path, prefix) in enumerate(files, start=1):
            src = parse_file(path, settings.base, prefix)
            sources.append(src)
            problems += literal_problems(src, verdicts)
            if problems:  # keep reading, to report every file's problems; load nothing more
                src.triples = []
                continue
            recorder.add(src.graph, src.triples)
            found = {
                t.object
                for t in src.triples
                if t.predicate == source and isinstance(t.object, ox.NamedNode)
            }
            pages[src.graph.value] = sorted(found, key=sort_key)
            store.bulk_extend(
                ox.Quad(t.subject, t.predicate, t.object, src.graph) for t in src.triples
            )
            src.triples = []  # in the store now; a million Python triples is ~0.4 GB
            if progress is not None and len(files) > 1:
                progress(f"  loaded {i}/{len(files)} files ({path.name})")
        raise_literal_problems(problems)
        written = recorder.finish(store, [src.graph for src in sources])
        mat_graph = ox.NamedNode(settings.base + "graph/materialised")
        rules = rule_files(settings.rules_dir)
        materialise(store, ontology, rules, settings.base, mat_graph, bulk=store_path is not None)
        gs = cls(
            store=store,
            settings=settings,
            ontology=ontology,
            sources=sources,
            written=written,
            disk_path=store_path,
        )
        store.extend(
            [
                ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                for t in gs._provenance(mat_graph, pages)
            ]
        )
        return gs

    def _provenance(
        self, mat_graph: ox.NamedNode, pages: dict[str, list[ox.NamedNode]]
    ) -> list[ox.Triple]:
        """PROV of each data file's graph (``pages``: the pages it cites, sorted) and of the
        materialised graph."""
        a = ox.NamedNode(RDF_TYPE)
        entity = _iri("prov", "Entity")
        derived = _iri("prov", "wasDerivedFrom")
        label = _iri("rdfs", "label")
        out: list[ox.Triple] = []
        for src in self.sources:
            g = src.graph
            out.append(ox.Triple(g, a, entity))
            out.append(
                ox.Triple(g, label, ox.Literal(f"Curated data file {src.path.name}", language="en"))
            )
            out.extend(ox.Triple(g, derived, page) for page in pages.get(g.value, []))
        out.append(ox.Triple(mat_graph, a, entity))
        out.append(
            ox.Triple(
                mat_graph,
                label,
                ox.Literal("Standard triples materialised by sgraph build", language="en"),
            )
        )
        out.extend(ox.Triple(mat_graph, derived, src.graph) for src in self.sources)
        out.append(
            ox.Triple(
                mat_graph,
                derived,
                ox.NamedNode(self.ontology.iri or self.settings.base + "ontology"),
            )
        )
        return out

    # -- reading ------------------------------------------------------------------------
    @property
    def prefixes(self) -> dict[str, str]:
        return all_prefixes(self.settings.base)

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad, sorted by graph then subject, predicate, object."""
        return iter(sorted(self.store, key=_quad_key))

    def triples(self) -> list[ox.Triple]:
        """The published graph as one set of triples (graphs merged), sorted."""
        return sorted({q.triple for q in self.store}, key=_triple_key)

    def __len__(self) -> int:
        """Distinct triples of the union of the graphs (counted inside Oxigraph)."""
        result = self.store.query(
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
            use_default_graph_as_union=True,
        )
        assert isinstance(result, ox.QuerySolutions)
        n = next(iter(result))["n"]
        assert isinstance(n, ox.Literal)
        return int(n.value)

    def to_rdflib(self, *, with_ontology: bool = False) -> rdflib.Graph:
        g = rdflib.Graph()
        for pfx, ns in self.prefixes.items():
            g.bind(pfx, ns, override=True)
        triples_to_rdflib(self.written.restore({q.triple for q in self.store}), g)
        if with_ontology:
            triples_to_rdflib(self.ontology.triples, g)
        return g

    def locate(self, iri: str) -> Location | None:
        return locate(self.sources, iri)

    def class_counts(self, namespace: str | None = None) -> Counter[str]:
        """Instances per class (by ``rdf:type``, including materialised superclasses)."""
        ns = namespace if namespace is not None else self.settings.base + "ontology#"
        result = self.store.query(
            f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s <{RDF_TYPE}> ?c "
            f"FILTER(isIRI(?c) && STRSTARTS(STR(?c), {ox.Literal(ns)})) }} GROUP BY ?c",
            use_default_graph_as_union=True,
        )
        assert isinstance(result, ox.QuerySolutions)
        counts: Counter[str] = Counter()
        for row in result:
            c, n = row["c"], row["n"]
            assert isinstance(c, ox.NamedNode) and isinstance(n, ox.Literal)
            counts[c.value] = int(n.value)
        return counts

    def entities(self) -> set[str]:
        """IRIs of the entities under the project's ``id/`` space."""
        prefix = self.settings.base + "id/"
        return {
            q.subject.value
            for q in self.store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None, None)
            if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(prefix)
        }


def _triple_key(t: ox.Triple) -> tuple[tuple[int, str, str, str], ...]:
    return (sort_key(t.subject), sort_key(t.predicate), sort_key(t.object))


def _quad_key(q: ox.Quad) -> tuple[tuple[int, str, str, str], ...]:
    return (sort_key(q.graph_name), sort_key(q.subject), sort_key(q.predicate), sort_key(q.object))
