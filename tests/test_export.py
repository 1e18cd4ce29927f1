"""Exports: every format re-read by an independent parser holds the graph's triples; deterministic."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from pyld import jsonld

from sgraph.config import Settings
from sgraph.export import export
from sgraph.rdf.formats import GRAPH_FORMATS
from sgraph.sources import SourceFile
from sgraph.store import GraphStore

#: Every dump but JSON-LD (read by pyld, offline, below), and the pyoxigraph format to read it.
OX_FORMATS = {f.filename: f.oxigraph for f in GRAPH_FORMATS.values() if f.name != "jsonld"}
STANDARD = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX cito: <http://purl.org/spar/cito/>
PREFIX bibo: <http://purl.org/ontology/bibo/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
"""


def offline_loader(context_file: Path | None = None) -> Any:
    """A pyld document loader that never touches the network (serves only our context file)."""

    def load(url: str, options: Any = None) -> dict[str, Any]:
        if context_file is not None and url.endswith("context.jsonld"):
            return {
                "contentType": "application/ld+json",
                "contextUrl": None,
                "documentUrl": url,
                "document": json.loads(context_file.read_text(encoding="utf-8")),
            }
        raise AssertionError(f"JSON-LD processing tried to fetch {url}")

    return load


def jsonld_triples(doc: Any, loader: Any) -> set[ox.Triple]:
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": loader})
    return {q.triple for q in ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)}


@pytest.mark.parametrize("name", sorted(OX_FORMATS))
def test_dump_reread_by_pyoxigraph_gives_the_graph(
    dist_dir: Path, graph_store: GraphStore, name: str
) -> None:
    quads = list(ox.parse((dist_dir / name).read_bytes(), format=OX_FORMATS[name]))
    assert {q.triple for q in quads} == set(graph_store.triples())
    assert len(graph_store.triples()) > 1000


@pytest.mark.parametrize("name", [f.filename for f in GRAPH_FORMATS.values() if f.datasets])
def test_dataset_formats_keep_one_named_graph_per_source_and_prov_in_default(
    dist_dir: Path, graph_store: GraphStore, name: str
) -> None:
    quads = set(ox.parse((dist_dir / name).read_bytes(), format=OX_FORMATS[name]))
    assert quads == set(graph_store.store)
    base = graph_store.settings.base
    named = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    expected = {f"{base}graph/{s.path.stem}" for s in graph_store.sources} | {
        f"{base}graph/materialised"
    }
    assert named == expected
    default = [q for q in quads if isinstance(q.graph_name, ox.DefaultGraph)]
    prov = "http://www.w3.org/ns/prov#"
    described = {
        q.subject.value
        for q in default
        if q.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
        and q.object.value == prov + "Entity"
    }
    assert described == expected
    # the flat formats hold the same PROV statements
    flat = {
        q.triple
        for q in ox.parse((dist_dir / "graph.ttl").read_bytes(), format=ox.RdfFormat.TURTLE)
    }
    assert {q.triple for q in default} <= flat


def test_jsonld_expands_offline_to_the_graph(dist_dir: Path, graph_store: GraphStore) -> None:
    doc = json.loads((dist_dir / "graph.jsonld").read_text(encoding="utf-8"))
    assert isinstance(doc["@context"], dict)  # inline: no fetch needed
    assert jsonld_triples(doc, offline_loader()) == set(graph_store.triples())


def test_jsonld_with_a_referenced_context_file(dist_dir: Path, graph_store: GraphStore) -> None:
    doc = json.loads((dist_dir / "graph.jsonld").read_text(encoding="utf-8"))
    doc["@context"] = "https://w3id.org/sgraph/context.jsonld"
    context_file = dist_dir / "context.jsonld"
    assert jsonld_triples(doc, offline_loader(context_file)) == set(graph_store.triples())


