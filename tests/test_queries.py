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
    # the field's questions (issue 12)
    "local-reviews-by-theme-and-year",
    "local-reviews-by-partnership",
    "government-responses",
    "post-holders-on-date",
    "publications-by-kind-and-year",
    "first-authors",
    "local-reviews-drawn-on",
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
    assert len(library) >= 20


def test_queries_avoid_what_other_stores_read_differently(library: dict[str, NamedQuery]) -> None:
    """Issue 15 runs the library on Oxigraph, Virtuoso and Jena: no FILTER NOT EXISTS, no MINUS
    (queries/README.md, "Writing a query"). Comments may mention them."""
    for name, q in library.items():
        code = "\n".join(line.split("#", 1)[0] for line in q.query.splitlines())
        assert "NOT EXISTS" not in code.upper(), name
        assert "MINUS" not in code.upper(), name


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
        "end not recorded; next chair's start",
    )
    # a source shows him in office later that year (18 October 2019), not after it
    assert (short(r["lastAttested"]), short(r["settled"])) == ("2019-10-18", "yes")
    later = run(graph_store, library, "chair-on-date", date="2020-06-01").rows
    assert [(short(x["chair"]), short(x["settled"])) for x in later] == [
        ("person/edward-timpson", "no")
    ]


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
    # facts-2: the UEA portal and the document agree on March 2021; the Panel and DfE published it
    assert rows["publication/annual-review-of-lcsprs-and-rapid-reviews-2021"] == (
        "CaseReviewAnalysis",
        "2021-03",
        "Joanna Garstang; Jonathan Dickens; Julie Taylor; Natasha Rennolds; Nutmeg Hallett; Penny Sorensen",
        "Child Safeguarding Practice Review Panel; Department for Education",
    )
    assert rows["publication/wood-report-2021"] == (
        "IndependentReviewReport",
        "2021-05-14",
        "Alan Wood; Department for Education",
        "Department for Education; Department of Health and Social Care; Home Office",
    )
    # no author or publisher is stated: "" on every store, not unbound on some
    assert rows["publication/working-together-to-safeguard-children-2018"] == (
        "StatutoryGuidance",
        "2018-07-04",
        "",
        "",
    )
    assert rows["publication/working-together-to-safeguard-children-2023"][:3] == (
        "StatutoryGuidance",
        "2023-12-15",
        "",
    )
    assert rows["publication/it-was-hard-to-escape"][:2] == ("NationalReviewReport", "2020-03")
    assert rows["publication/first-national-review-correspondence"][0] == "Correspondence"
    assert rows["publication/stable-homes-built-on-love"][0] == "GovernmentResponse; PolicyPaper"
    assert rows["publication/hackney-child-q"] == (
        "LocalReviewReport",
        "2022-03",
        "Jim Gamble; Rory McCallum",
        "City & Hackney Safeguarding Children Partnership",
    )
    assert (
        rows["publication/birmingham-never-ever-shake-a-baby"][1] is None
    )  # date partly confirmed
    # no page gives the fourth annual report's title: it is not a publication of the graph
    assert "publication/panel-annual-report-2022-to-2023" not in rows
    kinds = {short(row["publication"]): short(row["kind"]) for row in r.rows}
    assert (
        kinds["publication/letter-ministers-to-annie-hudson-2021"] == "government response; letter"
    )
    # every curated publication once; dated ones in date order, the undated last
    pubs = {
        q.subject.value
        for q in graph_store.store.quads_for_pattern(
            None,
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode(BASE + "ontology#Publication"),
        )
    }
    assert len(r.rows) == len(pubs) >= 70 and {row["publication"].value for row in r.rows} == pubs
    assert all(short(row["type"]) for row in r.rows)  # every publication has a kind
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
        ("review/wood-review-2016", "led by", "person/alan-wood"),
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
        ("review/national-review-child-criminal-exploitation", "led by", "person/dale-simon"),
        (
            "review/national-review-child-criminal-exploitation",
            "undertaken by",
            "person/dale-simon",
        ),
        (
            "review/national-review-child-criminal-exploitation",
            "advised by",
            "person/isabelle-trowler",
        ),
        (
            "review/national-review-sudden-unexpected-death-in-infancy",
            "led by",
            "person/peter-sidebotham",
        ),
        ("review/wood-review-2021", "undertaken by", "person/alan-wood"),
        # facts-2: the lead reviewer, not the Panel, undertook the residential settings review
        (
            "review/national-review-disabilities-and-complex-health-needs-in-residential-settings",
            "commissioned by",
            PANEL,
        ),
        (
            "review/national-review-disabilities-and-complex-health-needs-in-residential-settings",
            "led by",
            "person/christine-lenehan",
        ),
    } <= rows
    # no page says who commissioned Child Q: the partnership publishes its report, no more
    assert (
        "review/hackney-child-q",
        "commissioned by",
        "organisation/city-and-hackney-safeguarding-children-partnership",
    ) not in rows
    assert (
        "review/national-review-disabilities-and-complex-health-needs-in-residential-settings",
        "undertaken by",
        PANEL,
    ) not in rows
    # one commissioned-by row per curated sg:commissionedBy statement
    curated = graph_store.store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?r <https://w3id.org/sgraph/ontology#commissionedBy> ?a }",
        use_default_graph_as_union=True,
    )
    assert isinstance(curated, ox.QuerySolutions)
    n = int(next(iter(curated))["n"].value)
    assert len({r for r in rows if r[1] == "commissioned by"}) == n > 5


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
    rows = table(
        run(graph_store, library, "national-reviews"), "review", "report", "issued", "topic"
    )
    reviews: list[tuple[str | None, ...]] = []
    for r in rows:  # one row per practice theme: the reviews in their order, once each
        if r[:3] not in reviews:
            reviews.append(r[:3])
    assert reviews == [
        (
            "review/national-review-child-criminal-exploitation",
            "publication/it-was-hard-to-escape",
            "2020-03",
        ),
        (
            "review/national-review-sudden-unexpected-death-in-infancy",
            "publication/out-of-routine",
            "2020-07-16",
        ),
        (
            "review/national-review-non-accidental-injury-under-ones",
            "publication/myth-of-invisible-men",
            "2021-09-16",
        ),
        (
            "review/national-review-arthur-labinjo-hughes-and-star-hobson",
            "publication/child-protection-in-england",
            "2022-05-26",
        ),
        (
            "review/national-review-child-sexual-abuse-within-the-family-environment",
            "publication/i-wanted-them-all-to-notice",
            "2024-11-26",
        ),
        # no report in the graph: last, in IRI order
        ("review/national-review-baby-m", None, None),
        (
            "review/national-review-disabilities-and-complex-health-needs-in-residential-settings",
            None,
            None,
        ),
    ]
    baby_m = {r[3] for r in rows if r[0] == "review/national-review-baby-m"}
    assert "concept/concealed-pregnancy" in baby_m and len(baby_m) == 5


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
        ("concept/chief-officer-of-police", "chief of police", ACT_2017, None, "yes"),
        (
            "concept/clinical-commissioning-group",
            None,
            ACT_2017,
            "concept/integrated-care-board",
            "no",
        ),
        # defined by the current s. 16E of the 2004 Act; the boards set up by the 2022 Act
        ("concept/integrated-care-board", None, ACT_2004, None, "yes"),
        (
            "concept/integrated-care-board",
            None,
            "http://www.legislation.gov.uk/id/ukpga/2022/31",
            None,
            "yes",
        ),
        ("concept/local-authority", None, ACT_2017, None, "yes"),
    ]


