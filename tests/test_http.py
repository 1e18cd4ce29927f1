"""The HTTP seam (`sgraph.http`): what push and remote queries put on the wire, and the faults a
real server cannot be made to show (a timeout, a connection cut in the middle of an upload),
through httpx's MockTransport. Push and remote queries against a real Oxigraph server are in
test_push.py."""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest

from sgraph import http
from sgraph.errors import RemoteStoreError, UnreachableError
from sgraph.push import CHUNK, push_ntriples
from sgraph.sparql import execute_remote

STORE = "http://store.test/store"
ENDPOINT = "http://store.test/query"


def test_push_sends_one_put_with_the_length_and_the_body_in_chunks() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(404 if request.method == "GET" else 204)

    payload = b"<http://a/> <http://b/> <http://c/> .\n" * 20_000
    progress: list[tuple[int, int]] = []
    with http.use_transport(httpx.MockTransport(handler)):
        status = push_ntriples(STORE, payload, progress=lambda s, t: progress.append((s, t)))
    # a look at the target first (a GET, no body), then the one PUT
    assert status == 204 and [r.method for r in seen] == ["GET", "PUT"]
    request = seen[1]
    assert request.method == "PUT" and str(request.url) == STORE + "?default"
    assert request.headers["content-type"] == "application/n-triples"
    assert request.headers["content-length"] == str(len(payload))
    assert "transfer-encoding" not in request.headers
    assert request.headers["user-agent"].startswith("sgraph/")
    assert request.content == payload
    # the body was sent as it was read, chunk by chunk (the progress is told after each one)
    assert [s for s, _ in progress] == [*range(CHUNK, len(payload), CHUNK), len(payload)]


def test_a_connection_cut_during_the_upload_is_a_clear_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200)
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.")

    with http.use_transport(httpx.MockTransport(handler)), pytest.raises(RemoteStoreError) as info:
        push_ntriples(STORE, b"<http://a/> <http://b/> <http://c/> .\n")
    assert "cannot reach the store at http://store.test/store?default" in info.value.message
    assert "disconnected" in info.value.message and info.value.hint


def test_a_timeout_names_the_limit() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with http.use_transport(httpx.MockTransport(handler)), pytest.raises(UnreachableError) as info:
        http.request("GET", ENDPOINT, timeout_s=2.5)
    assert info.value.message == f"cannot reach {ENDPOINT}: no answer within 2.5 s"


def test_a_remote_query_is_a_protocol_post_and_its_answer_is_read() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "uri",
                "value": "http://a/"}}]}}  # fmt: skip
        return httpx.Response(200, json=body, headers={"content-type": "application/json"})

    with http.use_transport(httpx.MockTransport(handler)):
        result = execute_remote(ENDPOINT, "SELECT ?n WHERE { ?n a sg:Person }",
                                prefixes={"sg": "https://w3id.org/sgraph/ontology#"})  # fmt: skip
    assert result.rows == [{"n": ox.NamedNode("http://a/")}]
    request = seen[0]
    assert request.method == "POST"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.headers["accept"].startswith("application/sparql-results+json")
    form = httpx.QueryParams(request.content.decode())
    assert form["query"].startswith("PREFIX sg: <https://w3id.org/sgraph/ontology#>\n")


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (httpx.Response(200, content=b"<html>not results</html>"), "not SPARQL JSON results"),
        (httpx.Response(500, content=b"<h1>Internal  error</h1>"), "HTTP 500 Internal Server"),
        (
            httpx.Response(200, content=b"@@@", headers={"content-type": "text/turtle"}),
            "text/turtle",
        ),
    ],
)
def test_a_bad_answer_from_an_endpoint_is_a_clear_error(
    response: httpx.Response, message: str
) -> None:
    text = "CONSTRUCT WHERE { ?s ?p ?o }" if "turtle" in message else "ASK {}"
    transport = httpx.MockTransport(lambda request: response)
    with http.use_transport(transport), pytest.raises(RemoteStoreError, match=message) as info:
        execute_remote(ENDPOINT, text)
    assert info.value.message.startswith(f"SPARQL endpoint {ENDPOINT} failed")


def test_a_store_slow_to_answer_the_look_still_gets_the_upload() -> None:
    """The GET before the upload only looks: when it times out, the PUT is sent anyway."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        if request.method == "GET":
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(201)

    with http.use_transport(httpx.MockTransport(handler)):
        assert push_ntriples(STORE, b"<http://a/> <http://b/> <http://c/> .\n") == 201
    assert seen == ["GET", "PUT"]
