"""The build's files served by ``sgraph serve``: the dumps (``/dumps/graph.ttl`` ...), ``void.ttl``
and ``context.jsonld``, streamed from disk.

With ``--dist`` they are the build's own files. Without it they are made once, the first time
one is asked for, by a thread that writes every dump, its gzipped copy, the context and VoID
(which needs the dumps' sizes) into a folder beside the persisted store (``served/VERSION/``,
kept for the next start of the same graph; a temporary folder for a graph only in memory). The
event loop only waits for that thread, so every other request -- ``/api/limits`` included -- is
answered meanwhile, and no dump is ever held in the server's memory: each is a ``FileResponse``.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

from starlette.responses import FileResponse

from sgraph.errors import NotFoundError
from sgraph.export.dumps import dump_files
from sgraph.io import staged_dir
from sgraph.rdf.formats import GRAPH_FORMATS
from sgraph.store import GraphStore

_EXTRA = {
    "void.ttl": GRAPH_FORMATS["turtle"].content_type,
    "context.jsonld": GRAPH_FORMATS["jsonld"].content_type,
}


def media_type(name: str) -> str:
    """The media type of a servable file name; NotFoundError for any other name."""
    dumps = dump_files()
    plain = name[:-3] if name.endswith(".gz") else name
    if plain in dumps:
        return "application/gzip" if name.endswith(".gz") else dumps[plain].content_type
    if name in _EXTRA:
        return _EXTRA[name]
    raise NotFoundError(
        f"no file called {name!r} here",
        hint="the dumps are " + ", ".join(sorted(dumps)) + " (and each with .gz)",
    )


def make_files(gs: GraphStore, folder: Path) -> None:
    """Every dump (and its .gz), context.jsonld and void.ttl of ``gs``, written into ``folder``
    (replaced as a whole: a reader sees the old folder or the complete new one)."""
    from sgraph.export.dumps import jsonld_context
    from sgraph.export.publish import _write_files
    from sgraph.export.void import dump_sizes, void_turtle
    from sgraph.rdf.jsonld import context_document
    from sgraph.rdf.stats import stats_of_store
    from sgraph.serialize import paused_gc

    with paused_gc(), staged_dir(folder, keep_others=False) as stage:
        stats = stats_of_store(gs.store)
        context = jsonld_context(gs, stats)
        paths = {name: stage / fmt.filename for name, fmt in GRAPH_FORMATS.items()}
        _write_files(gs, paths, context, stage)
        (stage / "context.jsonld").write_text(context_document(context), encoding="utf-8")
        sizes = dump_sizes(stage)
        (stage / "void.ttl").write_text(void_turtle(gs, sizes, None, stats), encoding="utf-8")


class ServedFiles:
    """Where the served files are, and the one making of them when there is no build."""

    def __init__(self, gs: GraphStore, dist_dir: Path | None, version: str) -> None:
        self.gs = gs
        self.dist_dir = dist_dir
        self._tmp: Path | None = None
        if dist_dir is not None:
            self.folder = Path(dist_dir)
        elif gs.disk_path is not None:
            self.folder = gs.disk_path.parent / "served" / version
        else:
            self._tmp = Path(tempfile.mkdtemp(prefix="sgraph-files-"))
            self.folder = self._tmp / "files"
        self._making: asyncio.Future[None] | None = None

    async def response(self, name: str) -> FileResponse:
        media = media_type(name)
        path = self.folder / name
        if self.dist_dir is not None:
            if not path.is_file():
                raise NotFoundError(
                    f"{name} is not in the build folder {self.dist_dir}",
                    hint="run `sgraph build` to write every dump",
                )
            return FileResponse(path, media_type=media)
        if not (self.folder / "void.ttl").is_file():  # void.ttl is written last
            if self._making is None or (self._making.done() and self._making.exception()):
                loop = asyncio.get_running_loop()
                self._making = loop.run_in_executor(None, self._make)
            await asyncio.shield(self._making)
        return FileResponse(path, media_type=media)

    def _make(self) -> None:
        make_files(self.gs, self.folder)
        if self._tmp is None:  # the files of earlier versions of this store are stale now
            for old in self.folder.parent.iterdir():
                if old.name != self.folder.name and not old.name.startswith("."):
                    shutil.rmtree(old, ignore_errors=True)

    def close(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
