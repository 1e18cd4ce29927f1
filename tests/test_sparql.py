"""The SPARQL engine on small fixtures: kinds, syntax errors, binding, every output format."""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from pyld import jsonld

from sgraph.errors import InputError, QuerySyntaxError
from sgraph.rdf.formats import TRIPLE_FORMATS
from sgraph.rdf.results import write_table
from sgraph.sparql import (
    check_syntax,
    execute,
    has_service,
    inject_bindings,
    query_kind,
    serialize,
)

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = {"ex": EX, "xsd": XSD, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}


def n(local: str) -> ox.NamedNode:
    return ox.NamedNode(EX + local)


@pytest.fixture
def store() -> ox.Store:
    s = ox.Store()
    g = ox.NamedNode(EX + "graph/a")
    quads = [
        ox.Quad(n("alice"), n("name"), ox.Literal("Alice", language="en"), g),
        ox.Quad(
            n("alice"), n("born"), ox.Literal("1990-05-01", datatype=ox.NamedNode(XSD + "date")), g
        ),
        ox.Quad(n("bob"), n("name"), ox.Literal('Bob "the, builder"\nJr'), g),
        ox.Quad(n("bob"), n("born"), ox.Literal("1985", datatype=ox.NamedNode(XSD + "gYear")), g),
        ox.Quad(n("bob"), n("knows"), n("alice"), ox.DefaultGraph()),
        ox.Quad(n("carol"), n("name"), ox.Literal("C" * 100), ox.DefaultGraph()),
    ]
    s.extend(quads)
    return s


# -- kinds and syntax ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "select"),
        ("# a comment with ASK in it\nPREFIX ex: <http://example.org/#x>\nASK { ?s ?p ?o }", "ask"),
        (
            "BASE <http://x/> prefix : <http://y/> construct { ?s ?p ?o } where { ?s ?p ?o }",
            "graph",
        ),
        ("DESCRIBE <http://example.org/alice>", "graph"),
        ("PREFIX ex: <http://example.org/> INSERT DATA { ex:a ex:b ex:c }", "update"),
        ("DELETE WHERE { ?s ?p ?o }", "update"),
    ],
)
def test_query_kind(text: str, kind: str) -> None:
    assert query_kind(text) == kind


def test_query_kind_refuses_non_query() -> None:
    with pytest.raises(QuerySyntaxError, match="expected SELECT"):
        query_kind("HELLO world")


def test_syntax_error_has_line_and_column() -> None:
    text = "SELECT ?x WHERE {\n  ?x ?y ?z .\n  ?x ?y\n  FILTER(?x) }\n"
    with pytest.raises(QuerySyntaxError) as info:
        check_syntax(text)
    assert (info.value.line, info.value.column) == (4, 9)
    assert "line 4, column 9" in info.value.message
    assert "FILTER(?x) }" in info.value.message  # the offending line is shown


def test_syntax_error_after_service_reports_original_column() -> None:
    # SERVICE is swapped for GRAPH (same length) before parsing: columns must match the text
    text = "ASK { SERVICE SILENT <http://127.0.0.1:9/q> { ?x ?y ?z } . ?x ?y FILTER(?x) }"
    same = "ASK { GRAPH          <http://127.0.0.1:9/q> { ?x ?y ?z } . ?x ?y FILTER(?x) }"
    with pytest.raises(QuerySyntaxError) as info:
        check_syntax(text)
    with pytest.raises(QuerySyntaxError) as reference:
        check_syntax(same)
    assert info.value.line == 1
    assert info.value.column == reference.value.column
    assert info.value.column is not None and info.value.column > text.index("?x ?y FILTER")


def test_undeclared_prefix_is_named() -> None:
    with pytest.raises(QuerySyntaxError, match="prefix foo: is not declared") as info:
        check_syntax("SELECT ?x WHERE {\n ?x a foo:Thing }")
    assert info.value.line == 2
    check_syntax("SELECT ?x WHERE { ?x a foo:Thing }", prefixes={"foo": EX})


def test_update_syntax_error_has_position() -> None:
    with pytest.raises(QuerySyntaxError) as info:
        check_syntax("INSERT DATA {\n  <http://a> <http://b> }")
    assert info.value.line == 2
    check_syntax("INSERT DATA { <http://a> <http://b> <http://c> }")


