"""The endpoint under attack, on a real `sgraph serve` (issue 17, findings 2, 7 and 12).

Each test reproduces one attack that worked before the fix: odd paths that gave 500 and dropped
the connection, pages without a Content-Security-Policy, a ``javascript:`` address that Chromium
ran when clicked, uvicorn's plain-text errors, a traceback per aborted upload, and a ``Host``
header copied into ``head.link``.
"""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servers import free_port, start_server, stop_server

EVIL_URL = "javascript:document.title='pwned';alert('url')"
EVIL_IRI = "https://w3id.org/sgraph/id/publication/evil-link"
EVIL_TTL = f"""
@prefix sg: <https://w3id.org/sgraph/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .

<{EVIL_IRI}> a sg:Report ;
    dcterms:title "A report with a hostile web address"@en ;
    schema:url <{EVIL_URL}> ;
    schema:sameAs <data:text/html,hello> ;
    dcterms:source <https://example.org/evil-page> .
"""
ERROR_KEYS = {"status", "error", "message"}


class Server:
    def __init__(self, proc: subprocess.Popen[bytes], port: int) -> None:
        self.proc, self.port = proc, port
        self.url = f"http://127.0.0.1:{port}"

    def log(self) -> str:
        """Everything the server printed (call once, after stopping it)."""
        assert self.proc.stdout is not None
        return self.proc.stdout.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, project_root: Path) -> Iterator[Server]:
    """`sgraph serve` over the curated data plus one unvalidated file with hostile IRIs."""
    data = tmp_path_factory.mktemp("evil") / "triples"
    shutil.copytree(project_root / "data" / "triples", data)
    (data / "evil.ttl").write_text(EVIL_TTL, encoding="utf-8")
    port = free_port()
    proc = start_server(port, "--data", str(data), "--max-rows", "3", "--no-store")
    s = Server(proc, port)
    yield s
    stop_server(proc)


def error_shape(status: int, body: bytes, headers: Any) -> dict[str, Any]:
    assert headers.get("content-type", "").startswith("application/json"), headers
    doc = json.loads(body)
    assert ERROR_KEYS <= set(doc) <= ERROR_KEYS | {"hint"}, doc
    assert doc["status"] == status
    assert b"Traceback" not in body
    return doc  # type: ignore[no-any-return]


# -- finding 7: no 500 from any path, and the connection is kept -------------------------------
ODD_PATHS = [
    "/id/person/%3Cx%3E",
    "/id/person/%FF",
    "/id/person/%00",
    "/id/person/%20",
    "/id/person/%ZZ",
    "/id/person/a%0Ab",
    "/id/%22%7B%7D%7C%5E%60",
    "/graph/%3C",
    "/sgraph/id/person/%3Cx%3E.ttl",
    "/dumps/%00",
    "/dumps/..%2F..%2Fetc%2Fpasswd",
    "/ontology%00",
    "/shapes%FF.ttl",
    "/assets/query-page/%00.js",
]


def test_malformed_iris_are_404_in_the_error_shape_on_a_kept_connection(server: Server) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.connect()
    sock = conn.sock
    for path in ODD_PATHS:
        for accept in ("application/json", "text/html"):
            conn.request("GET", path, headers={"Accept": accept})
            r = conn.getresponse()
            body = r.read()
            assert r.status in (400, 404), (path, accept, r.status, body)
            if accept == "application/json":
                error_shape(r.status, body, r.headers)
            else:  # a browser gets the same error as a page (issue 14), never a traceback
                assert r.headers.get("content-type", "").startswith(
                    ("text/html", "application/json")
                )
                assert b"Traceback" not in body
            assert r.headers.get("connection", "").lower() != "close", path
            assert conn.sock is sock, f"{path}: the server closed the keep-alive connection"
    conn.close()


# -- finding 2: CSP and nosniff on every response; no clickable javascript: link -------------------
CSP_PATHS = [
    "/",
    f"/id/publication/{EVIL_IRI.rsplit('/', 1)[1]}",
    "/id/person/annie-hudson",
    "/id/person/annie-hudson.ttl",
    "/ontology",
    "/ontology.ttl",
    "/shapes",
    "/sparql",
    "/api/limits",
    "/api/queries",
    "/nothing-here",
    "/id/person/%ZZ",
    "/context.jsonld",
]


