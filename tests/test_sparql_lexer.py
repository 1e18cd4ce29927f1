"""The one SPARQL lexer (`sgraph.rdf.sparql_lexer`): the grammar's terminals, read as Oxigraph
reads them. The last tests hold it to Oxigraph itself: a query our lexer says uses SERVICE makes
Oxigraph open a connection to a loopback listener, and one it says does not, does not."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from sgraph.rdf.sparql_lexer import (
    BNODE,
    IRI,
    KEYWORD,
    LANGTAG,
    NAME,
    NUMBER,
    PNAME,
    PUNCT,
    STRING,
    VAR,
    declared_prefixes,
    decode_codepoint_escapes,
    keywords,
    prologue_end,
    tokens,
)
from sgraph.sparql import has_service, query_kind


def kinds(text: str, prefixes: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in tokens(text, prefixes)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", [(NUMBER, "42")]),
        ("-7 +7", [(NUMBER, "-7"), (NUMBER, "+7")]),
        ("1.5 .5", [(NUMBER, "1.5"), (NUMBER, ".5")]),
        ("1.5e0 1.e5 .5E-3 2e+10", [(NUMBER, t) for t in ("1.5e0", "1.e5", ".5E-3", "2e+10")]),
        ("1.", [(NUMBER, "1"), (PUNCT, ".")]),  # "1." is no DECIMAL: 1, then the full stop
        ("1e", [(NUMBER, "1"), (NAME, "e")]),
        ("1.5e0SERVICE", [(NUMBER, "1.5e0"), (KEYWORD, "SERVICE")]),
        ("LIMIT10", [(KEYWORD, "LIMIT"), (NUMBER, "10")]),
    ],
)
def test_numbers_with_signs_and_exponents(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"a\\"b"', [(STRING, '"a\\"b"')]),
        ("'it\\'s'", [(STRING, "'it\\'s'")]),
        ("'''it's ''quoted'''", [(STRING, "'''it's ''quoted'''")]),
        ('"""two\nlines "SERVICE" """', [(STRING, '"""two\nlines "SERVICE" """')]),
        ('"\\t\\b\\n\\r\\f\\\\"', [(STRING, '"\\t\\b\\n\\r\\f\\\\"')]),
        # \q is no escape: no string, so what looked quoted is read as code
        ('"\\q SERVICE"', [(PUNCT, '"'), (PUNCT, "\\"), (NAME, "q"), (KEYWORD, "SERVICE"),
                            (PUNCT, '"')]),
        ('"no end\n"', [(PUNCT, '"'), (NAME, "no"), (NAME, "end"), (PUNCT, '"')]),
        ('"x"@en-GB "y"^^<http://t/>', [(STRING, '"x"'), (LANGTAG, "@en-GB"), (STRING, '"y"'),
                                         (PUNCT, "^^"), (IRI, "<http://t/>")]),
    ],
)  # fmt: skip
def test_strings_and_their_escapes(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text) == expected


def test_comments_end_at_the_line_and_never_start_in_a_string_or_iri() -> None:
    text = 'SELECT # SERVICE <x>\n?s "# no comment" <http://e/#frag> # end'
    assert kinds(text) == [
        (KEYWORD, "SELECT"),
        (VAR, "?s"),
        (STRING, '"# no comment"'),
        (IRI, "<http://e/#frag>"),
    ]


def test_iris_and_what_is_not_one() -> None:
    assert kinds("<http://e/a?b=c&d>") == [(IRI, "<http://e/a?b=c&d>")]
    assert kinds("<>") == [(IRI, "<>")]
    # a space or a brace cannot be in an IRIREF: "<" is an operator there
    assert [t.kind for t in tokens("FILTER(?a <?b) {")][:4] == [KEYWORD, PUNCT, VAR, PUNCT]
    assert kinds("?a<?b&&?c>?d")[1] == (IRI, "<?b&&?c>")  # as the grammar's IRIREF reads it


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ex:a", [(PNAME, "ex:a")]),
        ("ex:", [(PNAME, "ex:")]),
        (":a :", [(PNAME, ":a"), (PNAME, ":")]),
        ("ex:a.b ex:a.", [(PNAME, "ex:a.b"), (PNAME, "ex:a"), (PUNCT, ".")]),
        ("ex:1a ex::a ex:a-b", [(PNAME, "ex:1a"), (PNAME, "ex::a"), (PNAME, "ex:a-b")]),
        ("ex:%41b\\.c\\~d", [(PNAME, "ex:%41b\\.c\\~d")]),  # PLX: percent and backslash escapes
        ("e.x-1:y", [(PNAME, "e.x-1:y")]),
        ("service:load ?service", [(PNAME, "service:load"), (VAR, "?service")]),
        ("_:b1 _:b.c _:b.", [(BNODE, "_:b1"), (BNODE, "_:b.c"), (BNODE, "_:b"), (PUNCT, ".")]),
        ("?x $y ?1 ?", [(VAR, "?x"), (VAR, "$y"), (VAR, "?1"), (PUNCT, "?")]),
    ],
)
def test_prefixed_names_blank_nodes_and_variables(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert kinds(text) == expected


def test_keywords_are_case_insensitive_and_a_is_lower_case_only() -> None:
    assert kinds("select DiStInCt ?s WHERE { ?s a ?o }")[:2] == [
        (KEYWORD, "select"),
        (KEYWORD, "DiStInCt"),
    ]
    assert (KEYWORD, "a") in kinds("?s a ?o")
    assert (KEYWORD, "A") not in kinds("?s A ?o")
    # ASCII case only, as Oxigraph compares keywords: the long s of "ſervice" is no "s"
    assert keywords(tokens("ſervice")) == set()


def test_glued_keywords_are_read_one_by_one() -> None:
    assert kinds("SELECTDISTINCT?x") == [(KEYWORD, "SELECT"), (KEYWORD, "DISTINCT"), (VAR, "?x")]
    assert kinds("trueSERVICE") == [(KEYWORD, "true"), (KEYWORD, "SERVICE")]
    assert kinds("SERVICESILENT") == [(KEYWORD, "SERVICE"), (KEYWORD, "SILENT")]


def test_an_undeclared_prefix_falls_back_to_a_keyword() -> None:
    text = "PREFIX : <http://x/> SELECT * WHERE { service:x { } }"
    assert (PNAME, "service:x") in kinds(text)  # the terminals as written
    read = kinds(text, ())  # no prefix declared outside: read as Oxigraph does
    assert read[read.index((KEYWORD, "service")) + 1] == (PNAME, ":x")
    assert (PNAME, "service:x") in kinds(text, ("service",))
    declared = "PREFIX service: <http://e/> SELECT * WHERE { ?s service:x ?o }"
    assert (PNAME, "service:x") in kinds(declared, ())
    assert kinds("PREFIXex: <http://e/>", ()) == [
        (KEYWORD, "PREFIX"),
        (PNAME, "ex:"),
        (IRI, "<http://e/>"),
    ]


def test_prologue_and_declared_prefixes() -> None:
    toks = tokens("BASE <http://b/> PREFIX ex: <http://e/> prefix : <http://d/> ASK {}")
    assert toks[prologue_end(toks)].text == "ASK"
    assert declared_prefixes(toks) == {"ex": "http://e/", "": "http://d/"}


def test_codepoint_escapes_are_decoded() -> None:
    assert decode_codepoint_escapes("\\u0053ERVICE \\U00000041") == "SERVICE A"
    assert decode_codepoint_escapes("\\uD800") == "\\uD800"  # a lone surrogate stays as written


def test_query_kind_reads_through_the_lexer() -> None:
    assert query_kind("PREFIX ex: <http://e/#SELECT> # INSERT\nask {}") == "ask"
    assert query_kind("SELECTDISTINCT ?x WHERE { ?x ?p ?o }") == "select"
    assert query_kind("WITH <http://g/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }") == "update"


# -- held to Oxigraph ------------------------------------------------------------------------
@pytest.fixture
def listener() -> Iterator[tuple[int, threading.Event]]:
    """A loopback listener; the event is set when anything connects to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    connected = threading.Event()
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            connected.set()
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield sock.getsockname()[1], connected
    stop.set()
    thread.join()
    sock.close()


