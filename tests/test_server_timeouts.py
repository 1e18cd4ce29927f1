"""Connections that never finish their request, on a real `sgraph serve` (issue 17, finding 12).

900 half-open connections stayed open 40 s: uvicorn times only the idle gap after an answer,
not a request that never arrives (nothing sent, a head sent one byte at a time, a body cut
short). Now a request must arrive whole within ``REQUEST_READ_S`` (a JSON 408 after it), and a
kept-alive connection is closed after ``KEEP_ALIVE_S`` idle. Raw sockets, all at once.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from servers import free_port, start_server, stop_server
from sgraph.server.errors import KEEP_ALIVE_S, REQUEST_READ_S

SLACK_S = 3.0  # for a loaded machine


class Server:
    def __init__(self, port: int, log: Callable[[], str]) -> None:
        self.port, self.log = port, log


@pytest.fixture(scope="module")
def server(project_root: Path) -> Iterator[Server]:
    port = free_port()
    proc = start_server(port, "--data", str(project_root / "data" / "triples"), "--no-store")
    logged: list[str] = []

    def log() -> str:
        if not logged:
            stop_server(proc)
            assert proc.stdout is not None
            logged.append(proc.stdout.read().decode("utf-8", "replace"))
        return logged[0]

    yield Server(port, log)
    log()


def read_until_closed(s: socket.socket, deadline: float) -> bytes:
    chunks = []
    s.settimeout(max(0.1, deadline - time.monotonic()))
    while chunk := s.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def silent(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port)) as s:
        return read_until_closed(s, time.monotonic() + REQUEST_READ_S + SLACK_S)


def slow_head(port: int) -> bytes:
    """A head that never ends, one byte every 0.3 s (the idle gap never passes 5 s)."""
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"GET /sparql HTTP/1.1\r\nHost: x\r\n")
        deadline = time.monotonic() + REQUEST_READ_S + SLACK_S
        try:
            while time.monotonic() < deadline:
                s.sendall(b"X-Slow: a\r\n")
                time.sleep(0.3)
        except OSError:  # the server ended the connection
            pass
        return read_until_closed(s, deadline)


def short_body(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 1000\r\n\r\nASK {"
        )
        return read_until_closed(s, time.monotonic() + REQUEST_READ_S + SLACK_S)


def kept_alive(port: int) -> bytes:
    """One whole request, answered; then nothing: the connection is closed after the idle gap."""
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"GET /api/limits HTTP/1.1\r\nHost: x\r\n\r\n")
        return read_until_closed(s, time.monotonic() + KEEP_ALIVE_S + SLACK_S)


def status_and_body(raw: bytes) -> tuple[int, dict[str, object]]:
    head, _, body = raw.partition(b"\r\n\r\n")
    assert b"application/json" in head.lower(), raw[:300]
    return int(head.split()[1]), json.loads(body)


def test_unfinished_requests_get_408_and_idle_connections_are_closed(server: Server) -> None:
    results: dict[str, tuple[float, bytes | BaseException]] = {}

    def run(name: str, fn: Callable[[int], bytes]) -> None:
        started = time.monotonic()
        outcome: bytes | BaseException
        try:
            outcome = fn(server.port)
        except OSError as exc:  # e.g. the client's own read timed out: reported below
            outcome = exc
        results[name] = (time.monotonic() - started, outcome)

    cases = {"silent": silent, "slow-head": slow_head, "short-body": short_body}
    cases["kept-alive"] = kept_alive
    threads = [threading.Thread(target=run, args=item) for item in cases.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name in ("silent", "slow-head", "short-body"):
        took, raw = results[name]
        assert isinstance(raw, bytes), (name, raw)  # not a timeout of the client's own read
        assert REQUEST_READ_S - 0.5 <= took <= REQUEST_READ_S + SLACK_S, (name, took)
        status, doc = status_and_body(raw)
        assert status == 408 and doc["error"] == "RequestTimeout", (name, doc)
    took, raw = results["kept-alive"]
    assert isinstance(raw, bytes), raw
    assert raw.startswith(b"HTTP/1.1 200"), raw[:200]
    assert KEEP_ALIVE_S - 0.5 <= took <= KEEP_ALIVE_S + SLACK_S, took
    log = server.log()
    assert "Traceback" not in log, log
    assert log.count("did not send its request within") == 3, log
