"""The Python API (`import sgraph`): one test per call, the README's example run as written, and
`import sgraph` loading none of what the calls need until they are used."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

import sgraph
from paths import ROOT
from sgraph.errors import ParameterError, UnknownQueryError

README = ROOT / "README.md"


@pytest.fixture(scope="module")
def gs() -> sgraph.GraphStore:
    return sgraph.open_graph()


def test_every_public_name_resolves() -> None:
    for name in sgraph.__all__:
        assert getattr(sgraph, name) is not None, name
    # importing the submodules a name comes from does not hide the name
    importlib.import_module("sgraph.build")
    importlib.import_module("sgraph.export.dumps")
    importlib.import_module("sgraph.network.page")
    assert callable(sgraph.network_view)
    assert callable(sgraph.build) and callable(sgraph.export_graph)


def test_import_sgraph_loads_nothing_heavy() -> None:
    code = "import json, sys, sgraph; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout)
    assert [m for m in loaded if m.startswith(("pyoxigraph", "rdflib", "httpx", "networkx"))] == []


def test_open_graph(gs: sgraph.GraphStore, tmp_path: Path) -> None:
    assert isinstance(gs, sgraph.GraphStore) and len(gs) > 1000
    assert gs.settings.base == "https://w3id.org/sgraph/"
    persistent = sgraph.open_graph(store=tmp_path / "store")  # built, then reopened
    again = sgraph.open_graph(store=tmp_path / "store")
    assert len(persistent) == len(again) == len(gs)
    other = sgraph.open_graph(gs.settings.data_dir, base="https://example.org/sg/")
    assert other.settings.base == "https://example.org/sg/"
    assert any(q.subject.value.startswith("https://example.org/sg/id/") for q in other.store)


def test_run_query_with_parameters(gs: sgraph.GraphStore) -> None:
    result = sgraph.run_query(gs, "chair-on-date", date="2021-06-01")
    assert isinstance(result, sgraph.QueryResult) and result.kind == "select"
    assert [row["chairName"].value for row in result.rows] == ["Annie Hudson"]
    assert sgraph.run_query(gs, "chair-on-date", {"date": "2021-06-01"}).rows == result.rows
    with pytest.raises(ParameterError, match="2021-02-30"):
        sgraph.run_query(gs, "chair-on-date", date="2021-02-30")
    with pytest.raises(UnknownQueryError):
        sgraph.run_query(gs, "chair-on-dat")


def test_run_query_text_and_file(gs: sgraph.GraphStore, tmp_path: Path) -> None:
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?p a sg:Person }"
    n = int(sgraph.run_query(gs, text).rows[0]["n"].value)
    assert n == len(list(gs.store.quads_for_pattern(None, ox.NamedNode(
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(
        "https://w3id.org/sgraph/ontology#Person"), ox.NamedNode(
        "https://w3id.org/sgraph/graph/people"))))  # fmt: skip
    rq = tmp_path / "ask.rq"
    rq.write_text("#+ summary: anyone?\nASK { ?p a sg:Person }\n", encoding="utf-8")
    assert sgraph.run_query(gs, str(rq)).boolean is True


def test_validate_store_and_paths(gs: sgraph.GraphStore, tmp_path: Path) -> None:
    report = sgraph.validate_store(gs)
    assert isinstance(report, sgraph.ValidationReport) and report.conforms
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix sg: <https://w3id.org/sgraph/ontology#> .\n"
        "<https://w3id.org/sgraph/id/person/nobody> a sg:Person .\n",
        encoding="utf-8",
    )
    report = sgraph.validate_paths([gs.settings.data_dir, bad])
    assert not report.conforms
    assert any(v.focus.endswith("/person/nobody") for v in report.violations)


def test_export_graph_is_the_build_file(gs: sgraph.GraphStore, dist_dir: Path) -> None:
    assert sgraph.export_graph(gs, "turtle") == (dist_dir / "graph.ttl").read_bytes()
    assert sgraph.export_graph(gs, "nt") == (dist_dir / "graph.nt").read_bytes()  # an alias


def test_network_view(gs: sgraph.GraphStore, tmp_path: Path) -> None:
    view = sgraph.network_view(gs, focus="Annie Hudson", depth=1)
    assert isinstance(view, sgraph.NetworkView)
    assert "https://w3id.org/sgraph/id/person/annie-hudson" in view.graph
    assert 2 < view.graph.number_of_nodes() < len(sgraph.network_view(gs).graph)
    page = view.save(tmp_path / "annie.html")
    assert "Annie Hudson" in page.read_text(encoding="utf-8")


def test_build(tmp_path: Path) -> None:
    result = sgraph.build(sgraph.Settings(), tmp_path / "dist")
    assert isinstance(result, sgraph.BuildResult) and result.report.conforms
    assert (tmp_path / "dist" / "graph.ttl").is_file()


def test_errors_are_sgraph_errors() -> None:
    assert issubclass(ParameterError, sgraph.SgraphError)


def test_the_readme_python_api_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    section = README.read_text(encoding="utf-8").split("## Python API", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    monkeypatch.chdir(tmp_path)
    exec(compile(code.group(1), str(README), "exec"), {})
    out = capsys.readouterr().out
    assert "Annie Hudson" not in out and "True 0" in out  # 2019-06-01: before her term
    assert (tmp_path / "graph.ttl").stat().st_size > 10_000
    assert "Annie Hudson" in (tmp_path / "annie.html").read_text(encoding="utf-8")
    for name in re.findall(r"^\| `(\w+)\(", section, re.M):  # every call in the table exists
        assert name in sgraph.__all__, name
