"""The endpoint in-process (Starlette TestClient): negotiation, the query policy, read-only,
bounds, the named-query API, the query page's files, and the one error shape."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

with warnings.catch_warnings():  # Starlette suggests httpx2; httpx is what the project has
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from sgraph import sparql
from sgraph.errors import NotAcceptableError, QueryRefusedError, ReadOnlyError
from sgraph.queries import load_library
from sgraph.server import ServerConfig, create_app
from sgraph.server.conneg import negotiate
from sgraph.server.policy import check_query
from sgraph.store import GraphStore

SELECT_TITLES = "SELECT ?s ?title WHERE { ?s dcterms:title ?title } ORDER BY ?s"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
ERROR_KEYS = {"status", "error", "message"}


def assert_error_shape(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    # a syntax error also says where: line and column
    assert ERROR_KEYS <= set(body) <= ERROR_KEYS | {"hint", "line", "column"}, body
    assert body["status"] == status
    assert isinstance(body["message"], str) and body["message"]
    assert "Traceback" not in response.text and 'File "' not in response.text
    return body  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def client(graph_store: GraphStore) -> Iterator[TestClient]:
    config = ServerConfig(timeout_s=3.0, max_rows=7, max_request_bytes=5000, workers=1)
    app = create_app(graph_store, config)

    async def boom(request: Request) -> Response:  # a fault no real request can provoke
        raise RuntimeError("secret internal detail /etc/passwd")

    app.router.routes.append(Route("/test-boom", boom))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def count(client: TestClient) -> int:
    r = client.get("/sparql", params={"query": COUNT}, headers={"Accept": "application/json"})
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


# -- content negotiation ----------------------------------------------------------------------
OFFER = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("", "application/sparql-results+json"),
        ("text/csv", "text/csv"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("*/*", "application/sparql-results+json"),
        ("text/*, */*;q=0.1", "text/csv"),
        ("text/csv, */*", "text/csv"),
        ("application/*;q=0.2, text/csv;q=0.1", "application/sparql-results+json"),
        ("*/*;q=0.5, application/sparql-results+json;q=0", "application/sparql-results+xml"),
        ("TEXT/CSV", "text/csv"),
        ("text/csv;q=oops, application/sparql-results+xml", "application/sparql-results+xml"),
    ],
)
def test_negotiate_honours_q_values(accept: str | None, expected: str) -> None:
    assert negotiate(accept, OFFER, OFFER[0]) == expected


@pytest.mark.parametrize(
    "accept", ["text/html", "image/png, text/turtle", "text/csv;q=0, application/*;q=0"]
)
def test_negotiate_refuses_what_is_not_offered(accept: str) -> None:
    with pytest.raises(NotAcceptableError) as info:
        negotiate(accept, OFFER, OFFER[0])
    assert info.value.http_status == 406


# -- the query policy ---------------------------------------------------------------------------
LOCAL = ["https://w3id.org/sgraph/graph/people", "https://w3id.org/sgraph/graph/materialised"]
PFX = {"sggraph": "https://w3id.org/sgraph/graph/", "dcterms": "http://purl.org/dc/terms/"}


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p "SERVICE <http://example.org/> { }" }',
        "SELECT * WHERE { ?s ?p '''LOAD <http://x/>\nSERVICE''' }",
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://example.org/sparql> { }",
        "PREFIX service: <http://ex/> SELECT * WHERE { ?s service:load ?service }",
        'SELECT * WHERE { ?s ?p "x"@service }',
        "SELECT * WHERE { <http://ex/SERVICE> ?p ?o }",
        "SELECT * WHERE { ?s ?p ?oSERVICE }",
        "SELECT * WHERE { ?s ?p 1.5e0 } LIMIT 1",
        "SELECT * FROM <https://w3id.org/sgraph/graph/people> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED sggraph:materialised WHERE { GRAPH ?g { ?s ?p ?o } }",
        "BASE <https://w3id.org/sgraph/> SELECT * FROM <graph/people> WHERE { ?s ?p ?o }",
        'SELECT * WHERE { ?s dcterms:title ?t FILTER(CONTAINS(?t, "delete")) }',
    ],
)
def test_policy_allows_local_read_only_queries(query: str) -> None:
    check_query(query, local_graphs=LOCAL, prefixes=PFX)


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", QueryRefusedError),
        ("select * where { service <http://example.org/sparql> { ?s ?p ?o } }", QueryRefusedError),
        ("SELECT * WHERE { SeRvIcE SILENT ?endpoint { ?s ?p ?o } }", QueryRefusedError),
        ('SELECT * WHERE { ?s ?p "a" . SERVICE <http://x/> { } }', QueryRefusedError),
        ("SELECT * WHERE { FILTER(?a<?b) SERVICE<http://x/>{} }", QueryRefusedError),
        ("SELECT * WHERE { \\u0053ERVICE <http://x/> { ?s ?p ?o } }", QueryRefusedError),
        # keywords glued to what precedes them, as Oxigraph reads them (no word boundary)
        ("SELECT * WHERE { ?s ?p 1.5e0SERVICE <http://x/> { } }", QueryRefusedError),
        ("SELECT * WHERE { ?s ?p trueSERVICE <http://x/> { } }", QueryRefusedError),
        ("SELECT * WHERE { ?s ?p ?o SERVICESILENT <http://x/> { } }", QueryRefusedError),
        ("PREFIX s: <http://x/> SELECT * WHERE { ?s ?p ?o SERVICEs:x { } }", QueryRefusedError),
        # an undeclared prefix: Oxigraph falls back to the keyword, "SERVICE :x"
        ("PREFIX : <http://x/> SELECT * WHERE { ?s ?p ?o service:x { } }", QueryRefusedError),
        ("SELECT * WHERE { ?s ?p ?o xSERVICE <http://x/> { } }", QueryRefusedError),
        ("LOAD <http://example.org/data.ttl>", QueryRefusedError),
        ("SELECT * FROM <http://example.org/remote.ttl> WHERE { ?s ?p ?o }", QueryRefusedError),
        ("SELECT * FROM NAMED <http://example.org/g> WHERE { ?s ?p ?o }", QueryRefusedError),
        (
            "PREFIX ex: <http://example.org/> SELECT * FROM ex:g WHERE { ?s ?p ?o }",
            QueryRefusedError,
        ),
        ("SELECT * FROM <graph/people> WHERE { ?s ?p ?o }", QueryRefusedError),
        ("INSERT DATA { <http://a/> <http://b/> <http://c/> }", ReadOnlyError),
        ("delete where { ?s ?p ?o }", ReadOnlyError),
        ("CLEAR ALL", ReadOnlyError),
        ("DROP GRAPH <https://w3id.org/sgraph/graph/people>", ReadOnlyError),
        ("SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <http://a/> <http://b/> 1 }", ReadOnlyError),
    ],
)
def test_policy_refuses_outbound_and_updates(query: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        check_query(query, local_graphs=LOCAL, prefixes=PFX)


def test_policy_checks_protocol_graph_parameters() -> None:
    check_query("SELECT * WHERE { ?s ?p ?o }", local_graphs=LOCAL, default_graph_uris=[LOCAL[0]])
    with pytest.raises(QueryRefusedError, match="not a graph of this store"):
        check_query(
            "SELECT * WHERE { ?s ?p ?o }", local_graphs=LOCAL, named_graph_uris=["http://x/"]
        )


# -- queries over HTTP ----------------------------------------------------------------------------
def test_select_json_matches_the_store(client: TestClient, graph_store: GraphStore) -> None:
    r = client.get(
        "/sparql", params={"query": "SELECT ?s WHERE { ?s a sg:Person } ORDER BY ?s LIMIT 5"}
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    assert "accept" in r.headers["vary"].lower()
    got = [b["s"]["value"] for b in r.json()["results"]["bindings"]]
    expected = sorted(
        {
            q.subject.value
            for q in graph_store.store.quads_for_pattern(
                None,
                ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                ox.NamedNode(graph_store.settings.base + "ontology#Person"),
            )
        }
    )[:5]
    assert got == expected


@pytest.mark.parametrize(
    ("accept", "ctype"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
    ],
)
def test_select_in_every_results_format(client: TestClient, accept: str, ctype: str) -> None:
    r = client.post(
        "/sparql",
        data={"query": "SELECT ?s WHERE { ?s a sg:Person } LIMIT 2"},
        headers={"Accept": accept},
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == ctype


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
    ],
)
def test_construct_in_every_graph_format(
    client: TestClient, accept: str, fmt: ox.RdfFormat
) -> None:
    query = "CONSTRUCT { ?s a sg:Person } WHERE { ?s a sg:Person }"
    r = client.post(
        "/sparql",
        content=query.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": accept},
    )
    assert r.status_code == 200, r.text
    triples = list(ox.parse(r.content, format=fmt))
    assert triples and all(t.object.value.endswith("#Person") for t in triples)


def test_construct_refuses_result_formats_with_406(client: TestClient) -> None:
    r = client.get(
        "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "text/csv"}
    )
    assert_error_shape(r, 406)


def test_select_refuses_unacceptable_types_with_406(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": SELECT_TITLES}, headers={"Accept": "text/html"})
    assert_error_shape(r, 406)  # a client asking for HTML data; a browser's navigation: the page
    page = client.get(
        "/sparql",
        params={"query": SELECT_TITLES},
        headers={"Accept": "text/html", "Sec-Fetch-Dest": "document"},
    )
    assert page.status_code == 200 and "sgraph-config" in page.text


def test_ask(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "ASK { ?s a sg:Person }"})
    assert r.json()["boolean"] is True
    r = client.get("/sparql", params={"query": "ASK { ?s a <http://example.org/Nothing> }"})
    assert r.json()["boolean"] is False


def test_row_cap_flags_truncation_on_pages_never_for_protocol_clients(
    client: TestClient, graph_store: GraphStore
) -> None:
    every = len(sparql.execute(graph_store.store, SELECT_TITLES, prefixes=graph_store.prefixes))
    assert every > 7
    # a SPARQL protocol client gets every row, in JSON and XML, with no cut and no flag
    r = client.get("/sparql", params={"query": SELECT_TITLES})
    assert r.status_code == 200 and "x-sgraph-truncated" not in r.headers
    assert len(r.json()["results"]["bindings"]) == every
    assert "link" not in r.json()["head"]
    xml = client.get(
        "/sparql",
        params={"query": SELECT_TITLES},
        headers={"Accept": "application/sparql-results+xml"},
    )
    import xml.etree.ElementTree as ET

    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert len(ET.fromstring(xml.content).findall(f"{ns}results/{ns}result")) == every
    # the query page asks for a page: at most the row cap, flagged, with the total
    page = client.get("/sparql", params={"query": SELECT_TITLES, "_limit": "7"})
    assert page.headers["x-sgraph-truncated"] == "true"
    assert page.headers["x-sgraph-total"] == str(every)
    assert len(page.json()["results"]["bindings"]) == 7
    small = client.get(
        "/sparql", params={"query": "SELECT ?s WHERE { ?s a sg:Person } LIMIT 2", "_limit": "7"}
    )
    assert "x-sgraph-truncated" not in small.headers and small.headers["x-sgraph-total"] == "2"
    too_many = client.get("/sparql", params={"query": SELECT_TITLES, "_limit": "8"})
    assert "row cap" in assert_error_shape(too_many, 400)["message"]
    limits = client.get("/api/limits").json()
    assert limits["max_rows"] == 7


def test_default_and_named_graph_uris_select_local_graphs(
    client: TestClient, graph_store: GraphStore
) -> None:
    people = graph_store.settings.base + "graph/people"
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    r = client.get("/sparql", params={"query": q, "default-graph-uri": people})
    expected = sum(
        1 for _ in graph_store.store.quads_for_pattern(None, None, None, ox.NamedNode(people))
    )
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == expected
    r = client.get("/sparql", params={"query": q, "default-graph-uri": "http://example.org/g"})
    assert "not a graph of this store" in assert_error_shape(r, 400)["message"]
    q2 = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = client.get("/sparql", params={"query": q2, "named-graph-uri": people})
    assert [b["g"]["value"] for b in r.json()["results"]["bindings"]] == [people]


def test_from_a_local_graph_runs(client: TestClient, graph_store: GraphStore) -> None:
    people = graph_store.settings.base + "graph/people"
    q = f"SELECT (COUNT(*) AS ?n) FROM <{people}> WHERE {{ ?s ?p ?o }}"
    r = client.get("/sparql", params={"query": q})
    expected = sum(
        1 for _ in graph_store.store.quads_for_pattern(None, None, None, ox.NamedNode(people))
    )
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == expected


# -- read-only ----------------------------------------------------------------------------------
UPDATE = "INSERT DATA { GRAPH <https://w3id.org/sgraph/graph/people> { <http://ex/a> <http://ex/b> <http://ex/c> } }"


@pytest.mark.parametrize(
    "send",
    [
        lambda c: c.post(
            "/sparql",
            content=UPDATE.encode(),
            headers={"Content-Type": "application/sparql-update"},
        ),
        lambda c: c.post("/sparql", data={"update": UPDATE}),
        lambda c: c.get("/sparql", params={"update": UPDATE}),
        lambda c: c.get("/sparql", params={"query": UPDATE}),
        lambda c: c.post("/sparql", data={"query": "DELETE WHERE { ?s ?p ?o }"}),
        lambda c: c.post(
            "/sparql", content=b"CLEAR ALL", headers={"Content-Type": "application/sparql-query"}
        ),
    ],
)
def test_updates_are_refused_and_change_nothing(client: TestClient, send: Any) -> None:
    before = count(client)
    body = assert_error_shape(send(client), 403)
    assert "read-only" in body["message"]
    assert count(client) == before


# -- bounds ----------------------------------------------------------------------------------
def test_request_size_cap(client: TestClient) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 6000
    assert_error_shape(client.post("/sparql", data={"query": big}), 413)
    assert_error_shape(
        client.post(
            "/sparql", content=big.encode(), headers={"Content-Type": "application/sparql-query"}
        ),
        413,
    )
    assert_error_shape(client.get("/sparql", params={"query": big}), 413)


def test_time_limit_answers_503_and_the_next_query_runs(client: TestClient) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    body = assert_error_shape(client.get("/sparql", params={"query": slow}), 503)
    assert body["error"] == "QueryTimeoutError"
    assert "time limit" in body["message"]
    r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert r.status_code == 200 and r.json()["boolean"] is True


# -- errors ------------------------------------------------------------------------------------------
def test_every_api_error_has_the_one_shape(client: TestClient) -> None:
    cases = [
        (client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}), 400),
        (client.get("/sparql", params={"query": "   "}), 400),
        (client.get("/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")]), 400),
        (client.post("/sparql", content=b"x", headers={"Content-Type": "text/plain"}), 400),
        (
            client.post(
                "/sparql", content=b"\xff\xfe", headers={"Content-Type": "application/sparql-query"}
            ),
            400,
        ),
        (client.post("/sparql", data={}), 400),
        (
            client.get(
                "/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> {} }"}
            ),
            400,
        ),
        (client.get("/sparql", params={"query": UPDATE}), 403),
        (client.get("/nothing/here"), 404),
        (client.get("/api/queries/no-such-query"), 404),
        (client.put("/sparql", content=b"x"), 405),
        (client.delete("/api/queries"), 405),
        (
            client.get("/sparql", params={"query": SELECT_TITLES}, headers={"Accept": "image/png"}),
            406,
        ),
        (client.post("/sparql", data={"query": "x" * 6000}), 413),
        (client.get("/test-boom"), 500),
    ]
    for response, status in cases:
        assert_error_shape(response, status)


def test_internal_errors_hide_their_details(client: TestClient) -> None:
    r = client.get("/test-boom")
    body = assert_error_shape(r, 500)
    assert "secret" not in r.text and "passwd" not in r.text and "RuntimeError" not in r.text
    assert body["error"] == "InternalServerError"


def test_syntax_error_names_line_and_column(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT ?s\nWHERE { ?s ?p }"})
    body = assert_error_shape(r, 400)
    assert body["error"] == "QuerySyntaxError"
    assert "line 2" in body["message"]
    # where the query page marks it: line 2, at or just after the "}" where an object was due
    assert body["line"] == 2 and body["column"] in (15, 16)


# -- service description ---------------------------------------------------------------------------
def test_service_description(client: TestClient) -> None:
    r = client.get("/sparql")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    store = ox.Store()
    store.load(r.content, format=ox.RdfFormat.TURTLE)
    me = ox.NamedNode("http://127.0.0.1:8000/sparql")  # the configured address, not Host
    assert ox.Quad(me, ox.NamedNode(sd + "endpoint"), me) in store
    assert (
        ox.Quad(me, ox.NamedNode(sd + "supportedLanguage"), ox.NamedNode(sd + "SPARQL11Query"))
        in store
    )
    formats = {
        q.object.value for q in store.quads_for_pattern(me, ox.NamedNode(sd + "resultFormat"), None)
    }
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats and len(formats) == 8
    r = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert r.headers["content-type"].startswith("application/ld+json")
    json.loads(r.content)


# -- named queries ---------------------------------------------------------------------------------
def test_named_query_list_is_the_library(client: TestClient, graph_store: GraphStore) -> None:
    expected = [q.to_dict() for q in load_library(graph_store.settings.queries_dirs).values()]
    assert client.get("/api/queries").json() == expected


def test_named_query_runs_with_typed_parameters(
    client: TestClient, graph_store: GraphStore
) -> None:
    library = load_library(graph_store.settings.queries_dirs)
    query = library["chair-on-date"]
    (param,) = [p for p in query.parameters if p.type == "date"]
    r = client.get("/api/queries/chair-on-date", params={param.name: "2021-06-01"})
    assert r.status_code == 200, r.text
    from sgraph import sparql

    local = sparql.execute(
        graph_store.store,
        query.query,
        query.bind({param.name: "2021-06-01"}, graph_store.prefixes),
        prefixes=graph_store.prefixes,
    )
    got = [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]
    assert got == [{k: t.value for k, t in row.items()} for row in local.rows][:7]
    bad = client.get("/api/queries/chair-on-date", params={param.name: "yesterday"})
    assert assert_error_shape(bad, 400)["error"] == "ParameterError"
    unknown = client.get("/api/queries/chair-on-date", params={"nope": "1"})
    assert_error_shape(unknown, 400)
    close = assert_error_shape(client.get("/api/queries/chair-on-dat"), 404)
    assert "chair-on-date" in close.get("hint", "")


# -- the query page's files --------------------------------------------------------------------
def test_query_page_is_the_endpoint_for_browsers(client: TestClient) -> None:
    r = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    nonce = csp.split("'nonce-", 1)[1].split("'", 1)[0]
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp
    assert f"script-src 'nonce-{nonce}'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    # every script is inlined with the nonce: nothing is loaded, from here or elsewhere
    assert "<script src" not in r.text and '<link rel="stylesheet"' not in r.text
    scripts = r.text.count("<script nonce=")
    assert scripts >= 4 and scripts == r.text.count(f'<script nonce="{nonce}">')
    # SPARQL clients and curl (*/*) still get the service description and results
    assert client.get("/sparql").headers["content-type"].startswith("text/turtle")
    r = client.get("/sparql", params={"query": SELECT_TITLES}, headers={"Accept": "*/*"})
    assert r.headers["content-type"].startswith("application/sparql-results+json")
