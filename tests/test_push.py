"""``sgraph push`` and ``sgraph query --endpoint`` against a real Oxigraph server."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner, Result

from servers import free_port, running_oxigraph
from sgraph.cli import cli
from sgraph.errors import RemoteStoreError
from sgraph.push import target_url
from sgraph.queries import load_library
from sgraph.sparql import execute_remote


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph server on a free loopback port, stopped after the module."""
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


def _count(url: str, graph: str | None = None) -> int:
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    r = execute_remote(url + "/query", f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
    return int(r.rows[0]["n"].value)


@pytest.fixture(scope="module")
def pushed(oxigraph_server: str) -> str:
    r = invoke("push", oxigraph_server + "/store")
    assert r.exit_code == 0, r.stderr
    return oxigraph_server


def test_push_uploads_the_whole_graph(pushed: str, graph_store: object) -> None:
    from sgraph.store import GraphStore

    assert isinstance(graph_store, GraphStore)
    assert _count(pushed) == len(graph_store.triples())


def test_push_reports_progress_and_result(oxigraph_server: str) -> None:
    r = invoke("push", oxigraph_server + "/store", "--no-validate")
    assert r.exit_code == 0
    assert "bytes (100%)" in r.stderr
    assert "to the default graph" in r.stdout and "(HTTP 20" in r.stdout


def test_push_replaces_not_appends(pushed: str) -> None:
    before = _count(pushed)
    r = invoke("push", pushed + "/store", "--no-validate")
    assert r.exit_code == 0
    assert _count(pushed) == before


@pytest.mark.parametrize("name", sorted(load_library()))
def test_named_query_same_rows_remote_as_local(pushed: str, name: str) -> None:
    local = invoke("query", name, "--format", "json")
    remote = invoke("query", name, "--format", "json", "--endpoint", pushed + "/query")
    assert local.exit_code == 0 and remote.exit_code == 0, remote.stderr
    assert json.loads(local.stdout)["results"]["bindings"], name
    assert remote.stdout == local.stdout


def test_parameters_bind_the_same_remotely(pushed: str) -> None:
    for date, chair in [("2019-06-01", "Edward Timpson"), ("2021-06-01", "Annie Hudson")]:
        r = invoke(
            "query",
            "chair-on-date",
            "-p",
            f"date={date}",
            "--format",
            "csv",
            "--endpoint",
            pushed + "/query",
        )
        assert r.exit_code == 0
        assert chair in r.stdout
    table = invoke(
        "query",
        "chair-on-date",
        "-p",
        "date=2019-06-01",
        "--format",
        "table",
        "--endpoint",
        pushed + "/query",
    )
    local = invoke("query", "chair-on-date", "-p", "date=2019-06-01", "--format", "table")
    assert table.stdout == local.stdout


def test_remote_ask_and_construct(pushed: str) -> None:
    r = execute_remote(
        pushed + "/query",
        "ASK { ?s a sg:Panel }",
        prefixes={"sg": "https://w3id.org/sgraph/ontology#"},
    )
    assert r.kind == "ask" and r.boolean is True
    g = execute_remote(
        pushed + "/query",
        "CONSTRUCT { ?s a sg:Panel } WHERE { ?s a sg:Panel }",
        prefixes={"sg": "https://w3id.org/sgraph/ontology#"},
    )
    assert [t.subject.value for t in g.triples] == [
        "https://w3id.org/sgraph/id/organisation/child-safeguarding-practice-review-panel"
    ]


def test_push_to_named_graph(oxigraph_server: str) -> None:
    graph = "https://example.org/graph/sgraph?v=1&x=%20"
    r = invoke("push", oxigraph_server + "/store", "--graph", graph, "--no-validate")
    assert r.exit_code == 0, r.stderr
    assert f"named graph <{graph}>" in r.stdout
    assert _count(oxigraph_server, graph) > 1000


def test_target_url() -> None:
    assert target_url("http://h:1/store", None) == "http://h:1/store?default"
    assert (
        target_url("http://h:1/store?x=1", "http://g/a?b=c")
        == "http://h:1/store?x=1&graph=http%3A%2F%2Fg%2Fa%3Fb%3Dc"
    )


def test_push_to_unreachable_store_fails_clearly() -> None:
    port = free_port()  # nothing listens there
    r = invoke("push", f"http://127.0.0.1:{port}/store", "--no-validate")
    assert r.exit_code == 2
    assert f"cannot reach the store at http://127.0.0.1:{port}/store?default" in r.stderr
    assert "Hint:" in r.stderr


def test_push_to_refusing_store_fails_clearly(oxigraph_server: str) -> None:
    r = invoke("push", oxigraph_server + "/query", "--no-validate")  # not a Graph Store endpoint
    assert r.exit_code == 2
    assert "refused the upload: HTTP" in r.stderr


def test_push_refuses_bad_url_and_graph() -> None:
    r = invoke("push", "ftp://example.org/store")
    assert r.exit_code == 2 and "not an http(s) URL" in r.stderr
    r = invoke("push", "http://127.0.0.1:9/store", "--graph", "not an iri")
    assert r.exit_code == 2 and "--graph must be an absolute IRI" in r.stderr


def test_query_on_unreachable_endpoint_fails_clearly() -> None:
    port = free_port()
    r = invoke("query", "roles", "--endpoint", f"http://127.0.0.1:{port}/query")
    assert r.exit_code == 2
    assert f"SPARQL endpoint http://127.0.0.1:{port}/query failed: cannot connect" in r.stderr
    with pytest.raises(RemoteStoreError):
        execute_remote(f"http://127.0.0.1:{port}/query", "ASK {}")
