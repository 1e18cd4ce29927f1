"""The format registry (`sgraph.rdf.formats`): every record is complete and agrees with
pyoxigraph, every writer writes what its format's readers read back, and every place that
offers formats offers the registry's."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import click
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from sgraph.cli import cli
from sgraph.errors import InputError
from sgraph.rdf.formats import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    TRIPLE_FORMATS,
    W3C,
    GraphFormat,
    Layout,
    ResultFormat,
    by_media_type,
    by_suffix,
    graph_format,
    query_format,
    write_quads,
    write_triples,
)
from sgraph.rdf.results import QueryResult
from sgraph.server import formats as served

EX = "http://example.org/"
ALL = {**GRAPH_FORMATS, **RESULT_FORMATS}


def test_names_aliases_suffixes_and_media_types_are_unique() -> None:
    names = [n for f in ALL.values() for n in (f.name, *f.aliases)]
    assert len(names) == len(set(names))
    suffixes = [s for f in ALL.values() for s in f.suffixes]
    assert len(suffixes) == len(set(suffixes))
    media = [m for f in ALL.values() for m in f.media_types]
    assert len(media) == len(set(media))


@pytest.mark.parametrize("fmt", GRAPH_FORMATS.values(), ids=list(GRAPH_FORMATS))
def test_every_rdf_format_agrees_with_pyoxigraph(fmt: GraphFormat) -> None:
    assert fmt.media_type == fmt.oxigraph.media_type
    assert fmt.suffix == "." + fmt.oxigraph.file_extension
    assert fmt.datasets == (fmt.layout is Layout.BY_GRAPH or fmt.name == "nquads")
    assert fmt.filename == "graph" + fmt.suffix
    assert fmt.w3c is not None and fmt.w3c.startswith(W3C)
    assert ox.RdfFormat.from_media_type(fmt.media_type) == fmt.oxigraph
    if fmt.layout is Layout.LINES:
        assert fmt.oxigraph in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)


@pytest.mark.parametrize("name", ALL)
def test_lookups_by_name_alias_suffix_and_media_type(name: str) -> None:
    fmt = ALL[name]
    for alias in (fmt.name, fmt.name.upper(), *fmt.aliases):
        found = graph_format(alias) if name in GRAPH_FORMATS else query_format(alias)
        assert found is fmt
    assert by_media_type(fmt.media_type + "; charset=utf-8", ALL.values()) is fmt
    if isinstance(fmt, GraphFormat):
        assert all(by_suffix(s) is fmt for s in fmt.suffixes)
    assert fmt.content_type.startswith(fmt.media_type)


def test_unknown_names_are_refused_with_the_choices() -> None:
    with pytest.raises(InputError) as info:
        graph_format("yaml")
    assert info.value.hint is not None and "turtle" in info.value.hint
    with pytest.raises(InputError):
        query_format("nquads")  # a dataset format cannot hold a CONSTRUCT result


def _graph() -> list[ox.Quad]:
    g = ox.NamedNode(EX + "graph/a")
    s = ox.NamedNode(EX + "s")
    return [
        ox.Quad(s, ox.NamedNode(EX + "p"), ox.Literal('a "quoted"\nline', language="en"), g),
        ox.Quad(s, ox.NamedNode(EX + "q"), ox.NamedNode(EX + "o"), ox.DefaultGraph()),
        ox.Quad(
            ox.NamedNode(EX + "o"),
            ox.NamedNode(EX + "n"),
            ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
            g,
        ),
    ]


@pytest.mark.parametrize("fmt", GRAPH_FORMATS.values(), ids=list(GRAPH_FORMATS))
def test_every_rdf_writer_is_read_back_by_oxigraph(fmt: GraphFormat) -> None:
    quads = _graph()
    text = write_quads(fmt, quads, {"ex": EX})
    assert text == write_quads(fmt, reversed(quads), {"ex": EX})  # deterministic
    read = set(ox.parse(text.encode("utf-8"), format=fmt.oxigraph))
    if fmt.datasets:
        assert read == set(quads)
    else:
        assert {q.triple for q in read} == {q.triple for q in quads}
        assert write_triples(fmt, [q.triple for q in quads], {"ex": EX}) == text


def _select() -> QueryResult:
    row = {"s": ox.NamedNode(EX + "s"), "o": ox.Literal("x, y", language="en")}
    return QueryResult(kind="select", variables=["s", "o"], rows=[row], links=[EX + "limits"])


@pytest.mark.parametrize("fmt", RESULT_FORMATS.values(), ids=list(RESULT_FORMATS))
def test_every_result_writer_writes_select_and_ask(fmt: ResultFormat) -> None:
    text = fmt.writer(_select(), {"ex": EX})
    ask = fmt.writer(QueryResult(kind="ask", boolean=True), {})
    assert "true" in ask
    if fmt.name == "json":
        doc = json.loads(text)
        assert doc["head"] == {"vars": ["s", "o"], "link": [EX + "limits"]}
        assert doc["results"]["bindings"][0]["o"]["xml:lang"] == "en"
    elif fmt.name == "xml":
        ns = "{http://www.w3.org/2005/sparql-results#}"
        root = ET.fromstring(text)
        link = root.find(f"{ns}head/{ns}link")
        assert link is not None and link.get("href") == EX + "limits"
        literal = root.find(f".//{ns}literal")
        assert literal is not None and literal.text == "x, y"
    elif fmt.name in ("csv", "tsv"):
        rows = list(csv.reader(io.StringIO(text), delimiter="," if fmt.name == "csv" else "\t"))
        assert len(rows) == 2 and rows[0][0].lstrip("?") == "s"
    else:  # table, md: for people, with prefixed names
        assert "ex:s" in text and "x, y" in text


def test_the_endpoint_serves_the_registry() -> None:
    assert {f.name for f in served.RESULTS} == {
        n for n, f in RESULT_FORMATS.items() if f.w3c is not None
    }
    assert [f.name for f in served.GRAPHS] == list(TRIPLE_FORMATS)
    offered, default = served.offered("graph")
    assert offered[0] == default == "text/turtle" and "application/x-turtle" in offered
    assert served.format_of("application/json").name == "json"


@pytest.mark.parametrize("command", ["export", "query"])
def test_commands_offer_the_registry_and_take_its_aliases(command: str) -> None:
    names = list(GRAPH_FORMATS) if command == "export" else [*RESULT_FORMATS, *TRIPLE_FORMATS]
    out = CliRunner().invoke(cli, [command, "--help"], terminal_width=200).output
    assert "[" + "|".join(names) + "]" in " ".join(out.split())
    option = next(p for p in cli.commands[command].params if p.name == "fmt")
    assert option.type.convert("TTL", option, None) == "turtle"
    assert option.type.convert("nt", option, None) == "ntriples"
    with pytest.raises(click.BadParameter):
        option.type.convert("yaml", option, None)
