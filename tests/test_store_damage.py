"""A damaged store cache is noticed and rebuilt, never read as a partial graph (issue 17, #10).

Each test damages a real persisted store (built by ``sgraph.persist``) the way a crash, a full
disk or a bad sector would -- truncating, flipping a bit, deleting a file, breaking an index line
-- and then opens it as the commands do: the graph must be the whole graph, and one line on
stderr must say the store was rebuilt and why.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from sgraph.config import Settings
from sgraph.errors import InputError
from sgraph.persist import open_graph, read_manifest, verify
from sgraph.store import GraphStore
from sgraph.synth import generate


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Path, set[str]]:
    root = tmp_path_factory.mktemp("damage")
    generate(2000, root / "data", seed=11)
    settings = Settings(data_dir=root / "data")
    open_graph(settings, root / "store")
    reference = {str(q) for q in GraphStore.load(settings).store}
    return settings, root / "store", reference


@pytest.fixture
def store(built: tuple[Settings, Path, set[str]], tmp_path: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(built[1], copy)
    return copy


def largest_sst(store: Path) -> Path:
    return max((store / "oxigraph").glob("*.sst"), key=lambda p: p.stat().st_size)


def truncate(path: Path, keep: float = 0.5) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def flip_bit(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x10
    path.write_bytes(bytes(data))


def bad_index_line(store: Path) -> None:
    index = store / "subjects.tsv"
    lines = index.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = "no tabs on this line\n"
    index.write_text("".join(lines), encoding="utf-8")


DAMAGE: dict[str, tuple[Callable[[Path], None], bool, str]] = {
    # name: (damage, open an in-memory copy, what the notice names)
    "truncated snapshot": (lambda s: truncate(s / "graph.nq"), True, "graph.nq"),
    "bit-flipped snapshot": (lambda s: flip_bit(s / "graph.nq"), True, "graph.nq"),
    "truncated sst": (lambda s: truncate(largest_sst(s)), False, ".sst"),
    "bit-flipped sst": (lambda s: flip_bit(largest_sst(s)), False, ".sst"),
    "missing CURRENT": (lambda s: (s / "oxigraph" / "CURRENT").unlink(), False, "CURRENT"),
    "missing sst": (lambda s: largest_sst(s).unlink(), False, ".sst"),
    "missing snapshot": (lambda s: (s / "graph.nq").unlink(), True, "graph.nq"),
    "bad subjects.tsv line": (bad_index_line, False, "subjects.tsv"),
    "missing subjects.tsv": (lambda s: (s / "subjects.tsv").unlink(), False, "subjects.tsv"),
}


@pytest.mark.parametrize("name", list(DAMAGE))
def test_damaged_store_is_rebuilt_with_a_notice(
    name: str,
    built: tuple[Settings, Path, set[str]],
    store: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings, _, reference = built
    damage, memory, named = DAMAGE[name]
    damage(store)
    gs = open_graph(settings, store, memory=memory)
    assert {str(q) for q in gs.store} == reference  # the whole graph, not a part
    notice = capsys.readouterr().err.strip().splitlines()
    assert len(notice) == 1, notice
    assert "damaged" in notice[0] and named in notice[0] and "rebuilding" in notice[0]
    # the rebuilt store checks out and opens without another notice
    manifest = read_manifest(store)
    assert manifest is not None
    verify(store, manifest, snapshot=True)
    again = open_graph(settings, store, memory=memory)
    assert {str(q) for q in again.store} == reference
    assert capsys.readouterr().err == ""


def test_an_intact_store_opens_without_a_notice_and_opening_changes_nothing(
    built: tuple[Settings, Path, set[str]], store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings, _, reference = built
    for memory in (False, True, False):
        gs = open_graph(settings, store, memory=memory)
        assert {str(q) for q in gs.store} == reference
        del gs
    assert capsys.readouterr().err == ""
    manifest = read_manifest(store)
    assert manifest is not None
    verify(store, manifest, snapshot=True)  # a read-only open altered no checked file


def test_damage_with_no_rebuild_is_a_clear_error(
    built: tuple[Settings, Path, set[str]], store: Path
) -> None:
    truncate(largest_sst(store))
    with pytest.raises(InputError, match=r"damaged.*sst"):
        open_graph(built[0], store, rebuild_if_stale=False)