def test_jsonld_uses_readable_keys(dist_dir: Path) -> None:
    doc = json.loads((dist_dir / "graph.jsonld").read_text(encoding="utf-8"))
    ctx = doc["@context"]
    for key, iri in {
        "title": "dcterms:title",
        "issued": "dcterms:issued",
        "creator": "dcterms:creator",
        "publisher": "dcterms:publisher",
        "name": "foaf:name",
        "authoredBy": "sg:authoredBy",
    }.items():
        assert ctx[key]["@id"] == iri
    assert ctx["creator"]["@type"] == "@id"
    assert ctx["issued"]["@type"] == "xsd:date"
    prefixes = {k: v for k, v in ctx.items() if isinstance(v, str) and v.endswith(("/", "#"))}

    def expand(compact: str) -> str:
        pfx, _, rest = compact.partition(":")
        return prefixes[pfx] + rest if pfx in prefixes else compact

    ids = [expand(node["@id"]) for node in doc["@graph"]]
    assert ids == sorted(ids)
    assert any("title" in node for node in doc["@graph"])


@pytest.mark.parametrize("fmt", sorted(GRAPH_FORMATS))
def test_gzipped_copies_are_deterministic_and_match(dist_dir: Path, fmt: str) -> None:
    name = GRAPH_FORMATS[fmt].filename
    raw = (dist_dir / (name + ".gz")).read_bytes()
    assert gzip.decompress(raw) == (dist_dir / name).read_bytes()
    assert raw[4:8] == b"\x00\x00\x00\x00"  # mtime 0
    assert raw[3] & 0x08 == 0  # no file name stored


def test_graph_ttl_is_sgraph_export_turtle(dist_dir: Path, graph_store: GraphStore) -> None:
    assert (dist_dir / "graph.ttl").read_bytes() == export(graph_store, "turtle")
    text = (dist_dir / "graph.ttl").read_text(encoding="utf-8")
    assert text.splitlines()[2].startswith("@prefix ")
    assert "\nsgper:annie-hudson\n    a " in text


_PUBLISH = """
import sys
from pathlib import Path
from sgraph.config import Settings
from sgraph.export import publish_exports
from sgraph.sources import SourceFile
from sgraph.store import GraphStore
data = [Path(p) for p in sys.argv[2:]] or None
publish_exports(GraphStore.load(Settings(), data), Path(sys.argv[1]))
"""


def _publish(out: Path, seed: str, data: list[Path]) -> dict[str, bytes]:
    out.mkdir()
    env = {**os.environ, "PYTHONHASHSEED": seed}
    env.pop("SOURCE_DATE_EPOCH", None)
    env.pop("SGRAPH_RELEASE_DATE", None)
    cmd = [sys.executable, "-c", _PUBLISH, str(out), *map(str, data)]
    subprocess.run(cmd, check=True, env=env)
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_every_export_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    first = _publish(tmp_path / "a", "1", [])
    second = _publish(tmp_path / "b", "4242", [])
    assert set(first) >= {f.filename for f in GRAPH_FORMATS.values()} | {
        "void.ttl",
        "context.jsonld",
        "docs/index.html",
    }
    assert first == second


def test_blank_nodes_get_stable_labels(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "x.ttl").write_text(
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        '<https://w3id.org/sgraph/id/person/a> dcterms:relation [ dcterms:title "one" ] , [ dcterms:title "two" ] .\n',
        encoding="utf-8",
    )
    first = _publish(tmp_path / "a", "3", [data])
    second = _publish(tmp_path / "b", "99", [data])
    assert first == second
    assert b"_:" in first["graph.nt"]


