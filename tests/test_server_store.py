"""How the server's query workers open the graph: one on-disk store, shared read-only.

Real worker processes (``sgraph.server.pool``) over a real persisted store (``sgraph.persist``);
every worker is asked directly, so a worker that read another graph (or a part of it) fails.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

from sgraph import sparql
from sgraph.config import Settings
from sgraph.persist import open_graph
from sgraph.server.pool import QueryPool, Worker
from sgraph.server.worker import QueryTask
from sgraph.store import GraphStore
from sgraph.synth import generate

T = TypeVar("T")
QUERIES = [
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?s ?title WHERE { ?s dcterms:title ?title } ORDER BY ?s LIMIT 50",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
]


@pytest.fixture(scope="module")
def persisted(tmp_path_factory: pytest.TempPathFactory) -> GraphStore:
    root = tmp_path_factory.mktemp("shared")
    generate(3000, root / "data", seed=3)
    return open_graph(Settings(data_dir=root / "data"), root / "store")


def run(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` in a thread of its own (another test may leave a loop running here)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def expected(gs: GraphStore, text: str) -> list[dict[str, object]]:
    result = sparql.execute(gs.store, text, prefixes=gs.prefixes)
    body = json.loads(sparql.serialize(result, "json", prefixes=gs.prefixes))
    return body["results"]["bindings"]  # type: ignore[no-any-return]


def ask_every_worker(gs: GraphStore, pool: QueryPool) -> list[Worker]:
    """Start the pool, run every query on each worker in turn and compare with the store."""

    async def go() -> list[Worker]:
        await pool.start()
        workers = list(pool._workers)  # all idle now: the general ones and the reserved one
        assert len({w.pid for w in workers}) == pool.size + 1
        for text in QUERIES:
            want = expected(gs, text)
            assert want, text
            for w in workers:
                kind, reply = w.call(QueryTask(text=text, fmt="json"), timeout=60)
                assert kind == "ok", reply
                got = json.loads(reply.body)["results"]["bindings"]
                assert got == want, (w.pid, text)
        return workers

    return run(go())


def test_workers_share_the_persisted_store_and_read_the_same_results(
    persisted: GraphStore,
) -> None:
    assert persisted.disk_path is not None and persisted.disk_path.is_dir()
    pool = QueryPool(
        persisted.store, persisted.prefixes, size=3, timeout_s=30, store_path=persisted.disk_path
    )
    try:
        ask_every_worker(persisted, pool)
        assert pool._init is not None and Path(pool._init.store_path) == persisted.disk_path
        # no per-worker copy: every worker read the whole graph from the same folder (above)
        assert pool._tmp is None  # nothing was dumped for the workers
    finally:
        run(pool.close())


def test_a_graph_only_in_memory_is_written_once_for_all_workers(persisted: GraphStore) -> None:
    memory = open_graph(persisted.settings, persisted.disk_path.parent, memory=True)  # type: ignore[union-attr]
    pool = QueryPool(memory.store, memory.prefixes, size=2, timeout_s=30)  # no store_path
    try:
        ask_every_worker(memory, pool)
        assert pool._tmp is not None
        assert pool._init is not None
        assert Path(pool._init.store_path).is_relative_to(pool._tmp) and pool._init.in_memory
    finally:
        run(pool.close())
    assert not pool._tmp.exists()  # the copy goes with the pool


def test_in_memory_workers_read_the_same_results(persisted: GraphStore) -> None:
    pool = QueryPool(
        persisted.store,
        persisted.prefixes,
        size=2,
        timeout_s=30,
        store_path=persisted.disk_path,
        in_memory=True,
    )
    try:
        ask_every_worker(persisted, pool)
        assert pool._init is not None and pool._init.in_memory
    finally:
        run(pool.close())


def test_workers_copy_small_graphs_and_share_large_ones() -> None:
    """By default each worker copies a graph while copies are cheap and shares the on-disk store
    above that; --in-memory-workers / --shared-store decide either way."""
    from sgraph.server.config import COPY_WORKERS_UP_TO, ServerConfig

    auto = ServerConfig()
    assert auto.workers_in_memory(11_350) is True
    assert auto.workers_in_memory(COPY_WORKERS_UP_TO) is True
    assert auto.workers_in_memory(COPY_WORKERS_UP_TO + 1) is False
    assert ServerConfig(in_memory_workers=False).workers_in_memory(10) is False
    assert ServerConfig(in_memory_workers=True).workers_in_memory(10**9) is True
