"""A consumer who knows only the standard vocabularies reads the published N-Triples in full.

The dump ``dist/graph.nt`` of a build is loaded into a fresh Oxigraph store and asked questions in
SPARQL that uses no ``sg:`` term (each query is checked for that): authors in order, who
commissioned and who undertook a review, review dates and covered periods in OWL-Time,
publication kinds, and offices held over time. Expected values come from the sources
(shared/reference/facts.md and facts-2.md), not from the data files.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from sgraph.build import BuildResult

ID = "https://w3id.org/sgraph/id/"
PREFIXES = """
PREFIX bibo: <http://purl.org/ontology/bibo/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX time: <http://www.w3.org/2006/time#>
"""


@pytest.fixture(scope="module")
def dump(built: BuildResult) -> ox.Store:
    path = Path(built.out_dir) / "graph.nt"
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    assert len(store) > 10_000
    return store


def ask(store: ox.Store, where: str) -> list[dict[str, str]]:
    """Run a SELECT written in standard terms only; rows as {variable: lexical value}."""
    text = PREFIXES + where
    assert "sgraph/ontology" not in text and "sg:" not in text.replace("skos:", "")
    result = store.query(text)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]


def test_authors_in_order(dump: ox.Store) -> None:
    """facts.md §3: Jonathan Dickens, Julie Taylor, Joanna Garstang, Nutmeg Hallett, Natasha
    Rennolds & Penny Sorensen, in that order."""
    rows = ask(
        dump,
        """SELECT ?name (COUNT(DISTINCT ?before) AS ?position) WHERE {
          ?pub dcterms:title "Annual review of LCSPRs and rapid reviews"@en ;
               bibo:authorList ?list .
          ?list rdf:rest* ?node . ?node rdf:first ?author . ?author foaf:name ?name .
          ?list rdf:rest* ?before . ?before rdf:rest* ?node .
        } GROUP BY ?name ORDER BY ?position""",
    )
    assert [r["name"] for r in rows] == [
        "Jonathan Dickens",
        "Julie Taylor",
        "Joanna Garstang",
        "Nutmeg Hallett",
        "Natasha Rennolds",
        "Penny Sorensen",
    ]
    first = ask(
        dump,
        """SELECT ?name WHERE {
          ?pub dcterms:title "Annual review of LCSPRs and rapid reviews"@en ;
               bibo:authorList/rdf:first/foaf:name ?name }""",
    )
    assert first == [{"name": "Jonathan Dickens"}]
    # the list ends: the last node's rest is rdf:nil
    ends = ask(
        dump,
        """SELECT (COUNT(*) AS ?n) WHERE {
          ?pub dcterms:title "Annual review of LCSPRs and rapid reviews"@en ; bibo:authorList ?l .
          ?l rdf:rest* ?last . ?last rdf:rest rdf:nil }""",
    )
    assert ends == [{"n": "1"}]


def associations(store: ox.Store, title: str) -> set[tuple[str, str]]:
    rows = ask(
        store,
        f"""SELECT ?role ?agent WHERE {{
          ?review a prov:Activity ; dcterms:title {ox.Literal(title, language="en")} ;
                  prov:qualifiedAssociation ?a .
          ?a a prov:Association ; prov:agent/rdfs:label ?agent ; prov:hadRole/rdfs:label ?role .
        }}""",
    )
    return {(r["role"], r["agent"]) for r in rows}


def test_commissioner_and_undertaker(dump: ox.Store) -> None:
    # the seed: "the Panel commissioned the University of Birmingham and University of East Anglia"
    assert associations(
        dump,
        "Annual review of Local Child Safeguarding Practice Reviews (LCSPRs) and rapid reviews",
    ) == {
        ("commissioner", "Child Safeguarding Practice Review Panel"),
        ("undertaker", "University of Birmingham"),
        ("undertaker", "University of East Anglia"),
    }
    # facts-2 §1.1: conducted for the Panel by its lead reviewer, Dame Christine Lenehan
    assert associations(
        dump,
        "Review into safeguarding children with disabilities and complex health needs in residential settings",
    ) == {
        ("commissioner", "Child Safeguarding Practice Review Panel"),
        ("undertaker", "Christine Lenehan"),
        ("lead reviewer", "Christine Lenehan"),
    }


def instant(store: ox.Store, node: str) -> str | None:
    rows = ask(
        store,
        f"SELECT ?v WHERE {{ <{node}> time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear ?v }}",
    )
    return rows[0]["v"] if rows else None


def test_review_dates_and_covered_periods(dump: ox.Store) -> None:
    # facts.md §4: work on the 2016 Wood review began in the first week of January 2016, and the
    # report was presented on 31 March 2016
    rows = ask(
        dump,
        """SELECT ?b ?e WHERE {
          ?review a prov:Activity ;
                  dcterms:title "Review of the role and functions of Local Safeguarding Children Boards"@en ;
                  time:hasTime ?i .
          ?i a time:Interval ; time:hasBeginning ?b ; time:hasEnd ?e }""",
    )
    assert len(rows) == 1
    assert (instant(dump, rows[0]["b"]), instant(dump, rows[0]["e"])) == ("2016-01", "2016-03-31")
    # facts.md §2: the annual report 2020 covers 1 January to 31 December 2020
    rows = ask(
        dump,
        """SELECT ?b ?e WHERE {
          ?pub dcterms:title "Child Safeguarding Practice Review Panel: annual report 2020"@en ;
               dcterms:temporal ?p .
          ?p a time:Interval ; time:hasBeginning ?b ; time:hasEnd ?e }""",
    )
    assert (instant(dump, rows[0]["b"]), instant(dump, rows[0]["e"])) == (
        "2020-01-01",
        "2020-12-31",
    )
    # facts-2 §6: "Complexity and challenge" covers incidents 1 April 2014 to 31 March 2017
    rows = ask(
        dump,
        """SELECT ?b ?e WHERE {
          ?pub dcterms:title ?t ; dcterms:temporal/time:hasBeginning ?b ; dcterms:temporal/time:hasEnd ?e .
          FILTER(STRSTARTS(STR(?t), "Complexity and challenge")) }""",
    )
    assert (instant(dump, rows[0]["b"]), instant(dump, rows[0]["e"])) == (
        "2014-04-01",
        "2017-03-31",
    )


def test_publication_kinds(dump: ox.Store) -> None:
    rows = ask(
        dump,
        """SELECT ?title ?kind WHERE {
          ?pub dcterms:title ?title ; dcterms:type ?k .
          ?k a skos:Concept ; skos:prefLabel ?kind ; skos:inScheme/skos:prefLabel "Publication kinds"@en .
          FILTER(?title IN ("Letter to Annie Hudson from Ministers Dorries, Atkins and Ford"@en,
                            "Bruising in non-mobile infants"@en, "Child Q"@en,
                            "Working Together to Safeguard Children 2023"@en)) }
        ORDER BY ?title ?kind""",
    )
    assert [(r["title"], r["kind"]) for r in rows] == [
        ("Bruising in non-mobile infants", "briefing paper"),
        ("Child Q", "local review report"),
        ("Letter to Annie Hudson from Ministers Dorries, Atkins and Ford", "government response"),
        ("Letter to Annie Hudson from Ministers Dorries, Atkins and Ford", "letter"),
        ("Working Together to Safeguard Children 2023", "statutory guidance"),
    ]
    # every publication (a FaBiO Expression) has a kind, and the standard classes are there too
    missing = ask(
        dump,
        """SELECT (COUNT(DISTINCT ?pub) AS ?n) WHERE {
          ?pub a <http://purl.org/spar/fabio/Expression> .
          OPTIONAL { ?pub dcterms:type ?k } FILTER(!BOUND(?k)) }""",
    )
    assert missing == [{"n": "0"}]
    reports = ask(
        dump,
        """SELECT (COUNT(DISTINCT ?pub) AS ?n) WHERE { ?pub a bibo:Report , schema:Report }""",
    )
    assert int(reports[0]["n"]) > 80


def test_posts_held_over_time(dump: ox.Store) -> None:
    """facts-2 §11: Vicky Ford, appointed February 2020, replaced by Will Quince on 17 September
    2021; his own end is not known."""
    rows = ask(
        dump,
        """SELECT ?name ?b ?e WHERE {
          ?post a org:Post ; skos:prefLabel "Minister for Children and Families"@en ;
                org:postIn/foaf:name "Department for Education" ; org:role ?role ; org:heldBy ?person .
          ?m a org:Membership ; org:member ?person ; org:role ?role ; org:memberDuring ?i .
          ?person foaf:name ?name .
          ?i time:hasBeginning ?b ; time:hasEnd ?e .
          FILTER(?name IN ("Vicky Ford", "Will Quince")) } ORDER BY ?name""",
    )
    got = [(r["name"], instant(dump, r["b"]), instant(dump, r["e"])) for r in rows]
    assert got == [("Vicky Ford", "2020-02", "2021-09-17"), ("Will Quince", "2021-09-17", None)]
    # the end with no date is marked as not known, in the data itself
    notes = ask(
        dump,
        """SELECT ?note WHERE {
          ?m a org:Membership ; org:member/foaf:name "Will Quince" ; org:memberDuring/time:hasEnd ?e .
          ?e a time:Instant ; rdfs:comment ?note }""",
    )
    assert notes == [{"note": "The end of this role is not recorded in the sources."}]
    # a day a source shows the person in office: Timpson as Panel Chair on 18 October 2019
    inside = ask(
        dump,
        """SELECT ?v WHERE {
          ?m a org:Membership ; org:member/foaf:name "Edward Timpson" ; schema:roleName "Chair"@en ;
             org:memberDuring/time:inside/time:inXSDDate ?v } ORDER BY ?v""",
    )
    assert [r["v"] for r in inside] == ["2019-02-01", "2019-10-18"]
