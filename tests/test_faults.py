"""`sgraph build` under real kills (issue 17, finding 8).

* ``strace`` fault injection kills the build (SIGKILL) at each rename it makes, in turn; a
  kill at timed moments covers the steps in between. After every kill ``dist/`` is there and
  complete (the same bytes as a clean build) with a foreign file in it kept, and the next build
  leaves no stage folder behind.
* The forked export child is stopped (SIGSTOP, so it cannot finish on its own) and its parent
  killed: the child must die with it.

``strace`` is Debian's ``strace`` package (installed by .ci/run); without it the injection test
is skipped with that reason.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from servers import sgraph_command

FOREIGN = "notes-from-another-tool.txt"
RENAME_CALLS = ("rename", "renameat", "renameat2")


def build_command(data: Path, out: Path) -> list[str]:
    return [*sgraph_command(), "build", "--data", str(data), "--out", str(out)]


def snapshot(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``folder``."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, project_root: Path) -> tuple[Path, dict]:
    """A clean build's files (with the foreign file added), and the data it was built from."""
    root = tmp_path_factory.mktemp("faults")
    data = root / "triples"
    shutil.copytree(project_root / "data" / "triples", data)
    out = root / "reference" / "dist"
    subprocess.run(build_command(data, out), check=True, capture_output=True, timeout=300)
    (out / FOREIGN).write_text("kept across builds\n")
    return data, snapshot(out)


def fresh_dist(tmp_path: Path, data: Path) -> Path:
    out = tmp_path / "dist"
    subprocess.run(build_command(data, out), check=True, capture_output=True, timeout=300)
    (out / FOREIGN).write_text("kept across builds\n")
    return out


