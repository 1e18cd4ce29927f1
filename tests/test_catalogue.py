"""The catalogue behind browsing and search, the named queries' views and IRI-parameter classes,
and tables that fit the terminal."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from servers import sgraph_command
from sgraph.catalogue import Catalogue, closest_iris
from sgraph.cli import cli
from sgraph.errors import InputError, ParameterError
from sgraph.queries import VIEWS, check_entities, load_library, parse_query
from sgraph.rdf.results import QueryResult, fit_widths, write_table
from sgraph.store import GraphStore

BASE = "https://w3id.org/sgraph/"
SG = BASE + "ontology#"


@pytest.fixture(scope="module")
def catalogue(graph_store: GraphStore) -> Catalogue:
    return Catalogue.build(graph_store)


def count(gs: GraphStore, where: str) -> int:
    result = gs.store.query(
        f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {where} }}", use_default_graph_as_union=True
    )
    assert isinstance(result, ox.QuerySolutions)
    n = next(iter(result))["n"]
    assert n is not None
    return int(n.value)


def test_kinds_are_the_iri_kinds_with_sparql_counts(
    catalogue: Catalogue, graph_store: GraphStore
) -> None:
    kinds = {k.name: n for k, n in catalogue.kinds()}
    for kind in ("publication", "person", "organisation", "membership", "concept"):
        where = f'?e a ?t FILTER(REGEX(STR(?e), "^{BASE}id/{kind}/[^/]+$"))'
        assert kinds[kind] == count(graph_store, where), kind
    assert kinds["legislation"] == count(graph_store, f"?e a <{SG}Legislation>")
    assert kinds["source"] == count(graph_store, f"?e a <{SG}Source>")
    # the OWL-Time intervals the build adds to memberships are not entities of their own
    assert not any("/interval" in i.iri for i in catalogue.page("membership", size=1000).items)


def test_every_facet_count_is_a_sparql_count(catalogue: Catalogue, graph_store: GraphStore) -> None:
    page = catalogue.page("publication")
    patterns = {
        "publisher": f"?e <{SG}publishedBy> <{{v}}>",
        "author": f"?e <{SG}authoredBy> <{{v}}>",
        "theme": f"?e <{SG}concerns> <{{v}}>",
        "type": "?e a <{v}>",
        "year": '?e <http://purl.org/dc/terms/issued> ?d FILTER(STRSTARTS(STR(?d), "{v}"))',
    }
    seen = set()
    for facet in page.facets:
        seen.add(facet.facet.key)
        for value in facet.values:
            where = patterns[facet.facet.key].format(v=value.value)
            where += f' FILTER(STRSTARTS(STR(?e), "{BASE}id/publication/"))'
            assert value.count == count(graph_store, where), (facet.facet.key, value.value)
    assert {"publisher", "theme", "type", "year"} <= seen
    # narrowing by two facets counts both
    year = next(f for f in page.facets if f.facet.key == "year").values[0]
    both = catalogue.page("publication", {"year": year.value, "type": SG + "Report"})
    assert both.total == len(
        [
            i
            for i in catalogue.page("publication", {"year": year.value}).items
            if i.iri
            in {
                j.iri
                for j in catalogue.page("publication", {"type": SG + "Report"}, size=1000).items
            }
        ]
    )


def test_search_stems_prefixes_and_ranks_labels_first(catalogue: Catalogue) -> None:
    found = catalogue.search("invisible men")
    assert found.items[0].iri == BASE + "id/publication/myth-of-invisible-men"
    assert any("exploitation" in i.label for i in catalogue.search("exploit").items)
    assert catalogue.search("reviews").total >= catalogue.search("review").total > 0
    assert catalogue.search("").total == 0 and catalogue.search('"*(').total == 0


def test_membership_labels_and_closest_matches(catalogue: Catalogue) -> None:
    iri = BASE + "id/membership/annie-hudson-panel-chair"
    assert catalogue.label(iri) == (
        "Annie Hudson — Chair — Child Safeguarding Practice Review Panel (from 2020-12)"
    )
    close = catalogue.closest(BASE + "id/person/anne-hudson")
    assert close[0] == BASE + "id/person/annie-hudson"
    pool = ["https://x/a/child-criminal-exploitation", "https://x/a/neglect"]
    assert closest_iris("https://x/a/child-criminal-exploitaton", pool) == [pool[0]]


def test_views_and_classes_in_the_query_header() -> None:
    q = parse_query(
        "#+ summary: S\n#+ view: graph\n#+ classes:\n#+   - topic: skos:Concept\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nSELECT ?x WHERE { ?x ?p ?__topic_iri }"
    )
    assert (
        q.view == "Graph" and q.parameters[0].cls == "http://www.w3.org/2004/02/skos/core#Concept"
    )
    assert q.to_dict()["parameters"][0]["class"] == "http://www.w3.org/2004/02/skos/core#Concept"
    assert parse_query("#defaultView:BarChart\nSELECT * WHERE {}").view == "BarChart"
    with pytest.raises(InputError, match="view 'Pie' is not one of"):
        parse_query("#+ view: Pie\nSELECT * WHERE {}")
    with pytest.raises(InputError, match="not an IRI parameter"):
        parse_query("#+ classes:\n#+   - when: skos:Concept\nSELECT ?_when_date WHERE {}")
    with pytest.raises(InputError, match="neither an IRI nor a prefixed name"):
        parse_query("#+ classes:\n#+   - t: nope:X\nSELECT ?_t_iri WHERE {}")


def test_every_named_query_declares_a_view_that_fits_its_columns() -> None:
    library = load_library()
    for q in library.values():
        assert q.view in VIEWS, f"{q.name}: add '#+ view: ...' to its header"
    graphs = [q.name for q in library.values() if q.view == "Graph"]
    assert graphs and all("?x" in library[n].query and "?y" in library[n].query for n in graphs)


def test_a_wrong_iri_parameter_is_refused_with_close_matches(graph_store: GraphStore) -> None:
    q = load_library()["publications-by-topic"]
    good = q.bind({"topic": "sgcon:child-criminal-exploitation"}, graph_store.prefixes)
    check_entities(q, good, graph_store.store, graph_store.prefixes)  # no error
    bad = q.bind({"topic": "sgcon:child-criminal-exploitaton"}, graph_store.prefixes)
    with pytest.raises(ParameterError) as info:
        check_entities(q, bad, graph_store.store, graph_store.prefixes)
    assert "not an entity of class skos:Concept" in info.value.message
    assert "sgcon:child-criminal-exploitation" in (info.value.hint or "")
    # an IRI of another class is refused too: a person is not a concept
    person = q.bind({"topic": "sgper:annie-hudson"}, graph_store.prefixes)
    with pytest.raises(ParameterError):
        check_entities(q, person, graph_store.store, graph_store.prefixes)


def test_queries_name_lists_the_values_of_iri_parameters() -> None:
    r = CliRunner().invoke(cli, ["queries", "publications-by-topic"])
    assert r.exit_code == 0, r.output
    assert "--param topic=... (iri of skos:Concept, optional)" in r.stdout
    assert "sgcon:child-criminal-exploitation  child criminal exploitation" in r.stdout
    r = CliRunner().invoke(
        cli, ["query", "publications-by-topic", "--param", "topic=sgcon:child-criminal-exploitaton"]
    )
    assert r.exit_code == 2 and "close matches: sgcon:child-criminal-exploitation" in r.output


def test_table_fits_the_width_and_keeps_full_values_otherwise() -> None:
    assert fit_widths([5, 50, 80], 60) == [5, 27, 28]
    assert fit_widths([5, 10], 60) == [5, 10]
    long = "x" * 120
    result = QueryResult(
        kind="select",
        variables=["a", "b"],
        rows=[{"a": ox.Literal("short"), "b": ox.Literal(long)}],
    )
    fitted = write_table(result, {}, width=60)
    assert max(len(line) for line in fitted.splitlines()) <= 60 and "…" in fitted
    assert long in write_table(result, {})


def test_table_on_a_pipe_keeps_full_values(tmp_path: Path) -> None:
    out = subprocess.run(
        [*sgraph_command(), "query", "publications", "--format", "table"],
        capture_output=True,
        text=True,
        check=True,
        env={"COLUMNS": "80", "PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": str(tmp_path)},
        cwd=Path(__file__).resolve().parents[1],
    )
    title = "Child Safeguarding Practice Review Panel: annual report 2020"
    assert title in out.stdout and max(len(line) for line in out.stdout.splitlines()) > 80
