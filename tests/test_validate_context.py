"""`sgraph validate FILE` in context, failures that read well, one shapes loader, the settings.

Commands run as real processes: a traceback or an rdflib log line on stderr would show here.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from paths import DATA_DIR, ROOT
from sgraph import environment
from sgraph.build import build
from sgraph.config import Settings
from sgraph.namespaces import DEFAULT_BASE
from sgraph.server.config import ServerConfig
from sgraph.server.linked_data import LinkedData
from sgraph.shapes import shapes_graph
from sgraph.store import GraphStore
from sgraph.terms import triples_to_rdflib
from test_project import sgraph

SHIPPED = sorted(DATA_DIR.glob("*.ttl"))
PERSON = "https://w3id.org/sgraph/id/person/annie-hudson"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "triples"
    shutil.copytree(DATA_DIR, folder)
    return folder


# -- validation in context ---------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_shipped_file_conforms_in_context(path: Path) -> None:
    done = sgraph(ROOT, "validate", str(path.relative_to(ROOT)), "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    body = json.loads(done.stdout)
    assert body["conforms"] and body["violations"] == 0
    described = {str(s) for s in rdflib.Graph().parse(path, format="turtle").subjects()}
    assert {r["focus"] for r in body["results"]} <= described  # only this file's entities


def test_help_example_exits_0() -> None:
    done = sgraph(ROOT, "validate", "--help")
    example = next(
        line.strip() for line in done.stdout.splitlines() if "validate data/triples/" in line
    )
    ran = sgraph(ROOT, *example.split()[1:])
    assert ran.returncode == 0, ran.stdout + ran.stderr


def _break_a_person(folder: Path) -> Path:
    people = folder / "people.ttl"
    text = people.read_text(encoding="utf-8")
    assert 'foaf:name "Annie Hudson"' in text
    people.write_text(text.replace('foaf:name "Annie Hudson" ;', ""), encoding="utf-8")
    return people


def test_a_real_violation_is_reported_for_its_file_only(data_copy: Path) -> None:
    people = _break_a_person(data_copy)
    done = sgraph(ROOT, "validate", "--data", str(data_copy), str(people), "--format", "json")
    assert done.returncode == 1, done.stdout + done.stderr
    body = json.loads(done.stdout)
    violations = [r for r in body["results"] if r["severity"] == "Violation"]
    assert [v["focus"] for v in violations] == [PERSON]
    assert all(r["source_file"] == str(people) for r in body["results"])
    other = sgraph(ROOT, "validate", "--data", str(data_copy), str(data_copy / "reviews.ttl"))
    assert other.returncode == 0, other.stdout  # its entities are fine
    assert "not shown" in other.stdout  # ... and it says that others were left out
    whole = sgraph(ROOT, "validate", "--data", str(data_copy))
    assert whole.returncode == 1 and PERSON in whole.stdout


def test_a_new_file_is_checked_as_if_added(tmp_path: Path) -> None:
    new = tmp_path / "new-person.ttl"
    new.write_text(
        "@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "@prefix sg: <https://w3id.org/sgraph/ontology#> .\n"
        "<https://w3id.org/sgraph/id/person/jane-example> a sg:Person ;\n"
        '    foaf:name "Jane Example" ;\n'
        "    sg:affiliatedWith "
        "<https://w3id.org/sgraph/id/organisation/child-safeguarding-practice-review-panel> ;\n"
        "    dcterms:source <https://learning.nspcc.org.uk/news/2021/may/"
        "new-reports-child-safeguarding-reviews-multi-agency-arrangements> .\n",
        encoding="utf-8",
    )
    in_context = sgraph(ROOT, "validate", str(new))
    assert in_context.returncode == 0, in_context.stdout + in_context.stderr
    alone = sgraph(ROOT, "validate", str(new), "--alone")
    assert alone.returncode == 1  # its source and the Panel are described elsewhere
    assert "jane-example" in alone.stdout


# -- failures that read well -------------------------------------------------------------------


def test_failing_build_prints_the_violation_without_traceback(
    data_copy: Path, tmp_path: Path
) -> None:
    people = _break_a_person(data_copy)
    out = tmp_path / "dist"
    done = sgraph(ROOT, "build", "--data", str(data_copy), "--out", str(out))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert f"focus: <{PERSON}>" in done.stderr
    assert re.search(rf"{re.escape(str(people))}:\d+: Violation: ", done.stderr)
    assert "property: <http://xmlns.com/foaf/0.1/name>" in done.stderr
    assert "does not conform: 1 violation" in done.stderr
    assert not out.exists()


def test_many_violations_show_20_then_a_count(data_copy: Path, tmp_path: Path) -> None:
    sources = data_copy / "sources.ttl"
    sources.write_text("@prefix sg: <https://w3id.org/sgraph/ontology#> .\n", encoding="utf-8")
    done = sgraph(ROOT, "build", "--data", str(data_copy), "--out", str(tmp_path / "d"))
    assert done.returncode == 1
    assert done.stderr.count("Violation: ") == 20
    m = re.search(r"\.\.\. and (\d+) more violation\(s\)", done.stderr)
    n = re.search(r"does not conform: (\d+) violations", done.stderr)
    assert m and n and int(m.group(1)) + 20 == int(n.group(1))


def test_ill_typed_literal_is_reported_once_with_file_and_line(data_copy: Path) -> None:
    pubs = data_copy / "publications.ttl"
    lines = pubs.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if '"^^xsd:date' in line)
    lines[at] = re.sub(r'"\d{4}-\d{2}-\d{2}"', '"2021-14-05"', lines[at])
    pubs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = data_copy.parent / "out"
    for args in (("build", "--out", str(out)), ("validate",), ("validate", str(pubs))):
        done = sgraph(ROOT, *args, "--data", str(data_copy))
        assert done.returncode == 2, args
        both = done.stdout + done.stderr
        assert both.count("2021-14-05") == 1, both
        assert f'{pubs}:{at + 1}: "2021-14-05"^^xsd:date: no such day' in both
        assert "Traceback" not in both and "Failed to convert" not in both
    assert not out.exists()


# -- one shapes loader -------------------------------------------------------------------------


def test_published_shapes_are_the_validated_shapes_under_a_foreign_base(tmp_path: Path) -> None:
    base = "https://example.org/x/"
    settings = Settings(base=base)
    result = build(settings, tmp_path / "dist")
    text = (result.out_dir / "shapes.ttl").read_text(encoding="utf-8")
    assert DEFAULT_BASE not in text
    assert DEFAULT_BASE not in (result.out_dir / "ontology.ttl").read_text(encoding="utf-8")
    published = rdflib.Graph().parse(data=text, format="turtle")
    validated = shapes_graph(settings)
    assert len(published) == len(validated) > 500
    assert isomorphic(published, validated)
    namespaces = {str(o) for o in validated.objects(None, rdflib.SH.namespace)}
    assert f"{base}id/" in namespaces and not any(DEFAULT_BASE in n for n in namespaces)
    gs = GraphStore.load(settings)
    page = LinkedData(gs, ServerConfig()).shapes()
    assert isomorphic(triples_to_rdflib(page), validated)


# -- one table of settings ---------------------------------------------------------------------


def test_every_setting_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([A-Z_]+)` \|", section, re.M)
    assert rows == [s.name for s in environment.SETTINGS]
    for s in environment.SETTINGS:
        if s.option:
            assert re.search(rf"^\| `{s.name}` \|.*\| `{s.option}` \|$", section, re.M), s.name


def test_no_environment_read_outside_the_table() -> None:
    src = ROOT / "src" / "sgraph"
    offenders = []
    for path in sorted(src.rglob("*.py")):
        if path.name == "environment.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb"):
                offenders.append(f"{path.relative_to(src)}:{node.lineno}")
            if isinstance(node, ast.keyword) and node.arg in ("envvar", "auto_envvar_prefix"):
                offenders.append(f"{path.relative_to(src)}:{node.lineno}")
    assert offenders == []


def test_every_variable_read_is_in_the_table() -> None:
    names = set()
    for path in sorted((ROOT / "src" / "sgraph").rglob("*.py")):
        names |= set(re.findall(r"environment\.read\(\s*\"([A-Z_]+)\"", path.read_text()))
    names |= {"SGRAPH_SHACL_ENGINE"}  # read through validate.ENGINE_ENV
    assert names == {s.name for s in environment.SETTINGS}
    with pytest.raises(KeyError):
        environment.read("SGRAPH_NOT_A_SETTING")


def test_an_explicit_option_beats_the_environment(tmp_path: Path) -> None:
    bogus = {"SGRAPH_SHACL_ENGINE": "no-such-engine"}
    done = sgraph(ROOT, "validate", "data/triples/people.ttl", **bogus)
    assert done.returncode == 2 and "unknown SHACL engine 'no-such-engine'" in done.stderr
    done = sgraph(ROOT, "validate", "data/triples/people.ttl", "--engine", "fast", **bogus)
    assert done.returncode == 0, done.stderr
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    done = sgraph(ROOT, "validate", "--data", str(DATA_DIR), SGRAPH_DATA=str(empty))
    assert done.returncode == 0 and "Data: ./data/triples (--data)" in done.stderr
    done = sgraph(ROOT, "validate", SGRAPH_DATA=str(empty))
    assert done.returncode == 2 and "no data files" in done.stderr


def test_release_date_comes_from_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    from sgraph.export.void import DatasetOptions

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1622505600")  # 2021-06-01
    monkeypatch.delenv("SGRAPH_RELEASE_DATE", raising=False)
    monkeypatch.setenv("SGRAPH_SPARQL_ENDPOINT", "https://example.org/sparql")
    options = DatasetOptions.from_env()
    assert options.release_date == "2021-06-01"
    assert options.sparql_endpoint == "https://example.org/sparql"


@pytest.mark.parametrize(
    ("datatype", "text", "ok"),
    [
        ("date", "2021-05-14", True),
        ("date", "2021-14-05", False),
        ("date", "2021-02-29", False),
        ("date", "2020-02-29", True),
        ("gYear", "2021", True),
        ("gYear", "21", False),
        ("gYearMonth", "2021-13", False),
        ("dateTime", "2021-06-01T12:00:00Z", True),
        ("dateTime", "2021-06-01T24:30:00", False),
        ("integer", "12x", False),
        ("unsignedInt", "-1", False),
        ("boolean", "yes", False),
        ("string", "anything", True),
    ],
)
def test_xsd_lexical_forms(datatype: str, text: str, ok: bool) -> None:
    from sgraph import xsd

    assert (xsd.problem(datatype, text) is None) == ok
