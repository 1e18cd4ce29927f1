"""Start-up cost of each way to get the materialised graph into a process (used by bench/run.py)."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from sgraph.config import Settings
from sgraph.persist import open_graph
from sgraph.store import GraphStore

SCAN = "SELECT ?t (COUNT(*) AS ?n) WHERE { ?s a ?t } GROUP BY ?t"


def _timed(fn: Any) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def _scan(store: ox.Store) -> float:
    return _timed(lambda: list(store.query(SCAN, use_default_graph_as_union=True)))[0]


def measure(settings: Settings) -> dict[str, Any]:
    """Seconds for: parse+materialise; first open (build the disk store); reopen on disk;
    reopen + copy into memory; N-Quads snapshot load; and one GROUP BY scan on disk vs memory."""
    tmp = Path(tempfile.mkdtemp(prefix="sgraph-persist-bench."))
    try:
        res: dict[str, Any] = {}
        res["parse_materialise_s"], mem = _timed(lambda: GraphStore.load(settings))
        store_dir = tmp / "store"
        res["first_open_rebuild_s"], _ = _timed(lambda: open_graph(settings, store_dir))
        res["reopen_disk_s"], disk_gs = _timed(lambda: open_graph(settings, store_dir))
        res["scan_disk_s"] = _scan(disk_gs.store)
        res["reopen_memory_copy_s"], mem_gs = _timed(
            lambda: open_graph(settings, store_dir, memory=True)
        )
        res["scan_memory_s"] = _scan(mem_gs.store)
        nq = tmp / "snapshot.nq"
        res["dump_nquads_s"], _ = _timed(lambda: mem.store.dump(str(nq), ox.RdfFormat.N_QUADS))

        def load_nq() -> ox.Store:
            s = ox.Store()
            s.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
            return s

        res["load_nquads_snapshot_s"], _ = _timed(load_nq)
        res["quads"] = len(mem.store)
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in res.items()}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(measure(Settings(data_dir=Path(sys.argv[1]))), indent=2))
