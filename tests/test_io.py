"""The one atomic writer (`sgraph.io`): all or nothing, readable permissions, no leftovers."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sgraph.io import atomic_paths, atomic_write_bytes, atomic_write_files, staged_dir


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_atomic_write_replaces_with_readable_permissions(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.ttl"
    atomic_write_bytes(target, b"first")
    atomic_write_bytes(target, b"second")
    assert target.read_bytes() == b"second"
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~_umask()
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.ttl"]


def test_a_failure_while_writing_leaves_every_target_as_it_was(tmp_path: Path) -> None:
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    a.write_bytes(b"old a")
    b.write_bytes(b"old b")
    with pytest.raises(RuntimeError), atomic_paths([a, b]) as (ta, tb):
        ta.write_bytes(b"new a")
        tb.write_bytes(b"new b")
        raise RuntimeError("disk full")
    assert (a.read_bytes(), b.read_bytes()) == (b"old a", b"old b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ttl", "b.ttl"]


def test_write_files_renames_nothing_if_one_cannot_be_written(tmp_path: Path) -> None:
    good = tmp_path / "good.ttl"
    good.write_bytes(b"old")
    (tmp_path / "blocked").write_text("a file where a folder should be")
    with pytest.raises(OSError):
        atomic_write_files({good: b"new", tmp_path / "blocked" / "x.ttl": b"x"})
    assert good.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocked", "good.ttl"]


def test_every_file_is_flushed_to_disk_before_it_is_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[bytes] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:  # records what is on disk when fsync is called; then syncs
        try:
            synced.append(os.pread(fd, 100, 0))
        except OSError:  # a folder
            synced.append(b"<folder>")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    atomic_write_files({tmp_path / "a": b"A", tmp_path / "b": b"B"})
    # the two files, then the journal (the commit point), then the folder after each step
    assert synced[:2] == [b"A", b"B"] and synced[2].startswith(b'{"pid"')
    assert set(synced[3:]) == {b"<folder>"}


def test_staged_dir_swaps_a_folder_or_keeps_it(tmp_path: Path) -> None:
    target = tmp_path / "dist"
    with staged_dir(target) as stage:
        (stage / "x").write_text("1")
    with pytest.raises(ValueError), staged_dir(target) as stage:
        (stage / "x").write_text("2")
        raise ValueError("validation failed")
    assert (target / "x").read_text() == "1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def _dead_pid() -> int:
    import subprocess

    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_the_next_staged_dir_removes_what_a_killed_one_left(tmp_path: Path) -> None:
    target = tmp_path / "dist"
    target.mkdir()
    (target / "graph.ttl").write_text("old")
    dead, live = _dead_pid(), os.getppid()
    for name in (f".dist.{dead}.abc.stage", f".dist.{dead}.def.old", f".dist.{live}.ghi.stage"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "big.nt").write_text("abandoned")
    with staged_dir(target) as stage:
        (stage / "graph.ttl").write_text("new")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f".dist.{live}.ghi.stage", "dist"]  # a live build's stage is left alone
    assert (target / "graph.ttl").read_text() == "new"


def test_a_kill_between_the_fallback_renames_is_undone_by_the_next_call(tmp_path: Path) -> None:
    """Where the folders cannot be exchanged atomically, a kill after ``dist`` -> old and
    before stage -> ``dist`` leaves only the old folder: the next call puts it back first, so
    a foreign file in it is kept."""
    target = tmp_path / "dist"
    dead = _dead_pid()
    old = tmp_path / f".dist.{dead}.abc.old"
    old.mkdir()
    (old / "graph.ttl").write_text("old")
    (old / "foreign.txt").write_text("another tool's")
    (tmp_path / f".dist.{dead}.abc.stage").mkdir()
    with staged_dir(target) as stage:
        (stage / "graph.ttl").write_text("new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]
    assert (target / "graph.ttl").read_text() == "new"
    assert (target / "foreign.txt").read_text() == "another tool's"


def test_the_fallback_swap_keeps_the_old_folder_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sgraph.io as sio

    monkeypatch.setattr(sio, "exchange_paths", lambda a, b: False)
    target = tmp_path / "dist"
    target.mkdir()
    (target / "graph.ttl").write_text("old")
    real_replace = os.replace
    calls: list[str] = []

    def failing_second_replace(src: object, dst: object) -> None:
        calls.append(str(dst))
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(sio.os, "replace", failing_second_replace)
    with pytest.raises(OSError), staged_dir(target) as stage:
        (stage / "graph.ttl").write_text("new")
    monkeypatch.setattr(sio.os, "replace", real_replace)
    assert (target / "graph.ttl").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]