def test_publications_by_topic(graph_store: GraphStore, library: dict[str, NamedQuery]) -> None:
    rows = set(
        table(run(graph_store, library, "publications-by-topic"), "concept", "publication", "via")
    )
    assert {
        ("concept/child-criminal-exploitation", "publication/it-was-hard-to-escape", "publication"),
        (
            "concept/child-criminal-exploitation",
            "publication/letter-ministers-to-annie-hudson-2021",
            "publication",
        ),
        ("concept/sudden-unexpected-death-in-infancy", "publication/out-of-routine", "publication"),
        (
            "concept/non-accidental-injury-in-under-ones",
            "publication/myth-of-invisible-men",
            "publication",
        ),
        (
            "concept/local-authority",
            "publication/working-together-to-safeguard-children-2018",
            "publication",
        ),
        (
            "concept/multi-agency-safeguarding-arrangements",
            "publication/wood-report-2021",
            "publication",
        ),
        # a local review report gets its review's themes
        ("concept/race-and-racism", "publication/hackney-child-q", "review"),
        (
            "concept/elective-home-education",
            "publication/safeguarding-children-in-elective-home-education",
            "publication",
        ),
    } <= rows
    assert not any(c == ACT_2017 for c, _, _ in rows)  # legislation is not a topic
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
    assert sorted(set(one)) == [
        (
            "concept/sudden-unexpected-death-in-infancy",
            "publication/letter-ministers-to-annie-hudson-2021",
        ),
        (
            "concept/sudden-unexpected-death-in-infancy",
            "publication/merton-sudi-partnership-review",
        ),
        ("concept/sudden-unexpected-death-in-infancy", "publication/out-of-routine"),
        ("concept/sudden-unexpected-death-in-infancy", "publication/surrey-sudi-thematic-review"),
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
        ("person/edward-timpson", "Chair", PANEL, "2018-03-20", None),
        ("person/annie-hudson", "Chair", PANEL, "2020-12", None),
        (
            "person/edward-timpson",
            "Minister for Children and Families",
            "organisation/department-for-education",
            "2012",
            "2017",
        ),
        (
            "person/vicky-ford",
            "Minister for Children and Families",
            "organisation/department-for-education",
            "2020-02",
            "2021-09-17",
        ),
        (
            "person/victoria-atkins",
            "Parliamentary Under-Secretary of State for Safeguarding",
            "organisation/home-office",
            "2017-11-09",
            "2021-09-16",
        ),
        (
            "person/josh-macalister",
            "Minister",
            "organisation/department-for-education",
            "2025-09",
            None,
        ),
        ("person/dale-simon", "Member", PANEL, None, None),
    } <= rows
    timpson = [r for r in rows if r[0] == "person/edward-timpson"]
    assert len(timpson) == 2
    posts = {short(r["post"]) for r in run(graph_store, library, "roles").rows if "post" in r}
    assert "post/minister-for-children-and-families" in posts


