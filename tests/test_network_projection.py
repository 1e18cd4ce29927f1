"""The projection of the curated graph into networkx, selection, analytics, files, CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import numpy as np
import pyoxigraph as ox
import pytest
import scipy.sparse
from click.testing import CliRunner

from sgraph.cli import cli
from sgraph.errors import AmbiguousEntityError, InputError, UnknownEntityError
from sgraph.namespaces import RDF_TYPE
from sgraph.network import analyse, layout, project, resolve_entity, select
from sgraph.network.analytics import _product, betweenness, undirected
from sgraph.network.formats import serialize
from sgraph.network.layout import fruchterman_reingold, positions
from sgraph.network.projection import (
    DCT_IS_REPLACED_BY,
    DCT_REPLACES,
    ORG_UNIT_OF,
    Vocabulary,
    skeleton,
)
from sgraph.network.rows import from_rows
from sgraph.network.select import Selection
from sgraph.sparql import execute
from sgraph.store import GraphStore

SEED_URL = "https://learning.nspcc.org.uk/news/2021/may/new-reports-child-safeguarding-reviews-multi-agency-arrangements"


@pytest.fixture(scope="module")
def g(graph_store: GraphStore) -> nx.MultiDiGraph:
    return analyse(project(graph_store))


def _sg(gs: GraphStore) -> str:
    return gs.settings.base + "ontology#"


def _id(gs: GraphStore, path: str) -> str:
    return gs.settings.base + "id/" + path


def test_nodes_are_the_typed_entities(graph_store: GraphStore, g: nx.MultiDiGraph) -> None:
    sg = _sg(graph_store)
    typed: dict[str, set[str]] = {}
    for q in graph_store.store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None, None):
        if isinstance(q.subject, ox.NamedNode) and q.object.value.startswith(sg):
            typed.setdefault(q.subject.value, set()).add(q.object.value[len(sg) :])
    not_nodes = {s for s, cls in typed.items() if cls & {"Source", "Membership", "Role"}}
    expected = set(typed) - not_nodes
    # periods and collections only when something links to them
    linked = {v for e in g.edges for v in e[:2]}
    expected -= {s for s in expected if typed[s] & {"Period", "Collection"} and s not in linked}
    assert set(g.nodes) == expected
    assert len(expected) > 50
    for _, d in g.nodes(data=True):
        assert d["label"] and d["type"] and d["group"]


def test_edges_are_curated_relations_once(graph_store: GraphStore, g: nx.MultiDiGraph) -> None:
    vocab = Vocabulary.from_store(graph_store)
    mat = graph_store.settings.base + "graph/materialised"
    stated: set[tuple[str, str, str]] = set()
    for q in graph_store.store:
        if not isinstance(q.graph_name, ox.NamedNode) or q.graph_name.value == mat:
            continue
        s, p, o = q.subject.value, q.predicate.value, q.object.value
        if s in g and o in g:
            if p in vocab.relations:
                stated.add((s, p, o))
            elif p == DCT_REPLACES:
                stated.add((o, DCT_IS_REPLACED_BY, s))
    # a superproperty stated beside its subproperty for the same pair is drawn once
    stated -= {
        (s, sup, o)
        for s, p, o in stated
        for sup in vocab.superproperties.get(p, ())
        if (s, sup, o) in stated
    }
    drawn = {
        (u, d["predicate"], v) for u, v, d in g.edges(data=True) if d["relation"] != "membership"
    }
    assert drawn == stated
    memberships = {
        q.subject.value
        for q in graph_store.store.quads_for_pattern(
            None, ox.NamedNode(RDF_TYPE), ox.NamedNode(_sg(graph_store) + "Membership"), None
        )
    }
    drawn_m = {d["predicate"] for _, _, d in g.edges(data=True) if d["relation"] == "membership"}
    assert drawn_m == memberships
    assert g.number_of_edges() == len(stated) + len(memberships)
    # no standard duplicates: only sg: relations, org:unitOf, dcterms:isReplacedBy, memberships
    sg = _sg(graph_store)
    for _, _, d in g.edges(data=True):
        p = d["predicate"]
        assert (
            p.startswith(sg)
            or p in (ORG_UNIT_OF, DCT_IS_REPLACED_BY)
            or d["relation"] == "membership"
        )
        assert d["label"]


def test_respondsto_is_not_drawn_again_as_cites(g: nx.MultiDiGraph) -> None:
    responds = {(u, v) for u, v, d in g.edges(data=True) if d["relation"] == "respondsTo"}
    cites = {(u, v) for u, v, d in g.edges(data=True) if d["relation"] == "cites"}
    assert responds
    assert not responds & cites


def test_attributes_of_a_report_and_a_chair(graph_store: GraphStore, g: nx.MultiDiGraph) -> None:
    report = _id(graph_store, "publication/panel-annual-report-2020")
    panel = _id(graph_store, "organisation/child-safeguarding-practice-review-panel")
    dfe = _id(graph_store, "organisation/department-for-education")
    d = g.nodes[report]
    assert d["type"] == "AnnualReport"
    assert d["group"] == "Publication"
    assert d["label"] == "Child Safeguarding Practice Review Panel: annual report 2020"
    assert d["date"] == "2021-05-14" and d["year"] == 2021
    assert SEED_URL in d["sources"]
    rels = {(v, e["relation"], e["label"]) for _, v, e in g.out_edges(report, data=True)}
    assert (panel, "authoredBy", "authored by") in rels
    assert (dfe, "publishedBy", "published by") in rels

    annie = _id(graph_store, "person/annie-hudson")
    [(_u, v, m)] = [e for e in g.out_edges(annie, data=True) if e[2]["relation"] == "membership"]
    assert v == panel
    assert m["role"] == "Chair" and m["date"] == "2020-12" and m["end_date"] == ""
    assert "Chair" in m["label"] and "2020-12" in m["label"]


def test_analytics(g: nx.MultiDiGraph, graph_store: GraphStore) -> None:
    again = analyse(project(graph_store))
    for n, d in g.nodes(data=True):
        assert d["degree"] == g.degree(n)
        assert 0.0 <= d["betweenness"] <= 1.0
        assert again.nodes[n]["community"] == d["community"]
        assert again.nodes[n]["component"] == d["component"]
    assert len(
        {d["component"] for _, d in g.nodes(data=True)}
    ) == nx.number_weakly_connected_components(g)
    assert len({d["community"] for _, d in g.nodes(data=True)}) > 1
    assert positions(g) == positions(again)


def test_skeleton_is_the_projection_in_numbers(graph_store: GraphStore) -> None:
    full = project(graph_store)
    skel = skeleton(graph_store)
    assert skel.nodes == sorted(full.nodes)
    assert skel.degree().tolist() == [full.degree(n) for n in skel.nodes]
    pairs = {(skel.nodes[u], skel.nodes[v]) for u, v in skel.pairs().tolist()}
    assert pairs == {(min(u, v), max(u, v)) for u, v in full.edges() if u != v}
    # the graph of some nodes: their attributes and the edges between them, as in the whole graph
    keep = list(range(0, len(skel.nodes), 3))
    part = skel.graph(graph_store, keep)
    want = full.subgraph(skel.nodes[i] for i in keep)
    assert dict(part.nodes(data=True)) == dict(want.nodes(data=True))
    assert {(u, v, k): d for u, v, k, d in part.edges(keys=True, data=True)} == {
        (u, v, k): d for u, v, k, d in want.edges(keys=True, data=True)
    }
    assert part.number_of_edges() > 0


def test_betweenness_is_networkx(g: nx.MultiDiGraph) -> None:
    h = undirected(g)
    for k in (None, 30):
        ours = betweenness(h, k, seed=42)
        theirs = nx.betweenness_centrality(h, k=k, seed=42)
        assert max(abs(ours[n] - theirs[n]) for n in h) < 1e-12
    assert max(betweenness(h).values()) > 0


def test_partial_products_are_the_whole_product() -> None:
    """Betweenness takes only the rows it needs, or the columns that are not zero, of each
    sparse product: every value must be the same float as in the whole product."""
    rng = np.random.default_rng(5)
    n = 400
    pairs = {(int(a), int(b)) for a, b in rng.integers(0, n, (1600, 2)) if a < b}
    rows_ = [a for a, _ in pairs] + [b for _, b in pairs]
    cols_ = [b for _, b in pairs] + [a for a, _ in pairs]
    adj = scipy.sparse.csr_matrix((np.ones(len(rows_)), (rows_, cols_)), shape=(n, n))
    row_nnz = np.diff(adj.indptr)
    for few_rows in (True, False):
        cols = np.sort(rng.choice(n, 300 if few_rows else 20, replace=False))
        rows = np.sort(rng.choice(n, 20 if few_rows else 300, replace=False))
        x = np.zeros((n, 8))
        x[cols] = rng.random((len(cols), 8)) * (rng.random((len(cols), 8)) < 0.5)
        assert np.array_equal(_product(adj, row_nnz, x, rows, cols)[rows], (adj @ x)[rows])


def test_layout_tiles_change_no_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    h = nx.relabel_nodes(nx.gnm_random_graph(300, 600, seed=3), lambda i: f"n{i:03d}")
    want = fruchterman_reingold(h, chunk=128, iterations=10)
    monkeypatch.setattr(layout, "_TILE_ELEMENTS", 7 * 300)  # 7-row tiles, a shorter last one
    got = fruchterman_reingold(h, chunk=128, iterations=10)
    assert got == want
    assert len(set(got.values())) == 300


def test_resolve_entity(graph_store: GraphStore, g: nx.MultiDiGraph) -> None:
    annie = _id(graph_store, "person/annie-hudson")
    assert resolve_entity(g, annie) == annie
    assert resolve_entity(g, f"<{annie}>") == annie
    assert resolve_entity(g, "sgper:annie-hudson", graph_store.prefixes) == annie
    assert resolve_entity(g, "annie HUDSON") == annie
    with pytest.raises(AmbiguousEntityError) as exc:
        resolve_entity(g, "panel")
    assert len(exc.value.candidates) > 1
    with pytest.raises(UnknownEntityError):
        resolve_entity(g, "no such entity anywhere")
    with pytest.raises(UnknownEntityError):
        resolve_entity(g, "sgper:nobody-at-all", graph_store.prefixes)


def test_focus_and_depth(graph_store: GraphStore, g: nx.MultiDiGraph) -> None:
    annie = _id(graph_store, "person/annie-hudson")
    one = select(g, Selection(focus="Annie Hudson", depth=1))
    assert set(one) == {annie} | set(g.predecessors(annie)) | set(g.successors(annie))
    assert select(g, Selection(focus="Annie Hudson", depth=0)).number_of_nodes() == 1
    two = select(g, Selection(focus="Annie Hudson", depth=2))
    assert set(one) < set(two)
    lengths = nx.single_source_shortest_path_length(g.to_undirected(), annie, cutoff=2)
    assert set(two) == set(lengths)


def test_shortest_path(graph_store: GraphStore, g: nx.MultiDiGraph) -> None:
    a, b = _id(graph_store, "person/alan-wood"), _id(graph_store, "person/annie-hudson")
    h = select(g, Selection(path=("Alan Wood", "Annie Hudson")))
    und = g.to_undirected()
    length = nx.shortest_path_length(und, a, b)
    assert nx.shortest_path_length(h.to_undirected(), a, b) == length
    for p in nx.all_shortest_paths(h.to_undirected(), a, b):
        assert len(p) == length + 1
    assert h.number_of_edges() >= length


def test_filters(g: nx.MultiDiGraph) -> None:
    people = select(g, Selection(types=("person",)))
    assert people.number_of_nodes() == sum(
        1 for _, d in g.nodes(data=True) if d["group"] == "Person"
    )
    mem = select(g, Selection(relations=("membership",)))
    assert mem.number_of_edges() == sum(
        1 for *_, d in g.edges(data=True) if d["relation"] == "membership"
    )
    assert all(d["relation"] == "membership" for *_, d in mem.edges(data=True))
    by_label = select(g, Selection(relations=("published by",)))
    assert {d["relation"] for *_, d in by_label.edges(data=True)} == {"publishedBy"}
    y = select(g, Selection(year_from=2021, year_to=2021))
    for _, d in y.nodes(data=True):
        if d["year"] is not None:
            assert d["year"] <= 2021 and (d["end_year"] or d["year"]) >= 2021
    assert y.number_of_nodes() < g.number_of_nodes()
    with pytest.raises(InputError):
        select(g, Selection(types=("NoSuchType",)))


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_formats_round_trip(g: nx.MultiDiGraph, fmt: str, tmp_path: Path) -> None:
    data = serialize(g, fmt)
    if fmt == "graphml":
        back = nx.read_graphml(io.BytesIO(data))
    elif fmt == "gexf":
        back = nx.read_gexf(io.BytesIO(data))
    else:
        back = nx.node_link_graph(json.loads(data), edges="links")
    assert back.number_of_nodes() == g.number_of_nodes()
    assert back.number_of_edges() == g.number_of_edges()
    assert serialize(g, fmt) == data  # deterministic


def test_query_rows_use_wikidata_columns(graph_store: GraphStore, g: nx.MultiDiGraph) -> None:
    text = """
    PREFIX org: <http://www.w3.org/ns/org#>
    PREFIX foaf: <http://xmlns.com/foaf/0.1/>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?x ?xLabel ?y ?yLabel ?edgeLabel WHERE {
      ?m org:member ?x ; org:organization ?y ; org:role sg:chair .
      ?x foaf:name ?xLabel . ?y foaf:name ?yLabel .
      BIND("chair of" AS ?edgeLabel)
    }"""
    result = execute(graph_store.store, text, prefixes=graph_store.prefixes)
    h = from_rows(result.variables, result.rows, g)
    assert h.number_of_edges() == len(result.rows) > 0
    for u, v, d in h.edges(data=True):
        assert d["label"] == "chair of"
        assert h.nodes[u]["group"] == "Person" and h.nodes[v]["group"] == "Organisation"
    with pytest.raises(InputError):
        from_rows(["a"], [], g)


def test_cli_network(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "annie.json"
    res = runner.invoke(
        cli, ["network", "--focus", "Annie Hudson", "--format", "json", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert any(n["label"] == "Annie Hudson" for n in data["nodes"])
    res = runner.invoke(cli, ["network", "--focus", "panel", "--out", str(tmp_path / "x.html")])
    assert res.exit_code == 2
    assert "matches" in res.output and not (tmp_path / "x.html").exists()
    res = runner.invoke(
        cli,
        [
            "network",
            "--types",
            "Person,Organisation",
            "--format",
            "graphml",
            "--out",
            str(tmp_path / "p.graphml"),
        ],
    )
    assert res.exit_code == 0, res.output
    back = nx.read_graphml(tmp_path / "p.graphml")
    assert {d["group"] for _, d in back.nodes(data=True)} == {"Person", "Organisation"}
