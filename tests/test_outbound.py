"""No query reaches another server (issue 17, finding 1), proved against the engine itself.

A real HTTP listener on 127.0.0.1 answers SPARQL (an empty result) and counts every request.

* The lexer against Oxigraph: for each of ~200 queries that glue ``SERVICE <listener>`` to a
  number, a string with escapes, a language tag, an IRI, a prefixed name, a blank node or a
  variable, or put a comment or an escape in between, pyoxigraph runs the query on a store
  where the pattern before it matches; whether the listener was called says whether Oxigraph
  read ``SERVICE`` as a keyword. The lexer must read the same (whenever Oxigraph parses the
  query), and the policy must refuse every query that made a connection.
* The endpoint with network isolation off (``SGRAPH_WORKER_ISOLATION=off``, as on a system
  without unprivileged namespaces): every one of those queries, LOAD and remote FROM are
  refused, and the listener sees nothing.
* ``sgraph query`` refuses them too (exit 2, nothing sent) unless ``--allow-service``.
"""

from __future__ import annotations

import http.server
import itertools
import json
import os
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
import pytest

from servers import free_port, sgraph_command, start_server, stop_server
from sgraph.errors import QueryRefusedError, SgraphError
from sgraph.query_policy import check_query
from sgraph.rdf.sparql_lexer import keywords, tokens

EMPTY_RESULT = json.dumps({"head": {"vars": []}, "results": {"bindings": [{}]}}).encode()


@dataclass
class Listener:
    port: int
    requests: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    """An HTTP server on 127.0.0.1 that answers any request with an empty SPARQL result."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            seen.append(f"{self.command} {self.path}")
            length = int(self.headers.get("content-length") or 0)
            if length:
                self.rfile.read(length)
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(EMPTY_RESULT)))
            self.end_headers()
            self.wfile.write(EMPTY_RESULT)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Listener(server.server_address[1], seen)
    finally:
        server.shutdown()
        server.server_close()


# -- the corpus ---------------------------------------------------------------------------------
PREFIXES = "PREFIX ex: <urn:ex:> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
#: Terms that end just before SERVICE; each is also stored as an object, so ``?s ?p TERM``
#: matches and Oxigraph evaluates a SERVICE that follows (it skips it after an empty pattern).
STORED_TERMS = [
    "1",
    "15",
    "1.5",
    ".5",
    "1.5e0",
    "1.e0",
    ".5e1",
    "15e-1",
    "-1.5E+3",
    "+7",
    "true",
    "false",
    '"a"',
    "'a'",
    '"a\\"b"',
    "'a\\'b'",
    '"""a"b"""',
    "'''a'b'''",
    '"\\u0041"',
    '"a"@en',
    '"a"@en-GB',
    '"a"^^xsd:string',
    "<urn:o>",
    "<urn:o\\u0053>",
    "ex:a",
    "ex:a.b",
    "ex:a\\.b",
    "ex:%41",
    "ex:a_",
    "ex:1",
    "ex:",
    "ex:a\\.",
    "ex:a\\-",
]
#: Terms that match anything (a variable, a blank node) or glue into something else.
OTHER_TERMS = ["?o", "$o", "_:b", "1."]
SEPARATORS = ["", " ", "\n", "\t", "#c\n", "#c SERVICE\n", "  # \\u0053\n"]
KEYWORD_FORMS = ["SERVICE", "service", "SeRvIcE", "SERVICE SILENT", "SERVICESILENT"]


def corpus(target: str) -> list[str]:
    out = []
    for term, sep in itertools.product(STORED_TERMS + OTHER_TERMS, SEPARATORS):
        out.append(
            f"{PREFIXES}SELECT * WHERE {{ ?s ?p {term}{sep}SERVICE <{target}> {{ ?a ?b ?c }} }}"
        )
    for form in KEYWORD_FORMS:
        out.append(f"{PREFIXES}SELECT * WHERE {{ ?s ?p 1.5e0{form} <{target}> {{ ?a ?b ?c }} }}")
    out += [
        # hidden in a string, an IRI, a comment: not a keyword, no connection, not refused
        f'{PREFIXES}SELECT * WHERE {{ ?s ?p ?o FILTER(?o != "SERVICE <{target}> {{ }}") }}',
        f"{PREFIXES}SELECT * WHERE {{ ?s ?p ?o # SERVICE <{target}> {{ ?a ?b ?c }}\n }}",
        f"{PREFIXES}SELECT * WHERE {{ ?s ?p ?o FILTER(?o != <urn:SERVICE>) }}",
        # the escape is decoded inside strings and IRIs only: outside, a syntax error
        f"{PREFIXES}SELECT * WHERE {{ ?s ?p ?o \\u0053ERVICE <{target}> {{ ?a ?b ?c }} }}",
        # an undeclared prefix "service:" falls back to the keyword
        f"PREFIX : <{target}#>\nSELECT * WHERE {{ ?s ?p ?o service:x {{ ?a ?b ?c }} }}",
        f"BASE <{target}>\nSELECT * WHERE {{ ?s ?p ?o SERVICE <> {{ ?a ?b ?c }} }}",
        f"{PREFIXES}SELECT * WHERE {{ ?s ?p ?o {{ SERVICE <{target}> {{ ?a ?b ?c }} }} }}",
        f"{PREFIXES}SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{target}> {{ ?a ?b ?c }} }} }}",
        f"{PREFIXES}ASK {{ ?s ?p ?o . SERVICE <{target}> {{ ?a ?b ?c }} }}",
    ]
    return out


