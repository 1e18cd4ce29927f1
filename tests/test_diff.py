"""``sgraph diff``: statements added and removed between two builds, grouped by entity."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from sgraph.export.diff import diff_graphs

PERSON = "https://w3id.org/sgraph/id/person/"


def _variant(dist_dir: Path, tmp_path: Path) -> Path:
    """A copy of the build's N-Triples with one statement removed and two added."""
    lines = (dist_dir / "graph.nt").read_text(encoding="utf-8").splitlines(keepends=True)
    removed = next(
        line
        for line in lines
        if line.startswith(f"<{PERSON}annie-hudson> <http://xmlns.com/foaf/0.1/name>")
    )
    lines.remove(removed)
    lines.append(f'<{PERSON}new-person> <http://xmlns.com/foaf/0.1/name> "New Person" .\n')
    lines.append(
        f"<{PERSON}new-person> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://xmlns.com/foaf/0.1/Person> .\n"
    )
    out = tmp_path / "new"
    out.mkdir()
    (out / "graph.nt").write_text("".join(lines), encoding="utf-8")
    return out


def test_diff_groups_changes_by_entity(dist_dir: Path, tmp_path: Path) -> None:
    result = diff_graphs(dist_dir, _variant(dist_dir, tmp_path))
    assert (result.added, result.removed) == (2, 1)
    subjects = [e.subject.value for e in result.entities]
    assert subjects == [PERSON + "annie-hudson", PERSON + "new-person"]
    text = result.to_text({"sgper": PERSON, "foaf": "http://xmlns.com/foaf/0.1/"})
    assert "sgper:annie-hudson\n  - foaf:name" in text
    assert '  + foaf:name "New Person"' in text


def test_identical_builds_have_no_changes(dist_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.ttl"
    shutil.copy(dist_dir / "graph.ttl", copy)
    result = diff_graphs(dist_dir / "graph.nt", copy)  # different formats, same triples
    assert result.entities == [] and result.added == result.removed == 0


def test_diff_cli_json_and_exit_code(dist_dir: Path, tmp_path: Path) -> None:
    new = _variant(dist_dir, tmp_path)
    res = subprocess.run(
        [sys.executable, "-m", "sgraph", "diff", str(dist_dir), str(new), "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["added"] == 2 and data["removed"] == 1
    assert [e["subject"] for e in data["entities"]] == [
        PERSON + "annie-hudson",
        PERSON + "new-person",
    ]
    text = subprocess.run(
        [sys.executable, "-m", "sgraph", "diff", str(dist_dir), str(new)],
        capture_output=True,
        text=True,
    )
    assert text.returncode == 0 and "2 added, 1 removed" in text.stdout


def test_diff_of_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    res = subprocess.run(
        [sys.executable, "-m", "sgraph", "diff", str(tmp_path), str(tmp_path / "nope")],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 2 and "Error:" in res.stderr