@pytest.mark.parametrize(
    "template",
    [
        "ASK {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ service <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ BIND(1 AS ?a) SERVICESILENT <http://127.0.0.1:{port}/sparql> {{ }} }}",
        "PREFIX : <http://127.0.0.1:{port}/> ASK {{ BIND(1 AS ?a) service:sparql {{ }} }}",
    ],
)
def test_check_syntax_opens_no_connection(template: str) -> None:
    """check_syntax must not run a SERVICE call: a loopback listener sees no connection."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(1.0)
    port = listener.getsockname()[1]
    seen: list[bool] = []

    def accept() -> None:
        try:
            conn, _ = listener.accept()
            seen.append(True)
            conn.close()
        except OSError:
            pass

    thread = threading.Thread(target=accept)
    thread.start()
    text = template.format(port=port)
    assert has_service(text)
    check_syntax(text)
    thread.join()
    listener.close()
    assert seen == []


# -- execution and binding -----------------------------------------------------------------------
def test_select_sees_union_of_graphs(store: ox.Store) -> None:
    r = execute(store, "SELECT ?s ?o WHERE { ?s ex:knows ?o }", prefixes=PREFIXES)
    assert r.kind == "select" and r.variables == ["s", "o"]
    assert r.rows == [{"s": n("bob"), "o": n("alice")}]
    r = execute(store, "SELECT ?s WHERE { ?s ex:born ?b } ORDER BY ?s", prefixes=PREFIXES)
    assert [row["s"] for row in r.rows] == [n("alice"), n("bob")]  # from the named graph


def test_default_graph_restricts(store: ox.Store) -> None:
    r = execute(
        store, "SELECT ?s WHERE { ?s ?p ?o }", prefixes=PREFIXES, default_graph=[EX + "graph/a"]
    )
    assert {row["s"] for row in r.rows} == {n("alice"), n("bob")}


def test_unbound_variables_are_absent(store: ox.Store) -> None:
    r = execute(
        store,
        "SELECT ?s ?b WHERE { ?s ex:name ?n OPTIONAL { ?s ex:born ?b } } ORDER BY ?s",
        prefixes=PREFIXES,
    )
    assert r.rows[2] == {"s": n("carol")}


def test_substitution_binds_typed_term(store: ox.Store) -> None:
    text = "SELECT ?_who_iri ?name WHERE { ?_who_iri ex:name ?name }"
    r = execute(store, text, {"_who_iri": n("alice")}, prefixes=PREFIXES)
    assert r.rows == [{"_who_iri": n("alice"), "name": ox.Literal("Alice", language="en")}]


def test_typed_literal_binding_is_not_a_string(store: ox.Store) -> None:
    text = "SELECT ?s ?_d WHERE { ?s ex:born ?_d }"
    as_date = execute(
        store,
        text,
        {"_d": ox.Literal("1990-05-01", datatype=ox.NamedNode(XSD + "date"))},
        prefixes=PREFIXES,
    )
    as_string = execute(store, text, {"_d": ox.Literal("1990-05-01")}, prefixes=PREFIXES)
    assert [r["s"] for r in as_date.rows] == [n("alice")]
    assert as_string.rows == []


def test_binding_a_hostile_string_stays_a_literal(store: ox.Store) -> None:
    evil = 'x" } ?s ?p ?o . FILTER("1'
    text = "SELECT ?s WHERE { ?s ex:name ?_name }"
    r = execute(store, text, {"_name": ox.Literal(evil)}, prefixes=PREFIXES)
    assert r.rows == []
    r = execute(store, "ASK { ?s ex:name ?_name }", {"_name": ox.Literal(evil)}, prefixes=PREFIXES)
    assert r.boolean is False


def test_binding_unprojected_variable_and_ask_and_construct(store: ox.Store) -> None:
    # pyoxigraph substitutes only projected variables; sgraph falls back to BIND
    r = execute(
        store, "SELECT ?name WHERE { ?_who ex:name ?name }", {"_who": n("bob")}, prefixes=PREFIXES
    )
    assert [row["name"].value for row in r.rows] == ['Bob "the, builder"\nJr']
    assert (
        execute(store, "ASK { ?_who ex:knows ?x }", {"_who": n("bob")}, prefixes=PREFIXES).boolean
        is True
    )
    assert (
        execute(store, "ASK { ?_who ex:knows ?x }", {"_who": n("alice")}, prefixes=PREFIXES).boolean
        is False
    )
    g = execute(
        store,
        "CONSTRUCT { ?_who ex:friend ?x } WHERE { ?_who ex:knows ?x }",
        {"_who": n("bob")},
        prefixes=PREFIXES,
    )
    assert g.kind == "graph" and g.triples == [ox.Triple(n("bob"), n("friend"), n("alice"))]


def test_binding_is_seen_by_bound_and_bind(store: ox.Store) -> None:
    """The reason sgraph binds with VALUES: pyoxigraph substitutions hide the value from these."""
    text = (
        "SELECT ?s ?copy WHERE { ?s ex:name ?n FILTER(!BOUND(?__only) || ?s = ?__only) "
        "BIND(?__only AS ?copy) } ORDER BY ?s"
    )
    r = execute(store, text, {"__only": n("bob")}, prefixes=PREFIXES)
    assert r.rows == [{"s": n("bob"), "copy": n("bob")}]
    r = execute(store, text, {}, prefixes=PREFIXES)
    assert [row["s"] for row in r.rows] == [n("alice"), n("bob"), n("carol")]


def test_binding_reaches_inside_exists(store: ox.Store) -> None:
    text = "SELECT ?s ?_x WHERE { ?s ex:name ?n FILTER NOT EXISTS { ?s ex:knows ?_x } } ORDER BY ?s"
    r = execute(store, text, {"_x": n("alice")}, prefixes=PREFIXES)
    assert [row["s"] for row in r.rows] == [n("alice"), n("carol")]


def test_inject_bindings_skips_strings_comments_and_template() -> None:
    text = (
        "PREFIX ex: <http://example.org/#>\n# WHERE { in a comment\n"
        'CONSTRUCT { ?s ex:p "{" } WHERE { ?s ex:q "}" }'
    )
    out = inject_bindings(text, {"_a": ox.Literal("v")})
    assert out.endswith('WHERE { BIND("v" AS ?_a)  ?s ex:q "}" }')
    described = inject_bindings("DESCRIBE ?_a", {"_a": n("alice")})
    assert described.strip().endswith("VALUES (?_a) { (<http://example.org/alice>) }")
    with pytest.raises(InputError):
        inject_bindings("CONSTRUCT WHERE { ?s ?p ?_a }", {"_a": n("x")})


def test_has_service_ignores_variables_names_and_strings() -> None:
    assert not has_service('SELECT ?service WHERE { ?service ex:SERVICE "SERVICE" } # SERVICE')
    assert has_service("SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }")


def test_max_rows_truncates(store: ox.Store) -> None:
    r = execute(store, "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o", max_rows=2)
    assert len(r.rows) == 2 and r.truncated
    r = execute(store, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", max_rows=100)
    assert len(r.rows) == 6 and not r.truncated


def test_update_is_not_run(store: ox.Store) -> None:
    with pytest.raises(InputError, match="update"):
        execute(store, "DELETE WHERE { ?s ?p ?o }")
    assert len(store) == 6


# -- serialisation ---------------------------------------------------------------------------------
@pytest.fixture
def select_result(store: ox.Store) -> Iterator[object]:
    yield execute(
        store,
        "SELECT ?s ?name ?born WHERE { ?s ex:name ?name OPTIONAL { ?s ex:born ?born } } ORDER BY ?s",
        prefixes=PREFIXES,
    )


def test_json_results(select_result: object) -> None:
    doc = json.loads(serialize(select_result, "json"))  # type: ignore[arg-type]
    assert doc["head"]["vars"] == ["s", "name", "born"]
    b = doc["results"]["bindings"]
    assert b[0]["name"] == {"type": "literal", "value": "Alice", "xml:lang": "en"}
    assert b[0]["born"] == {"type": "literal", "value": "1990-05-01", "datatype": XSD + "date"}
    assert b[1]["name"] == {"type": "literal", "value": 'Bob "the, builder"\nJr'}
    assert "born" not in b[2]
    assert b[2]["s"] == {"type": "uri", "value": EX + "carol"}


def test_xml_results(select_result: object) -> None:
    root = ET.fromstring(serialize(select_result, "xml"))  # type: ignore[arg-type]
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    assert [v.get("name") for v in root.findall("r:head/r:variable", ns)] == ["s", "name", "born"]
    results = root.findall("r:results/r:result", ns)
    assert len(results) == 3
    lit = results[0].find("r:binding[@name='name']/r:literal", ns)
    assert lit is not None and lit.text == "Alice"
    assert lit.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_csv_and_tsv(select_result: object) -> None:
    rows = list(csv.reader(io.StringIO(serialize(select_result, "csv").decode())))  # type: ignore[arg-type]
    assert rows[0] == ["s", "name", "born"]
    assert rows[2] == [EX + "bob", 'Bob "the, builder"\nJr', "1985"]
    assert rows[3][2] == ""
    tsv = serialize(select_result, "tsv").decode().splitlines()  # type: ignore[arg-type]
    assert tsv[0] == "?s\t?name\t?born"
    assert tsv[1].split("\t") == [f"<{EX}alice>", '"Alice"@en', f'"1990-05-01"^^<{XSD}date>']
    assert tsv[2].split("\t")[1] == '"Bob \\"the, builder\\"\\nJr"'  # one line per row


def test_table_aligns_shortens_and_uses_prefixes(select_result: object) -> None:
    lines = serialize(select_result, "table", prefixes=PREFIXES).decode().splitlines()  # type: ignore[arg-type]
    assert lines[0].split() == ["s", "name", "born"]
    assert lines[2].startswith("ex:alice")
    long = max(lines[4].split(), key=len)
    assert set(long) == {"C"} and len(long) > 60  # in full: a table on a pipe cuts nothing
    fitted = write_table(select_result, PREFIXES, width=50).splitlines()  # type: ignore[arg-type]
    assert max(len(line) for line in fitted) <= 50 and "…" in fitted[4]  # a terminal's width
    assert lines[0].index("name") == lines[2].index("Alice")  # aligned
    assert lines[-1] == "(3 rows)"


def test_markdown(select_result: object) -> None:
    lines = serialize(select_result, "md", prefixes=PREFIXES).decode().splitlines()  # type: ignore[arg-type]
    assert lines[0] == "| s | name | born |"
    assert lines[1] == "|---|---|---|"
    assert lines[3] == '| ex:bob | Bob "the, builder" Jr | 1985 |'


def test_ask_formats(store: ox.Store) -> None:
    r = execute(store, "ASK { ?s ?p ?o }")
    assert json.loads(serialize(r, "json")) == {"head": {}, "boolean": True}
    assert b"<boolean>true</boolean>" in serialize(r, "xml")
    assert serialize(r, "table") == b"true\n"


@pytest.mark.parametrize("fmt", TRIPLE_FORMATS)
def test_graph_formats_round_trip(store: ox.Store, fmt: str) -> None:
    g = execute(store, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", prefixes=PREFIXES)
    expected = set(g.triples)
    assert len(expected) == 6
    data = serialize(g, fmt, prefixes=PREFIXES)
    assert serialize(g, fmt, prefixes=PREFIXES) == data  # deterministic
    if fmt == "jsonld":  # read back by an independent JSON-LD processor
        nquads = jsonld.to_rdf(json.loads(data), {"format": "application/n-quads"})
        got = {q.triple for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS)}
    else:
        got = {q.triple for q in ox.parse(data, format=TRIPLE_FORMATS[fmt].oxigraph)}
    assert got == expected


def test_format_must_fit_the_result(store: ox.Store, select_result: object) -> None:
    with pytest.raises(InputError, match="for graphs"):
        serialize(select_result, "turtle")  # type: ignore[arg-type]
    g = execute(store, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    with pytest.raises(InputError, match="SELECT and ASK"):
        serialize(g, "csv")
    with pytest.raises(InputError, match="unknown result format"):
        serialize(g, "yaml")


def test_a_query_with_from_sees_only_that_graph(graph_store, curated_sources) -> None:
    from sgraph.sparql import execute

    people = graph_store.settings.base + "graph/people"
    count = "SELECT (COUNT(*) AS ?n) {text} WHERE {{ ?s ?p ?o }}"
    everything = execute(graph_store.store, count.format(text=""))
    only_people = execute(graph_store.store, count.format(text=f"FROM <{people}>"))
    n_all = int(everything.rows[0]["n"].value)
    n_people = int(only_people.rows[0]["n"].value)
    expected = sum(len(s.triples) for s in curated_sources if s.path.stem == "people")
    assert n_people == expected
    assert 0 < n_people < n_all
