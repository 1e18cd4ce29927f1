"""A persistent embedded store, so that commands on a large data set do not re-parse on every start.

Layout of a store folder (the commands' default is ``default_store_path``: one per data folder
in ``~/.cache/sgraph/stores/``)::

    STORE/
        oxigraph/        the materialised dataset, an on-disk pyoxigraph store
        graph.nq         the same quads as an N-Quads snapshot (the fastest way into memory)
        subjects.tsv     file <TAB> line <TAB> IRI: where each entity is written (for messages)
        results/         answers stored by `sgraph serve` (``sgraph.server.tier``), if any
        manifest.json    what the store was built from (written last: no manifest, no store)

The manifest lists every data file (path, size, mtime, sha256), the ontology and rule files
(sha256), the base IRI and the sgraph version. ``open_graph`` compares it with the sources: a
change of any size or hash (or a file added or removed) rebuilds the store; a changed mtime with an
unchanged hash does not.

The manifest also records what the store itself holds (``contents``): the number of quads and the
size and sha256 of every file of ``oxigraph/`` (but RocksDB's ``LOCK`` and info ``LOG``, which an
open changes), of ``subjects.tsv`` and of ``graph.nq``. Every open checks them (about 1 s per GiB
of store; the snapshot only when it is read) and a store that does not match -- a file missing,
truncated or altered, a bad index line, a snapshot with fewer quads -- is rebuilt with a one-line
notice: never a silently partial graph.

Scans and aggregates on the on-disk store are several times slower than in memory, so
``open_graph(..., memory=True)`` returns an in-memory copy bulk-loaded from the N-Quads snapshot
(about 6x faster than re-parsing Turtle and re-materialising at 100k triples; see
docs/benchmarks.md for the measured trade-off).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from sgraph import environment
from sgraph.config import Settings
from sgraph.errors import InputError
from sgraph.io import atomic_paths, atomic_write_text, staged_dir
from sgraph.materialise import load_ontology, rule_files
from sgraph.sources import INCLUDED_GRAPHS, SourceFile, data_files, graph_iri
from sgraph.store import GraphStore

DEFAULT_STORE_DIR = Path(".sgraph-store")  # used by tools that pass no path (bench)
FORMAT_VERSION = 1
_MANIFEST = "manifest.json"
_SUBJECTS = "subjects.tsv"
_STORE = "oxigraph"
_SNAPSHOT = "graph.nq"
_CONTENTS = "contents"
#: The stored results of a server on this store (``sgraph.server.tier``); a rebuild removes them.
RESULTS_DIR = "results"
#: files of the on-disk store that opening it changes (RocksDB's lock and its info log)
_VOLATILE = ("LOCK", "LOG")


class DamagedStore(Exception):
    """The store's files do not match its manifest (the message says which and how)."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("sgraph")
    except Exception:  # pragma: no cover - not installed
        return "unknown"


@dataclass(frozen=True)
class FileStamp:
    path: str
    size: int
    mtime_ns: int
    sha256: str


def _stamp(path: Path, known: dict[str, FileStamp] | None = None) -> FileStamp:
    st = path.stat()
    key = str(path.resolve())
    old = (known or {}).get(key)
    if old is not None and old.size == st.st_size and old.mtime_ns == st.st_mtime_ns:
        return old  # unchanged size and mtime: trust the recorded hash
    return FileStamp(key, st.st_size, st.st_mtime_ns, _sha256(path))