def test_timeline(graph_store: GraphStore, library: dict[str, NamedQuery]) -> None:
    r = run(graph_store, library, "timeline")
    rows = table(r, "date", "event", "entity")
    assert ("2017-04-27", "Royal Assent", ACT_2017) in rows
    assert ("2018-03-20", "starts", "membership/edward-timpson-panel-chair") in rows
    assert ("2019-10-18", "in office", "membership/edward-timpson-panel-chair") in rows
    assert ("2020-12", "starts", "membership/annie-hudson-panel-chair") in rows
    assert ("2016-03-31", "ends", "review/wood-review-2016") in rows
    assert ("2021-05-14", "issued", "publication/panel-annual-report-2020") in rows
    assert ("2018-06-28", "made", "http://www.legislation.gov.uk/id/uksi/2018/789") in rows
    assert ("2018-06-29", "in force", "http://www.legislation.gov.uk/id/uksi/2018/789") in rows
    assert (
        "2019-09-17",
        "founded",
        "organisation/kent-safeguarding-children-multi-agency-partnership",
    ) in rows
    dates = [row[0] or "" for row in rows]
    assert dates == sorted(dates)
    # every date statement of these properties in the graph is an event
    count = 0
    for prop in (
        "http://purl.org/dc/terms/issued",
        "https://schema.org/foundingDate",
        BASE + "ontology#startDate",
        BASE + "ontology#endDate",
        BASE + "ontology#enactedOn",
        BASE + "ontology#madeOn",
        BASE + "ontology#inForceOn",
        BASE + "ontology#attestedOn",
    ):
        count += len(
            {
                (q.subject, q.object)
                for q in graph_store.store.quads_for_pattern(None, ox.NamedNode(prop), None)
            }
        )
    assert len(rows) == count
    labels = {short(row["entity"]): row["label"].value for row in r.rows}
    assert labels["membership/edward-timpson-panel-chair"].startswith("Edward Timpson, Chair, ")