def renames_of_a_build(tmp_path: Path, data: Path, out: Path) -> dict[str, int]:
    """How many times a rebuild calls each rename system call (traced, not killed)."""
    log = tmp_path / "trace.txt"
    subprocess.run(
        [
            *("strace", "-f", "-qq", "-e", "trace=" + ",".join(RENAME_CALLS), "-o", str(log)),
            *build_command(data, out),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    text = log.read_text()
    return {call: text.count(f" {call}(") for call in RENAME_CALLS}


def test_a_kill_at_any_rename_leaves_a_complete_dist(
    tmp_path: Path, reference: tuple[Path, dict]
) -> None:
    if shutil.which("strace") is None:
        pytest.skip("strace is not installed (apt-get install strace; .ci/run installs it)")
    data, expected = reference
    out = fresh_dist(tmp_path, data)
    counts = renames_of_a_build(tmp_path, data, out)
    assert sum(counts.values()) >= 2, counts  # at least a temporary file and the swap
    assert snapshot(out) == expected
    kills = 0
    for call, n in counts.items():
        for when in range(1, n + 1):
            done = subprocess.run(
                [
                    *("strace", "-f", "-qq", "-o", os.devnull, "-e", f"trace={call}"),
                    *("-e", f"inject={call}:signal=SIGKILL:when={when}"),
                    *build_command(data, out),
                ],
                capture_output=True,
                timeout=300,
            )
            assert done.returncode != 0, f"the build was not killed at {call} #{when}"
            kills += 1
            assert out.is_dir(), f"no dist/ after a kill at {call} #{when}: {leftovers(out)}"
            assert snapshot(out) == expected, f"dist/ incomplete after a kill at {call} #{when}"
    assert kills == sum(counts.values())
    subprocess.run(build_command(data, out), check=True, capture_output=True, timeout=300)
    assert snapshot(out) == expected
    assert leftovers(out) == []


@pytest.mark.parametrize("after_s", [0.5, 1.5, 2.5, 3.5])
def test_a_kill_at_a_chosen_moment_leaves_a_complete_dist_and_the_next_build_cleans_up(
    tmp_path: Path, reference: tuple[Path, dict], after_s: float
) -> None:
    data, expected = reference
    out = fresh_dist(tmp_path, data)
    proc = subprocess.Popen(
        build_command(data, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(after_s)
    proc.kill()
    proc.wait()
    time.sleep(0.3)  # let an orphaned export child (if any) show itself
    assert out.is_dir() and snapshot(out) == expected, leftovers(out)
    subprocess.run(build_command(data, out), check=True, capture_output=True, timeout=300)
    assert snapshot(out) == expected
    assert leftovers(out) == [], "a stage folder of the killed build is still there"


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_the_export_child_dies_with_its_parent(
    tmp_path: Path, reference: tuple[Path, dict]
) -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs Linux /proc")
    data, expected = reference
    out = fresh_dist(tmp_path, data)
    proc = subprocess.Popen(
        build_command(data, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    child = None
    try:
        deadline = time.monotonic() + 120
        while child is None and time.monotonic() < deadline and proc.poll() is None:
            kids = children_of(proc.pid)
            child = kids[0] if kids else None
            time.sleep(0.01)
        assert child is not None, "the build forked no export child"
        os.kill(child, signal.SIGSTOP)  # it cannot finish on its own now
        proc.kill()
        proc.wait()
        deadline = time.monotonic() + 5
        while alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(child), "the export child outlived its killed parent"
    finally:
        if child is not None and alive(child):
            os.kill(child, signal.SIGKILL)
    assert out.is_dir() and snapshot(out) == expected


# -- sgraph add across files (finding 9) ------------------------------------------------------
NEW_REFS = """# source: https://example.org/hardening/reference-list
Quayle-Fenwick, Z. (2021) A review of kill-safe writing across data files (PDF). London: Fenwick Institute of Durable Records.
"""


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def add_command(refs: Path, data: Path, *extra: str) -> list[str]:
    return [*sgraph_command(), "add", str(refs), "--data", str(data), *extra]


def test_a_kill_at_any_rename_of_sgraph_add_leaves_all_files_old_or_all_new(
    tmp_path: Path, project_root: Path
) -> None:
    if shutil.which("strace") is None:
        pytest.skip("strace is not installed (apt-get install strace; .ci/run installs it)")
    refs = tmp_path / "refs.txt"
    refs.write_text(NEW_REFS, encoding="utf-8")
    pristine = tmp_path / "pristine"
    shutil.copytree(project_root / "data" / "triples", pristine)
    before = digest(pristine)
    # the outcome of an add that is not killed, and the renames it makes
    done_dir = tmp_path / "done"
    shutil.copytree(pristine, done_dir)
    log = tmp_path / "trace.txt"
    subprocess.run(
        [
            *("strace", "-f", "-qq", "-e", "trace=" + ",".join(RENAME_CALLS), "-o", str(log)),
            *add_command(refs, done_dir),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    after = digest(done_dir)
    changed = sorted(k for k in after if before.get(k) != after[k])
    assert len(changed) >= 3, changed  # people, organisations, publications, sources
    renames = [
        line for line in log.read_text().splitlines() if str(done_dir) in line and "rename" in line
    ]
    assert len(renames) >= len(changed)
    calls = {call: log.read_text().count(f" {call}(") for call in RENAME_CALLS}
    for call, n in calls.items():
        for when in range(1, n + 1):
            data = tmp_path / f"killed-{call}-{when}"
            shutil.copytree(pristine, data)
            killed = subprocess.run(
                [
                    *("strace", "-f", "-qq", "-o", os.devnull, "-e", f"trace={call}"),
                    *("-e", f"inject={call}:signal=SIGKILL:when={when}"),
                    *add_command(refs, data),
                ],
                capture_output=True,
                timeout=300,
            )
            assert killed.returncode != 0, f"not killed at {call} #{when}"
            # the next run reads the folder as its last complete write
            subprocess.run(
                add_command(refs, data, "--dry-run"), check=True, capture_output=True, timeout=300
            )
            state = digest(data)
            assert state in (before, after), (
                f"a kill at {call} #{when} left a mix: "
                + ", ".join(k for k in changed if state.get(k) not in (before[k], after[k]))
                + f"; files {sorted(set(state) ^ set(before))}"
            )
            assert not any(name.endswith((".tmp", ".journal")) for name in state), state
