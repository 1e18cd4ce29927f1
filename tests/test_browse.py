"""Browsing a real ``sgraph serve``: the index of kinds, lists with facets and paging, search,
entity pages, HTML 404s for browsers; JSON twins of each; and the same in headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from servers import running_server
from test_query_page import open_page

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
BASE = "https://w3id.org/sgraph/"
PANEL = BASE + "id/organisation/child-safeguarding-practice-review-panel"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running_server("--workers", "1") as url:
        yield url


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    p = open_page(browser, base_url)
    yield p
    assert p.sgraph_outside == [], "requests left the page"
    assert p.sgraph_errors == []
    p.context.close()


def sparql_count(base_url: str, where: str) -> int:
    r = httpx.post(
        base_url + "/sparql",
        data={"query": f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {where} }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def of_kind(kind: str) -> str:
    """Entities of a kind: ``id/{kind}/{slug}`` (not the nodes below one, such as an author list)."""
    return f'FILTER(REGEX(STR(?e), "^{BASE}id/{kind}/[^/]+$"))'


def test_index_lists_every_kind_with_its_count(base_url: str) -> None:
    body = httpx.get(base_url + "/?format=json").json()
    kinds = {k["name"]: k for k in body["kinds"]}
    assert {"publication", "person", "organisation", "review", "legislation"} <= set(kinds)
    for name in ("publication", "person", "review"):
        assert kinds[name]["count"] == sparql_count(base_url, f"?e a ?t . {of_kind(name)}")
    assert kinds["person"]["href"] == "/id/person/"
    html = httpx.get(base_url + "/", headers=HTML)
    assert html.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in html.headers["content-security-policy"]
    assert html.headers["x-content-type-options"] == "nosniff"
    assert f">{kinds['person']['count']}</span>" in html.text


def test_kind_list_json_twin_paging_and_facets(base_url: str) -> None:
    first = httpx.get(base_url + "/id/publication/", params={"size": 5, "format": "json"}).json()
    total = sparql_count(base_url, f"?e a ?t . {of_kind('publication')}")
    assert first["total"] == total and len(first["items"]) == 5
    second = httpx.get(base_url + first["next"]).json()
    assert second["offset"] == 5
    assert not {i["iri"] for i in first["items"]} & {i["iri"] for i in second["items"]}
    # every facet count is the count SPARQL gives for the same condition
    publisher = first["facets"]["publisher"][0]
    assert publisher["count"] == sparql_count(
        base_url,
        f"?e <{BASE}ontology#publishedBy> <{publisher['value']}> . {of_kind('publication')}",
    )
    year = first["facets"]["year"][0]
    narrowed = httpx.get(
        base_url + "/id/publication/", params={"year": year["value"], "format": "json"}
    ).json()
    assert narrowed["total"] == year["count"] and narrowed["filters"] == {"year": year["value"]}
    assert all(i["date"].startswith(year["value"]) for i in narrowed["items"])
    # Accept: application/json is the same as format=json
    same = httpx.get(base_url + "/id/publication/?size=5", headers={"Accept": "application/json"})
    assert same.json()["items"] == first["items"]
    bad = httpx.get(base_url + "/id/publication/?colour=red")
    assert bad.status_code == 400 and bad.json()["error"] == "InputError"
    assert httpx.get(base_url + "/id/nothing/").status_code == 404


def test_facet_counts_in_the_browser_equal_sparql_counts(page: Any, base_url: str) -> None:
    page.goto(base_url + "/id/publication/")
    theme_links = page.locator("ul[data-facet=theme] li")
    assert theme_links.count() > 2
    for i in range(3):
        li = theme_links.nth(i)
        value = li.locator("a").get_attribute("data-value")
        shown = int(li.locator(".n").text_content())
        where = f"?e <{BASE}ontology#concerns> <{value}> . {of_kind('publication')}"
        assert shown == sparql_count(base_url, where), value
    # clicking a facet narrows the list to that count
    li = page.locator("ul[data-facet=type] li").first
    count = int(li.locator(".n").text_content())
    li.locator("a").click()
    page.wait_for_load_state()
    assert page.locator("ol.items li").count() == min(count, 50)  # 50 to a page
    assert page.locator("main p.muted").first.text_content().startswith(f"{count} of ")
    assert page.locator(".chosen a").first.text_content().startswith("Type:")


def test_search_finds_an_entity_by_a_word_of_its_title(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.fill("header.site input[name=q]", "invisible")
    page.press("header.site input[name=q]", "Enter")
    page.wait_for_load_state()
    first = page.locator("ol.items li a.label").first
    assert "Myth of Invisible Men" in first.text_content()
    first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/id/publication/myth-of-invisible-men")
    # stems and prefixes: "exploit" finds "exploitation"; JSON twin
    body = httpx.get(base_url + "/search", params={"q": "exploit", "format": "json"}).json()
    assert any("criminal exploitation" in i["label"] for i in body["items"])
    nothing = httpx.get(base_url + "/search", params={"q": "zzzqqq"}, headers=HTML)
    assert "Nothing matches" in nothing.text


def test_entity_page_groups_curated_statements_and_aliases(base_url: str) -> None:
    r = httpx.get(
        base_url + "/id/organisation/child-safeguarding-practice-review-panel", headers=HTML
    )
    html = r.text
    assert r.status_code == 200
    # each publication the Panel wrote is listed once under "authored by", with its aliases
    linked = html.split("<h2>Linked from</h2>", 1)[1].split("<h2>", 1)[0]
    assert "dcterms:creator" in linked and "schema:author" in linked
    title = "It was hard to escape: Safeguarding children at risk from criminal exploitation"
    assert linked.count(f">{title}</a>") == 1
    sources = html.split("<h2>Sources</h2>", 1)[1]
    assert sources.count("<li>") >= 1 and html.count("<h2>Sources</h2>") == 1
    # sources are not in the neighbourhood diagram
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "gov.uk/government/organisations" not in svg
    assert "/network?focus=https%3A%2F%2Fw3id.org" in html


def test_membership_pages_are_titled_in_words(base_url: str) -> None:
    r = httpx.get(base_url + "/id/membership/annie-hudson-panel-chair", headers=HTML)
    assert (
        "<h1>Annie Hudson — Chair — Child Safeguarding Practice Review Panel (from 2020-12)</h1>"
        in r.text
    )


def test_unknown_entity_html_for_browsers_json_for_clients(page: Any, base_url: str) -> None:
    r = httpx.get(base_url + "/id/person/annie-hudsen", headers=HTML)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    api = httpx.get(base_url + "/id/person/annie-hudsen")
    assert api.status_code == 404 and api.json()["error"] == "UnknownEntityError"
    assert "/id/person/annie-hudson" in api.json()["hint"]
    page.goto(base_url + "/id/person/annie-hudsen")
    assert page.locator("h1").text_content() == "Nothing at this address"
    page.sgraph_errors.remove(
        "Failed to load resource: the server responded with a status of 404 (Not Found)"
    )
    page.locator("ol.items a", has_text="Annie Hudson").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/id/person/annie-hudson")


def test_describe_outside_iris_and_the_network_view(page: Any, base_url: str) -> None:
    act = "http://www.legislation.gov.uk/id/ukpga/2017/16"
    r = httpx.get(base_url + "/describe", params={"iri": act}, headers=HTML)
    assert r.status_code == 200 and "<h1>Children and Social Work Act 2017</h1>" in r.text
    page.goto(base_url + "/id/person/annie-hudson")
    page.click("text=Show in the network")
    page.wait_for_load_state()
    assert "/network?focus=" in page.url
    page.wait_for_selector("#network canvas")
    csp = httpx.get(page.url).headers["content-security-policy"]
    assert "connect-src 'none'" in csp