DOUBLE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")
BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")


@pytest.mark.parametrize(
    ("template", "service"),
    [
        ("SELECT * WHERE {{ ?s ?p ?o SERVICE <{url}> {{ }} }}", True),
        ("SELECT * WHERE {{ ?s ?p 1.5e0SERVICE <{url}> {{ }} }}", True),
        ("SELECT * WHERE {{ ?s ?p trueSERVICE <{url}> {{ }} }}", True),
        ("SELECT * WHERE {{ ?s ?p ?o SERVICESILENT <{url}> {{ }} }}", True),
        ("PREFIX : <{url}> SELECT * WHERE {{ ?s ?p ?o service:x {{ }} }}", True),
        ("PREFIX s: <{url}> SELECT * WHERE {{ ?s ?p ?o SERVICEs:x {{ }} }}", True),
        ('SELECT * WHERE {{ ?s ?p ?o FILTER(?o != "SERVICE <{url}> {{ }}") }}', False),
        ("SELECT * WHERE {{ ?s ?p ?o }} # SERVICE <{url}> {{ }}", False),
        ("PREFIX service: <{url}> SELECT * WHERE {{ ?s ?p ?o . ?s service:x ?o }}", False),
        ("SELECT ?service WHERE {{ ?s ?p ?service }}", False),
    ],
)
def test_service_as_the_lexer_reads_it_is_service_as_oxigraph_runs_it(
    listener: tuple[int, threading.Event], template: str, service: bool
) -> None:
    port, connected = listener
    text = template.format(url=f"http://127.0.0.1:{port}/sparql")
    store = ox.Store()
    s, p = ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p")
    store.add(ox.Quad(s, p, ox.Literal("1.5e0", datatype=DOUBLE)))
    store.add(ox.Quad(s, p, ox.Literal("true", datatype=BOOLEAN)))
    assert has_service(text) is service
    try:
        result = store.query(text)
        if isinstance(result, ox.QuerySolutions):
            list(result)
    except OSError:  # the listener hung up on the SERVICE call (SILENT hides that)
        assert service
    assert connected.wait(5.0 if service else 0.2) is service
