"""The same rows on every store: each named query, with its defaults and with a second set of
parameters, on the embedded store, a real Oxigraph server and a real Virtuoso (both started here
on 127.0.0.1 and loaded with ``dist/graph.nq``), and Jena ARQ over ``dist/graph.nt``; and the
remote client reading every store's terms (Virtuoso's ``nodeID://`` blank nodes, ``typed-literal``, booleans written ``1``).

The only normalisation is the one queries/README.md documents: a query without ``ORDER BY`` may
give its rows in any order, so those rows are compared as sorted lists.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from servers import Virtuoso, jena_command, oxigraph_load, running_oxigraph, running_virtuoso
from sgraph import sparql
from sgraph.cli import cli
from sgraph.namespaces import all_prefixes
from sgraph.queries import load_library
from sgraph.rdf import sparql_lexer as lex
from sgraph.rdf.results import read_json_results

LIBRARY = load_library()
#: a second set of parameters for each query that takes any (the first is its defaults)
SECOND: dict[str, dict[str, str]] = {
    "chair-on-date": {"date": "2019-06-01"},
    "connections": {"entity": "http://www.legislation.gov.uk/id/ukpga/2004/31"},
    "government-responses": {"asof": "2022-01-01"},
    "local-reviews-by-partnership": {
        "partnership": "sgorg:croydon-safeguarding-children-partnership"
    },
    "local-reviews-by-theme-and-year": {"theme": "sgcon:neglect", "year": "2022"},
    "post-holders-on-date": {"date": "2016-06-01"},
    "publications-by-topic": {"topic": "sgcon:sudden-unexpected-death-in-infancy"},
}
CASES = [(name, {}) for name in sorted(LIBRARY)] + sorted(SECOND.items())
#: columns that join several values with "; " (GROUP_CONCAT): SPARQL leaves the order of the
#: values to the store (Oxigraph keeps the sub-SELECT's ORDER BY, Virtuoso does not), so they
#: are compared as sets of values (queries/README.md, "Writing a query")
JOINED = {
    "publications": {"type", "kind", "creators", "publishers"},
    "local-reviews-by-partnership": {"themes"},
}


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory, dist_dir: Path) -> Iterator[str]:
    """Oxigraph server holding dist/graph.nq, its default graph the union of the graphs."""
    location = tmp_path_factory.mktemp("oxigraph-stores")
    oxigraph_load(location, dist_dir / "graph.nq")
    with running_oxigraph(location, "--union-default-graph") as url:
        yield url + "/query"


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory, dist_dir: Path) -> Iterator[Virtuoso]:
    """Virtuoso holding dist/graph.nq (bulk-loaded), plus a file of blank nodes and literals."""
    terms = tmp_path_factory.mktemp("virtuoso-terms")
    (terms / "terms.ttl").write_text(
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "_:a <urn:x-test:p> _:b .\n"
        '_:b <urn:x-test:p> "1"^^xsd:boolean , "3"^^xsd:integer , "x"@en-GB , "2021"^^xsd:gYear .\n'
    )
    with running_virtuoso(
        tmp_path_factory.mktemp("virtuoso"), readable=(dist_dir, terms)
    ) as server:
        server.bulk_load(dist_dir, "graph.nq", "urn:x-sgraph:default")
        server.bulk_load(terms, "terms.ttl", "urn:x-test:terms")
        yield server


@pytest.fixture(scope="module")
def on_jena(tmp_path_factory: pytest.TempPathFactory, dist_dir: Path) -> dict[int, str]:
    """Every case's SPARQL JSON from Jena ARQ (Debian's libapache-jena-java 4.5) over
    dist/graph.nt, by index in CASES: the text ``sgraph query --endpoint`` sends (its
    parameters bound, sgraph's prefixes declared), one `arq.sparql` run each, two at a time."""
    folder = tmp_path_factory.mktemp("jena")
    command = jena_command(folder, "arq.sparql")
    prefixes = all_prefixes()

    def run(i: int) -> str:
        name, params = CASES[i]
        query = LIBRARY[name]
        text = sparql.portable_text(query.query, query.bind(params, prefixes), prefixes)
        file = folder / f"{i}.rq"
        file.write_text(text, encoding="utf-8")
        data = ["--data", str(dist_dir / "graph.nt"), "--query", str(file), "--results=json"]
        done = subprocess.run([*command, *data], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"Jena ARQ failed on {name} {params}:\n{done.stderr}"
        return done.stdout

    with ThreadPoolExecutor(2) as pool:
        return dict(enumerate(pool.map(run, range(len(CASES)))))


def _rows(
    body: str, ordered: bool, joined: frozenset[str] | set[str] = frozenset()
) -> list[list[tuple[str, str]]]:
    result = read_json_results(body.encode())

    def value(v: str, t: object) -> str:
        if v in joined and isinstance(t, ox.Literal):
            return "; ".join(sorted(t.value.split("; ")))
        return str(t)

    rows = [sorted((v, value(v, t)) for v, t in row.items()) for row in result.rows]
    return rows if ordered else sorted(rows)


def _has_order_by(text: str) -> bool:
    toks = lex.tokens(text)
    depth, last = 0, None
    for tok in toks:  # the outermost ORDER BY: after the last closing brace at depth 0
        if tok.kind == lex.PUNCT and tok.text in "{}":
            depth += 1 if tok.text == "{" else -1
        elif depth == 0 and tok.is_keyword("ORDER"):
            last = tok
    return last is not None


def _query(name: str, params: dict[str, str], *endpoint: str) -> str:
    args = [x for k, v in params.items() for x in ("-p", f"{k}={v}")]
    r = invoke("query", name, *args, "--format", "json", *endpoint)
    assert r.exit_code == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize(
    ("name", "params"), CASES, ids=[f"{n}-{'defaults' if not p else 'second'}" for n, p in CASES]
)
def test_same_rows_on_every_store(
    name: str, params: dict[str, str], oxigraph_server: str, virtuoso: Virtuoso
) -> None:
    ordered = _has_order_by(LIBRARY[name].query)
    joined = JOINED.get(name, frozenset())
    local = _rows(_query(name, params), ordered, joined)
    assert local, f"{name} {params}: no rows on the embedded store"
    on_oxigraph = _rows(_query(name, params, "--endpoint", oxigraph_server), ordered, joined)
    assert on_oxigraph == local, f"{name} {params}: Oxigraph server differs"
    args = [x for k, v in params.items() for x in ("-p", f"{k}={v}")]
    r = invoke("query", name, *args, "--format", "json", "--endpoint", virtuoso.sparql)
    assert r.exit_code == 0, r.stderr
    on_virtuoso = _rows(r.stdout, ordered, joined)
    assert on_virtuoso == local, f"{name} {params}: Virtuoso differs: {_diff(local, on_virtuoso)}"


def _diff(want: list[list[tuple[str, str]]], got: list[list[tuple[str, str]]]) -> str:
    if sorted(want) == sorted(got):
        i = next(i for i, (a, b) in enumerate(zip(want, got, strict=True)) if a != b)
        return f"same rows, other order from row {i}: {want[i]} / {got[i]}"
    i = next(
        (i for i, (a, b) in enumerate(zip(want, got, strict=False)) if a != b),
        min(len(want), len(got)),
    )
    return (
        f"{len(want)} rows wanted, {len(got)} given; from row {i}: "
        f"{want[i] if i < len(want) else None} / {got[i] if i < len(got) else None}"
    )


def test_second_parameters_change_the_rows() -> None:
    """Each second parameter set is a real second case, not the defaults again."""
    for name, params in SECOND.items():
        assert _query(name, params) != _query(name, {}), name


def test_client_reads_virtuoso_terms(virtuoso: Virtuoso) -> None:
    """Virtuoso labels blank nodes ``nodeID://b10001``, writes ``typed-literal`` and booleans as
    ``1``: ``sgraph query --endpoint`` reads them (it crashed on the blank nodes before)."""
    text = "SELECT ?s ?o WHERE { GRAPH <urn:x-test:terms> { ?s <urn:x-test:p> ?o } }"
    raw = invoke("query", text, "--format", "json", "--endpoint", virtuoso.sparql)
    assert raw.exit_code == 0, raw.stderr
    rows = read_json_results(raw.stdout.encode()).rows
    subjects = {r["s"] for r in rows}
    assert len(subjects) == 2 and all(isinstance(s, ox.BlankNode) for s in subjects)
    objects = {str(r["o"]) for r in rows}
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert {
        f'"true"^^<{xsd}boolean>',
        f'"3"^^<{xsd}integer>',
        '"x"@en-gb',
        f'"2021"^^<{xsd}gYear>',
    } <= {o.replace('"x"@en-GB', '"x"@en-gb') for o in objects}
    # the blank node object of _:a is the subject of the other four
    [link] = [r for r in rows if isinstance(r["o"], ox.BlankNode)]
    assert link["o"] in subjects and link["o"] != link["s"]
    table = invoke("query", text, "--format", "table", "--endpoint", virtuoso.sparql)
    assert table.exit_code == 0 and "(5 rows)" in table.stdout


def test_client_reads_odd_terms_without_a_store() -> None:
    def one(term: dict[str, str]) -> str:
        doc = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": term}]}}
        return str(read_json_results(json.dumps(doc).encode()).rows[0]["x"])

    assert one({"type": "bnode", "value": "nodeID://b10001"}) == "_:b10001"
    assert one({"type": "bnode", "value": "a b"}) == "_:h612062"
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert one({"type": "typed-literal", "datatype": xsd + "boolean", "value": "0"}) == (
        f'"false"^^<{xsd}boolean>'
    )
    assert one({"type": "literal", "datatype": xsd + "string", "value": "s"}) == '"s"'
    for bad in ({"type": "uri", "value": "not an iri"}, {"type": "thing", "value": "x"}):
        with pytest.raises(ValueError, match="unreadable term"):
            one(bad)
    ask = read_json_results(b'{"head": {}, "boolean": "false"}')
    assert ask.boolean is False


#: every dump rapper (raptor2) reads, with its parser name; raptor2 has no JSON-LD parser
RAPPER = {
    "graph.nt": "ntriples",
    "graph.ttl": "turtle",
    "graph.nq": "nquads",
    "graph.trig": "trig",
    "graph.rdf": "rdfxml",
}


def _dump_triples(dist_dir: Path) -> set[str]:
    """The triples of graph.nq (every graph), as N-Triples lines."""
    quads = ox.parse(path=dist_dir / "graph.nq", format=ox.RdfFormat.N_QUADS)
    return {str(q.triple) for q in quads}


@pytest.mark.parametrize("name", sorted(RAPPER))
def test_rapper_reads_every_dump(name: str, dist_dir: Path) -> None:
    import subprocess

    from servers import need_binary

    exe = need_binary("rapper", "apt-get install raptor2-utils")
    r = subprocess.run(
        [exe, "-i", RAPPER[name], "-c", str(dist_dir / name)], capture_output=True, timeout=120
    )
    err = r.stderr.decode()
    assert r.returncode == 0 and "Error" not in err, err
    assert f"returned {len(_dump_triples(dist_dir))} triples" in err, err


#: every dump Jena's RIOT reads, with its syntax name: Debian's Jena has no JSON-P
#: implementation for its JSON-LD 1.1 parser (titanium), so JSON-LD is read as JSON-LD 1.0
JENA_SYNTAX = {
    "graph.nt": "ntriples",
    "graph.ttl": "turtle",
    "graph.nq": "nquads",
    "graph.trig": "trig",
    "graph.rdf": "rdfxml",
    "graph.jsonld": "jsonld10",
}


@pytest.mark.parametrize("name", sorted(JENA_SYNTAX))
def test_jena_reads_every_dump_alike(name: str, dist_dir: Path, tmp_path: Path) -> None:
    """Each dump, read by Jena's RIOT and written back as N-Quads, gives the triples of
    graph.nq, no more and no fewer."""
    command = jena_command(tmp_path, "riotcmd.riot")
    syntax = ["--syntax", JENA_SYNTAX[name], "--output", "nquads", str(dist_dir / name)]
    r = subprocess.run([*command, *syntax], capture_output=True, timeout=300)
    assert r.returncode == 0 and not r.stderr, r.stderr.decode()
    read = {str(q.triple) for q in ox.parse(r.stdout, format=ox.RdfFormat.N_QUADS)}
    want = _dump_triples(dist_dir)
    assert read == want, (sorted(want - read)[:3], sorted(read - want)[:3])


@pytest.mark.parametrize("name", ["graph.nq", "graph.trig", "graph.ttl"])
def test_virtuoso_bulk_loads_the_dumps_alike(name: str, dist_dir: Path, tmp_path: Path) -> None:
    """Each dump, bulk-loaded into an empty Virtuoso, gives the triples of graph.nq, no more
    and no fewer (TriG was refused before: the GRAPH keyword)."""
    from sgraph.sparql import execute_remote

    with running_virtuoso(tmp_path / "db", readable=(dist_dir,)) as server:
        server.bulk_load(dist_dir, name, "urn:x-sgraph:default")
        text = (
            "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
            'FILTER(STRSTARTS(STR(?g), "https://w3id.org/sgraph/") || ?g = <urn:x-sgraph:default>) }'
        )
        rows = execute_remote(server.sparql, text).rows
    loaded = {str(ox.Triple(r["s"], r["p"], r["o"])) for r in rows}  # type: ignore[arg-type]
    want = _dump_triples(dist_dir)
    assert loaded == want, (sorted(want - loaded)[:3], sorted(loaded - want)[:3])


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_file_runs_unchanged_with_its_defaults(name: str, oxigraph_server: str) -> None:
    """The .rq file as it is (header comments and all), pasted into any store's query form,
    gives the rows sgraph gives with the defaults: each default is in the file itself
    (``BIND(COALESCE(?_date_xsd_date, ...))``), not only in the ``#+ defaults`` header."""
    import httpx

    text = LIBRARY[name].path.read_text(encoding="utf-8")
    r = httpx.post(
        oxigraph_server,
        data={"query": text},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    ordered = _has_order_by(LIBRARY[name].query)
    assert _rows(r.text, ordered) == _rows(_query(name, {}), ordered)


@pytest.mark.parametrize(
    ("index", "name", "params"),
    [(i, n, p) for i, (n, p) in enumerate(CASES)],
    ids=[f"{n}-{'defaults' if not p else 'second'}" for n, p in CASES],
)
def test_same_rows_on_jena_arq(
    index: int, name: str, params: dict[str, str], on_jena: dict[int, str]
) -> None:
    ordered = _has_order_by(LIBRARY[name].query)
    joined = JOINED.get(name, frozenset())
    local = _rows(_query(name, params), ordered, joined)
    assert local, f"{name} {params}: no rows on the embedded store"
    on_arq = _rows(on_jena[index], ordered, joined)
    assert on_arq == local, f"{name} {params}: Jena ARQ differs: {_diff(local, on_arq)}"
