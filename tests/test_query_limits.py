"""Execution limits of queries, on a real `sgraph serve` and the real CLI (issue 17, finding 5).

A query nested 3,000 levels deep crashed the query worker with SIGSEGV (500, worker restarted)
and `sgraph query` with exit 139: Oxigraph's parser recurses once per level. The bounds are now
checked by the one lexer before anything parses the text: a JSON 400 naming the bound, exit 2.
"""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servers import free_port, sgraph_command, start_server, stop_server
from sgraph.query_policy import MAX_QUERY_DEPTH, MAX_QUERY_OPERATORS

DEEP = "SELECT * WHERE { " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000 + " }"
CHAIN = "SELECT * WHERE { ?s ?p ?o FILTER(" + "||".join(["?o"] * 10_000) + ") }"
NOT_RUN = "SELECT * WHERE { FILTER(" + "!" * 5000 + "true) }"
#: Just inside both bounds at once: still answered.
NEAR = (
    "ASK { "
    + "{ " * (MAX_QUERY_DEPTH - 2)
    + "?s ?p ?o FILTER("
    + " || ".join(["?o = 1"] * ((MAX_QUERY_OPERATORS - 10) // 2))
    + ")"
    + " }" * (MAX_QUERY_DEPTH - 2)
    + " }"
)


def children(pid: int) -> set[int]:
    """The child processes of ``pid`` (the query workers of a server)."""
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        out |= {int(c) for c in (task / "children").read_text().split()}
    return out


class Server:
    def __init__(self, proc: subprocess.Popen[bytes], port: int) -> None:
        self.proc, self.url = proc, f"http://127.0.0.1:{port}"

    def post(self, query: str, timeout: float = 60) -> tuple[int, dict[str, Any]]:
        req = urllib.request.Request(
            self.url + "/sparql",
            data=query.encode(),
            headers={
                "Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json",
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())


@pytest.fixture(scope="module")
def server(project_root: Path) -> Iterator[Server]:
    port = free_port()
    proc = start_server(
        port, "--data", str(project_root / "data" / "triples"), "--no-store", "--workers", "2"
    )
    yield Server(proc, port)
    stop_server(proc)


@pytest.mark.parametrize(
    ("query", "limit"),
    [(DEEP, "max_query_depth"), (CHAIN, "max_query_operators"), (NOT_RUN, "max_query_depth")],
    ids=["3000-nested-groups", "10000-chained-or", "5000-not"],
)
def test_a_query_past_the_bounds_gets_a_400_and_no_worker_dies(
    server: Server, query: str, limit: str
) -> None:
    before = children(server.proc.pid)
    assert len(before) == 2
    for _ in range(3):
        status, doc = server.post(query)
        assert status == 400, doc
        assert doc["error"] == "QueryTooComplexError" and doc["limit"] == limit, doc
        assert limit in doc["message"]
    assert children(server.proc.pid) == before  # the same workers: none died, none replaced
    status, doc = server.post("ASK { ?s ?p ?o }")
    assert status == 200 and doc["boolean"] is True


def test_a_query_just_inside_the_bounds_is_answered(server: Server) -> None:
    status, doc = server.post(NEAR)
    assert status == 200, doc
    assert isinstance(doc["boolean"], bool)


def test_bounds_count_brackets_in_strings_and_values_data_not(server: Server) -> None:
    text = (
        "SELECT ?x WHERE { VALUES ?x { " + " ".join(f"-{i}" for i in range(5000)) + " } "
        'FILTER(?x != "' + "{" * 500 + '") } LIMIT 1'
    )
    status, doc = server.post(text)
    assert status == 200, doc
    assert len(doc["results"]["bindings"]) == 1


def test_api_check_refuses_a_deep_query_without_crashing_the_server(server: Server) -> None:
    """/api/check parses in the server process itself: a crash there would take it down."""
    data = urllib.parse.urlencode({"query": DEEP}).encode()
    req = urllib.request.Request(server.url + "/api/check", data=data)
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(req, timeout=30)
    assert caught.value.code == 400
    assert json.loads(caught.value.read())["limit"] == "max_query_depth"
    assert server.proc.poll() is None


def test_the_cli_refuses_a_deep_query_with_exit_2(tmp_path: Path, project_root: Path) -> None:
    path = tmp_path / "nested.rq"
    path.write_text(DEEP, encoding="utf-8")
    r = subprocess.run(
        [*sgraph_command(), "query", str(path), "--data", str(project_root / "data" / "triples")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2, (r.returncode, r.stderr)  # it was 139 (SIGSEGV)
    assert "max_query_depth" in r.stderr and "Traceback" not in r.stderr
    assert r.stdout == ""