# -- the field's questions (issue 12) ------------------------------------------------------------
CHILDREN = "post/minister-for-children-and-families"


def test_local_reviews_by_theme_and_year(
    graph_store: GraphStore, library: dict[str, NamedQuery]
) -> None:
    # facts-2 §12: neglect in 2022 is Croydon's "Ben" (4 March 2022) only
    rows = table(
        run(
            graph_store,
            library,
            "local-reviews-by-theme-and-year",
            theme="sgcon:neglect",
            year="2022",
        ),
        "review",
        "year",
        "issued",
        "partnership",
    )
    assert rows == [
        (
            "review/croydon-ben",
            "2022",
            "2022-03-04",
            "organisation/croydon-safeguarding-children-partnership",
        )
    ]
    # a broader theme lists the reviews of its narrower ones: co-sleeping is under SUDI
    sudi = {
        r[0]
        for r in table(
            run(
                graph_store,
                library,
                "local-reviews-by-theme-and-year",
                theme="sgcon:sudden-unexpected-death-in-infancy",
            ),
            "review",
        )
    }
    assert sudi == {
        "review/merton-sudi-partnership-review",
        "review/southampton-co-sleeping-thematic-review",
        "review/surrey-sudi-thematic-review",
    }
    # no parameters: every (theme, review) of the data once, undated ones with an empty year
    every = table(
        run(graph_store, library, "local-reviews-by-theme-and-year"), "theme", "review", "year"
    )
    assert len(every) == len(set(every))
    assert (
        "concept/adolescent-suicide",
        "review/surrey-thematic-review-of-adolescent-suicide",
        "2020",
    ) in every
    assert (
        "concept/parental-substance-misuse",
        "review/birmingham-never-assume-working-with-substance-misusing-parents",
        None,
    ) in every
    curated = graph_store.store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?r a <https://w3id.org/sgraph/ontology#LocalReview> ;"
        " <https://w3id.org/sgraph/ontology#practiceTheme> ?t }",
        use_default_graph_as_union=True,
    )
    assert isinstance(curated, ox.QuerySolutions)
    assert len(every) == int(next(iter(curated))["n"].value)


def test_local_reviews_by_partnership(
    graph_store: GraphStore, library: dict[str, NamedQuery]
) -> None:
    croydon = table(
        run(
            graph_store,
            library,
            "local-reviews-by-partnership",
            partnership="sgorg:croydon-safeguarding-children-partnership",
        ),
        "review",
        "kind",
        "issued",
    )
    # the Croydon page's reviews (facts-2 §12 rows 18-24 and the earlier SCRs), oldest first
    assert croydon == [
        ("review/croydon-child-j-and-child-k", "serious case review", "2018-02-15"),
        ("review/croydon-child-joe", "serious case review", "2018-02-26"),
        ("review/croydon-child-l", "serious case review", "2018-08-22"),
        ("review/croydon-vulnerable-adolescents-thematic-review-2019", "local review", "2019"),
        ("review/croydon-child-a-and-baby-n", "serious case review", "2019-02-22"),
        ("review/croydon-emily-and-jack", "serious case review", "2020-10-15"),
        ("review/croydon-ben", "local child safeguarding practice review", "2022-03-04"),
        ("review/croydon-carl-and-max", "local child safeguarding practice review", "2022-03-17"),
        ("review/croydon-serious-youth-violence-thematic-review", "local review", "2024-02"),
        ("review/croydon-baby-eva", "local child safeguarding practice review", "2024-04"),
        ("review/croydon-child-q-where-were-you-when-i-was-six", "serious case review", None),
    ]
    themes = {
        short(r["review"]): short(r["themes"])
        for r in run(graph_store, library, "local-reviews-by-partnership").rows
    }
    assert (
        themes["review/hackney-child-q"]
        == "adultification; race and racism; strip search of children by police"
    )
    assert themes["review/herefordshire-scr-matthew"] == ""  # "" when none, on every store
    everyone = {
        short(r["partnership"])
        for r in run(graph_store, library, "local-reviews-by-partnership").rows
    }
    assert len(everyone) >= 15


