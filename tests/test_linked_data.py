"""Dereferenceable IRIs on a real ``sgraph serve``: content negotiation, headers, dumps, escaping."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from markupsafe import escape  # what the templates escape with
from pyld import jsonld

from servers import running_server
from sgraph.config import Settings
from sgraph.export.entity_page import Names, PageLinks, entity_html, entity_view
from sgraph.rdf.formats import GRAPH_FORMATS, TRIPLE_FORMATS, GraphFormat
from sgraph.server.config import ServerConfig
from sgraph.server.files import make_files
from sgraph.server.linked_data import LinkedData
from sgraph.store import GraphStore

ENTITY = "/id/person/annie-hudson"
PANEL = "https://w3id.org/sgraph/id/organisation/child-safeguarding-practice-review-panel"
PAYLOAD = '"><script>alert("owned")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def server(dist_dir: Path) -> Iterator[str]:
    with running_server("--workers", "1", "--dist", str(dist_dir)) as url:
        yield url


def _parse(body: bytes, fmt: GraphFormat) -> set[ox.Triple]:
    if fmt.name == "jsonld":  # read by an independent processor, offline

        def no_fetch(url: str, options: Any = None) -> Any:
            raise AssertionError(f"tried to fetch {url}")

        nq = jsonld.to_rdf(
            json.loads(body), {"format": "application/n-quads", "documentLoader": no_fetch}
        )
        return {q.triple for q in ox.parse(nq.encode(), format=ox.RdfFormat.N_QUADS)}
    return {q.triple for q in ox.parse(body, format=fmt.oxigraph)}


@pytest.mark.parametrize("fmt", TRIPLE_FORMATS.values(), ids=list(TRIPLE_FORMATS))
def test_every_format_gives_the_same_description(
    server: str, graph_store: GraphStore, fmt: GraphFormat
) -> None:
    iri = ox.NamedNode(graph_store.settings.base + ENTITY[1:])
    expected = {q.triple for q in graph_store.store.quads_for_pattern(iri, None, None, None)} | {
        q.triple for q in graph_store.store.quads_for_pattern(None, None, iri, None)
    }
    assert len(expected) > 10
    for media in fmt.media_types:  # every media type of the format, labelled with the first
        r = httpx.get(server + ENTITY, headers={"Accept": media})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].split(";")[0] == fmt.media_type
        assert r.headers["vary"] == "Accept"
        assert _parse(r.content, fmt) == expected, media
        by_suffix = httpx.get(server + ENTITY + fmt.suffix)
        assert by_suffix.status_code == 200 and by_suffix.content == r.content
        assert r.headers["content-location"] == ENTITY + fmt.suffix


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/turtle;q=0.5, application/n-triples;q=0.9", "application/n-triples"),
        ("application/rdf+xml, text/html;q=0.1", "application/rdf+xml"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("*/*", "text/html"),
        (None, "text/html"),
    ],
)
def test_accept_q_values(server: str, accept: str | None, expected: str) -> None:
    r = httpx.get(server + ENTITY, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == expected


def test_link_headers_and_html_page(server: str) -> None:
    r = httpx.get(server + ENTITY, headers={"Accept": "text/html"})
    link = r.headers["link"]
    assert f'<{ENTITY}.ttl>; rel="alternate"; type="text/turtle"' in link
    assert f'<{ENTITY}.ttl>; rel="describedby"' in link
    assert 'rel="http://rdfs.org/ns/void#inDataset"' in link
    html = r.text
    assert "<h1>Annie Hudson</h1>" in html
    assert 'href="/id/organisation/child-safeguarding-practice-review-panel"' in html
    for section in ("Statements", "Linked from", "Sources", "Neighbourhood"):
        assert f"<h2>{section}</h2>" in html
    assert "<svg" in html and "<script" not in html


def test_unknown_iri_is_404_with_the_error_shape(server: str) -> None:
    cases = {
        "/id/person/nobody-at-all": "UnknownEntityError",
        "/id/person/nobody-at-all.ttl": "UnknownEntityError",
        "/dumps/secrets.txt": "NotFoundError",
    }
    for path, error in cases.items():
        r = httpx.get(server + path)
        assert r.status_code == 404
        body = r.json()
        assert body["status"] == 404 and body["error"] == error
    assert httpx.get(server + ENTITY, headers={"Accept": "image/png"}).status_code == 406


def test_base_path_and_ontology(server: str) -> None:
    assert httpx.get(server + "/sgraph" + ENTITY + ".nt").status_code == 200
    onto = httpx.get(server + "/ontology", headers={"Accept": "text/turtle"})
    assert onto.status_code == 200
    triples = {q.triple for q in ox.parse(onto.content, format=ox.RdfFormat.TURTLE)}
    assert any(t.subject.value.endswith("ontology#Publication") for t in triples)
    page = httpx.get(server + "/ontology", headers={"Accept": "text/html"})
    assert "Publication" in page.text and page.headers["content-type"].startswith("text/html")


def test_dumps_and_void_at_stable_paths(
    server: str, dist_dir: Path, graph_store: GraphStore, tmp_path: Path
) -> None:
    for fmt in GRAPH_FORMATS.values():
        for name in (fmt.filename, fmt.filename + ".gz"):
            r = httpx.get(f"{server}/dumps/{name}")
            assert r.status_code == 200 and r.content == (dist_dir / name).read_bytes(), name
    assert httpx.get(server + "/void.ttl").content == (dist_dir / "void.ttl").read_bytes()
    assert (
        httpx.get(server + "/context.jsonld").content == (dist_dir / "context.jsonld").read_bytes()
    )
    # without a build folder the same bytes are made once, on disk
    made = tmp_path / "made"
    make_files(graph_store, made)
    for name in ("graph.nt", "graph.jsonld.gz", "void.ttl", "context.jsonld"):
        assert (made / name).read_bytes() == (dist_dir / name).read_bytes(), name


@pytest.fixture
def payload_store(tmp_path: Path) -> GraphStore:
    data = tmp_path / "data"
    data.mkdir()
    (data / "evil.ttl").write_text(
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "@prefix sg: <https://w3id.org/sgraph/ontology#> .\n"
        f"<https://w3id.org/sgraph/id/publication/evil> a sg:Publication ;\n"
        f"    dcterms:title {json.dumps(PAYLOAD)}@en ;\n"
        f"    dcterms:description {json.dumps(PAYLOAD)} ;\n"
        "    dcterms:source <https://example.org/a'onmouseover='alert(2)> ;\n"
        f"    sg:cites <https://w3id.org/sgraph/id/publication/other> .\n"
        f"<https://w3id.org/sgraph/id/publication/other> a sg:Publication ;\n"
        f"    dcterms:title {json.dumps(PAYLOAD + ' 2')}@en .\n",
        encoding="utf-8",
    )
    return GraphStore.load(Settings(data_dir=data))


def test_data_is_escaped_in_the_html(payload_store: GraphStore, browser: Any) -> None:
    ld = LinkedData(payload_store, ServerConfig())
    iri = "https://w3id.org/sgraph/id/publication/evil"
    out, inc = ld.describe_quads(iri)
    view = entity_view(
        iri,
        out,
        inc,
        Names(ld.label, payload_store.prefixes),
        PageLinks(payload_store.settings.base, []),
        derived_graph=ld.derived_graph,
        supers=ld.supers(),
    )
    html = entity_html(view)
    assert "<script>" not in html and "<img" not in html
    assert escape(PAYLOAD) in html
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.set_content(html)
    page.hover("text=example.org")
    assert dialogs == []
    assert page.locator("img").count() == 0 and page.locator("script").count() == 0
    assert PAYLOAD in page.locator("h1").inner_text()
    page.close()
