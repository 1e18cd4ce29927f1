"""A bounded fuzz test of `sgraph serve` (issue 17): random paths, query shapes, headers and raw
bytes, a fixed number of requests from a fixed seed, against a real server on 127.0.0.1.

No answer may be a 500, every error must be the one JSON shape, and the server log must hold
no traceback; the server still answers afterwards. ``SGRAPH_FUZZ_REQUESTS`` is not read: the
size is fixed (``REQUESTS``) so every run sends the same requests (seed ``SEED``).
"""

from __future__ import annotations

import http.client
import json
import random
import socket
import time
from collections import Counter
from urllib.parse import quote

from servers import free_port, start_server, stop_server

SEED = 17
REQUESTS = 2000  # structured requests; RAW more as raw bytes
RAW = 300

PREFIXES = [
    "/",
    "/sparql",
    "/id/",
    "/id/person/",
    "/id/publication/",
    "/graph/",
    "/sgraph/id/",
    "/dumps/",
    "/api/queries/",
    "/api/limits",
    "/ontology",
    "/shapes",
    "/void.ttl",
    "/context.jsonld",
    "/assets/query-page/",
]
SUFFIXES = ["", ".ttl", ".nt", ".jsonld", ".rdf", ".html", ".gz", "/", "?x=1", "#frag"]
PIECES = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", ".", ";", ",", "*",
    "?s", "?p", "?o", "$x", "a", "<urn:x>", "<https://w3id.org/sgraph/id/person/annie-hudson>",
    "sg:Person", "dcterms:title", "foaf:name", "undeclared:x", '"text"', "'x'", '"""long"""',
    '"a"@en', '"1"^^xsd:integer', "1", "1.5e0", "-0.5", "true", "FILTER", "OPTIONAL", "UNION",
    "MINUS", "BIND", "AS", "VALUES", "GRAPH", "FROM", "NAMED", "LIMIT", "OFFSET", "ORDER BY",
    "GROUP BY", "COUNT(*)", "STR(?s)", "REGEX(?o, \"a\")", "LANG(?o)", "EXISTS", "NOT", "IN",
    "SERVICE", "LOAD", "INSERT", "DELETE", "DATA", "CLEAR", "DROP", "PREFIX x: <urn:x:>",
    "BASE <urn:b/>", "#comment\n", "\\u0053", "\\", "<", ">", "^^", "@", "!", "&&", "||",
    "_:b", "[]", "[ ?p ?o ]", "(1 2)", "\n", " ", "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
]  # fmt: skip
ACCEPTS = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "text/html",
    "*/*",
    "",
    "garbage",
    "text/*;q=0.5, application/*;q=0",
    "application/json;q=abc",
    ";;;,,,",
]
CTYPES = [
    "application/sparql-query",
    "application/x-www-form-urlencoded",
    "application/sparql-update",
    "text/plain",
    "",
    "multipart/form-data; boundary=x",
    "application/sparql-query; charset=latin-1",
]


def random_text(rng: random.Random, n: int) -> str:
    alphabet = [chr(c) for c in range(32, 127)] + ["é", "\u2028", "\x00", "\x7f", "😀", "%"]
    return "".join(rng.choice(alphabet) for _ in range(n))


def random_path(rng: random.Random) -> str:
    tail = "".join(
        rng.choice(
            [
                quote(random_text(rng, rng.randint(1, 8)), safe=""),
                f"%{rng.randrange(256):02X}",
                "%ZZ",
                "%",
                "..",
                "/",
                "annie-hudson",
                "graph.nt",
                "index.html",
            ]
        )
        for _ in range(rng.randint(0, 4))
    )
    return rng.choice(PREFIXES) + tail + rng.choice(SUFFIXES)


def random_query(rng: random.Random) -> str:
    return " ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 25)))


def random_header_value(rng: random.Random) -> str:
    return "".join(chr(rng.randint(0x20, 0x7E)) for _ in range(rng.randint(0, 40)))


DATA_SUFFIXES = (".ttl", ".nt", ".nq", ".trig", ".jsonld", ".rdf", ".xml", ".json", ".csv", ".tsv")


def check(
    status: int,
    body: bytes,
    headers: http.client.HTTPMessage,
    what: str,
    *,
    accept: str = "",
    path: str = "",
) -> None:
    assert status != 500, f"{what}: 500 {body[:300]!r}"
    assert status < 500 or status == 503, f"{what}: {status}"
    content_type = headers.get("content-type") or ""
    if status == 404 and content_type.startswith("text/html"):
        # a browser asking for a page gets the not-found page; a request for data never does
        stem = path.split("?", 1)[0]
        assert "text/html" in accept and not stem.endswith(DATA_SUFFIXES), what
        assert body.lstrip().startswith(b"<!DOCTYPE html>"), what
    elif status >= 400:
        assert (headers.get("content-type") or "").startswith("application/json"), what
        doc = json.loads(body)
        assert {"status", "error", "message"} <= set(doc) and doc["status"] == status, what
    assert b"Traceback" not in body, what


