"""Issue 17 #6: without --dist, the dumps and VoID are made once, on disk, off the event loop,
and streamed; every other request is answered while they are being made.

A real ``sgraph serve`` over a synthetic graph large enough that making the files takes seconds.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx

from servers import free_port, start_server, stop_server
from sgraph.synth import generate


def test_limits_answer_while_the_dumps_are_made_and_the_files_stay_on_disk(
    tmp_path: Path,
) -> None:
    generate(40_000, tmp_path / "data", seed=4)
    store = tmp_path / "store"
    port = free_port()
    proc = start_server(port, "--data", str(tmp_path / "data"), "--store", str(store))
    base = f"http://127.0.0.1:{port}"
    stale = store / "served" / "an-earlier-version"
    stale.mkdir(parents=True)
    (stale / "graph.nt").write_text("old\n")
    try:
        done: dict[str, object] = {}

        def fetch_void() -> None:
            r = httpx.get(base + "/void.ttl", timeout=300)
            done["void"] = r
            done["at"] = time.monotonic()

        started = time.monotonic()
        t = threading.Thread(target=fetch_void)
        t.start()
        answered_meanwhile = 0
        while t.is_alive():
            r = httpx.get(base + "/api/limits", timeout=30)
            assert r.status_code == 200
            if t.is_alive():
                answered_meanwhile += 1
            time.sleep(0.05)
        t.join()
        void = done["void"]
        assert isinstance(void, httpx.Response) and void.status_code == 200
        assert b"void:Dataset" in void.content
        making_s = float(done["at"]) - started  # type: ignore[arg-type]
        # /api/limits kept answering all the while the files were being made
        assert answered_meanwhile >= 3, (answered_meanwhile, making_s)
        # made once, on disk beside the store, and streamed from there
        version = httpx.get(base + "/api/limits").json()["graph_version"]
        folder = store / "served" / version
        assert (folder / "void.ttl").read_bytes() == void.content
        nt = httpx.get(base + "/dumps/graph.nt", timeout=60)
        assert nt.status_code == 200 and nt.content == (folder / "graph.nt").read_bytes()
        assert nt.headers["content-length"] == str((folder / "graph.nt").stat().st_size)
        gz = httpx.get(base + "/dumps/graph.ttl.gz", timeout=60)
        assert gz.headers["content-type"] == "application/gzip"
        assert gz.content == (folder / "graph.ttl.gz").read_bytes()
        assert httpx.get(base + "/dumps/nothing.ttl").status_code == 404
        assert not stale.exists()  # the files of an earlier build of the store are removed
    finally:
        stop_server(proc)
    # the next start of the same graph serves the same files without making them again
    stamp = (folder / "graph.nt").stat().st_mtime_ns
    proc = start_server(port, "--data", str(tmp_path / "data"), "--store", str(store))
    try:
        assert httpx.get(base + "/void.ttl", timeout=60).content == void.content
        assert (folder / "graph.nt").stat().st_mtime_ns == stamp
    finally:
        stop_server(proc)