def test_government_responses(graph_store: GraphStore, library: dict[str, NamedQuery]) -> None:
    r = run(graph_store, library, "government-responses", asof="2025-06-01")
    got = {
        (a, b): rest
        for a, b, *rest in table(
            r, "review", "response", "status", "days", "daysAtLeast", "daysAtMost"
        )
    }
    # Stable Homes (2 February 2023) after Child Protection in England (26 May 2022)
    exact = (dt.date(2023, 2, 2) - dt.date(2022, 5, 26)).days
    assert got[
        (
            "review/national-review-arthur-labinjo-hughes-and-star-hobson",
            "publication/stable-homes-built-on-love",
        )
    ] == ["answered", str(exact), str(exact), str(exact)]
    # the SUDI review answered by the 2021 letter (a year only): a range
    lo = (dt.date(2021, 1, 1) - dt.date(2020, 7, 16)).days
    hi = (dt.date(2021, 12, 31) - dt.date(2020, 7, 16)).days
    assert got[
        (
            "review/national-review-sudden-unexpected-death-in-infancy",
            "publication/letter-ministers-to-annie-hudson-2021",
        )
    ] == ["answered", None, str(lo), str(hi)]
    # still unanswered: days outstanding as of the date asked
    nai = (dt.date(2025, 6, 1) - dt.date(2021, 9, 16)).days
    assert got[("review/national-review-non-accidental-injury-under-ones", None)] == [
        "unanswered",
        str(nai),
        str(nai),
        str(nai),
    ]
    csa = (dt.date(2025, 6, 1) - dt.date(2024, 11, 26)).days
    assert got[("review/national-review-child-sexual-abuse-within-the-family-environment", None)][
        :2
    ] == [
        "unanswered",
        str(csa),
    ]
    # answered through the review (its report is not in the graph): no day count
    residential = (
        "review/national-review-disabilities-and-complex-health-needs-in-residential-settings"
    )
    key = (
        residential,
        "publication/safeguarding-children-with-disabilities-in-residential-settings-"
        "government-response",
    )
    assert got[key] == ["answered", None, None, None]
    assert got[("review/national-review-baby-m", None)] == ["unanswered", None, None, None]
    assert all(str(row["asOf"].value) == "2025-06-01" for row in r.rows)
    national = {a for a, _ in got}
    assert len(national) == 7


def holders(
    gs: GraphStore, library: dict[str, NamedQuery], date: str, post: str = CHILDREN
) -> list[tuple[str | None, ...]]:
    r = run(gs, library, "post-holders-on-date", date=date, post="sgpst:" + post.split("/")[1])
    return table(r, "holder", "untilBasis", "settled")