def source_manifest(settings: Settings, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a store built now from ``settings`` would be built from."""
    known: dict[str, FileStamp] = {}
    if previous:
        for entry in previous.get("data", []) + previous.get("ontology", []):
            known[entry["path"]] = FileStamp(**entry)
    data = [_stamp(p, known) for p in data_files([settings.data_dir, *settings.included])]
    onto = [settings.ontology_file, *rule_files(settings.rules_dir)]
    return {
        "format": FORMAT_VERSION,
        "sgraph": _version(),
        "base": settings.base,
        "data": [vars(s) for s in data],
        "ontology": [vars(_stamp(p, known)) for p in onto],
    }


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal apart from mtimes (a touched but unchanged file does not force a rebuild)."""

    def strip(m: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in m.items() if k != _CONTENTS}
        for key in ("data", "ontology"):
            out[key] = [{k: v for k, v in e.items() if k != "mtime_ns"} for e in m.get(key, [])]
        return out

    return strip(a) == strip(b)


def read_manifest(store_path: Path) -> dict[str, Any] | None:
    path = store_path / _MANIFEST
    if not path.is_file() or not (store_path / _STORE).is_dir():
        return None
    try:
        body: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return body


def is_current(settings: Settings, store_path: Path) -> bool:
    old = read_manifest(store_path)
    return old is not None and _same(old, source_manifest(settings, old))


def rebuild(settings: Settings, store_path: Path) -> GraphStore:
    """Parse and materialise the sources in memory, then write them into a new on-disk store."""
    gs = GraphStore.load(settings)
    manifest = source_manifest(settings)
    store_path.mkdir(parents=True, exist_ok=True)
    # Remove the manifest first: a store without one is never trusted.
    (store_path / _MANIFEST).unlink(missing_ok=True)
    (store_path / _SNAPSHOT).unlink(missing_ok=True)
    shutil.rmtree(store_path / RESULTS_DIR, ignore_errors=True)  # answers of the old graph
    with staged_dir(store_path / _STORE, keep_others=False) as stage:
        disk = ox.Store(str(stage))
        disk.bulk_extend(gs.store)
        disk.flush()
        del disk
    with atomic_paths([store_path / _SNAPSHOT]) as (snapshot,):
        gs.store.dump(str(snapshot), ox.RdfFormat.N_QUADS)
    lines = [
        f"{src.path}\t{line}\t{iri}\n"
        for src in gs.sources
        for iri, line in sorted(src.subjects.items(), key=lambda kv: kv[1])
    ]
    atomic_write_text(store_path / _SUBJECTS, "".join(lines))
    manifest[_CONTENTS] = {
        "quads": len(gs.store),
        "triples": len(gs),  # distinct triples of the union: slow to count on disk, so kept
        "files": _checksums(store_path, snapshot=True),
    }
    atomic_write_text(store_path / _MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return gs


def _content_files(store_path: Path, *, snapshot: bool) -> list[str]:
    """The store's files that the manifest's checksums cover, relative to ``store_path``."""
    disk = store_path / _STORE
    names = sorted(
        f"{_STORE}/{p.name}"
        for p in (disk.iterdir() if disk.is_dir() else [])
        if p.is_file() and not p.name.startswith(_VOLATILE)
    )
    return [*names, _SUBJECTS, *([_SNAPSHOT] if snapshot else [])]


def _checksums(store_path: Path, *, snapshot: bool) -> dict[str, list[Any]]:
    names = _content_files(store_path, snapshot=snapshot)
    with ThreadPoolExecutor(max_workers=4) as pool:  # hashlib releases the GIL
        sums = list(pool.map(lambda n: _sha256(store_path / n), names))
    return {n: [(store_path / n).stat().st_size, h] for n, h in zip(names, sums, strict=True)}


def verify(store_path: Path, manifest: dict[str, Any], *, snapshot: bool = False) -> None:
    """DamagedStore unless the store's files are those its manifest lists, byte for byte
    (the N-Quads snapshot too when ``snapshot``)."""
    contents = manifest.get(_CONTENTS)
    if not isinstance(contents, dict) or not isinstance(contents.get("files"), dict):
        raise DamagedStore("its manifest has no checksums (written by an older sgraph)")
    recorded: dict[str, list[Any]] = contents["files"]
    wanted = {n: v for n, v in recorded.items() if snapshot or n != _SNAPSHOT}
    for name, (size, _) in sorted(wanted.items()):
        path = store_path / name
        if not path.is_file():
            raise DamagedStore(f"{name} is missing")
        if path.stat().st_size != size:
            raise DamagedStore(f"{name} has {path.stat().st_size} bytes, the manifest says {size}")
    names = sorted(wanted)
    with ThreadPoolExecutor(max_workers=4) as pool:
        sums = list(pool.map(lambda n: _sha256(store_path / n), names))
    for name, got in zip(names, sums, strict=True):
        if got != wanted[name][1]:
            raise DamagedStore(f"{name} does not match its checksum")


def _sources_from_index(settings: Settings, store_path: Path) -> list[SourceFile]:
    by_path: dict[str, SourceFile] = {}
    for f in data_files([settings.data_dir]):
        by_path[str(f)] = SourceFile(path=f, graph=graph_iri(f, settings.base), triples=[])
    for f in data_files(list(settings.included)) if settings.included else []:
        graph = graph_iri(f, settings.base, INCLUDED_GRAPHS)
        by_path.setdefault(str(f), SourceFile(path=f, graph=graph, triples=[]))
    index = store_path / _SUBJECTS
    try:
        with open(index, encoding="utf-8") as handle:
            for number, row in enumerate(handle, 1):
                parts = row.rstrip("\n").split("\t", 2)
                if len(parts) != 3 or not parts[1].isdigit():
                    raise DamagedStore(f"{_SUBJECTS} line {number} is not FILE<TAB>LINE<TAB>IRI")
                src = by_path.get(parts[0])
                if src is not None:
                    src.subjects.setdefault(parts[2], int(parts[1]))
    except (OSError, UnicodeDecodeError) as exc:
        raise DamagedStore(f"{_SUBJECTS} cannot be read ({exc})") from None
    return list(by_path.values())


def default_store_path(settings: Settings) -> Path:
    """The store a command uses when given no ``--store``: one per resolved data folder (with
    the ontology and included graphs it is read with) and base IRI, in the user's cache
    (``$XDG_CACHE_HOME/sgraph/stores/``, else ``~/.cache/sgraph/stores/``)."""
    cache = environment.read("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    parts = [settings.data_dir, settings.ontology_dir, *settings.included]
    text = "\n".join([*(str(p.resolve()) for p in parts), settings.base])
    key = hashlib.sha256(text.encode()).hexdigest()[:16]
    return Path(cache) / "sgraph" / "stores" / f"{settings.data_dir.resolve().name}-{key}"


def open_graph(
    settings: Settings | None = None,
    store_path: Path | None = None,
    *,
    memory: bool = False,
    rebuild_if_stale: bool = True,
    progress: Callable[[str], None] | None = None,
) -> GraphStore:
    """The materialised graph of ``settings.data_dir``, kept in an on-disk store at ``store_path``.

    The store is (re)built when it is missing or its manifest does not match the sources.
    ``gs.store`` is the on-disk store, or, with ``memory=True``, an in-memory copy of it (faster
    for scans and aggregates). The returned ``gs.sources`` hold no triples (they are in the store)
    but do know where each entity is written, so ``gs.locate`` works.
    """
    settings = settings or Settings()
    store_path = Path(store_path) if store_path is not None else Path.cwd() / DEFAULT_STORE_DIR
    if store_path.exists() and not store_path.is_dir():
        raise InputError(
            f"{store_path}: exists and is not a folder", hint="give --store a folder path"
        )
    if not is_current(settings, store_path):
        if not rebuild_if_stale:
            raise InputError(
                f"{store_path}: the store is missing or older than the sources",
                hint="run without --no-rebuild, or delete the folder to rebuild it",
            )
        if progress is not None:
            progress(f"Building the persistent store {store_path} (new or sources changed) ...")
        gs = rebuild(settings, store_path)
        if memory:
            gs.disk_path = store_path / _STORE
            return gs  # already in memory
    try:
        return _open_checked(settings, store_path, memory)
    except DamagedStore as exc:
        if not rebuild_if_stale:
            raise InputError(
                f"{store_path}: the store is damaged: {exc}",
                hint="run without --no-rebuild, or delete the folder to rebuild it",
            ) from None
        (progress or _notice)(
            f"The persistent store {store_path} is damaged ({exc}): rebuilding it ..."
        )
    gs = rebuild(settings, store_path)
    if memory:
        gs.disk_path = store_path / _STORE
        return gs
    return _open_checked(settings, store_path, memory)


def triple_count(gs: GraphStore) -> int:
    """``len(gs)``, read from the store's manifest when ``gs`` was opened from one."""
    if gs.disk_path is not None:
        manifest = read_manifest(gs.disk_path.parent)
        triples = (manifest or {}).get(_CONTENTS, {}).get("triples")
        if isinstance(triples, int):
            return triples
    return len(gs)


def _notice(message: str) -> None:
    print(message, file=sys.stderr)


def _open_checked(settings: Settings, store_path: Path, memory: bool) -> GraphStore:
    """Open the store after checking it against its manifest; DamagedStore when it does not match."""
    manifest = read_manifest(store_path)
    if manifest is None:
        raise DamagedStore(f"{_MANIFEST} cannot be read")
    snapshot = store_path / _SNAPSHOT
    verify(store_path, manifest, snapshot=memory)
    quads = int(manifest[_CONTENTS].get("quads", -1))
    # Read-only: several processes (a server and a query) can open the same store at once.
    try:
        disk = ox.Store.read_only(str(store_path / _STORE))
    except (OSError, RuntimeError) as exc:  # RocksDB reports corruption as RuntimeError
        raise DamagedStore(f"{_STORE}/ cannot be opened ({exc})") from None
    store = disk
    if memory:
        # Dumping N-Quads from the disk store and bulk-loading them is much faster than
        # copying quad by quad through Python (see docs/benchmarks.md).
        store = ox.Store()
        try:
            store.bulk_load(path=str(snapshot), format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError) as exc:
            raise DamagedStore(f"{_SNAPSHOT} cannot be read ({exc})") from None
        if len(store) != quads:
            raise DamagedStore(f"{_SNAPSHOT} holds {len(store)} quads, the manifest says {quads}")
    ontology = load_ontology(settings.ontology_file, settings.base)
    return GraphStore(
        store=store,
        settings=settings,
        ontology=ontology,
        sources=_sources_from_index(settings, store_path),
        disk_path=store_path / _STORE,
    )
