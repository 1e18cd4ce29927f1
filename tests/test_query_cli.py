"""``sgraph queries`` and ``sgraph query`` through click's CliRunner (same process, real data)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from sgraph.cli import cli
from sgraph.queries import load_library


def invoke(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)


def test_queries_table_lists_names_summaries_and_parameters() -> None:
    r = invoke("queries")
    assert r.exit_code == 0
    assert "chair-on-date" in r.stdout and "Who chaired the Panel on a given date" in r.stdout
    assert "--param date=... (date, required, default 2021-06-01)" in r.stdout


def test_queries_json_shape() -> None:
    r = invoke("queries", "--format", "json")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert [q["name"] for q in doc] == sorted(load_library())
    chair = next(q for q in doc if q["name"] == "chair-on-date")
    assert set(chair) == {
        *("name", "summary", "description", "tags", "parameters", "query", "view"),
        *("file", "replaces"),  # where it is read from, and the packaged query it replaces
    }
    assert chair["replaces"] is None
    assert chair["parameters"] == [
        {"name": "date", "type": "date", "required": True, "default": "2021-06-01", "class": None}
    ]
    assert "SELECT" in chair["query"] and "#+" not in chair["query"]


def test_default_format_off_a_terminal_is_csv() -> None:
    r = invoke("query", "chair-on-date", "--param", "date=2019-06-01")
    assert r.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["chairName"] for row in rows] == ["Edward Timpson"]
    assert rows[0]["chair"] == "https://w3id.org/sgraph/id/person/edward-timpson"


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "xml", "md"])
def test_every_result_format(fmt: str) -> None:
    r = invoke("query", "chair-on-date", "-p", "date=2021-06-01", "--format", fmt)
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    if fmt == "json":
        doc = json.loads(out)
        assert doc["results"]["bindings"][0]["chairName"]["value"] == "Annie Hudson"
    elif fmt == "xml":
        root = ET.fromstring(out)
        assert root.tag == "{http://www.w3.org/2005/sparql-results#}sparql"
        assert "Annie Hudson" in out
    elif fmt == "table":
        assert "sgper:annie-hudson" in out and out.rstrip().endswith("(1 row)")
    elif fmt == "md":
        assert out.startswith("| date | chair |") and "| sgper:annie-hudson |" in out
    elif fmt == "tsv":
        assert out.startswith("?date\t?chair") and '"Annie Hudson"' in out
    else:
        assert "Annie Hudson" in out


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "rdfxml"])
def test_every_graph_format(tmp_path: Path, fmt: str) -> None:
    rq = tmp_path / "g.rq"
    rq.write_text(
        "#+ summary: the chairs as a graph\n"
        "PREFIX org: <http://www.w3.org/ns/org#>\nPREFIX sg: <https://w3id.org/sgraph/ontology#>\n"
        "CONSTRUCT { ?p org:headOf ?o } WHERE { ?m org:member ?p ; org:role sg:chair ; org:organization ?o .\n"
        "  ?o a sg:Panel }\n"
    )
    r = invoke("query", str(rq), "--format", fmt)
    assert r.exit_code == 0, r.stderr
    if fmt == "jsonld":
        from pyld import jsonld

        data = jsonld.to_rdf(json.loads(r.stdout), {"format": "application/n-quads"}).encode()
        rdf = ox.RdfFormat.N_QUADS
    else:
        data = r.stdout_bytes
        rdf = {
            "turtle": ox.RdfFormat.TURTLE,
            "ntriples": ox.RdfFormat.N_TRIPLES,
            "rdfxml": ox.RdfFormat.RDF_XML,
        }[fmt]
    subjects = {q.subject.value.rsplit("/", 1)[1] for q in ox.parse(data, format=rdf)}
    assert subjects == {"edward-timpson", "annie-hudson"}


def test_graph_default_is_turtle_and_wrong_format_refused(tmp_path: Path) -> None:
    rq = tmp_path / "d.rq"
    rq.write_text("DESCRIBE <https://w3id.org/sgraph/id/person/annie-hudson>\n")
    r = invoke("query", str(rq))
    assert r.exit_code == 0 and "sgper:annie-hudson" in r.stdout and "@prefix" in r.stdout
    r = invoke("query", str(rq), "--format", "csv")
    assert r.exit_code == 2 and "--format csv does not fit a graph" in r.stderr


def test_query_from_stdin_and_out_file(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "n.json"
    r = invoke(
        "query",
        "-",
        "--format",
        "json",
        "--out",
        str(out),
        stdin="SELECT (COUNT(*) AS ?n) WHERE { ?s a sg:Person }",
    )
    assert r.exit_code == 0 and r.stdout == ""
    assert "Wrote 1 rows to" in r.stderr
    doc = json.loads(out.read_text())
    assert int(doc["results"]["bindings"][0]["n"]["value"]) > 20
    assert [p.name for p in out.parent.iterdir()] == ["n.json"]  # no temp file left behind


def test_failed_query_leaves_out_file_untouched(tmp_path: Path) -> None:
    out = tmp_path / "keep.csv"
    out.write_text("old")
    r = invoke("query", "chair-on-date", "-p", "date=yesterday", "--out", str(out))
    assert r.exit_code == 2
    assert out.read_text() == "old"


def test_syntax_error_shows_line_and_column() -> None:
    r = invoke(
        "query", "-", stdin="SELECT ?x WHERE {\n  ?x a sg:Publication .\n  ?x ?y\n  FILTER(?x) }\n"
    )
    assert r.exit_code == 2
    assert "line 4, column 9" in r.stderr
    assert "  FILTER(?x) }" in r.stderr


def test_unknown_name_lists_close_matches() -> None:
    r = invoke("query", "chairs-on-date")
    assert r.exit_code == 2
    assert "no named query called 'chairs-on-date'" in r.stderr
    assert "did you mean chair-on-date" in r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["chair-on-date", "-p", "date=2021-13-01"], "'2021-13-01' is not a date"),
        (["chair-on-date", "-p", "day=2021-01-01"], "has no parameter 'day'"),
        (["chair-on-date", "-p", "date"], "is not NAME=VALUE"),
        (["connections", "-p", "entity=just words"], "is not an IRI"),
    ],
)
def test_bad_param_refused(args: list[str], message: str) -> None:
    r = invoke("query", *args)
    assert r.exit_code == 2
    assert message in r.stderr


def test_missing_file_and_help() -> None:
    r = invoke("query", "nowhere.rq")
    assert r.exit_code == 2 and "no query file at nowhere.rq" in r.stderr
    r = invoke("query", "--help")
    text = " ".join(r.stdout.split())
    assert r.exit_code == 0 and "Example:" in text and "csv when stdout is not a terminal" in text
    assert "Example:" in invoke("queries", "--help").stdout
    assert "Example:" in invoke("push", "--help").stdout
