"""``sgraph serve`` serves the network page at /network and a neighbourhood at
/network?focus=IRI&depth=N, and every entity page links to its neighbourhood."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import httpx
import networkx as nx
import pytest

from servers import running_server
from sgraph.network import analyse, project
from sgraph.store import GraphStore

ENTITY = "/id/person/annie-hudson"


@pytest.fixture(scope="module")
def server(dist_dir: Path) -> Iterator[str]:
    with running_server("--workers", "1", "--dist", str(dist_dir)) as url:
        yield url


def _data(body: str) -> dict[str, Any]:
    blob = body.split('<script type="application/json" id="sgraph-data">', 1)[1]
    data: dict[str, Any] = json.loads(blob.split("</script>", 1)[0])
    return data


def test_network_pages_are_served(server: str, graph_store: GraphStore, browser: Any) -> None:
    g = analyse(project(graph_store))
    whole = httpx.get(f"{server}/network", timeout=120)
    assert whole.status_code == 200
    assert whole.headers["content-type"].startswith("text/html")
    assert "script-src 'sha256-" in whole.headers["content-security-policy"]
    assert len(_data(whole.text)["nodes"]) == g.number_of_nodes()

    # the entity page links to the neighbourhood, and the link works
    page = httpx.get(server + ENTITY, headers={"Accept": "text/html"}, timeout=60)
    links = [unescape(h) for h in re.findall(r'href="(/network\?[^"]+)"', page.text)]
    assert len(links) == 1
    iri = graph_store.settings.base + ENTITY.lstrip("/")
    near = httpx.get(server + links[0], timeout=120)
    assert near.status_code == 200
    data = _data(near.text)
    want = {iri} | set(nx.all_neighbors(g, iri))
    assert {n["id"] for n in data["nodes"]} == want
    assert data["meta"]["view"] == "focus" and data["meta"]["viewEntities"] == [iri]
    two = _data(httpx.get(f"{server}/network", params={"focus": iri, "depth": 2}).text)
    assert len(two["nodes"]) > len(want)

    # drawn in a browser from the server, asking for nothing else
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    asked: list[str] = []
    try:
        tab = context.new_page()
        tab.on("request", lambda r: asked.append(r.url))
        tab.goto(server + links[0])
        tab.wait_for_timeout(1000)
        assert tab.evaluate("network.graph.order") == len(want)
        assert asked == [server + links[0]]
    finally:
        context.close()


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"focus": "no such entity at all"}, 404),
        ({"focus": "panel"}, 400),  # ambiguous: several labels contain it
        ({"focus": "Annie Hudson", "depth": "9"}, 400),
        ({"focus": "Annie Hudson", "depth": "two"}, 400),
    ],
)
def test_bad_focus_or_depth_is_a_json_error(
    server: str, query: dict[str, str], status: int
) -> None:
    r = httpx.get(f"{server}/network", params=query, timeout=120)
    assert r.status_code == status
    body = r.json()
    assert body["status"] == status and body["message"]
