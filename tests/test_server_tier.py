"""Stored results (``sgraph.server.tier``) and the warm-up (``sgraph.server.warmup``): the named
queries' default answers computed once, stored beside the persisted store, served by a restarted
server; never across graph versions; bounded on disk; a damaged file ignored.

The server is the real app (Starlette TestClient, real query workers) over a real persisted store.
"""

from __future__ import annotations

import shutil
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from sgraph.config import Settings
from sgraph.persist import RESULTS_DIR, open_graph
from sgraph.server import ServerConfig, create_app
from sgraph.server.tier import ResultTier
from sgraph.server.worker import QueryReply
from sgraph.store import GraphStore
from sgraph.synth import generate

JSON = {"Accept": "application/sparql-results+json"}
#: named queries with rows at their defaults on the synthetic data (checked below)
WITH_ROWS = ("publications", "chair-on-date", "themes")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tier")
    generate(2000, root / "data", seed=11)
    return root


def serve(gs: GraphStore, **config: Any) -> TestClient:
    return TestClient(create_app(gs, ServerConfig(workers=1, max_rows=50, **config)))


def warmed(c: TestClient) -> dict[str, Any]:
    """Wait for the warm-up to end (a generous bound, not a timing), and say how it went."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        state: dict[str, Any] = c.get("/api/limits").json()["warm_up"]
        if state["state"] == "done":
            return state
        time.sleep(0.2)
    raise AssertionError("the warm-up did not end")


def rows(r: Any) -> list[dict[str, Any]]:
    assert r.status_code == 200, r.text
    bindings: list[dict[str, Any]] = r.json()["results"]["bindings"]
    return bindings


@pytest.fixture(scope="module")
def live(data: Path) -> dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]], int]]:
    """Each named query's first page, complete result and total from a server that stores
    nothing (the reference answers)."""
    gs = open_graph(Settings(data_dir=data / "data"), data / "plain-store")
    out = {}
    with serve(gs, result_store_bytes=0) as c:
        assert c.get("/api/limits").json()["warm_up"]["state"] == "off"
        for q in c.get("/api/queries").json():
            page = c.get(f"/api/queries/{q['name']}", headers=JSON)
            if page.status_code != 200:
                continue
            full = c.get("/sparql", params={"query": q["query"]}, headers=JSON)
            total = int(page.headers["x-sgraph-total"])
            out[q["name"]] = (rows(page), rows(full) if not q["parameters"] else [], total)
    assert not (data / "plain-store" / RESULTS_DIR).exists()
    return out


@pytest.fixture(scope="module")
def store(data: Path) -> Iterator[Path]:
    """A store whose first server has finished its warm-up."""
    path = data / "store"
    gs = open_graph(Settings(data_dir=data / "data"), path)
    with serve(gs) as c:
        state = warmed(c)
        assert state["stored"] >= len(WITH_ROWS) and state["found"] == 0
        # the default of post-holders-on-date names no entity of synthetic data: refused, skipped
        assert "post-holders-on-date" in state["skipped"]
    yield path


def test_the_warm_up_fills_the_tier_and_a_restarted_server_answers_from_it(
    data: Path, store: Path, live: dict[str, tuple[list[Any], list[Any], int]]
) -> None:
    files = list((store / RESULTS_DIR).iterdir())
    assert len(files) >= 3 * len(WITH_ROWS)
    gs = open_graph(Settings(data_dir=data / "data"), store)
    with serve(gs, warm_up=False) as c:
        for name in WITH_ROWS:
            page_rows, full_rows, total = live[name]
            assert total > 0, name
            page = c.get(f"/api/queries/{name}", headers=JSON)
            assert page.headers["x-sgraph-cache"] == "stored", name
            assert rows(page) == page_rows, name
            assert int(page.headers["x-sgraph-total"]) == total
            # cut at the row cap like a paged run: flagged, and head.link names the limits
            if total > 50:
                assert page.headers["x-sgraph-truncated"] == "true"
                assert page.json()["head"]["link"] == ["http://127.0.0.1:8000/api/limits"]
            q = c.get("/api/queries").json()
            text = next(x["query"] for x in q if x["name"] == name)
            if full_rows:
                full = c.get("/sparql", params={"query": text}, headers=JSON)
                assert full.headers["x-sgraph-cache"] == "stored", name
                assert rows(full) == full_rows, name
            again = c.get(f"/api/queries/{name}", headers=JSON)
            assert again.headers["x-sgraph-cache"] == "hit"  # now in memory too
        stats = c.get("/api/limits").json()["result_cache"]["stored"]
        assert stats["hits"] >= len(WITH_ROWS) and stats["entries"] == len(files)


def test_paging_totals_equal_full_counts_from_the_tier(
    data: Path, store: Path, live: dict[str, tuple[list[Any], list[Any], int]]
) -> None:
    gs = open_graph(Settings(data_dir=data / "data"), store)
    with serve(gs, warm_up=False) as c:
        for q in c.get("/api/queries").json():
            if q["name"] not in live or q["parameters"]:
                continue
            page = c.get(f"/api/queries/{q['name']}", headers=JSON)
            full = c.get("/sparql", params={"query": q["query"]}, headers=JSON)
            assert page.headers["x-sgraph-cache"] == full.headers["x-sgraph-cache"] == "stored"
            assert int(page.headers["x-sgraph-total"]) == len(rows(full)) == live[q["name"]][2]
            assert rows(page) == rows(full)[:50]


def test_a_second_warm_up_finds_everything_stored(data: Path, store: Path) -> None:
    gs = open_graph(Settings(data_dir=data / "data"), store)
    before = sorted(p.name for p in (store / RESULTS_DIR).iterdir())
    with serve(gs) as c:
        state = warmed(c)
    assert state["stored"] == 0 and state["found"] >= len(WITH_ROWS)
    assert sorted(p.name for p in (store / RESULTS_DIR).iterdir()) == before


def test_a_rebuild_never_serves_old_results(data: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    generate(2000, settings.data_dir, seed=11)
    path = tmp_path / "store"
    with serve(open_graph(settings, path)) as c:
        warmed(c)
        before = c.get("/api/queries/publications", headers=JSON)
    assert any((path / RESULTS_DIR).iterdir())
    # a source changes: the store is rebuilt and its stored results go with the old graph
    f = settings.data_dir / "publications.ttl"
    f.write_text(
        f.read_text() + "\n<https://w3id.org/sgraph/id/publication/zz-new> "
        'a sg:Publication, sg:Report ;\n    dcterms:title "A new report" .\n'
    )
    gs = open_graph(settings, path)
    assert not (path / RESULTS_DIR).exists()
    with serve(gs, warm_up=False) as c:
        after = c.get("/api/queries/publications", headers=JSON)
        assert after.headers["x-sgraph-cache"] == "miss"
        assert int(after.headers["x-sgraph-total"]) == int(before.headers["x-sgraph-total"]) + 1


def test_another_graph_version_is_never_served(tmp_path: Path) -> None:
    reply = QueryReply("select", b'{"results": 1}', False, 1)
    key = "ab" * 16
    ResultTier(tmp_path, "version-a", 10_000).put(key, reply)
    assert ResultTier(tmp_path, "version-a", 10_000).get(key) == reply
    other = ResultTier(tmp_path, "version-b", 10_000)
    assert other.get(key) is None
    assert not (tmp_path / key).exists()  # removed, not kept to be tried again


def test_the_tier_keeps_within_its_disk_bound(tmp_path: Path) -> None:
    tier = ResultTier(tmp_path, "v", 5_000)
    for i in range(40):
        assert tier.put(f"{i:032x}", QueryReply("select", b"x" * 900, False, 1))
        on_disk = sum(p.stat().st_size for p in tmp_path.iterdir())
        assert on_disk <= 5_000 and tier.bytes == on_disk
    assert tier.get(f"{39:032x}") is not None and tier.get(f"{0:032x}") is None
    assert not tier.put("f" * 32, QueryReply("select", b"y" * 6_000, False, 1))  # past the bound
    # a new tier over the same folder (a restarted server) counts what is there
    again = ResultTier(tmp_path, "v", 5_000)
    assert again.bytes == tier.bytes and len(again) == len(tier)
    smaller = ResultTier(tmp_path, "v", 2_000)  # a lower bound: the oldest files go
    assert sum(p.stat().st_size for p in tmp_path.iterdir()) <= 2_000
    assert smaller.get(f"{39:032x}") is not None


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "header"])
def test_a_damaged_or_partial_file_is_ignored(tmp_path: Path, damage: str) -> None:
    key = "cd" * 16
    body = b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}'
    ResultTier(tmp_path, "v", 10_000).put(key, QueryReply("select", body, False, 0))
    path = tmp_path / key
    data = path.read_bytes()
    damaged = {
        "truncate": data[:-5],
        "flip": data[:-3] + bytes([data[-3] ^ 1]) + data[-2:],
        "empty": b"",
        "header": b"not json\n" + body,
    }[damage]
    path.write_bytes(damaged)
    # a temporary file of a writer that died (pid 1 is never this test) is cleared at open
    leftover = tmp_path / f".{key}.999999999.x.tmp"
    leftover.write_bytes(b"half")
    tier = ResultTier(tmp_path, "v", 10_000)
    assert not leftover.exists()
    assert tier.get(key) is None and not path.exists() and tier.bytes == 0


def test_a_damaged_stored_answer_is_run_again(data: Path, store: Path, tmp_path: Path) -> None:
    shutil.copytree(store, tmp_path / "store")  # the module's store stays whole
    store = tmp_path / "store"
    gs = open_graph(Settings(data_dir=data / "data"), store)
    with serve(gs, warm_up=False) as c:
        first = c.get("/api/queries/themes", headers=JSON)
        assert first.headers["x-sgraph-cache"] == "stored"
    name = first.headers["etag"].strip('"')
    target = store / RESULTS_DIR / name
    target.write_bytes(target.read_bytes()[:-10])
    with serve(gs, warm_up=False) as c:
        again = c.get("/api/queries/themes", headers=JSON)
        assert again.headers["x-sgraph-cache"] == "miss"
        assert rows(again) == rows(first)


def test_a_server_at_another_address_gets_its_own_link(
    data: Path, store: Path, live: dict[str, tuple[list[Any], list[Any], int]]
) -> None:
    long = [name for name, (_, _, total) in live.items() if total > 50]
    assert long
    gs = open_graph(Settings(data_dir=data / "data"), store)
    with serve(gs, warm_up=False, port=8123) as c:
        page = c.get(f"/api/queries/{long[0]}", headers=JSON)
        assert page.headers["x-sgraph-cache"] == "stored"
        assert page.headers["x-sgraph-truncated"] == "true"
        assert page.json()["head"]["link"] == ["http://127.0.0.1:8123/api/limits"]
    # rewritten once: the file now holds this address's link
    name = page.headers["etag"].strip('"')
    assert (
        b'"link": "http://127.0.0.1:8123/api/limits"' in (store / RESULTS_DIR / name).read_bytes()
    )


def test_a_cut_result_in_another_format_from_another_address_is_not_served(
    tmp_path: Path,
) -> None:
    key = "ef" * 16
    csv = QueryReply("select", b"x\r\n1\r\n", True, 1)
    ResultTier(tmp_path, "v", 10_000, link="http://a/api/limits").put(key, csv)
    assert ResultTier(tmp_path, "v", 10_000, link="http://a/api/limits").get(key) == csv
    assert ResultTier(tmp_path, "v", 10_000, link="http://b/api/limits").get(key) is None
    assert (tmp_path / key).exists()  # not damaged: the server at the first address keeps it


def test_a_query_past_the_time_limit_is_finished_in_the_background_and_kept(
    data: Path, tmp_path: Path
) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a a ?t . ?d ?e ?f }"
    shutil.copytree(data / "store", tmp_path / "store")
    gs = open_graph(Settings(data_dir=data / "data"), tmp_path / "store")
    expected = next(iter(gs.store.query(slow, use_default_graph_as_union=True)))["n"]
    with serve(gs, warm_up=False, timeout_s=0.3) as c:
        first = c.get("/sparql", params={"query": slow}, headers=JSON)
        assert first.status_code == 503
        deadline = time.monotonic() + 300  # a bound on the wait, not a timing
        while True:
            r = c.get("/sparql", params={"query": slow}, headers=JSON)
            if r.status_code == 200 or time.monotonic() > deadline:
                break
            assert r.status_code == 503  # meanwhile: the time limit, never a wrong answer
            time.sleep(0.3)
        assert r.status_code == 200 and r.headers["x-sgraph-cache"] == "hit"
        assert rows(r)[0]["n"]["value"] == expected.value
        assert c.get("/api/limits").json()["result_cache"]["running_late"] == 0
    # kept on disk too: a restarted server answers it at once
    with serve(gs, warm_up=False, timeout_s=0.3) as c:
        again = c.get("/sparql", params={"query": slow}, headers=JSON)
        assert again.status_code == 200 and again.headers["x-sgraph-cache"] == "stored"
