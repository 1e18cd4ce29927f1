"""A real ``sgraph serve`` on a free port, with SPARQLWrapper as the client (SPARQL 1.1 Protocol)."""

from __future__ import annotations

import json
import select
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from servers import free_port, start_server, stop_server
from sgraph.store import GraphStore

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    port = free_port()
    proc = start_server(port, "--timeout", "1")
    try:
        yield f"http://127.0.0.1:{port}/sparql"
    finally:
        stop_server(proc)


def client(endpoint: str, query: str, fmt: str = JSON) -> SPARQLWrapper:
    c = SPARQLWrapper(endpoint)
    c.setQuery(query)
    c.setReturnFormat(fmt)
    return c


def http_error(c: SPARQLWrapper) -> tuple[int, dict[str, object]]:
    """Run a request expected to fail; its status and JSON error body."""
    with pytest.raises(urllib.error.HTTPError) as info:
        c.query()
    return info.value.code, json.loads(info.value.read())


def triple_count(endpoint: str) -> int:
    res = client(
        endpoint, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    ).queryAndConvert()
    return int(res["results"]["bindings"][0]["n"]["value"])  # type: ignore[index]


# -- query forms and formats ---------------------------------------------------------------------
def test_select_json(endpoint: str, graph_store: GraphStore) -> None:
    res = client(endpoint, "SELECT ?p WHERE { ?p a sg:Person } ORDER BY ?p").queryAndConvert()
    got = [b["p"]["value"] for b in res["results"]["bindings"]]  # type: ignore[index]
    person = ox.NamedNode(graph_store.settings.base + "ontology#Person")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert got == sorted(
        {q.subject.value for q in graph_store.store.quads_for_pattern(None, rdf_type, person)}
    )


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_select_every_results_format(endpoint: str, method: str) -> None:
    q = "SELECT ?p ?name WHERE { ?p a sg:Person ; foaf:name ?name } ORDER BY ?p"
    ref = client(endpoint, q).queryAndConvert()
    names = [b["name"]["value"] for b in ref["results"]["bindings"]]  # type: ignore[index]
    assert names
    for fmt in (XML, CSV, TSV):
        c = client(endpoint, q, fmt)
        c.setMethod(method)
        result = c.query()
        body = result.response.read().decode()
        ctype = result.info()["content-type"]
        if fmt == XML:
            assert ctype.startswith("application/sparql-results+xml")
            assert all(
                n.replace("&", "&amp;").replace("'", "&#x27;") in body or n in body for n in names
            )
        else:
            sep = "," if fmt == CSV else "\t"
            assert ctype.startswith("text/csv" if fmt == CSV else "text/tab-separated-values")
            assert body.splitlines()[0].replace("?", "").split(sep) == ["p", "name"]
            assert len(body.strip().splitlines()) == len(names) + 1


def test_ask(endpoint: str) -> None:
    assert client(endpoint, "ASK { ?s a sg:Person }").queryAndConvert()["boolean"] is True  # type: ignore[index]
    assert (
        client(endpoint, "ASK { ?s a <http://example.org/Nope> }").queryAndConvert()["boolean"]
        is False
    )  # type: ignore[index]


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, JSONLD, XML])
def test_construct_every_graph_format(endpoint: str, fmt: str) -> None:
    q = "CONSTRUCT { ?p a foaf:Person } WHERE { ?p a sg:Person }"
    n_people = len(
        client(endpoint, "SELECT ?p WHERE { ?p a sg:Person }").queryAndConvert()["results"][
            "bindings"
        ]
    )  # type: ignore[index]
    result = client(endpoint, q, fmt).query()
    media_type = result.info()["content-type"].split(";")[0]
    triples = list(
        ox.parse(result.response.read(), format=ox.RdfFormat.from_media_type(media_type))
    )
    assert len(triples) == n_people > 0


def test_construct_as_n_triples(endpoint: str) -> None:
    c = client(endpoint, "CONSTRUCT { ?p a foaf:Person } WHERE { ?p a sg:Person }", TURTLE)
    c.addCustomHttpHeader("Accept", "application/n-triples")
    result = c.query()
    assert result.info()["content-type"].startswith("application/n-triples")
    assert list(ox.parse(result.response.read(), format=ox.RdfFormat.N_TRIPLES))


# -- refused requests ----------------------------------------------------------------------------
def test_syntax_error_is_400(endpoint: str) -> None:
    with pytest.raises(QueryBadFormed) as info:
        client(endpoint, "SELECT ?s WHERE { ?s ?p }").query()
    assert "line 1" in str(info.value)


def test_update_is_403_and_changes_nothing(endpoint: str) -> None:
    before = triple_count(endpoint)
    c = SPARQLWrapper(endpoint)
    c.setMethod("POST")
    c.setQuery("INSERT DATA { GRAPH <http://ex/g> { <http://ex/a> <http://ex/b> <http://ex/c> } }")
    assert c.isSparqlUpdateRequest()
    status, body = http_error(c)
    assert status == 403 and body["error"] == "ReadOnlyError"
    c = SPARQLWrapper(endpoint)
    c.setMethod("POST")
    c.setQuery("DROP ALL")
    assert http_error(c)[0] == 403
    assert triple_count(endpoint) == before


