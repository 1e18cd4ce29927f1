"""Reading input files with clear errors, and writing files and folders so that a failure never
leaves half of them behind."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sgraph.errors import InputError


def read_text(path: Path, *, encoding: str = "utf-8") -> str:
    """The text of an input file; unreadable or non-UTF-8 files raise ``InputError``."""
    try:
        return Path(path).read_text(encoding=encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})",
            hint="save the file as UTF-8",
        ) from None
    except OSError as exc:
        raise InputError(
            f"{path}: cannot read: {exc.strerror}", hint="check the file name"
        ) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


#: The commit record of a multi-file write, in the targets' common folder (see atomic_paths).
JOURNAL = ".sgraph-commit.journal"
_TEMP_RE = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[^.]+\.tmp$")


def _temp_beside(target: Path) -> Path:
    fd, name = tempfile.mkstemp(
        prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent
    )
    os.close(fd)
    return Path(name)


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


@contextlib.contextmanager
def atomic_paths(targets: list[Path]) -> Iterator[list[Path]]:
    """Yield one temporary path beside each of ``targets``; write them, and on success every
    one is flushed to disk (fsync) and renamed onto its target.

    Nothing is renamed until the ``with`` body has written every temporary file, so a failure
    (an exception, a full disk) leaves every target as it was and no temporary file behind.
    Published files get the usual permissions (``0666`` less the umask), not ``mkstemp``'s 0600.

    Several targets are written all or nothing even if the process is killed between two
    renames: before the first, a journal listing every (temporary, target) pair is made
    durable in the targets' common folder (the commit point); the renames follow, then the
    journal goes. :func:`recover_writes` (run when the folder is next read as data) finishes
    the renames of a journal whose process died, and removes the temporary files of a write
    that died before its journal.
    """
    temps: list[Path] = []
    try:
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            temps.append(_temp_beside(target))
        yield list(temps)
        mode = 0o666 & ~_umask()
        for tmp in temps:
            os.chmod(tmp, mode)
            _fsync_file(tmp)
        journal = _write_journal(temps, targets) if len(targets) > 1 else None
        for tmp, target in zip(temps, targets, strict=True):
            os.replace(tmp, target)
        for folder in {t.parent for t in targets}:
            _fsync_dir(folder)
        if journal is not None:
            journal.unlink()
            _fsync_dir(journal.parent)
    finally:
        for tmp in temps:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


def _write_journal(temps: list[Path], targets: list[Path]) -> Path:
    folder = Path(os.path.commonpath([str(t.parent.resolve()) for t in targets]))
    pairs = [
        [str(tmp.resolve().relative_to(folder)), str(t.resolve().relative_to(folder))]
        for tmp, t in zip(temps, targets, strict=True)
    ]
    journal = folder / JOURNAL
    tmp = _temp_beside(journal)
    try:
        tmp.write_text(json.dumps({"pid": os.getpid(), "renames": pairs}), encoding="utf-8")
        _fsync_file(tmp)
        os.replace(tmp, journal)  # the commit point
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    _fsync_dir(folder)
    return journal


def recover_writes(folder: Path) -> list[Path]:
    """Finish or undo a multi-file write into ``folder`` that a killed process left; returns
    the targets it completed.

    A journal whose process is gone is rolled forward (every temporary file it lists that is
    still there is renamed onto its target), then removed; temporary files of dead processes
    that no journal lists (a write killed before its commit point) are removed. A live
    process's write is left alone.
    """
    folder = Path(folder)
    done: list[Path] = []
    journal = folder / JOURNAL
    if journal.is_file():
        try:
            record = json.loads(journal.read_text(encoding="utf-8"))
            pid, pairs = int(record["pid"]), list(record["renames"])
        except (ValueError, KeyError, TypeError, OSError):
            pid, pairs = -1, []
        if _alive(pid):
            return done
        for tmp_rel, target_rel in pairs:
            tmp, target = folder / tmp_rel, folder / target_rel
            if tmp.exists():
                os.replace(tmp, target)
                done.append(target)
        _fsync_dir(folder)
        journal.unlink()
        _fsync_dir(folder)
    if folder.is_dir():
        for item in folder.rglob(".*.tmp"):
            m = _TEMP_RE.match(item.name)
            if m and not _alive(int(m.group("pid"))):
                with contextlib.suppress(FileNotFoundError):
                    item.unlink()
    return done


def atomic_write_files(files: dict[Path, bytes]) -> None:
    """Write every file of ``files`` (path -> bytes) all or nothing: see ``atomic_paths``."""
    targets = [Path(p) for p in files]
    with atomic_paths(targets) as temps:
        for tmp, data in zip(temps, files.values(), strict=True):
            tmp.write_bytes(data)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename."""
    atomic_write_files({Path(path): data})


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_STAGE_RE = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[^.]+\.(?P<what>stage|old)$")