@pytest.mark.parametrize("path", CSP_PATHS)
def test_every_response_carries_a_csp_and_nosniff(server: Server, path: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("GET", path, headers={"Accept": "text/html"})
    r = conn.getresponse()
    r.read()
    conn.close()
    csp = r.headers.get("content-security-policy", "")
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp, (path, csp)
    assert "unsafe-eval" not in csp and "script-src 'unsafe-inline'" not in csp
    assert r.headers.get("x-content-type-options") == "nosniff", path


def test_a_javascript_address_is_never_a_link_and_never_runs(server: Server, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        response = page.goto(server.url + "/id/publication/evil-link", wait_until="load")
        assert response is not None and response.status == 200
        assert "default-src 'none'" in response.headers["content-security-policy"]
        hrefs = page.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href'))")
        assert hrefs, "the page has links (to the graph's own entities)"
        for href in hrefs:
            assert href.startswith(("/", "http://", "https://", "mailto:")), href
        shown = page.get_by_text("javascript:", exact=False).first
        assert shown.is_visible(), "the address is still shown, as text"
        shown.click()
        page.get_by_text("data:text/html", exact=False).first.click()
        page.wait_for_timeout(300)
        assert dialogs == [], f"a script ran: {dialogs}"
        assert page.title() != "pwned"
        assert page.url == server.url + "/id/publication/evil-link"
    finally:
        page.close()


# -- finding 12: uvicorn-level errors, aborted uploads, head.link ------------------------------------
def raw_request(port: int, data: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        s.sendall(data)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers, body


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400),
        (b"GET /sparql HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 600_000 + b"\r\n\r\n", 413),
        (b"GET /sparql?query=" + b"a" * 500_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 413),
        (b"GET /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(64)) + b"\r\n\r\n", 400),
    ],
    ids=["negative-length", "600KB-header", "500KB-url", "bad-chunk", "tls-hello"],
)
def test_protocol_errors_are_json(server: Server, request_bytes: bytes, status: int) -> None:
    got, headers, body = raw_request(server.port, request_bytes)
    assert got == status, body
    error_shape(status, body, headers)


def test_a_large_body_is_413_json_and_the_connection_is_kept(server: Server) -> None:
    big = b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * 200_000
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("POST", "/sparql", body=big, headers={"Content-Type": "application/sparql-query"})
    r = conn.getresponse()
    error_shape(413, r.read(), r.headers)
    assert r.status == 413
    sock = conn.sock
    conn.request("GET", "/api/limits")
    r = conn.getresponse()
    assert r.status == 200 and json.loads(r.read())["max_request_bytes"] == 100_000
    assert conn.sock is sock
    conn.close()


def test_head_link_and_service_description_ignore_the_host_header(server: Server) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    query = "SELECT ?s WHERE { ?s ?p ?o }"  # a page of --max-rows 3: cut, with head.link
    from urllib.parse import quote

    conn.request(
        "GET",
        "/sparql?_limit=3&query=" + quote(query),
        headers={"Host": "evil.example", "Accept": "application/sparql-results+json"},
    )
    r = conn.getresponse()
    doc = json.loads(r.read())
    assert r.headers["x-sgraph-truncated"] == "true"
    assert doc["head"]["link"] == [server.url + "/api/limits"]
    conn.request("GET", "/sparql", headers={"Host": "evil.example", "Accept": "text/turtle"})
    r = conn.getresponse()
    sd = r.read().decode()
    assert "evil.example" not in sd and f"<{server.url}/sparql>" in sd
    conn.close()


def test_aborted_uploads_are_logged_in_one_line_each(tmp_path: Path, project_root: Path) -> None:
    port = free_port()
    proc = start_server(port, "--no-store")
    try:
        for _ in range(3):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.sendall(
                    b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query"
                    b"\r\nContent-Length: 50000\r\n\r\nSELECT * WHERE {"
                )
                time.sleep(0.3)
        time.sleep(0.5)
    finally:
        stop_server(proc)
    assert proc.stdout is not None
    log = proc.stdout.read().decode()
    assert "Traceback" not in log, log
    gone = [line for line in log.splitlines() if "closed the connection" in line]
    assert len(gone) == 3, log
