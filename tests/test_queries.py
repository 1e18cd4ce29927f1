"""The named query library: headers, parameter conventions, and each query's rows on the
curated data. Expected values are written from data/triples/ and shared/reference/facts.md,
not from the queries' own output."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox
import pytest

from paths import QUERIES_DIR
from sgraph.errors import InputError, ParameterError, UnknownQueryError
from sgraph.queries import (
    NamedQuery,
    find_parameters,
    get_query,
    load_library,
    parse_parameter,
    parse_query,
)
from sgraph.sparql import QueryResult, execute, query_kind
from sgraph.store import GraphStore

BASE = "https://w3id.org/sgraph/"
ACT_2017 = "http://www.legislation.gov.uk/id/ukpga/2017/16"
ACT_2004 = "http://www.legislation.gov.uk/id/ukpga/2004/31"
PANEL = "organisation/child-safeguarding-practice-review-panel"
REQUIRED = {
    "publications",
    "chair-on-date",
    "responses",
    "reviews",
    "connections",
    "authors-affiliations",
    "national-reviews",
    "safeguarding-partners",
    "publications-by-topic",
    "citation-network",
    "roles",
    "timeline",
}


@pytest.fixture(scope="module")
def library() -> dict[str, NamedQuery]:
    return load_library()


def run(gs: GraphStore, library: dict[str, NamedQuery], name: str, **params: str) -> QueryResult:
    q = library[name]
    return execute(gs.store, q.query, q.bind(params, gs.prefixes), prefixes=gs.prefixes)


def short(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str | None:
    """IRIs under the base without it (``person/annie-hudson``); literals as their value."""
    if term is None:
        return None
    value = term.value if not isinstance(term, ox.Triple) else str(term)
    if isinstance(term, ox.NamedNode) and value.startswith(BASE + "id/"):
        return value[len(BASE) + 3 :]
    if isinstance(term, ox.NamedNode) and value.startswith(BASE + "ontology#"):
        return value.split("#", 1)[1]
    return value


def table(result: QueryResult, *columns: str) -> list[tuple[str | None, ...]]:
    return [tuple(short(row.get(c)) for c in columns) for row in result.rows]


# -- the library -----------------------------------------------------------------------------------
def test_library_has_every_competency_question(library: dict[str, NamedQuery]) -> None:
    assert set(library) >= REQUIRED


def test_every_query_is_documented_ordered_and_parses(library: dict[str, NamedQuery]) -> None:
    for name, q in library.items():
        assert q.summary and q.description and q.tags, name
        assert query_kind(q.query) == "select", name
        assert "ORDER BY" in q.query, name  # deterministic rows
        assert q.path == QUERIES_DIR / f"{name}.rq"
        for p in q.parameters:
            assert p.required is False or p.default is not None, f"{name}: {p.name} needs a default"


def test_every_query_runs_with_defaults(
    graph_store: GraphStore, library: dict[str, NamedQuery]
) -> None:
    for name in library:
        r = run(graph_store, library, name)
        assert r.rows, f"{name} returned no rows on the curated data"


def test_queries_declare_their_prefixes(library: dict[str, NamedQuery]) -> None:
    """Named queries must run unchanged in YASGUI or on another store, so no predeclared prefixes."""
    from sgraph.sparql import check_syntax

    for name, q in library.items():
        check_syntax(q.query)  # no prefixes passed
        assert name


# -- parameter convention -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("variable", "name", "kind", "required"),
    [
        ("_date_xsd_date", "date", "date", True),
        ("__topic_iri", "topic", "iri", False),
        ("_name", "name", "string", True),
        ("_label_en", "label", "string@en", True),
        ("_n_integer", "n", "integer", True),
        ("_year_gYear", "year", "gYear", True),
        ("_start_date", "start", "date", True),
        ("_code_skos_notation", "code", "skos:notation", True),
        ("_first_name", "first_name", "string", True),
    ],
)
def test_parameter_convention(variable: str, name: str, kind: str, required: bool) -> None:
    p = parse_parameter(variable)
    assert p is not None
    assert (p.name, p.type, p.required, p.variable) == (name, kind, required, variable)


def test_plain_variables_are_not_parameters() -> None:
    assert parse_parameter("date") is None
    text = 'SELECT ?x ?_who_iri WHERE { ?x ?p "?_not_me" . ?x ?q ?__opt_integer } # ?_nor_me'
    assert [(p.name, p.type) for p in find_parameters(text)] == [("who", "iri"), ("opt", "integer")]


def test_header_and_defaults() -> None:
    text = (
        "#+ summary: S\n#+ description: >\n#+   long\n#+   text\n#+ tags: [a, b]\n"
        "#+ defaults:\n#+   - when: 2020-01-02\n#+ endpoint: http://ignored\n"
        "SELECT ?_when_xsd_date WHERE {}\n"
    )
    q = parse_query(text, Path("x/my-query.rq"))
    assert (q.name, q.summary, q.description, q.tags) == ("my-query", "S", "long text", ["a", "b"])
    assert [(p.name, p.type, p.required, p.default) for p in q.parameters] == [
        ("when", "date", True, "2020-01-02")
    ]
    assert q.query.startswith("SELECT")
    assert q.to_dict()["parameters"] == [
        {"name": "when", "type": "date", "required": True, "default": "2020-01-02", "class": None}
    ]


def test_bad_headers_are_refused() -> None:
    with pytest.raises(InputError, match=r"x\.rq:2"):
        parse_query("#+ summary: ok\n#+ tags: a: b\nSELECT * {}", "x.rq")
    with pytest.raises(InputError, match="unknown #\\+ header key"):
        parse_query("#+ sumary: typo\nSELECT * {}", "x.rq")
    with pytest.raises(InputError, match="no parameter of that name"):
        parse_query("#+ defaults:\n#+   - nope: 1\nSELECT ?_yes {}", "x.rq")


def test_bind_types_values(library: dict[str, NamedQuery], graph_store: GraphStore) -> None:
    chair = library["chair-on-date"]
    b = chair.bind({"date": "2019-06-01"}, graph_store.prefixes)
    assert b == {
        "_date_xsd_date": ox.Literal(
            "2019-06-01", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
        )
    }
    assert (
        chair.bind({}, graph_store.prefixes)["_date_xsd_date"].value == "2021-06-01"
    )  # the default
    conn = library["connections"]
    b = conn.bind({"entity": "sgper:annie-hudson"}, graph_store.prefixes)
    assert b == {"_entity_iri": ox.NamedNode(BASE + "id/person/annie-hudson")}
    assert library["publications-by-topic"].bind({}, graph_store.prefixes) == {}  # optional, unset


@pytest.mark.parametrize(
    ("query", "param", "value", "message"),
    [
        ("chair-on-date", "date", "2021-02-30", "'2021-02-30' is not a date"),
        ("chair-on-date", "date", "June 2021", "'June 2021' is not a date"),
        ("chair-on-date", "date", "2021-06", "is not a date YYYY-MM-DD"),
        ("connections", "entity", "not an iri", "'not an iri' is not an IRI"),
        ("connections", "entity", "nope:thing", "nope: is neither a known prefix"),
        ("connections", "entity", "http://x/a b", "is not an IRI"),
        ("chair-on-date", "when", "2021-01-01", "has no parameter 'when'"),
    ],
)
def test_bad_values_are_refused(
    library: dict[str, NamedQuery],
    graph_store: GraphStore,
    query: str,
    param: str,
    value: str,
    message: str,
) -> None:
    with pytest.raises(ParameterError, match=message) as info:
        library[query].bind({param: value}, graph_store.prefixes)
    assert param in info.value.message


def test_integer_parameter() -> None:
    q = parse_query("SELECT ?_n_integer WHERE {}", "n.rq")
    assert q.bind({"n": "42"})["_n_integer"] == ox.Literal(
        "42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    )
    with pytest.raises(ParameterError, match=r"'4\.2' is not an integer"):
        q.bind({"n": "4.2"})
    with pytest.raises(ParameterError, match="needs parameter 'n'"):
        q.bind({})


def test_unknown_query_lists_close_matches(library: dict[str, NamedQuery]) -> None:
    with pytest.raises(UnknownQueryError) as info:
        get_query("chair-on-dat", library)
    assert info.value.suggestions[0] == "chair-on-date"
    with pytest.raises(UnknownQueryError) as info:
        get_query("publication", library)
    assert "publications" in info.value.suggestions
    assert get_query("Roles", library).name == "roles"


# -- expected rows on the curated data ------------------------------------------------------------------
def test_chair_on_date(graph_store: GraphStore, library: dict[str, NamedQuery]) -> None:
    def chairs(date: str) -> list[str | None]:
        return [
            short(r["chair"]) for r in run(graph_store, library, "chair-on-date", date=date).rows
        ]

    # facts.md: Timpson appointed 20 March 2018, chair through 2019; Hudson from December 2020
    assert chairs("2019-06-01") == ["person/edward-timpson"]
    assert chairs("2021-06-01") == ["person/annie-hudson"]
    assert chairs("2025-03-13") == ["person/annie-hudson"]
    assert chairs("2018-03-20") == ["person/edward-timpson"]
    assert chairs("2018-03-19") == []  # before the first chair
    # Hudson's start is only "2020-12": from 1 December she counts, and Timpson no longer does
    assert chairs("2020-12-01") == ["person/annie-hudson"]
    assert chairs("2020-11-30") == ["person/edward-timpson"]
    r = run(graph_store, library, "chair-on-date", date="2019-06-01").rows[0]
    assert (short(r["since"]), short(r["until"]), short(r["untilBasis"])) == (
        "2018-03-20",
        "2020-12",
        "next chair's start",
    )


def test_publications(graph_store: GraphStore, library: dict[str, NamedQuery]) -> None:
    r = run(graph_store, library, "publications")
    rows = {
        row[0]: row[1:]
        for row in table(r, "publication", "type", "issued", "creators", "publishers")
    }
    assert rows["publication/panel-annual-report-2020"] == (
        "AnnualReport",
        "2021-05-14",
        "Child Safeguarding Practice Review Panel",
        "Department for Education",
    )
    assert rows["publication/letter-ministers-to-annie-hudson-2021"] == (
        "GovernmentResponse; Letter",
        "2021",
        "Department for Education; Nadine Dorries; Vicky Ford; Victoria Atkins",
        "Department for Education",
    )
    assert rows["publication/annual-review-of-lcsprs-and-rapid-reviews-2021"] == (
        "CaseReviewAnalysis",
        "2021",
        "Joanna Garstang; Jonathan Dickens; Julie Taylor; Natasha Rennolds; Nutmeg Hallett; Penny Sorensen",
        "Department for Education",
    )
    assert rows["publication/wood-report-2021"] == (
        "IndependentReviewReport",
        "2021-05-14",
        "Alan Wood; Department for Education",
        "Department for Education; Department of Health and Social Care; Home Office",
    )
    assert rows["publication/working-together-to-safeguard-children-2018"] == (
        "StatutoryGuidance",
        "2018-07-04",
        None,
        None,
    )
    assert rows["publication/it-was-hard-to-escape"][:2] == ("NationalReviewReport", "2020-03")
    assert rows["publication/first-national-review-correspondence"][0] == "Publication"
    assert rows["publication/panel-annual-report-2022-to-2023"][1] is None  # no confirmed date
    # every curated publication once; dated ones in date order, the undated last
    pubs = {
        q.subject.value
        for q in graph_store.store.quads_for_pattern(
            None,
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode(BASE + "ontology#Publication"),
        )
    }
    assert len(r.rows) == len(pubs) and {row["publication"].value for row in r.rows} == pubs
    dates = [row["issued"].value for row in r.rows if "issued" in row]
    assert dates == sorted(dates)
    assert "issued" not in r.rows[-1]


def test_responses(graph_store: GraphStore, library: dict[str, NamedQuery]) -> None:
    r = run(graph_store, library, "responses")
    got = {
        (a, b): rest
        for a, b, *rest in table(r, "response", "answered", "days", "daysAtLeast", "daysAtMost")
    }
    exact = (
        dt.date(2023, 2, 2) - dt.date(2022, 5, 26)
    ).days  # Stable Homes after Child Protection in England
    assert got[
        ("publication/stable-homes-built-on-love", "publication/child-protection-in-england")
    ] == [str(exact), str(exact), str(exact)]
    # the 2021 letter (year only) answering "Out of routine" (16 July 2020)
    lo = (dt.date(2021, 1, 1) - dt.date(2020, 7, 16)).days
    hi = (dt.date(2021, 12, 31) - dt.date(2020, 7, 16)).days
    assert got[
        ("publication/letter-ministers-to-annie-hudson-2021", "publication/out-of-routine")
    ] == [None, str(lo), str(hi)]
    # ... and "It was hard to escape" (March 2020)
    lo = (dt.date(2021, 1, 1) - dt.date(2020, 3, 31)).days
    hi = (dt.date(2021, 12, 31) - dt.date(2020, 3, 1)).days
    assert got[
        ("publication/letter-ministers-to-annie-hudson-2021", "publication/it-was-hard-to-escape")
    ] == [None, str(lo), str(hi)]
    assert len(got) == 3


def test_reviews(graph_store: GraphStore, library: dict[str, NamedQuery]) -> None:
    rows = set(table(run(graph_store, library, "reviews"), "review", "relation", "agent"))
    assert {
        ("review/wood-review-2016", "commissioned by", "organisation/department-for-education"),
        ("review/wood-review-2016", "commissioned by", "person/nicky-morgan"),
        ("review/wood-review-2016", "commissioned by", "person/edward-timpson"),
        ("review/wood-review-2016", "undertaken by", "person/alan-wood"),
        ("review/annual-review-of-lcsprs-and-rapid-reviews-2021", "commissioned by", PANEL),
        (
            "review/annual-review-of-lcsprs-and-rapid-reviews-2021",
            "undertaken by",
            "organisation/university-of-birmingham",
        ),
        (
            "review/annual-review-of-lcsprs-and-rapid-reviews-2021",
            "undertaken by",
            "organisation/university-of-east-anglia",
        ),
        (
            "review/national-review-child-criminal-exploitation",
            "undertaken by",
            "person/dale-simon",
        ),
        (
            "review/national-review-sudden-unexpected-death-in-infancy",
            "undertaken by",
            "person/peter-sidebotham",
        ),
        ("review/wood-review-2021", "undertaken by", "person/alan-wood"),
    } <= rows
    commissioned = {r for r in rows if r[1] == "commissioned by"}
    assert len(commissioned) == 4


def test_connections_to_the_2017_act(
    graph_store: GraphStore, library: dict[str, NamedQuery]
) -> None:
    rows = set(table(run(graph_store, library, "connections"), "direction", "relation", "other"))
    assert {
        ("in", "concerns", "publication/wood-report-2021"),
        ("in", "concerns", "review/wood-review-2021"),
        ("in", "establishedUnder", "concept/chief-officer-of-police"),
        ("in", "establishedUnder", "concept/clinical-commissioning-group"),
        ("in", "establishedUnder", "concept/local-authority"),
    } <= rows
    # the integrated care board is named in the current Children Act 2004, not the 2017 Act
    assert not any(r[2] == "concept/integrated-care-board" for r in rows)
    other = set(
        table(
            run(graph_store, library, "connections", entity=ACT_2004),
            "direction",
            "relation",
            "other",
        )
    )
    assert ("in", "establishedUnder", "concept/integrated-care-board") in other


def test_authors_affiliations(graph_store: GraphStore, library: dict[str, NamedQuery]) -> None:
    rows = set(
        table(run(graph_store, library, "authors-affiliations"), "author", "affiliation", "parent")
    )
    uea = "organisation/university-of-east-anglia"
    bham = "organisation/university-of-birmingham"
    assert {
        (
            "person/jonathan-dickens",
            "organisation/uea-centre-for-research-on-children-and-families",
            uea,
        ),
        (
            "person/natasha-rennolds",
            "organisation/uea-centre-for-research-on-children-and-families",
            uea,
        ),
        (
            "person/penny-sorensen",
            "organisation/uea-centre-for-research-on-children-and-families",
            uea,
        ),
        ("person/julie-taylor", "organisation/birmingham-school-of-nursing", bham),
        ("person/nutmeg-hallett", "organisation/birmingham-school-of-nursing", bham),
        (
            "person/joanna-garstang",
            "organisation/birmingham-institute-of-applied-health-research",
            bham,
        ),
        (
            "person/joanna-garstang",
            "organisation/birmingham-community-healthcare-nhs-trust",
            "organisation/birmingham-community-healthcare-nhs-trust",
        ),
        ("person/alan-wood", None, None),
    } <= rows
    authors = {r[0] for r in rows}
    assert "person/annie-hudson" not in authors  # chairs, but authored nothing in the graph
    wood = [
        r
        for r in run(graph_store, library, "authors-affiliations").rows
        if short(r["author"]) == "person/alan-wood"
    ]
    assert short(wood[0]["publications"]) == "2"


def test_national_reviews_in_order(graph_store: GraphStore, library: dict[str, NamedQuery]) -> None:
    rows = table(run(graph_store, library, "national-reviews"), "review", "report", "issued")
    assert [r[:2] for r in rows] == [
        ("review/national-review-child-criminal-exploitation", "publication/it-was-hard-to-escape"),
        ("review/national-review-sudden-unexpected-death-in-infancy", "publication/out-of-routine"),
        (
            "review/national-review-non-accidental-injury-under-ones",
            "publication/myth-of-invisible-men",
        ),
        (
            "review/national-review-arthur-labinjo-hughes-and-star-hobson",
            "publication/child-protection-in-england",
        ),
        (
            "review/national-review-child-sexual-abuse-within-the-family-environment",
            "publication/i-wanted-them-all-to-notice",
        ),
        (
            "review/national-review-disabilities-and-complex-health-needs-in-residential-settings",
            None,
        ),
    ]
    assert [r[2] for r in rows] == [
        "2020-03",
        "2020-07-16",
        "2021-09-16",
        "2022-05-26",
        "2024-11-26",
        None,
    ]


def test_safeguarding_partners(graph_store: GraphStore, library: dict[str, NamedQuery]) -> None:
    rows = table(
        run(graph_store, library, "safeguarding-partners"),
        "kind",
        "altLabel",
        "act",
        "replacedBy",
        "current",
    )
    assert sorted(rows) == [
        ("concept/chief-officer-of-police", "chief of police", ACT_2017, None, "true"),
        (
            "concept/clinical-commissioning-group",
            None,
            ACT_2017,
            "concept/integrated-care-board",
            "false",
        ),
        ("concept/integrated-care-board", None, ACT_2004, None, "true"),
        ("concept/local-authority", None, ACT_2017, None, "true"),
    ]


def test_publications_by_topic(graph_store: GraphStore, library: dict[str, NamedQuery]) -> None:
    rows = set(table(run(graph_store, library, "publications-by-topic"), "concept", "publication"))
    assert {
        ("concept/child-criminal-exploitation", "publication/it-was-hard-to-escape"),
        (
            "concept/child-criminal-exploitation",
            "publication/letter-ministers-to-annie-hudson-2021",
        ),
        ("concept/sudden-unexpected-death-in-infancy", "publication/out-of-routine"),
        ("concept/non-accidental-injury-in-under-ones", "publication/myth-of-invisible-men"),
        ("concept/local-authority", "publication/working-together-to-safeguard-children-2018"),
        ("concept/multi-agency-safeguarding-arrangements", "publication/wood-report-2021"),
    } <= rows
    assert not any(c == ACT_2017 for c, _ in rows)  # legislation is not a topic
    one = table(
        run(
            graph_store,
            library,
            "publications-by-topic",
            topic="sgcon:sudden-unexpected-death-in-infancy",
        ),
        "concept",
        "publication",
    )
    assert sorted(one) == [
        (
            "concept/sudden-unexpected-death-in-infancy",
            "publication/letter-ministers-to-annie-hudson-2021",
        ),
        ("concept/sudden-unexpected-death-in-infancy", "publication/out-of-routine"),
    ]


def test_citation_network(graph_store: GraphStore, library: dict[str, NamedQuery]) -> None:
    r = run(graph_store, library, "citation-network")
    assert r.variables == ["x", "xLabel", "y", "yLabel", "edgeLabel"]
    rows = set(table(r, "x", "edgeLabel", "y"))
    assert {
        (
            "publication/letter-ministers-to-annie-hudson-2021",
            "responds to",
            "publication/it-was-hard-to-escape",
        ),
        (
            "publication/letter-ministers-to-annie-hudson-2021",
            "responds to",
            "publication/out-of-routine",
        ),
        (
            "publication/stable-homes-built-on-love",
            "responds to",
            "publication/child-protection-in-england",
        ),
        (
            "publication/nai-fieldwork-report-2021",
            "cites",
            "publication/panel-annual-report-2018-to-2019",
        ),
        (
            "publication/wwcsc-safeguarding-partners-annual-reports-analysis-2020-21",
            "cites",
            "publication/wwcsc-analysis-of-safeguarding-partners-yearly-reports-2019-20",
        ),
        (
            "publication/annual-review-of-lcsprs-and-rapid-reviews-2021",
            "informs",
            "publication/panel-annual-report-2020",
        ),
        (
            "publication/wwcsc-analysis-of-safeguarding-partners-yearly-reports-2019-20",
            "informs",
            PANEL,
        ),
        (
            "publication/wwcsc-analysis-of-safeguarding-partners-yearly-reports-2019-20",
            "analyses",
            "collection/safeguarding-partners-yearly-reports-2019-20",
        ),
    } <= rows
    # a response is not also listed as the sg:cites the build materialises from it
    assert (
        "publication/stable-homes-built-on-love",
        "cites",
        "publication/child-protection-in-england",
    ) not in rows
    assert len(rows) == len(r.rows)
    assert all(row.get("xLabel") and row.get("yLabel") for row in r.rows)


def test_roles(graph_store: GraphStore, library: dict[str, NamedQuery]) -> None:
    rows = set(
        table(run(graph_store, library, "roles"), "person", "role", "organisation", "start", "end")
    )
    assert {
        ("person/edward-timpson", "chair", PANEL, "2018-03-20", None),
        ("person/annie-hudson", "chair", PANEL, "2020-12", None),
        ("person/edward-timpson", "minister", "organisation/department-for-education", None, None),
        (
            "person/victoria-atkins",
            "minister",
            "organisation/home-office",
            "2017-11-09",
            "2021-09-16",
        ),
        ("person/dale-simon", "member", PANEL, None, None),
    } <= rows
    timpson = [r for r in rows if r[0] == "person/edward-timpson"]
    assert len(timpson) == 2


def test_timeline(graph_store: GraphStore, library: dict[str, NamedQuery]) -> None:
    r = run(graph_store, library, "timeline")
    rows = table(r, "date", "event", "entity")
    assert ("2017-04-27", "Royal Assent", ACT_2017) in rows
    assert ("2018-03-20", "starts", "membership/edward-timpson-panel-chair") in rows
    assert ("2020-12", "starts", "membership/annie-hudson-panel-chair") in rows
    assert ("2016-03-31", "ends", "review/wood-review-2016") in rows
    assert ("2021-05-14", "issued", "publication/panel-annual-report-2020") in rows
    dates = [row[0] or "" for row in rows]
    assert dates == sorted(dates)
    # every dcterms:issued, sg:startDate, sg:endDate and sg:enactedOn in the graph is an event
    count = 0
    for prop in (
        "http://purl.org/dc/terms/issued",
        BASE + "ontology#startDate",
        BASE + "ontology#endDate",
        BASE + "ontology#enactedOn",
    ):
        count += len(
            {
                (q.subject, q.object)
                for q in graph_store.store.quads_for_pattern(None, ox.NamedNode(prop), None)
            }
        )
    assert len(rows) == count
    labels = {short(row["entity"]): row["label"].value for row in r.rows}
    assert labels["membership/edward-timpson-panel-chair"].startswith("Edward Timpson, chair, ")