def test_export_cli_writes_the_build_bytes(tmp_path: Path, dist_dir: Path) -> None:
    out = tmp_path / "g.nt"
    run = [sys.executable, "-m", "sgraph", "export", "--format", "ntriples", "--out", str(out)]
    subprocess.run(run, check=True, capture_output=True)
    assert out.read_bytes() == (dist_dir / "graph.nt").read_bytes()
    stdout = subprocess.run(
        [sys.executable, "-m", "sgraph", "export", "--format", "trig"],
        check=True,
        capture_output=True,
    ).stdout
    assert stdout == (dist_dir / "graph.trig").read_bytes()
    bad = subprocess.run(
        [sys.executable, "-m", "sgraph", "export", "--format", "csv"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "csv" in bad.stderr


def test_export_of_a_missing_data_folder_is_a_clear_error(tmp_path: Path) -> None:
    res = subprocess.run(
        [sys.executable, "-m", "sgraph", "export", "--data", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 2
    assert "no such file or folder" in res.stderr and res.stdout == ""


def _rows(store: ox.Store, query: str) -> list[dict[str, str]]:
    result = store.query(STANDARD + query)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]


def test_standard_vocabularies_answer_from_the_ntriples_dump(
    dist_dir: Path, graph_store: GraphStore, curated_sources: list[SourceFile]
) -> None:
    """Titles, dates, creators, publishers, chairs with dates, responses, legislation: no sg: terms."""
    store = ox.Store()
    store.load((dist_dir / "graph.nt").read_bytes(), format=ox.RdfFormat.N_TRIPLES)
    sg = graph_store.settings.base + "ontology#"

    pubs = _rows(
        store,
        "SELECT ?p ?title ?date ?creator WHERE { ?p a bibo:Document ; dcterms:title ?title ; "
        "dcterms:issued ?date ; dcterms:creator ?c . ?c foaf:name ?creator }",
    )
    curated = {
        (t.subject.value, t.object.value)
        for s in curated_sources
        for t in s.triples
        if t.predicate.value == sg + "authoredBy"
    }
    creators = {
        (q.subject.value, q.object.value)
        for q in store.quads_for_pattern(
            None, ox.NamedNode("http://purl.org/dc/terms/creator"), None
        )
    }
    assert curated and curated == creators
    assert len({r["p"] for r in pubs}) >= 5

    publishers = _rows(store, "SELECT ?p ?name WHERE { ?p dcterms:publisher/foaf:name ?name }")
    assert publishers

    chairs = _rows(
        store,
        "SELECT ?person ?org ?start WHERE { ?m a org:Membership ; org:member ?p ; org:organization ?o ; "
        "org:memberDuring/time:hasBeginning/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?start . "
        "?p org:headOf ?o ; foaf:name ?person . ?o foaf:name ?org }",
    )
    curated_chairs = {
        t.subject.value
        for s in curated_sources
        for t in s.triples
        if t.predicate.value == "http://www.w3.org/ns/org#role" and t.object.value == sg + "chair"
    }
    assert chairs and len(chairs) <= len(curated_chairs)

    responses = _rows(
        store,
        "SELECT ?r ?x ?title WHERE { ?r cito:repliesTo ?x ; dcterms:title ?title ; dcterms:issued ?d }",
    )
    curated_responses = {
        (t.subject.value, t.object.value)
        for s in curated_sources
        for t in s.triples
        if t.predicate.value == sg + "respondsTo"
    }
    assert curated_responses and {(r["r"], r["x"]) for r in responses} <= curated_responses

    laws = _rows(
        store,
        "SELECT DISTINCT ?law ?title WHERE { ?law a bibo:Legislation ; dcterms:title ?title . "
        "?doc dcterms:references|dcterms:subject|dcterms:relation ?law }",
    )
    assert any(r["law"].startswith("http://www.legislation.gov.uk/id/") for r in laws)
    prov = _rows(store, "SELECT ?g ?src WHERE { ?g a prov:Entity ; prov:wasDerivedFrom ?src }")
    assert prov


def test_base_option_changes_every_iri(tmp_path: Path) -> None:
    gs = GraphStore.load(Settings(base="https://example.org/kg/"))
    data = export(gs, "ntriples").decode("utf-8")
    assert "https://example.org/kg/id/" in data and "https://w3id.org/sgraph/id/" not in data
