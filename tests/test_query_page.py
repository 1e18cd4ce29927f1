"""The query page (/sparql for browsers) in headless Chromium, against a real ``sgraph serve``:
each view from a named query, permalinks, errors at their line and column, completion,
parameters that offer entities, and no request leaving the page."""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from servers import running_server


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running_server("--workers", "1") as url:
        yield url


def open_page(browser: Any, base_url: str) -> Any:
    """A page whose every request outside ``base_url`` is refused and recorded (route
    interception), with console errors recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    p = context.new_page()
    p.sgraph_outside = []
    p.sgraph_errors = []

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith((base_url + "/", "data:", "blob:")):
            r.continue_()
        else:
            p.sgraph_outside.append(url)
            r.abort()

    context.route("**/*", route)
    p.on("console", lambda m: p.sgraph_errors.append(m.text) if m.type == "error" else None)
    p.on("pageerror", lambda e: p.sgraph_errors.append(str(e)))
    return p


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    p = open_page(browser, base_url)
    yield p
    assert p.sgraph_outside == [], "requests left the page"
    p.context.close()


def api_rows(base_url: str, name: str, **params: str) -> dict[str, Any]:
    r = httpx.get(
        f"{base_url}/api/queries/{name}",
        params=params,
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def wait_for(page: Any, expression: str, timeout_s: float = 30) -> None:
    """Poll a JavaScript expression until it is true (``wait_for_function`` evaluates strings,
    which the page's Content-Security-Policy forbids, rightly)."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(50)


def wait_ran(page: Any, runs: int = 1) -> None:
    wait_for(page, f"Number(document.body.dataset.ran) >= {runs}")


def table_rows(page: Any) -> list[list[str]]:
    page.select_option("#page-size", "500")
    rows = page.locator("#results tbody tr")
    return [rows.nth(i).locator("td").all_text_contents() for i in range(rows.count())]


def test_sparql_in_a_browser_is_the_page(page: Any, base_url: str) -> None:
    page.goto(base_url + "/sparql")
    page.wait_for_selector(".cm-editor .cm-content")
    assert page.title().startswith("SPARQL query")
    assert "SELECT" in page.evaluate("sgraphQueryPage.editor.get()")
    assert page.locator("#named option").count() > 10
    # before the first run the result area says what will appear there; the run replaces it
    assert page.locator("#before-run").is_visible()
    assert "Run" in page.locator("#before-run").inner_text()
    page.click("#run")
    wait_ran(page)
    assert page.locator("#before-run").is_hidden()
    assert page.locator("#results tbody tr").count() > 0
    assert page.sgraph_errors == []


def test_named_query_runs_and_fills_the_table(page: Any, base_url: str) -> None:
    page.goto(base_url + "/sparql")
    page.wait_for_selector(".cm-editor")
    page.select_option("#named", "chair-on-date")
    assert "SELECT" in page.evaluate("sgraphQueryPage.editor.get()")
    date_input = page.locator("#params input").first
    assert date_input.input_value() == "2021-06-01"  # the query's default, shown in its field
    date_input.fill("2019-06-01")
    page.click("#run")
    wait_ran(page)
    expected = api_rows(base_url, "chair-on-date", date="2019-06-01")
    headers = page.locator("#results thead th").all_text_contents()
    assert [h.strip() for h in headers] == expected["head"]["vars"]
    rows = table_rows(page)
    assert len(rows) == len(expected["results"]["bindings"]) == 1
    # IRIs show as labels linking to the local entity page
    link = page.locator("#results tbody td a").first
    assert link.get_attribute("href") == "/id/person/edward-timpson"
    assert link.text_content() == "Edward Timpson"
    assert "_named=chair-on-date" in page.url and "date=2019-06-01" in page.url
    assert page.sgraph_errors == []


@pytest.mark.parametrize(
    ("name", "view"),
    [
        ("publications", "Table"),
        ("citation-network", "Graph"),
        ("timeline", "Timeline"),
        ("publications-per-year", "BarChart"),
    ],
)
def test_each_view_from_a_named_query(page: Any, base_url: str, name: str, view: str) -> None:
    page.goto(f"{base_url}/sparql?_named={name}")
    wait_ran(page)
    assert page.evaluate("document.body.dataset.view") == view  # the query's declared view
    expected = api_rows(base_url, name)["results"]["bindings"]
    assert expected
    if view == "Table":
        assert len(table_rows(page)) == len(expected)
    elif view == "Graph":
        wait_for(page, "document.body.dataset.graph === 'drawn'")
        ends = {b[v]["value"] for b in expected for v in ("x", "y")}
        info = page.locator("#graph-info").text_content()
        assert info.startswith(f"{len(ends)} entities, {len(expected)} relations")
        assert page.locator("#graph canvas").count() >= 1  # vis-network draws one, sigma.js several
        box = page.locator("#graph canvas").first.bounding_box()
        assert box["width"] > 600 and box["height"] > 300
        # drawn with the network page's renderer: every shape visible, not a speck, and the
        # links drawn at least 1.3 px wide in a grey that shows on white
        net = "sgraphQueryPage.state.graph.network"
        radii = page.evaluate(f"{net}.graph.nodes().map(id => {net}.screen(id).r)")
        assert len(radii) == len(ends) and min(radii) >= 3, sorted(radii)[:3]
        assert page.evaluate(f"{net}.sigma.getSetting('minEdgeThickness')") >= 1.3
        colours = page.evaluate(f"{net}.graph.mapEdges((k, a) => a.color)")
        assert len(colours) == len(expected)
        assert all(sum(int(c[i : i + 2], 16) for i in (1, 3, 5)) / 3 < 0x96 for c in colours)
    elif view == "Timeline":
        assert page.locator("#timeline circle.dot").count() == len(expected)
        labels = page.locator("#timeline text.label").all_text_contents()
        first = expected[0]
        assert labels[0].startswith(first["label"]["value"])  # labelled by ?label, not ?event
        assert f"({first['event']['value']})" in labels[0]
        assert page.locator("#view-table").is_hidden() and page.locator("#view-bar").is_hidden()
    else:
        assert page.locator("#barchart rect.fill").count() == len(expected)
        values = page.locator("#barchart text.value").all_text_contents()
        assert values == [b["publications"]["value"] for b in expected]
    assert page.sgraph_errors == []


def test_permalink_round_trip(browser: Any, page: Any, base_url: str) -> None:
    text = (
        "#defaultView:Timeline\nSELECT ?p ?label ?issued WHERE {\n"
        "  ?p a sg:Publication ; rdfs:label ?label ; dcterms:issued ?issued }\n"
        "ORDER BY ?issued ?p"
    )
    page.goto(base_url + "/sparql")
    page.wait_for_selector(".cm-editor")
    page.evaluate("t => sgraphQueryPage.editor.set(t)", text)
    page.click(".cm-content")
    page.keyboard.press("Control+Enter")  # runs, as the Run button does
    wait_ran(page)
    assert page.evaluate("document.body.dataset.view") == "Timeline"  # from #defaultView
    page.click("#views button[data-view=Table]")
    rows = table_rows(page)
    page.click("#copy-link")
    link = page.input_value("#permalink")
    assert link == page.url
    params = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    assert params["query"] == [text] and params["_view"] == ["Table"]
    other = open_page(browser, base_url)
    try:
        other.goto(link)
        wait_ran(other)
        assert other.evaluate("sgraphQueryPage.editor.get()") == text
        assert other.evaluate("document.body.dataset.view") == "Table"
        assert table_rows(other) == rows and len(rows) > 5
        assert other.sgraph_outside == []
    finally:
        other.context.close()
    # an API link opened in a browser is the page too, with that query and its parameters
    page.goto(base_url + "/api/queries/chair-on-date?date=2019-06-01")
    wait_ran(page, 1)
    assert "_named=chair-on-date" in page.url
    assert page.locator("#params input").first.input_value() == "2019-06-01"


def test_syntax_error_is_marked_at_its_line_and_column(page: Any, base_url: str) -> None:
    page.goto(base_url + "/sparql")
    page.wait_for_selector(".cm-editor")
    page.evaluate("t => sgraphQueryPage.editor.set(t)", "SELECT ?s\nWHERE { ?s ?p }")
    page.click("#run")
    page.wait_for_selector("#error:not([hidden])")
    assert "QuerySyntaxError" in page.locator("#error").text_content()
    marked = page.locator(".cm-lintRange-error")
    marked.first.wait_for()
    line = page.locator(".cm-line").nth(1)
    assert line.locator(".cm-lintRange-error").count() == 1  # on line 2
    assert marked.first.text_content() == "}"
    page.sgraph_errors[:] = [e for e in page.sgraph_errors if "400" not in e]
    assert page.sgraph_errors == []


def test_completion_of_prefixed_names_and_entity_labels(page: Any, base_url: str) -> None:
    page.goto(base_url + "/sparql")
    page.wait_for_selector(".cm-editor")
    page.evaluate("sgraphQueryPage.editor.set('')")
    page.click(".cm-content")
    page.keyboard.type("SELECT * WHERE { ?p sg:authoredBy sgper:annie")
    page.keyboard.press("Control+Space")
    wait_for(  # the entities come from the server: wait for them to join the list
        page,
        "[...document.querySelectorAll('.cm-tooltip-autocomplete li')]"
        ".some(li => li.textContent.includes('sgper:annie-hudson'))",
    )
    page.evaluate("sgraphQueryPage.editor.set('')")
    page.keyboard.type("SELECT * WHERE { ?p a sg:Ann")
    page.keyboard.press("Control+Space")
    wait_for(
        page,
        "[...document.querySelectorAll('.cm-tooltip-autocomplete li')]"
        ".some(li => li.textContent.includes('sg:AnnualReport'))",
    )


def test_iri_parameter_offers_entities_and_refuses_a_wrong_one(page: Any, base_url: str) -> None:
    page.goto(base_url + "/sparql?_named=publications-by-topic")
    wait_ran(page)
    field = page.locator("#param-topic")
    wait_for(page, "document.querySelectorAll('#values-topic option').length > 5")
    values = page.locator("#values-topic option")
    offered = {values.nth(i).get_attribute("value") for i in range(values.count())}
    assert "sgcon:child-criminal-exploitation" in offered
    field.fill("sgcon:child-criminal-exploitaton")
    page.click("#run")
    page.wait_for_selector("#error:not([hidden])")
    text = page.locator("#error").text_content()
    assert "ParameterError" in text and "sgcon:child-criminal-exploitation" in text
    page.sgraph_errors[:] = [e for e in page.sgraph_errors if "400" not in e]
    assert page.sgraph_errors == []


def test_snippets_run_the_same_query(page: Any, base_url: str) -> None:
    page.goto(base_url + "/sparql?_named=chair-on-date&date=2019-06-01")
    wait_ran(page)
    page.click("#snippets summary")
    wait_for(page, "document.getElementById('snippet-python').textContent.includes('BIND(')")
    assert '"2019-06-01"^^' in page.locator("#snippet-python").text_content()
    curl = page.locator("#snippet-curl").text_content()
    assert "/api/queries/chair-on-date?date=2019-06-01" in curl
    python = page.locator("#snippet-python").text_content()
    query = python.split('sparql.setQuery("""', 1)[1].split('""")', 1)[0]
    r = httpx.post(
        base_url + "/sparql",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.status_code == 200
    assert r.json()["results"] == api_rows(base_url, "chair-on-date", date="2019-06-01")["results"]
    assert "pd.read_csv" in page.locator("#snippet-pandas").text_content()


def test_labels_api_and_check_api(base_url: str) -> None:
    iri = "https://w3id.org/sgraph/id/person/annie-hudson"
    act = "http://www.legislation.gov.uk/id/ukpga/2017/16"
    r = httpx.post(base_url + "/api/labels", content=json.dumps([iri, act, "urn:x:nothing"]))
    body = r.json()
    assert body[iri] == {
        "label": "Annie Hudson",
        "short": "sgper:annie-hudson",
        "href": "/id/person/annie-hudson",
        "kind": "person",
    }
    assert body[act]["href"].startswith("/describe?iri=") and "urn:x:nothing" not in body
    r = httpx.post(base_url + "/api/check", data={"query": "SELECT * WHERE { ?s ?p ?o"})
    assert r.status_code == 400 and r.json()["line"] == 1
    r = httpx.post(base_url + "/api/check", data={"query": "SELECT ?t WHERE { ?t a sg:Person }"})
    assert r.json()["ok"] and r.json()["text"].startswith("PREFIX sg: <")


def test_long_results_come_in_pages_with_the_total(browser: Any) -> None:
    """The page asks for pages of the row cap (_limit/_offset) and says which rows of how many
    it shows; Next page shows the next ones."""
    query = "SELECT ?s ?title WHERE { ?s dcterms:title ?title } ORDER BY ?s ?title"
    with running_server("--workers", "1", "--max-rows", "10") as url:
        every = httpx.get(
            url + "/sparql",
            params={"query": query},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        ).json()["results"]["bindings"]
        assert len(every) > 20
        p = open_page(browser, url)
        try:
            p.goto(url + "/sparql?" + urllib.parse.urlencode({"query": query}))
            wait_ran(p)
            box = p.locator("#truncated")
            assert box.is_visible()
            assert f"Rows 1\u201310 of {len(every)}" in box.text_content()
            titles = [r[1] for r in table_rows(p)]  # shown with their language tag
            assert titles == [f"{b['title']['value']} @en" for b in every[:10]]
            p.click("#truncated button:has-text('Next page')")
            wait_ran(p, 2)
            assert f"Rows 11\u201320 of {len(every)}" in p.locator("#truncated").text_content()
            assert [r[1] for r in table_rows(p)] == [
                f"{b['title']['value']} @en" for b in every[10:20]
            ]
            assert p.sgraph_outside == [] and p.sgraph_errors == []
        finally:
            p.context.close()
