"""Hostile strings from the data are inert in every view a browser shows: the query page's
table, graph, timeline and bar chart, completion, the browse lists and their facets, search,
entity pages and the 404 page. Served from tests/fixtures/network-xss (script tags, event
handlers, ``javascript:`` URLs, U+2028 in labels), in headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servers import running_server
from test_query_page import open_page, wait_for, wait_ran

FIXTURES = Path(__file__).parent / "fixtures" / "network-xss"
REPORT = "/id/publication/evil-report"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running_server("--data", str(FIXTURES), "--no-store", "--workers", "1") as url:
        yield url


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    p = open_page(browser, base_url)
    p.sgraph_dialogs = []
    p.on("dialog", lambda d: (p.sgraph_dialogs.append(d.message), d.dismiss()))
    yield p
    p.context.close()


def assert_inert(page: Any, *texts: str) -> None:
    """No script ran, no element came from the data, no javascript: link; and the hostile
    text is on the page as text (so the check is not vacuous)."""
    page.wait_for_timeout(300)  # let onerror / onload handlers fire, if any were created
    assert page.sgraph_dialogs == []
    assert page.evaluate("window.pwned === undefined")
    for tag in ("img", "iframe", "b", "object", "embed"):
        assert page.locator(f"body {tag}").count() == 0, tag
    assert page.locator("script:not([nonce]):not([type='application/json'])").count() == (
        page.locator("script:not([type='application/json'])").count()
        - page.locator("script[nonce]").count()
    )
    assert page.locator("svg[onload], [onerror], [onmouseover]").count() == 0
    assert page.locator("a[href^='javascript:' i]").count() == 0
    body = page.locator("body").inner_text()
    for text in texts:
        assert text in body, text
    assert page.sgraph_outside == []


def run_text(page: Any, base_url: str, text: str) -> None:
    page.goto(base_url + "/sparql")
    page.wait_for_selector(".cm-editor")
    page.evaluate("t => sgraphQueryPage.editor.set(t)", text)
    page.click("#run")
    wait_ran(page)


def test_table_and_timeline(page: Any, base_url: str) -> None:
    run_text(
        page,
        base_url,
        "SELECT ?p ?label ?issued ?url ?note WHERE { ?p rdfs:label ?label . "
        "OPTIONAL { ?p dcterms:issued ?issued } OPTIONAL { ?p schema:url ?url } "
        "OPTIONAL { ?p rdfs:comment ?note } }",
    )
    assert_inert(page, "<img src=x onerror=alert(1)>", "</script><script>alert(1)</script>")
    assert page.locator("#results tbody td a[href]").count() > 0  # IRIs are links, but not js:
    page.click("#views button[data-view=Timeline]")
    assert page.locator("#timeline circle.dot").count() >= 1
    assert_inert(page, "<img src=x onerror=alert(1)> report")


def test_graph_and_bar_chart(page: Any, base_url: str) -> None:
    run_text(
        page,
        base_url,
        "#defaultView:Graph\nSELECT ?x ?xLabel ?y ?yLabel ?edgeLabel WHERE { ?x ?p ?y . "
        "?x rdfs:label ?xLabel . ?y rdfs:label ?yLabel . BIND(STR(?yLabel) AS ?edgeLabel) }",
    )
    wait_for(page, "document.body.dataset.graph === 'drawn'")
    page.locator("#graph").click(position={"x": 5, "y": 5})
    assert_inert(page)
    run_text(
        page,
        base_url,
        "#defaultView:BarChart\nSELECT ?label (COUNT(*) AS ?n) WHERE { ?s rdfs:label ?label . "
        "?s ?p ?o } GROUP BY ?label",
    )
    assert page.locator("#barchart rect.fill").count() >= 3
    texts = page.locator("#barchart text.label").all_text_contents()
    assert any("<script>alert(1)</script> Panel" in t for t in texts)
    assert_inert(page)


def test_completion(page: Any, base_url: str) -> None:
    page.goto(base_url + "/sparql")
    page.wait_for_selector(".cm-editor")
    page.evaluate("sgraphQueryPage.editor.set('')")
    page.click(".cm-content")
    page.keyboard.type("SELECT * WHERE { ?p sg:publishedBy sgorg:evil")
    page.keyboard.press("Control+Space")
    # the entities come from the server: wait for them to join the list
    wait_for(
        page,
        "[...document.querySelectorAll('.cm-tooltip-autocomplete li')]"
        ".some(li => li.textContent.includes('alert(1)</script> Panel'))",
    )
    assert_inert(page)


def test_lists_facets_search_entity_and_404_pages(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    assert_inert(page)
    page.goto(base_url + "/id/publication/")
    assert_inert(page, "<script>alert(1)</script> Panel & <b>co</b>")  # as a facet value
    page.goto(base_url + "/search?q=report")
    assert_inert(page, "<img src=x onerror=alert(1)> report")
    page.goto(base_url + REPORT)
    assert_inert(page, "<img src=x onerror=alert(1)> report", "<script>alert(1)</script>")
    page.hover("text=example.org")
    assert page.sgraph_dialogs == []
    page.goto(base_url + "/id/person/evil-persn")
    assert_inert(page)
    page.goto(base_url + "/id/membership/evil-membership")
    assert_inert(page, "<img src=x onerror=alert(1)> — Chair — <script>alert(1)</script> Panel")
