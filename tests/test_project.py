"""Which graph a command uses: the one rule, the working folder's project, `sgraph init`.

The rule (sgraph.project): --data > SGRAPH_DATA > the working folder's graph (sgraph.toml or
data/triples/, here or in a parent folder) > the packaged graph. Commands run here in real
processes, in folders of their own, so nothing depends on the checkout the tests run from.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from paths import DATA_DIR, ONTOLOGY_DIR, QUERIES_DIR, ROOT
from servers import sgraph_command
from sgraph.config import Settings, default_out_dir
from sgraph.persist import default_store_path
from sgraph.project import (
    ORIGIN_ENV,
    ORIGIN_OPTION,
    ORIGIN_PACKAGED,
    ORIGIN_PROJECT,
    find_project,
    is_packaged_graph,
)
from sgraph.resources import packaged

CURATE = ROOT / "tests" / "fixtures" / "curate"


def sgraph(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``sgraph ARGS`` in ``cwd`` as a user runs it (no SGRAPH_* variables unless given)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SGRAPH_")}
    environ.update(env)
    return subprocess.run(
        [*sgraph_command(), *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture
def copied_project(tmp_path: Path) -> Path:
    """A copy of the project folder: its own data, ontology and queries."""
    root = tmp_path / "copy"
    shutil.copytree(DATA_DIR, root / "data" / "triples")
    shutil.copytree(ONTOLOGY_DIR, root / "ontology")
    shutil.copytree(QUERIES_DIR, root / "queries")
    (root / "docs").mkdir()
    return root


# -- the rule --------------------------------------------------------------------------------


def test_rule_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "proj"
    (project / "data" / "triples").mkdir(parents=True)
    (project / "sub" / "deeper").mkdir(parents=True)
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.delenv("SGRAPH_DATA", raising=False)

    monkeypatch.chdir(tmp_path)  # no project here or above: the packaged graph
    s = Settings.resolve()
    assert s.data_origin == ORIGIN_PACKAGED and is_packaged_graph(s.data_dir)
    assert s.ontology_dir == packaged("ontology")
    assert default_out_dir() == Path("dist")

    monkeypatch.chdir(project / "sub" / "deeper")  # found from a subfolder, like pyproject.toml
    s = Settings.resolve()
    assert (s.data_dir, s.data_origin) == (project / "data" / "triples", ORIGIN_PROJECT)
    assert default_out_dir() == project / "dist"
    assert s.describe_data() == "../../data/triples (the working folder's graph)"

    monkeypatch.setenv("SGRAPH_DATA", str(other))  # the environment beats the project
    s = Settings.resolve()
    assert (s.data_dir, s.data_origin) == (other, ORIGIN_ENV)

    s = Settings.resolve(data_dir=tmp_path / "given")  # the option beats everything
    assert (s.data_dir, s.data_origin) == (tmp_path / "given", ORIGIN_OPTION)


def test_project_file_names_its_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "turtle").mkdir()
    (tmp_path / "sgraph.toml").write_text('[sgraph]\ndata = "turtle"\nout = "public"\n')
    monkeypatch.chdir(tmp_path)
    project = find_project()
    assert project is not None and project.data_dir == tmp_path / "turtle"
    assert default_out_dir() == tmp_path / "public"
    assert project.ontology_dir is None  # no ontology/ here: the packaged one is used


def test_bad_project_file_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "sgraph.toml").write_text('[sgraph]\ndata = "x"\nincluded = true\n')
    done = sgraph(tmp_path, "validate")
    assert done.returncode == 2
    assert "sgraph.toml: unknown key(s): sgraph.included" in done.stderr
    assert "Traceback" not in done.stderr
    (tmp_path / "sgraph.toml").write_text("[sgraph\n")
    done = sgraph(tmp_path, "validate")
    assert done.returncode == 2 and "not valid TOML" in done.stderr


def test_help_shows_the_rule() -> None:
    for command in ("build", "validate", "query", "network", "serve", "export", "add", "push"):
        done = sgraph(ROOT, command, "--help")
        text = " ".join(done.stdout.split())
        assert "[default: $SGRAPH_DATA, else the working folder's graph" in text, command
        assert "else the graph packaged with sgraph" in text, command


def test_store_cache_keys_on_the_resolved_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    link = tmp_path / "link"
    link.symlink_to(data)
    a = default_store_path(Settings(data_dir=data))
    assert default_store_path(Settings(data_dir=link)) == a
    assert default_store_path(Settings(data_dir=DATA_DIR)) != a


# -- a copied project builds its own data ------------------------------------------------------


def test_copied_project_builds_its_own_data(copied_project: Path) -> None:
    people = copied_project / "data" / "triples" / "people.ttl"
    people.write_text(
        people.read_text().replace('foaf:name "Annie Hudson"', 'foaf:name "Annie Hudson-Copy"'),
        encoding="utf-8",
    )
    done = sgraph(copied_project / "docs", "build")  # from a subfolder
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "Data: ../data/triples (the working folder's graph)"
    dist = copied_project / "dist"  # beside the project's data, not in docs/
    assert "Annie Hudson-Copy" in (dist / "graph.ttl").read_text(encoding="utf-8")
    assert not (copied_project / "docs" / "dist").exists()


def test_copied_project_with_a_broken_file_fails(copied_project: Path) -> None:
    people = copied_project / "data" / "triples" / "people.ttl"
    people.write_text(people.read_text() + "\nthis is not turtle .\n", encoding="utf-8")
    done = sgraph(copied_project, "build")
    assert done.returncode == 2
    assert f"{people}:" in done.stderr or "people.ttl:" in done.stderr
    assert not (copied_project / "dist").exists()


def test_local_query_replaces_the_packaged_one(copied_project: Path) -> None:
    mine = copied_project / "queries" / "publications.rq"
    mine.write_text(
        "#+ summary: Our own list of publications\n"
        "PREFIX sg: <https://w3id.org/sgraph/ontology#>\n"
        "SELECT ?p WHERE { ?p a sg:Publication } ORDER BY ?p LIMIT 2\n",
        encoding="utf-8",
    )
    (copied_project / "queries" / "extra.rq").write_text(
        "#+ summary: Only ours\nSELECT (1 AS ?one) WHERE {}\n", encoding="utf-8"
    )
    done = sgraph(copied_project, "queries")
    assert done.returncode == 0, done.stderr
    assert "Our own list of publications" in done.stdout
    assert "replaces the packaged" in done.stdout and "Only ours" in done.stdout
    rows = sgraph(copied_project, "query", "publications", "--format", "csv")
    assert rows.returncode == 0, rows.stderr
    assert len(rows.stdout.splitlines()) == 3  # header + the LIMIT 2 of the local query


# -- sgraph init -----------------------------------------------------------------------------


def test_init_then_build(tmp_path: Path) -> None:
    done = sgraph(tmp_path, "init", "lscp")
    assert done.returncode == 0, done.stderr
    root = tmp_path / "lscp"
    for rel in ("sgraph.toml", "README.md", "data/triples/sources.ttl", "queries/organisations.rq"):
        assert (root / rel).is_file(), rel
    assert "include-packaged = true" in (root / "sgraph.toml").read_text()
    built = sgraph(root, "build")
    assert built.returncode == 0, built.stdout + built.stderr
    assert "(the working folder's graph) with the packaged graph included" in built.stdout
    graph = (root / "dist" / "graph.ttl").read_text(encoding="utf-8")
    assert "Example Safeguarding Children Partnership" in graph
    assert "Annie Hudson" in graph  # the packaged graph, included
    trig = (root / "dist" / "graph.trig").read_text(encoding="utf-8")
    assert "graph/sgraph/people" in trig and "graph/organisations" in trig
    listed = sgraph(root, "query", "organisations", "--format", "csv")
    assert "Example Safeguarding Children Partnership" in listed.stdout


def test_init_needs_the_packaged_graph_it_points_at(tmp_path: Path) -> None:
    sgraph(tmp_path, "init", "lscp")
    toml = tmp_path / "lscp" / "sgraph.toml"
    toml.write_text(toml.read_text().replace("include-packaged = true", "include-packaged = false"))
    done = sgraph(tmp_path / "lscp", "validate")
    assert done.returncode == 1  # the Act it names is no longer in the graph
    assert "example-safeguarding-children-partnership" in done.stdout
    assert "establishedUnder" in done.stdout


def test_init_standalone_builds(tmp_path: Path) -> None:
    assert sgraph(tmp_path, "init", "alone", "--standalone").returncode == 0
    built = sgraph(tmp_path / "alone", "build")
    assert built.returncode == 0, built.stdout + built.stderr
    assert "Annie Hudson" not in (tmp_path / "alone" / "dist" / "graph.ttl").read_text()


def test_init_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    done = sgraph(tmp_path, "init", "busy")
    assert done.returncode == 2 and "is not empty" in done.stderr
    assert [p.name for p in (tmp_path / "busy").iterdir()] == ["notes.txt"]


def test_add_does_not_write_into_the_packaged_graph(tmp_path: Path) -> None:
    done = sgraph(tmp_path, "add", str(CURATE / "new-references.txt"))
    assert done.returncode == 2
    assert "the graph packaged with sgraph" in done.stderr and "sgraph init" in done.stderr


def test_add_in_an_init_project_reuses_packaged_entities(tmp_path: Path) -> None:
    sgraph(tmp_path, "init", "lscp")
    root = tmp_path / "lscp"
    refs = root / "refs.txt"
    refs.write_text((CURATE / "new-references.txt").read_text(encoding="utf-8"))
    done = sgraph(root, "add", str(refs))
    assert done.returncode == 0, done.stdout + done.stderr
    written = "".join(p.read_text() for p in (root / "data" / "triples").glob("*.ttl"))
    # People and organisations of the packaged graph are matched, not written again.
    assert "sgorg:department-for-education\n    a " not in written
    assert sgraph(root, "validate").returncode == 0


def test_python_m_sgraph_uses_the_same_rule(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sgraph", "validate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={k: v for k, v in os.environ.items() if not k.startswith("SGRAPH_")},
    )
    assert done.returncode == 0, done.stderr
    assert "(the graph packaged with sgraph)" in done.stderr