def stored_graph() -> ox.Store:
    store = ox.Store()
    data = "".join(f"<urn:s> <urn:p> {t} .\n" for t in STORED_TERMS)
    store.load(
        (
            "@prefix ex: <urn:ex:> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n" + data
        ).encode(),
        format=ox.RdfFormat.TURTLE,
    )
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.NamedNode("urn:target")))
    return store


@dataclass
class Reading:
    query: str
    parsed: bool
    connected: bool
    lexer_sees_service: bool
    refused: bool


def engine_readings(listener: Listener) -> list[Reading]:
    store = stored_graph()
    out = []
    for q in corpus(listener.url):
        before = len(listener.requests)
        parsed = True
        try:
            result = store.query(q)
            if isinstance(result, ox.QuerySolutions):
                list(result)
        except SyntaxError:
            parsed = False
        except OSError:
            pass  # the listener answered something Oxigraph did not like: it was called
        connected = len(listener.requests) > before
        sees = "SERVICE" in keywords(tokens(q, []))
        try:
            check_query(q, local_graphs=[])
            refused = False
        except (QueryRefusedError, SgraphError):
            refused = True
        out.append(Reading(q, parsed, connected, sees, refused))
    return out


@pytest.fixture(scope="module")
def readings(listener: Listener) -> list[Reading]:
    return engine_readings(listener)


def test_the_corpus_reaches_the_listener(readings: list[Reading]) -> None:
    """The harness is real: most glued forms connect, and some forms never parse."""
    assert len(readings) > 250
    assert sum(r.connected for r in readings) > 150
    assert any(not r.parsed for r in readings)
    assert any(r.parsed and not r.connected for r in readings)


def test_the_lexer_reads_service_exactly_where_oxigraph_does(readings: list[Reading]) -> None:
    disagree = [
        f"oxigraph {'connected' if r.connected else 'did not connect'}, lexer "
        f"{'sees' if r.lexer_sees_service else 'does not see'} SERVICE: {r.query!r}"
        for r in readings
        if r.parsed and r.connected != r.lexer_sees_service
    ]
    assert disagree == [], "\n".join(disagree)


def test_the_policy_refuses_every_query_that_connected(readings: list[Reading]) -> None:
    missed = [r.query for r in readings if r.connected and not r.refused]
    assert missed == [], "\n".join(missed)
    # and it runs what only mentions SERVICE in a string, an IRI or a comment
    harmless = [r for r in readings if r.parsed and not r.connected]
    assert len(harmless) >= 3
    over = [r.query for r in harmless if r.refused]
    assert over == [], "\n".join(over)


# -- the endpoint without network isolation -----------------------------------------------------
@pytest.fixture(scope="module")
def unisolated(listener: Listener) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "SGRAPH_WORKER_ISOLATION": "off"}
    proc = start_server(port, "--no-store", env=env)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(proc)


def post(url: str, data: dict[str, str]) -> tuple[int, dict[str, object]]:
    body = urllib.parse.urlencode(data).encode()
    req = urllib.request.Request(url, data=body, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_without_isolation_the_endpoint_still_refuses_every_outbound_query(
    unisolated: str, listener: Listener, readings: list[Reading]
) -> None:
    with urllib.request.urlopen(unisolated + "/api/limits", timeout=10) as r:
        assert json.loads(r.read())["network_isolated_workers"] is False
    attacks = [r.query for r in readings if r.connected]
    attacks += [
        f"SELECT * FROM <{listener.url}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{listener.url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ]
    before = len(listener.requests)
    for q in attacks:
        status, body = post(unisolated + "/sparql", {"query": q})
        assert status == 400, (q, status, body)
        assert body["error"] == "QueryRefusedError", body
    for update in (f"LOAD <{listener.url}>", f"LOAD SILENT <{listener.url}> INTO GRAPH <urn:g>"):
        status, body = post(unisolated + "/sparql", {"query": update})
        assert status in (400, 403), body
        status, body = post(unisolated + "/sparql", {"update": update})
        assert status == 403, body
    assert listener.requests[before:] == []
    # a harmless query still runs
    status, body = post(unisolated + "/sparql", {"query": "ASK { ?s ?p ?o }"})
    assert status == 200 and body["boolean"] is True


# -- sgraph query --------------------------------------------------------------------------------
def run_cli(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*sgraph_command(), "query", "-", "--no-store", "--format", "json", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_sgraph_query_refuses_service_load_and_remote_from(listener: Listener) -> None:
    before = len(listener.requests)
    for q in (
        f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ ?s ?p 1.5e0SERVICE <{listener.url}> {{ ?a ?b ?c }} }}",
        f"SELECT * FROM <{listener.url}> WHERE {{ ?s ?p ?o }}",
    ):
        done = run_cli(stdin=q)
        assert done.returncode == 2, done.stderr
        assert "refused" in done.stderr or "not a graph of this store" in done.stderr
        assert "Traceback" not in done.stderr
    done = run_cli(stdin=f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?a ?b ?c }} }}")
    assert "--allow-service" in done.stderr
    assert listener.requests[before:] == []


def test_sgraph_query_allow_service_reaches_the_listener(listener: Listener) -> None:
    before = len(listener.requests)
    q = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?a ?b ?c }} }}"
    done = run_cli("--allow-service", stdin=q)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"]["bindings"] == [{}]
    assert len(listener.requests) > before
