"""The query page at / in headless Chromium, against a real ``sgraph serve``."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from servers import running_server


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running_server() as url:
        yield url


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context()
    p = context.new_page()
    p.sgraph_requests = []  # every URL the page asks for
    p.sgraph_errors = []  # console errors and uncaught exceptions
    p.on("request", lambda r: p.sgraph_requests.append(r.url))
    p.on("console", lambda m: p.sgraph_errors.append(m.text) if m.type == "error" else None)
    p.on("pageerror", lambda e: p.sgraph_errors.append(str(e)))
    yield p
    context.close()


def api_json(url: str) -> Any:
    req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def assert_stayed_local(page: Any, base_url: str) -> None:
    assert page.sgraph_requests
    outside = [
        u
        for u in page.sgraph_requests
        if not (u.startswith(base_url + "/") or u.startswith("blob:"))
    ]
    assert outside == []
    assert page.sgraph_errors == []


def test_named_query_runs_and_fills_the_table(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.wait_for_selector("#named option:nth-child(2)", state="attached")
    page.select_option("#named", "chair-on-date")
    assert "SELECT" in page.input_value("#editor")
    date_input = page.locator("#params input").first
    assert date_input.input_value() == "2021-06-01"  # the query's default, shown in its field
    date_input.fill("2021-06-01")
    page.click("#run")
    page.wait_for_selector("#results:not([hidden]) tbody tr")
    expected = api_json(base_url + "/api/queries/chair-on-date?date=2021-06-01")
    variables = expected["head"]["vars"]
    headers = page.locator("#results thead th").all_text_contents()
    assert [h.strip() for h in headers] == variables
    rows = page.locator("#results tbody tr")
    assert rows.count() == len(expected["results"]["bindings"]) > 0
    first_cells = rows.first.locator("td").all_text_contents()
    for var, text in zip(variables, first_cells, strict=True):
        value = expected["results"]["bindings"][0].get(var, {}).get("value", "")
        assert text.startswith(value)
    assert page.locator("#download-csv").is_enabled()
    assert_stayed_local(page, base_url)


def test_own_query_table_sorts_and_dates_give_a_timeline(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.wait_for_selector("#named option:nth-child(2)", state="attached")
    page.fill(
        "#editor",
        "SELECT ?title ?issued WHERE { ?p a sg:Publication ; dcterms:title ?title ; dcterms:issued ?issued }",
    )
    page.click("#run")
    page.wait_for_selector("#results:not([hidden]) tbody tr")
    page.click("#results thead th >> text=title")
    titles = page.locator("#results tbody tr td:first-child").all_text_contents()

    def value(cell: str) -> str:  # the page sorts by the literal's value, not "value @lang"
        return cell.rsplit(" @", 1)[0]

    assert titles == sorted(titles, key=value)
    page.click("#results thead th >> text=title")
    assert page.locator("#results tbody tr td:first-child").all_text_contents() == sorted(
        titles, key=value, reverse=True
    )
    assert page.locator("#timeline").is_visible()
    assert page.locator("#timeline circle").count() == len(titles)
    assert_stayed_local(page, base_url)


def test_data_is_shown_as_text_never_as_html(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.wait_for_selector("#named option:nth-child(2)", state="attached")
    payload = '<img id=\\"xss\\" src=x onerror=\\"window.pwned=1\\">'
    page.fill("#editor", f'SELECT ?x WHERE {{ BIND("{payload}" AS ?x) }}')
    page.click("#run")
    page.wait_for_selector("#results:not([hidden]) tbody tr")
    assert page.locator("#xss").count() == 0
    assert page.evaluate("window.pwned === undefined")
    assert "<img" in page.locator("#results tbody td").first.text_content()
    assert_stayed_local(page, base_url)


def test_errors_are_shown_with_message_and_hint(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.fill("#editor", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    page.click("#run")
    page.wait_for_selector("#error:not([hidden])")
    text = page.locator("#error").text_content()
    assert "QueryRefusedError" in text and "SERVICE" in text and "Hint:" in text
    page.sgraph_errors[:] = [
        e for e in page.sgraph_errors if "400" not in e
    ]  # the browser logs the 400
    assert_stayed_local(page, base_url)
