"""void.ttl: exact counts, partitions, and a distribution for every dump that exists."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from sgraph.export.void import DatasetOptions, void_triples
from sgraph.rdf.formats import GRAPH_FORMATS
from sgraph.store import GraphStore

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.fixture(scope="module")
def void(dist_dir: Path) -> ox.Store:
    store = ox.Store()
    store.load((dist_dir / "void.ttl").read_bytes(), format=ox.RdfFormat.TURTLE)
    return store


def _one(store: ox.Store, s: ox.NamedNode, p: str) -> str:
    values = [q.object.value for q in store.quads_for_pattern(s, ox.NamedNode(p), None)]
    assert len(values) == 1, (s, p, values)
    return values[0]


def test_triples_and_entities_are_exact(
    void: ox.Store, dist_dir: Path, graph_store: GraphStore
) -> None:
    ds = ox.NamedNode(graph_store.settings.base + "dataset")
    nt_lines = (dist_dir / "graph.nt").read_text(encoding="utf-8").count("\n")
    assert int(_one(void, ds, VOID + "triples")) == len(graph_store) == nt_lines
    assert int(_one(void, ds, VOID + "entities")) == len(graph_store.entities())
    assert _one(void, ds, VOID + "uriSpace") == graph_store.settings.base + "id/"
    assert _one(void, ds, VOID + "sparqlEndpoint") == graph_store.settings.base + "sparql"
    assert _one(void, ds, DCTERMS + "license") == "https://creativecommons.org/licenses/by/4.0/"
    for p in ("title", "description", "publisher", "modified"):
        _one(void, ds, DCTERMS + p)
    _one(void, ds, DCAT + "version")


def test_every_distribution_file_exists_with_its_size(void: ox.Store, dist_dir: Path) -> None:
    dists = [
        q.subject
        for q in void.quads_for_pattern(
            None, ox.NamedNode(RDF_TYPE), ox.NamedNode(DCAT + "Distribution")
        )
    ]
    assert len(dists) == 2 * len(GRAPH_FORMATS)
    media = set()
    for d in dists:
        assert isinstance(d, ox.NamedNode)
        url = _one(void, d, DCAT + "downloadURL")
        name = url.rsplit("/", 1)[-1]
        assert (dist_dir / name).is_file(), name
        assert int(_one(void, d, DCAT + "byteSize")) == (dist_dir / name).stat().st_size
        media.add(_one(void, d, DCAT + "mediaType"))
    assert "http://www.iana.org/assignments/media-types/text/turtle" in media
    assert "http://www.iana.org/assignments/media-types/application/ld+json" in media


def test_partitions_match_the_graph(void: ox.Store, graph_store: GraphStore) -> None:
    triples = graph_store.triples()
    by_property = Counter(t.predicate.value for t in triples)
    by_class = Counter(t.object.value for t in triples if t.predicate.value == RDF_TYPE)
    found_props = {}
    for q in void.quads_for_pattern(None, ox.NamedNode(VOID + "property"), None):
        assert (
            isinstance(q.subject, ox.NamedNode)
            and "/dataset/partition/property/" in q.subject.value
        )
        found_props[q.object.value] = int(_one(void, q.subject, VOID + "triples"))
    assert found_props == dict(by_property)
    found_classes = {}
    for q in void.quads_for_pattern(None, ox.NamedNode(VOID + "class"), None):
        assert isinstance(q.subject, ox.NamedNode)
        found_classes[q.object.value] = int(_one(void, q.subject, VOID + "entities"))
    assert found_classes == dict(by_class)
    vocabularies = {
        q.object.value
        for q in void.quads_for_pattern(None, ox.NamedNode(VOID + "vocabulary"), None)
    }
    assert {
        "http://purl.org/dc/terms/",
        "http://www.w3.org/ns/org#",
        "http://purl.org/spar/cito/",
    } <= vocabularies


def test_download_base_and_release_date_are_configurable(graph_store: GraphStore) -> None:
    options = DatasetOptions(download_base="https://example.org/files/", release_date="2030-01-02")
    triples = void_triples(graph_store, {"graph.nt": 10}, options)
    urls = {t.object.value for t in triples if t.predicate.value == DCAT + "downloadURL"}
    assert urls == {"https://example.org/files/graph.nt"}
    assert any(
        t.object.value == "2030-01-02" for t in triples if t.predicate.value == DCTERMS + "modified"
    )
    assert not any(
        isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples
    )
