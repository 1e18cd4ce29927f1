"""The build: conforming output, determinism, syntax errors, untouched output on failure."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sgraph.build import build
from sgraph.cli import cli
from sgraph.config import Settings
from sgraph.errors import DataSyntaxError, ValidationError

MINIMAL = """\
@prefix sg: <https://w3id.org/sgraph/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .

<https://example.org/source> a sg:Source ;
    dcterms:title "An example page" .

<https://w3id.org/sgraph/id/organisation/example-panel>
    a sg:Panel ;
    dcterms:source <https://example.org/source> ;
    foaf:name "Example panel" .
"""


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_build_writes_conforming_graph(built, dist_dir: Path) -> None:
    assert built.report.conforms
    for name in ("graph.ttl", "ontology.ttl", "shapes.ttl"):
        assert (dist_dir / name).stat().st_size > 0
    assert built.triples > 0 and built.entities > 0


def test_summary_groups_warnings_by_what_they_say(built) -> None:
    """The build summary stays short however many warnings there are: one line per kind of
    warning with its count and first place, every warning counted once."""
    warnings = built.report.warnings
    assert len(warnings) > 20  # the curated data has many (missing dates, themes, authors)
    summary = built.summary().splitlines()
    kinds = {w.message for w in warnings}
    counted = [line for line in summary if line.strip() and line.split()[0].isdigit()]
    lines = [line for line in counted if line.split(None, 1)[1] in kinds]
    assert len(lines) == len(kinds) < len(warnings)
    assert sum(int(line.split()[0]) for line in lines) == len(warnings)
    assert sum(1 for line in summary if line.lstrip().startswith("first at ")) == len(kinds)
    assert any("sgraph validate" in line for line in summary)


def test_build_output_is_deterministic_across_hash_seeds(
    tmp_path: Path, project_root: Path
) -> None:
    digests = []
    for seed in ("0", "12345"):
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "sgraph.cli", "build", "--out", str(out)],
            check=True,
            env=env,
            cwd=project_root,
            capture_output=True,
        )
        digests.append(_tree_digest(out))
    assert digests[0] == digests[1]
    assert "graph.ttl" in digests[0]


def test_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "good.ttl").write_text(MINIMAL)
    (data / "bad.ttl").write_text(
        '@prefix ex: <http://example.org/> .\n\nex:a ex:b "unterminated .\n'
    )
    with pytest.raises(DataSyntaxError) as info:
        build(Settings(data_dir=data), tmp_path / "out")
    err = info.value
    assert err.path is not None and err.path.name == "bad.ttl"
    assert err.line == 3
    assert err.column is not None
    assert "bad.ttl:3:" in str(err)


def test_validate_cli_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n")
    result = runner.invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "bad.ttl:2:" in result.output

    invalid = tmp_path / "invalid.ttl"
    invalid.write_text(MINIMAL.replace('foaf:name "Example panel" .', 'foaf:name "A", "B" .'))
    result = runner.invoke(cli, ["validate", str(invalid), "--format", "json"])
    assert result.exit_code == 1, result.output
    assert '"conforms": false' in result.output
    assert "invalid.ttl" in result.output  # the focus node's file is named


def test_failed_build_leaves_output_untouched(tmp_path: Path, dist_dir: Path) -> None:
    out = tmp_path / "dist"
    shutil.copytree(dist_dir, out)
    (out / "keep-me.txt").write_text("mine")
    before = _tree_digest(out)

    data = tmp_path / "data"
    data.mkdir()
    (data / "invalid.ttl").write_text(
        MINIMAL.replace('foaf:name "Example panel" .', 'foaf:name "A", "B" .')
    )
    with pytest.raises(ValidationError):
        build(Settings(data_dir=data), out)
    assert _tree_digest(out) == before
    assert not [
        p for p in tmp_path.iterdir() if p.name.startswith(".dist.")
    ]  # no staging left over

    (data / "invalid.ttl").write_text("this is not turtle")
    with pytest.raises(DataSyntaxError):
        build(Settings(data_dir=data), out)
    assert _tree_digest(out) == before


def test_successful_rebuild_keeps_foreign_files(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "org.ttl").write_text(MINIMAL)
    out = tmp_path / "dist"
    out.mkdir()
    (out / "notes.txt").write_text("kept")
    result = build(Settings(data_dir=data), out)
    assert (out / "notes.txt").read_text() == "kept"
    assert "Example panel" in (out / "graph.ttl").read_text()
    assert result.entities == 1


def test_instances_get_superclass_types_and_standard_triples(graph_store) -> None:
    text = "\n".join(str(t) for t in graph_store.triples())
    assert "<http://purl.org/dc/terms/creator>" in text
    assert "<http://xmlns.com/foaf/0.1/Person>" in text
    assert "<http://www.w3.org/ns/org#Membership>" in text
