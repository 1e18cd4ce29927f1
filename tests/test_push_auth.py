"""``sgraph push`` with a login, against Virtuoso's authenticated Graph Store endpoint
(``/sparql-graph-crud-auth``, HTTP Digest; the dba password set by the test) and a real
Oxigraph server; logins from the URL, SGRAPH_PUSH_PASSWORD and ~/.netrc."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from servers import Virtuoso, running_oxigraph, running_virtuoso
from sgraph.errors import InputError
from sgraph.push import find_login, split_credentials
from sgraph.sparql import execute_remote

GRAPH = "https://w3id.org/sgraph/graph"
PASSWORD = "s3cret-pw"


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    from sgraph.cli import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso-auth"), password=PASSWORD) as v:
        yield v


def _count(endpoint: str, graph: str) -> int:
    r = execute_remote(
        endpoint, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    )
    return int(r.rows[0]["n"].value)


def test_push_to_virtuoso_with_digest_login(virtuoso: Virtuoso, graph_store: object) -> None:
    from sgraph.store import GraphStore

    assert isinstance(graph_store, GraphStore)
    r = invoke(
        "push", virtuoso.graph_crud_auth, "--user", "dba", "--graph", GRAPH, "--no-validate",
        env={"SGRAPH_PUSH_PASSWORD": PASSWORD},
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr
    assert "as dba (password from SGRAPH_PUSH_PASSWORD)" in r.stderr
    assert PASSWORD not in r.stdout + r.stderr
    assert _count(virtuoso.sparql, GRAPH) == len(graph_store)
    # a second push replaces the graph: the same count, not twice as many
    url = virtuoso.graph_crud_auth.replace("http://", f"http://dba:{PASSWORD}@")
    r = invoke("push", url, "--graph", GRAPH, "--no-validate")
    assert r.exit_code == 0, r.stderr
    assert PASSWORD not in r.stdout + r.stderr
    assert _count(virtuoso.sparql, GRAPH) == len(graph_store)


def test_push_to_virtuoso_without_or_with_a_wrong_login(virtuoso: Virtuoso) -> None:
    r = invoke("push", virtuoso.graph_crud_auth, "--graph", GRAPH + "/x", "--no-validate")
    assert r.exit_code == 2
    assert "HTTP 401" in r.stderr and "pass --user NAME" in r.stderr
    r = invoke(
        "push", virtuoso.graph_crud_auth, "--user", "dba", "--graph", GRAPH + "/x",
        "--no-validate", env={"SGRAPH_PUSH_PASSWORD": "wrong"},
    )  # fmt: skip
    assert r.exit_code == 2
    assert "HTTP 401" in r.stderr and "did not accept the login of 'dba'" in r.stderr
    assert _count(virtuoso.sparql, GRAPH + "/x") == 0


def test_push_to_virtuoso_default_graph_says_pass_graph(virtuoso: Virtuoso) -> None:
    r = invoke(
        "push", virtuoso.graph_crud_auth, "--user", "dba", "--no-validate",
        env={"SGRAPH_PUSH_PASSWORD": PASSWORD},
    )  # fmt: skip
    assert r.exit_code == 2
    assert "HTTP 500" in r.stderr and "not configured to have default graph" in r.stderr
    assert "pass --graph IRI" in r.stderr
    assert "Connection reset" not in r.stderr


def test_push_to_oxigraph_with_basic_login_from_netrc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Oxigraph server asks for no login: one from ~/.netrc is sent as Basic and ignored."""
    (tmp_path / ".netrc").write_text("machine 127.0.0.1 login alice password from-netrc\n")
    (tmp_path / ".netrc").chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    with running_oxigraph(tmp_path / "ox") as url:
        r = invoke("push", url + "/store", "--no-validate")
        assert r.exit_code == 0, r.stderr
        assert "as alice (password from ~/.netrc)" in r.stderr


def test_logins_are_found_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SGRAPH_PUSH_PASSWORD", raising=False)
    netrc = tmp_path / "netrc"
    netrc.write_text("machine h.test login bob password nb\n")
    assert split_credentials("http://a%40b:p%3Aw@h.test:1/x?y") == (
        "http://h.test:1/x?y",
        "a@b",
        "p:w",
    )
    login = find_login("http://u:pw@h.test/s", netrc_path=netrc)
    assert login is not None and (login.user, login.password, login.source) == (
        "u",
        "pw",
        "the URL",
    )
    assert "pw" not in repr(login)
    login = find_login("http://h.test/s", netrc_path=netrc)
    assert login is not None and (login.user, login.password) == ("bob", "nb")
    login = find_login("http://h.test/s", "bob", netrc_path=netrc)
    assert login is not None and login.source == "~/.netrc"
    login = find_login("http://h.test/s", "carol", netrc_path=netrc, ask=lambda p: "typed")
    assert login is not None and (login.password, login.source) == ("typed", "the prompt")
    monkeypatch.setenv("SGRAPH_PUSH_PASSWORD", "from-env")
    login = find_login("http://h.test/s", "bob", netrc_path=netrc)
    assert login is not None and login.password == "from-env"
    assert find_login("http://other.test/s", netrc_path=netrc) is None
    monkeypatch.delenv("SGRAPH_PUSH_PASSWORD")
    with pytest.raises(InputError, match="no password for 'carol'"):
        find_login("http://h.test/s", "carol", netrc_path=netrc)
    with pytest.raises(InputError, match="differ"):
        find_login("http://u@h.test/s", "v", netrc_path=netrc)
