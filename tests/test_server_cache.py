"""Cacheable answers: ETag from (query, parameters, graph version), If-None-Match -> 304,
Cache-Control, a byte-bounded server-side cache, and a new version after a rebuild.

The server is the real app (Starlette TestClient, real query workers) over a real persisted store.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from sgraph.config import Settings
from sgraph.persist import open_graph
from sgraph.server import ServerConfig, create_app
from sgraph.server.cache import ResultCache
from sgraph.server.worker import QueryReply
from sgraph.store import GraphStore
from sgraph.synth import generate

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cache")
    generate(2000, root / "data", seed=7)
    return root


def serve(gs: GraphStore, **config: int) -> TestClient:
    return TestClient(create_app(gs, ServerConfig(workers=1, **config)))


@pytest.fixture(scope="module")
def client(data: Path) -> Iterator[TestClient]:
    gs = open_graph(Settings(data_dir=data / "data"), data / "store")
    with serve(gs) as c:
        yield c


def count(response: object) -> int:
    return int(response.json()["results"]["bindings"][0]["n"]["value"])  # type: ignore[attr-defined]


def test_etag_cache_control_and_304(client: TestClient) -> None:
    first = client.get("/sparql", params={"query": COUNT}, headers=JSON)
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert tag.startswith('"') and tag.endswith('"') and len(tag) > 10
    assert "no-cache" in first.headers["cache-control"]
    again = client.get("/sparql", params={"query": COUNT}, headers=JSON)
    assert again.headers["etag"] == tag and again.content == first.content
    assert again.headers["x-sgraph-cache"] == "hit"
    # a client that has the answer gets 304 and no body, weak or strong, in a list or alone
    for header in (tag, f"W/{tag}", f'"other", {tag}', "*"):
        r = client.get(
            "/sparql", params={"query": COUNT}, headers={**JSON, "If-None-Match": header}
        )
        assert r.status_code == 304, header
        assert r.content == b"" and r.headers["etag"] == tag
    stale = client.get("/sparql", params={"query": COUNT}, headers={**JSON, "If-None-Match": '"x"'})
    assert stale.status_code == 200 and stale.content == first.content


def test_the_etag_depends_on_query_format_and_parameters(client: TestClient) -> None:
    def tag(path: str, params: dict[str, str], accept: str = JSON["Accept"]) -> str:
        r = client.get(path, params=params, headers={"Accept": accept})
        assert r.status_code == 200, r.text
        return r.headers["etag"]

    base = tag("/sparql", {"query": COUNT})
    assert tag("/sparql", {"query": COUNT + " LIMIT 1"}) != base
    assert tag("/sparql", {"query": COUNT}, "text/csv") != base
    # a named query: each parameter value is another answer
    names = [q["name"] for q in client.get("/api/queries").json()]
    assert "chair-on-date" in names
    a = tag("/api/queries/chair-on-date", {"date": "2019-06-01"})
    b = tag("/api/queries/chair-on-date", {"date": "2020-06-01"})
    assert a != b and a == tag("/api/queries/chair-on-date", {"date": "2019-06-01"})
    r = client.get(
        "/api/queries/chair-on-date", params={"date": "2019-06-01"}, headers={"If-None-Match": a}
    )
    assert r.status_code == 304


def test_limits_report_the_cache(client: TestClient) -> None:
    limits = client.get("/api/limits").json()
    assert limits["graph_version"]
    stats = limits["result_cache"]
    assert stats["max_bytes"] == 64 * 1024 * 1024 and 0 < stats["bytes"] <= stats["max_bytes"]
    assert stats["hits"] >= 1 and stats["misses"] >= 1


def test_no_cache_still_answers_with_etags(data: Path) -> None:
    gs = open_graph(Settings(data_dir=data / "data"), data / "store")
    with serve(gs, cache_bytes=0) as c:
        one = c.get("/sparql", params={"query": COUNT}, headers=JSON)
        two = c.get("/sparql", params={"query": COUNT}, headers=JSON)
        assert one.headers["x-sgraph-cache"] == two.headers["x-sgraph-cache"] == "miss"
        assert one.headers["etag"] == two.headers["etag"]
        assert c.get("/api/limits").json()["result_cache"]["entries"] == 0


def test_a_rebuild_changes_the_version_and_every_etag(data: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=data / "data")
    store = tmp_path / "store"
    with serve(open_graph(settings, store)) as c:
        before = c.get("/sparql", params={"query": COUNT}, headers=JSON)
        version = c.get("/api/limits").json()["graph_version"]
    # same sources, same store: the same version (a restart keeps clients' caches valid)
    with serve(open_graph(settings, store)) as c:
        assert c.get("/api/limits").json()["graph_version"] == version
        same = c.get("/sparql", params={"query": COUNT}, headers=JSON)
        assert same.headers["etag"] == before.headers["etag"]
    # a source changes: the store is rebuilt, the version and the answer's ETag change
    f = settings.data_dir / "periods.ttl"
    f.write_text(
        f.read_text() + '\nsgprd:1990 a sg:Period ; sg:startDate "1990-01-01"^^xsd:date ; '
        'sg:endDate "1990-12-31"^^xsd:date .\n'
    )
    with serve(open_graph(settings, store)) as c:
        assert c.get("/api/limits").json()["graph_version"] != version
        r = c.get(
            "/sparql",
            params={"query": COUNT},
            headers={**JSON, "If-None-Match": before.headers["etag"]},
        )
        assert r.status_code == 200 and r.headers["etag"] != before.headers["etag"]
        assert count(r) > count(before)


def test_the_cache_keeps_within_its_byte_bound() -> None:
    cache = ResultCache(max_bytes=1000)
    for i in range(50):
        cache.put(f"k{i}", QueryReply("bindings", b"x" * 300, False, 1))
        assert cache.bytes <= 1000
    assert len(cache) == 3 and cache.get("k49") is not None and cache.get("k0") is None
    cache.get("k47")  # used: kept over k48 when the next one comes
    cache.put("new", QueryReply("bindings", b"y" * 300, False, 1))
    assert cache.get("k47") is not None and cache.get("k48") is None
    cache.put("huge", QueryReply("bindings", b"z" * 5000, False, 1))  # larger than the bound
    assert cache.get("huge") is None and cache.bytes <= 1000
