"""Read commands use the persistent store: built once, reused, rebuilt when the sources change."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from sgraph.cli import cli

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?p a sg:Person }"


def _query(data: Path, store: Path, *extra: str) -> tuple[str, str]:
    result = CliRunner().invoke(
        cli,
        ["query", "-", "--format", "csv", "--data", str(data), "--store", str(store), *extra],
        input=COUNT,
    )
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def test_query_builds_reuses_and_rebuilds_the_store(tmp_path: Path, project_root: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(project_root / "data" / "triples", data)
    store = tmp_path / "store"

    first_out, first_err = _query(data, store)
    assert "Building the persistent store" in first_err
    assert (store / "manifest.json").is_file()
    people = int(first_out.splitlines()[1])
    assert people > 0

    again_out, again_err = _query(data, store)
    assert again_out == first_out
    assert "Building" not in again_err  # unchanged sources: the store is reused

    extra = data / "extra.ttl"
    extra.write_text(
        "@prefix sg: <https://w3id.org/sgraph/ontology#> .\n"
        "<https://w3id.org/sgraph/id/person/someone-new> a sg:Person .\n"
    )
    changed_out, changed_err = _query(data, store)
    assert "Building the persistent store" in changed_err
    assert int(changed_out.splitlines()[1]) == people + 1

    fresh_out, fresh_err = _query(data, store, "--no-store")
    assert fresh_out == changed_out
    assert "Building" not in fresh_err