def test_post_holders_on_date(graph_store: GraphStore, library: dict[str, NamedQuery]) -> None:
    # facts-2 §11: Ford from February 2020, replaced by Quince on 17 September 2021
    assert holders(graph_store, library, "2021-06-01") == [
        ("person/vicky-ford", "recorded end", "yes")
    ]
    assert holders(graph_store, library, "2021-09-17") == [
        ("person/vicky-ford", "recorded end", "yes"),
        ("person/will-quince", "end not recorded; next holder's start", "yes"),
    ]
    # Donelan covered for Badenoch from 4 September 2019 to 13 February 2020
    assert holders(graph_store, library, "2019-08-01") == [
        ("person/kemi-badenoch", "end not recorded; next holder's start", "no")
    ]
    assert holders(graph_store, library, "2019-10-01") == [
        ("person/michelle-donelan", "recorded end", "yes")
    ]
    # Ford's start is only "February 2020": both on 5 February, neither settled by the start alone
    feb = holders(graph_store, library, "2020-02-05")
    assert [h[0] for h in feb] == ["person/michelle-donelan", "person/vicky-ford"]
    assert feb[1][2] == "no"
    # Coutinho handed over to Johnston on 31 August 2023
    assert holders(graph_store, library, "2023-09-01") == [
        ("person/david-johnston", "end not recorded; next holder's start", "no")
    ]
    assert holders(graph_store, library, "2024-07-23")[-1] == (
        "person/janet-daby",
        "recorded end",
        "yes",
    )
    # a tenure known only from a day a source shows the holder in office
    assert holders(graph_store, library, "2019-02-01", "post/secretary-of-state-for-education") == [
        ("person/damian-hinds", "last date a source shows them in office", "yes")
    ]
    assert (
        holders(graph_store, library, "2019-06-01", "post/secretary-of-state-for-education") == []
    )
    assert holders(graph_store, library, "2024-07-05", "post/secretary-of-state-for-education") == [
        ("person/bridget-phillipson", "end not recorded", "yes")
    ]


def test_minister_when_published(graph_store: GraphStore, library: dict[str, NamedQuery]) -> None:
    rows = table(
        run(graph_store, library, "minister-when-published"), "publication", "holder", "settled"
    )
    assert ("publication/out-of-routine", "person/vicky-ford", "yes") in rows
    assert ("publication/myth-of-invisible-men", "person/vicky-ford", "yes") in rows
    assert ("publication/i-wanted-them-all-to-notice", "person/janet-daby", "yes") in rows
    # "It was hard to escape" has only a month: not listed
    assert not any(r[0] == "publication/it-was-hard-to-escape" for r in rows)


def test_publications_by_kind_and_year(
    graph_store: GraphStore, library: dict[str, NamedQuery]
) -> None:
    rows = {
        (k, y): int(n or 0)
        for k, y, n in table(
            run(graph_store, library, "publications-by-kind-and-year"),
            "kind",
            "year",
            "publications",
        )
    }
    # Working Together (1999, 2006, 2010, 2013, 2015, 2018, 2023) and the 2018 CDR guidance
    assert rows[("concept/statutory-guidance", "2018")] == 2
    assert (
        rows[("concept/statutory-guidance", "2023")] == 2
    )  # Working Together 2023, national framework
    assert rows[("concept/national-review-report", "2022")] == 1
    assert rows[("concept/bill", "2024")] == 1
    # the counts add up to the publications' kinds
    pairs = graph_store.store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/sgraph/ontology#Publication> ;"
        " <http://purl.org/dc/terms/type> ?k }",
        use_default_graph_as_union=True,
    )
    assert isinstance(pairs, ox.QuerySolutions)
    assert sum(rows.values()) == int(next(iter(pairs))["n"].value)


def test_first_authors(graph_store: GraphStore, library: dict[str, NamedQuery]) -> None:
    rows = {
        p: (a, n)
        for p, a, n in table(
            run(graph_store, library, "first-authors"), "publication", "firstAuthor", "authors"
        )
    }
    # facts.md §3: Dickens first of six; facts-2 §6: Brandon first of nine, Sidebotham of eight
    assert rows["publication/annual-review-of-lcsprs-and-rapid-reviews-2021"] == (
        "person/jonathan-dickens",
        "6",
    )
    assert rows["publication/complexity-and-challenge-2014-2017"] == ("person/marian-brandon", "9")
    assert rows["publication/pathways-to-harm-pathways-to-protection"] == (
        "person/peter-sidebotham",
        "8",
    )
    assert rows["publication/hackney-child-q"] == ("person/jim-gamble", "2")
    ordered = table(
        run(graph_store, library, "authors-in-order"), "publication", "position", "author"
    )
    dickens = [
        a
        for p, _, a in ordered
        if p == "publication/annual-review-of-lcsprs-and-rapid-reviews-2021"
    ]
    assert dickens == [
        "person/jonathan-dickens",
        "person/julie-taylor",
        "person/joanna-garstang",
        "person/nutmeg-hallett",
        "person/natasha-rennolds",
        "person/penny-sorensen",
    ]
    assert [
        pos for p, pos, _ in ordered if p == "publication/complexity-and-challenge-2014-2017"
    ] == [str(i) for i in range(1, 10)]