def exchange_paths(a: Path, b: Path) -> bool:
    """Swap two existing paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``).

    False where the system or the file system cannot (then nothing was changed).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(a))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_staged(target: Path) -> list[Path]:
    """Finish or undo what a killed ``staged_dir`` left beside ``target``; the paths removed.

    A stage or old folder whose process is gone is removed, except that an old folder is moved
    back when ``target`` itself is missing (a kill between the two renames of the fallback
    swap), so the previous, complete output is there again. Folders of a live process (a
    build running at the same time) are left alone.
    """
    target = Path(target)
    removed: list[Path] = []
    if not target.parent.is_dir():
        return removed
    leftovers = []
    for item in target.parent.iterdir():
        m = _STAGE_RE.match(item.name)
        if m and m.group("name") == target.name and not _alive(int(m.group("pid"))):
            leftovers.append((m.group("what"), item))
    for what, item in sorted(leftovers, key=lambda w: w[0] != "old"):
        if what == "old" and not target.exists():
            os.replace(item, target)
            continue
        shutil.rmtree(item, ignore_errors=True)
        removed.append(item)
    return removed


@contextlib.contextmanager
def staged_dir(target: Path, *, keep_others: bool = True) -> Iterator[Path]:
    """Yield an empty staging folder beside ``target``; on success it replaces ``target``.

    On any exception the staging folder is removed and ``target`` is left exactly as it was.
    With ``keep_others`` (the default), files in ``target`` that the staging folder does not
    hold are kept (a build only replaces what it writes), so other tools' files in ``dist/``
    survive a rebuild; without it ``target`` is replaced as a whole.

    A kill at any moment leaves ``target`` complete, old or new: the swap is one atomic
    exchange of the two folders (``renameat2``; where the file system cannot, two renames,
    undone by the next call if a kill falls between them). Stage folders a killed process
    left behind are removed by the next call (:func:`recover_staged`).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    recover_staged(target)
    stage = Path(
        tempfile.mkdtemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=".stage", dir=target.parent
        )
    )
    os.chmod(stage, 0o777 & ~_umask())  # mkdtemp makes 0700; the published folder is readable
    old = stage.with_name(stage.name[: -len(".stage")] + ".old")  # the fallback swap's
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    try:
        if target.exists() and keep_others:
            for item in target.iterdir():
                if not (stage / item.name).exists():
                    dest = stage / item.name
                    if item.is_dir():
                        shutil.copytree(item, dest, symlinks=True)
                    else:
                        shutil.copy2(item, dest)
        _fsync_dir(stage)
        if not target.exists():
            os.replace(stage, target)
        elif exchange_paths(stage, target):
            shutil.rmtree(stage, ignore_errors=True)  # it holds the old output now
        else:
            os.replace(target, old)
            os.replace(stage, target)
            shutil.rmtree(old, ignore_errors=True)
        _fsync_dir(target.parent)
    except BaseException:
        if not target.exists() and old.exists():
            os.replace(old, target)  # put the previous output back
        shutil.rmtree(stage, ignore_errors=True)
        raise