def test_not_acceptable_is_406(endpoint: str) -> None:
    c = client(endpoint, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    c.addCustomHttpHeader("Accept", "text/html, image/png;q=0.5")
    status, body = http_error(c)
    assert status == 406 and body["status"] == 406 and "hint" in body


@pytest.fixture
def listener() -> Iterator[tuple[socket.socket, int]]:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    s.setblocking(False)
    try:
        yield s, s.getsockname()[1]
    finally:
        s.close()


def assert_no_connection(s: socket.socket, wait_s: float = 1.0) -> None:
    readable, _, _ = select.select([s], [], [], wait_s)
    assert not readable, "the server opened a connection to the loopback listener"


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "select * where {{ service silent <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ \\u0053ERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM NAMED <http://127.0.0.1:{port}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ],
)
def test_outbound_requests_are_refused_and_never_made(
    endpoint: str, listener: tuple[socket.socket, int], template: str
) -> None:
    s, port = listener
    with pytest.raises(QueryBadFormed) as info:
        client(endpoint, template.format(port=port)).query()
    assert "refused" in str(info.value) or "not a graph of this store" in str(info.value)
    assert_no_connection(s)


def test_load_is_refused_and_never_made(endpoint: str, listener: tuple[socket.socket, int]) -> None:
    s, port = listener
    c = SPARQLWrapper(endpoint)
    c.setMethod("POST")
    c.setQuery(f"LOAD <http://127.0.0.1:{port}/data.ttl>")
    status, _ = http_error(c)
    assert status in (400, 403)
    assert_no_connection(s)


def test_service_inside_a_string_is_just_text(endpoint: str) -> None:
    q = 'SELECT ?x WHERE { BIND("SERVICE <http://127.0.0.1:9/> { }" AS ?x) }'
    res = client(endpoint, q).queryAndConvert()
    assert res["results"]["bindings"][0]["x"]["value"].startswith("SERVICE")  # type: ignore[index]


# -- bounds ------------------------------------------------------------------------------------
def test_expensive_query_is_cut_off_by_the_time_limit(endpoint: str) -> None:
    status, body = http_error(client(endpoint, SLOW))
    assert status == 503
    assert body["error"] == "QueryTimeoutError" and "time limit of 1 s" in str(body["message"])
    # the worker was replaced: the endpoint keeps answering
    assert client(endpoint, "ASK { ?s ?p ?o }").queryAndConvert()["boolean"] is True  # type: ignore[index]


def test_protocol_clients_get_every_row_or_an_error_never_a_cut_result() -> None:
    """Issue 15: with a row cap of 3, SPARQLWrapper and rdflib's SPARQLStore still get every
    row (len() equals iteration); past the byte limit they get an error naming it."""
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    port = free_port()
    proc = start_server(port, "--max-rows", "3")
    endpoint = f"http://127.0.0.1:{port}/sparql"
    try:
        c = client(endpoint, "SELECT ?s WHERE { ?s a sg:Person }")
        result = c.query()
        assert "x-sgraph-truncated" not in result.info()
        people = result.convert()["results"]["bindings"]  # type: ignore[index]
        count = client(endpoint, "SELECT (COUNT(?s) AS ?n) WHERE { ?s a sg:Person }")
        n = count.queryAndConvert()["results"]["bindings"][0]["n"]["value"]  # type: ignore[index]
        assert len(people) == int(n) > 3
        g = Graph(store=SPARQLStore(endpoint, returnFormat="json"))
        assert len(g) == sum(1 for _ in g) > 1000
    finally:
        stop_server(proc)
    proc = start_server(port, "--max-result-bytes", "20000")
    try:
        g = Graph(store=SPARQLStore(endpoint, returnFormat="json"))
        with pytest.raises(ValueError):  # rdflib's word for any HTTP error
            sum(1 for _ in g)
        with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)):
            client(endpoint, "SELECT * WHERE { ?s ?p ?o }").queryAndConvert()
        r = urllib.request.Request(
            endpoint + "?query=SELECT+*+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D",
            headers={"Accept": "application/sparql-results+json"},
        )
        with pytest.raises(urllib.error.HTTPError) as http:
            urllib.request.urlopen(r, timeout=30)
        assert http.value.code == 503
        body = json.loads(http.value.read())
        assert "20000 bytes" in body["message"] and "--max-result-bytes" in body["hint"]
    finally:
        stop_server(proc)


def test_binds_loopback_only_by_default(endpoint: str) -> None:
    """The listening socket's local address, as the kernel reports it, is 127.0.0.1."""
    port = int(endpoint.split(":")[2].split("/")[0])
    table = Path("/proc/net/tcp")
    if not table.exists():
        pytest.skip("no /proc/net/tcp on this system")
    listening = []
    for line in table.read_text().splitlines()[1:]:
        fields = line.split()
        address, port_hex = fields[1].split(":")
        if int(port_hex, 16) == port and fields[3] == "0A":  # 0A = LISTEN
            listening.append(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    assert listening == ["127.0.0.1"]
    v6 = Path("/proc/net/tcp6")
    if v6.exists():
        assert not any(
            int(line.split()[1].split(":")[1], 16) == port
            for line in v6.read_text().splitlines()[1:]
        )


def test_every_error_response_has_the_one_shape(endpoint: str) -> None:
    base = endpoint.rsplit("/", 1)[0]
    requests = [
        (urllib.request.Request(f"{base}/nowhere"), 404),
        (urllib.request.Request(endpoint, method="DELETE"), 405),
        (urllib.request.Request(endpoint + "?query=SELECT", headers={"Accept": "text/csv"}), 400),
        (
            urllib.request.Request(
                endpoint, data=b"x" * 200_000, headers={"Content-Type": "application/sparql-query"}
            ),
            413,
        ),
    ]
    for req, status in requests:
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(req, timeout=10)
        assert info.value.code == status
        body = json.loads(info.value.read())
        # a syntax error also gives its line and column
        shape = set(body) - {"hint", "line", "column"}
        assert shape == {"status", "error", "message"} and body["status"] == status
