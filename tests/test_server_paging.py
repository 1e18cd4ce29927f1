"""Paging (``/api/queries/NAME`` and the query page's ``/sparql?_limit=``): the pages of every
named query, put together, are its whole result, and the total each page reports is its count.

The server is the real app with real workers over synthetic data in the sgraph model, with a
small row cap so that the long results take many pages.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from sgraph import api, sparql
from sgraph.config import Settings
from sgraph.persist import open_graph
from sgraph.queries import load_library
from sgraph.server import ServerConfig, create_app
from sgraph.server.paging import Page, page_query
from sgraph.store import GraphStore
from sgraph.synth import generate

CAP = 40


@pytest.fixture(scope="module")
def gs(tmp_path_factory: pytest.TempPathFactory) -> GraphStore:
    root = tmp_path_factory.mktemp("paging")
    generate(3000, root / "data", seed=2)
    return open_graph(Settings(data_dir=root / "data"), root / "store")


@pytest.fixture(scope="module")
def client(gs: GraphStore) -> Iterator[TestClient]:
    with TestClient(create_app(gs, ServerConfig(workers=2, max_rows=CAP))) as c:
        yield c


def rows_of(body: bytes) -> list[str]:
    return [json.dumps(b, sort_keys=True) for b in json.loads(body)["results"]["bindings"]]


def test_pages_of_every_named_query_add_up_to_its_whole_result(
    gs: GraphStore, client: TestClient
) -> None:
    library = load_library(gs.settings.queries_dirs)
    paged_some = checked = 0
    for name in library:
        whole = api.run_query(gs, name)
        if whole.kind != "select":
            continue
        got: list[str] = []
        offset, pages = 0, 0
        while True:
            r = client.get(
                f"/api/queries/{name}",
                params={"_limit": str(CAP), "_offset": str(offset)},
                headers={"Accept": "application/sparql-results+json"},
            )
            if r.status_code == 400 and r.json()["error"] == "ParameterError" and not pages:
                break  # a default entity the synthetic data does not hold (e.g. connections)
            assert r.status_code == 200, (name, r.text)
            total = int(r.headers["x-sgraph-total"])
            assert total == len(whole), name  # the total is the full count, on every page
            page = rows_of(r.content)
            assert len(page) <= CAP
            more = r.headers.get("x-sgraph-truncated") == "true"
            assert more == (offset + len(page) < total), (name, offset)
            got += page
            pages += 1
            offset += CAP
            if not more:
                break
        if not pages:
            continue
        checked += 1
        assert len(got) == len(whole), name
        expected = sorted(rows_of(sparql.serialize(whole, "json", prefixes=gs.prefixes)))
        assert sorted(got) == expected, name
        paged_some += pages > 1
    print(f"{checked} of {len(library)} named queries paged, {paged_some} over several pages")
    assert checked >= len(library) - 2
    assert paged_some >= 3  # several queries needed more than one page


def test_paging_parameters_are_checked(client: TestClient) -> None:
    for params in ({"_limit": "0"}, {"_limit": str(CAP + 1)}, {"_offset": "-1"}, {"_limit": "x"}):
        r = client.get("/api/queries/publications", params=params)
        assert r.status_code == 400, params
        assert "_limit" in r.json()["message"] or "_offset" in r.json()["message"]


@pytest.mark.parametrize(
    ("text", "page", "want"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", Page(10, 20), "LIMIT 10 OFFSET 20"),
        # the query's own LIMIT/OFFSET bound the pages
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 25 OFFSET 5", Page(10, 20), "LIMIT 5 OFFSET 25"),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 25", Page(10, 30), "LIMIT 0 OFFSET 30"),
        # a comment at the end does not swallow the page
        ("SELECT * WHERE { ?s ?p ?o } # the end", Page(3), "LIMIT 3 OFFSET 0"),
    ],
)
def test_page_query_rewrites_the_top_level_modifiers(text: str, page: Page, want: str) -> None:
    out = page_query(text, page)
    assert want in out and out.count("LIMIT") == 1


def test_page_query_keeps_sub_selects_strings_and_trailing_values() -> None:
    text = (
        'SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p "LIMIT 3" } LIMIT 7 } } ORDER BY ?s '
        "LIMIT 50 VALUES ?s { <http://x/a> }"
    )
    out = page_query(text, Page(10, 0))
    assert "LIMIT 7 }" in out and '"LIMIT 3"' in out
    assert out.index("LIMIT 10 OFFSET 0") < out.index("VALUES ?s")
    assert "LIMIT 50" not in out