def structured(rng: random.Random, port: int, statuses: Counter[int]) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    sent = 0
    for i in range(REQUESTS):
        kind = rng.random()
        headers = {"Accept": rng.choice(ACCEPTS)}
        if rng.random() < 0.3:
            headers["Host"] = rng.choice(["evil.example", "", "x" * 300, random_header_value(rng)])
        if rng.random() < 0.3:
            headers["X-" + str(rng.randrange(99))] = random_header_value(rng)
        body: bytes | None = None
        if kind < 0.35:
            method, path = "GET", random_path(rng)
        elif kind < 0.7:
            q = random_query(rng)
            params = rng.choice(["query", "update", "default-graph-uri", "named-graph-uri", "q"])
            method, path = "GET", f"/sparql?{params}={quote(q)}"
            if rng.random() < 0.3:
                path += f"&query={quote(random_query(rng))}"
        elif kind < 0.9:
            method, path = "POST", "/sparql"
            headers["Content-Type"] = rng.choice(CTYPES)
            q = random_query(rng)
            raw = q.encode("utf-8")
            if headers["Content-Type"].startswith("application/x-www"):
                raw = ("query=" + quote(q)).encode()
            if rng.random() < 0.2:
                raw = bytes(rng.randrange(256) for _ in range(rng.randint(0, 200)))
            body = raw
        else:
            name = rng.choice(["chair-on-date", "publications", "nope", "citation-network"])
            arg = quote(random_text(rng, rng.randint(0, 12)))
            method, path = "GET", f"/api/queries/{name}?{rng.choice(['date', 'x', 'topic'])}={arg}"
        what = f"request {i}: {method} {path[:120]!r} {headers}"
        try:
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
        except (http.client.HTTPException, OSError) as exc:
            # the server may close a connection after an answer that says so; never mid-answer
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            if isinstance(exc, http.client.RemoteDisconnected):
                continue
            raise AssertionError(f"{what}: {exc!r}") from exc
        check(r.status, data, r.headers, what, accept=headers["Accept"], path=path)
        statuses[r.status] += 1
        if r.headers.get("connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sent += 1
    conn.close()
    return sent


def raw_requests(rng: random.Random, port: int) -> None:
    for i in range(RAW):
        choice = rng.random()
        if choice < 0.4:
            data = bytes(rng.randrange(256) for _ in range(rng.randint(1, 300)))
        elif choice < 0.8:
            line = rng.choice([b"GET", b"POST", b"PUT", b"DELETE", b"G\x00T", b"OPTIONS"])
            data = line + b" " + random_path(rng).encode("utf-8", "replace") + b" HTTP/1.1\r\n"
            for _ in range(rng.randint(0, 4)):
                data += bytes(rng.randrange(32, 256) for _ in range(rng.randint(1, 30))) + b"\r\n"
            data += b"Host: x\r\n\r\n"
        else:
            length = rng.choice([b"-1", b"abc", b"99999999999999999999", b"10, 20", b"5"])
            data = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + b"\r\n\r\nab"
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            try:
                s.sendall(data)
                s.shutdown(socket.SHUT_WR)
                got = b""
                while chunk := s.recv(65536):
                    got += chunk
            except (ConnectionResetError, BrokenPipeError, TimeoutError):
                continue
        if got.startswith(b"HTTP/1.1 "):
            status = int(got[9:12])
            assert status != 500, f"raw request {i}: {data[:100]!r} -> {got[:300]!r}"
            assert b"Traceback" not in got


def test_random_requests_get_no_500_and_leave_no_traceback() -> None:
    port = free_port()
    proc = start_server(port, "--timeout", "2", "--max-rows", "50", "--no-store")
    rng = random.Random(SEED)
    started = time.monotonic()
    statuses: Counter[int] = Counter()
    try:
        sent = structured(rng, port, statuses)
        raw_requests(rng, port)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/api/limits")
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        stop_server(proc)
    assert proc.stdout is not None
    log = proc.stdout.read().decode("utf-8", "replace")
    assert sent > REQUESTS * 0.9
    # the requests reach every part: answers, refusals, unknown paths, bad requests
    assert statuses[200] > 100 and statuses[400] > 100 and statuses[404] > 50, statuses
    assert "Traceback" not in log, log[-3000:]
    assert "Exception in ASGI application" not in log
    took = time.monotonic() - started
    print(f"fuzz: {sent} requests ({dict(sorted(statuses.items()))}) and {RAW} raw in {took:.1f} s")