def test_local_reviews_drawn_on(graph_store: GraphStore, library: dict[str, NamedQuery]) -> None:
    rows = set(
        table(
            run(graph_store, library, "local-reviews-drawn-on"),
            "publication",
            "direction",
            "relation",
            "localReview",
        )
    )
    # facts-2 §1.2 (Family H featured in the national review), §12 row 41 (Adam cites CCE)
    assert rows == {
        (
            "publication/i-wanted-them-all-to-notice",
            "draws on",
            "analyses",
            "review/darlington-family-h",
        ),
        (
            "publication/it-was-hard-to-escape",
            "is cited by the local review",
            "cites",
            "review/nspcc-adam",
        ),
    }


def test_review_associations_in_prov_terms(
    graph_store: GraphStore, library: dict[str, NamedQuery]
) -> None:
    rows = set(
        table(run(graph_store, library, "review-associations"), "review", "roleLabel", "agent")
    )
    dickens = "review/annual-review-of-lcsprs-and-rapid-reviews-2021"
    # the seed: "the Panel commissioned the University of Birmingham and University of East Anglia"
    assert {r for r in rows if r[0] == dickens} == {
        (dickens, "commissioner", PANEL),
        (dickens, "undertaker", "organisation/university-of-birmingham"),
        (dickens, "undertaker", "organisation/university-of-east-anglia"),
    }
    residential = (
        "review/national-review-disabilities-and-complex-health-needs-in-residential-settings"
    )
    assert {r for r in rows if r[0] == residential} == {
        (residential, "commissioner", PANEL),
        (residential, "lead reviewer", "person/christine-lenehan"),
        (residential, "undertaker", "person/christine-lenehan"),
    }


def test_offices_in_org_and_time_terms(
    graph_store: GraphStore, library: dict[str, NamedQuery]
) -> None:
    rows = table(run(graph_store, library, "offices"), "post", "holder", "start", "end")
    children = [r[1:] for r in rows if r[0] == CHILDREN]
    assert ("person/vicky-ford", "2020-02", "2021-09-17") in children
    assert ("person/edward-timpson", "2012", "2017") in children
    assert ("person/will-quince", "2021-09-17", None) in children  # no known end
    names = {r[0] for r in children}
    # the children's ministers 2017-2025 (facts-2 §11)
    assert {
        "person/robert-goodwill",
        "person/nadhim-zahawi",
        "person/kemi-badenoch",
        "person/michelle-donelan",
        "person/vicky-ford",
        "person/will-quince",
        "person/brendan-clarke-smith",
        "person/kelly-tolhurst",
        "person/claire-coutinho",
        "person/david-johnston",
        "person/janet-daby",
    } <= names


def test_themes(graph_store: GraphStore, library: dict[str, NamedQuery]) -> None:
    rows = {
        t: (b, int(lr or 0), int(o or 0), int(p or 0))
        for t, b, lr, o, p in table(
            run(graph_store, library, "themes"),
            "theme",
            "broader",
            "localReviews",
            "otherReviews",
            "publications",
        )
    }
    assert rows["concept/co-sleeping"][0] == "concept/sudden-unexpected-death-in-infancy"
    # SUDI counts its own reviews and co-sleeping's: Merton, Surrey and Southampton
    assert rows["concept/sudden-unexpected-death-in-infancy"][1] == 3
    assert rows["concept/neglect"][1] == 6
    assert len(rows) >= 30
