"""Stored results: the answers of a persisted store's graph, kept on disk beside the store.

The published graph never changes while its store is unchanged, so an answer is a function of
the cache key (``sgraph.server.cache.cache_key``: graph version, query, parameters, dataset,
format, bound). ``ResultTier`` keeps answers as files ``STORE/results/KEY``, so that a
restarted server answers at once what an earlier one computed (the named queries' defaults,
filled by the warm-up of ``sgraph.server.warmup``, and any answer that was slow to compute).

* Each file is one JSON header line (the graph version, the key, the reply's kind, count and
  truncation, the body's length and sha256, and for a result cut at the row cap the address
  its ``head.link`` names), then the body. A cut SPARQL JSON result stored by a server at
  another address is served with this server's link (rewritten); in another format it is
  not served (run again). A file whose header, length or
  checksum does not match (damaged, cut short, another graph version) is ignored and removed:
  never a wrong answer.
* Files are written through the project's one atomic writer (``sgraph.io``): a reader sees the
  old file or the new one, never half of one; temporary files of a killed server are removed
  when the tier is opened.
* The folder is bounded in bytes (``--result-store-bytes`` / ``SGRAPH_RESULT_STORE_BYTES``; 0
  turns it off): past the bound the least recently used files go.
* A rebuild of the store removes the folder (``sgraph.persist.rebuild``); the graph version in
  every key and header means a file of another graph would never be served anyway.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import threading
from collections import OrderedDict
from pathlib import Path

from sgraph.io import atomic_write_bytes, recover_writes
from sgraph.server.worker import QueryReply

log = logging.getLogger("sgraph.server")

#: The default bound of the stored results in bytes (``--result-store-bytes``).
DEFAULT_RESULT_STORE_BYTES = 1024 * 1024 * 1024
_KEY = re.compile(r"^[0-9a-f]{16,64}$")
_FORMAT = 1
_RELINKED, _ELSEWHERE = "relinked", "elsewhere"


class ResultTier:
    """Answers by cache key in ``folder``, at most ``max_bytes`` of files, for graph ``version``."""

    def __init__(self, folder: Path, version: str, max_bytes: int, link: str = "") -> None:
        self.folder = Path(folder)
        self.version = version
        self.link = link  # the head.link of a result cut at the row cap, on this server
        self.max_bytes = max(0, max_bytes)
        self.bytes = 0
        self.hits = 0
        self.writes = 0
        self.enabled = self.max_bytes > 0
        self._lock = threading.Lock()  # reads and writes run in threads
        self._sizes: OrderedDict[str, int] = OrderedDict()  # least recently used first
        if self.enabled:
            self._open()

    def _open(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            recover_writes(self.folder)  # a killed server's temporary files
            found = []
            for path in self.folder.iterdir():
                if path.is_file() and _KEY.match(path.name):
                    st = path.stat()
                    found.append((st.st_mtime_ns, path.name, st.st_size))
        except OSError as exc:
            log.warning("stored results off: %s cannot be used (%s)", self.folder, exc)
            self.enabled = False
            return
        for _, name, size in sorted(found):
            self._sizes[name] = size
            self.bytes += size
        self._evict()

    def __contains__(self, key: str) -> bool:
        return key in self._sizes

    def __len__(self) -> int:
        return len(self._sizes)

    def get(self, key: str) -> QueryReply | None:
        """The stored answer for ``key``, or None (not stored, or its file does not check)."""
        if not self.enabled or key not in self._sizes:
            return None
        path = self.folder / key
        try:
            data = path.read_bytes()
        except OSError:
            self._forget(key)
            return None
        reply, note = self._decode(key, data)
        if note == _ELSEWHERE:
            return None  # cut, in a format whose link is not rewritten: run it again
        if reply is None:
            log.warning("stored result %s does not check: ignored and removed", path)
            self._forget(key, remove=True)
            return None
        if note == _RELINKED:  # stored by a server at another address: kept with this one's
            self.put(key, reply)
        with self._lock:
            if key in self._sizes:
                self._sizes.move_to_end(key)
            self.hits += 1
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: kept longest when the folder is next opened
        return reply

    def put(self, key: str, reply: QueryReply) -> bool:
        """Store ``reply`` under ``key`` (unless it alone is past the bound); whether it was."""
        if not self.enabled or not _KEY.match(key):
            return False
        data = self._encode(key, reply)
        if len(data) > self.max_bytes:
            return False
        try:
            atomic_write_bytes(self.folder / key, data)
        except OSError as exc:
            log.warning("stored results off: cannot write in %s (%s)", self.folder, exc)
            self.enabled = False
            return False
        with self._lock:
            self.bytes -= self._sizes.pop(key, 0)
            self._sizes[key] = len(data)
            self.bytes += len(data)
            self.writes += 1
        self._evict()
        return True

    def _evict(self) -> None:
        while True:
            with self._lock:
                if self.bytes <= self.max_bytes or not self._sizes:
                    return
                key, size = self._sizes.popitem(last=False)
                self.bytes -= size
            with contextlib.suppress(OSError):
                (self.folder / key).unlink()

    def _forget(self, key: str, *, remove: bool = False) -> None:
        with self._lock:
            self.bytes -= self._sizes.pop(key, 0)
        if remove:
            with contextlib.suppress(OSError):
                (self.folder / key).unlink()

    def _encode(self, key: str, reply: QueryReply) -> bytes:
        header = {
            "format": _FORMAT,
            "version": self.version,
            "key": key,
            "kind": reply.kind,
            "truncated": reply.truncated,
            "count": reply.count,
            "bytes": len(reply.body),
            "sha256": hashlib.sha256(reply.body).hexdigest(),
            "link": self.link if reply.truncated else "",
        }
        return json.dumps(header, sort_keys=True).encode() + b"\n" + reply.body

    def _decode(self, key: str, data: bytes) -> tuple[QueryReply | None, str]:
        """The reply in ``data`` (None if it does not check), and a note: ``_RELINKED`` when
        its link was rewritten for this server, ``_ELSEWHERE`` when it could not be."""
        line, sep, body = data.partition(b"\n")
        if not sep:
            return None, ""
        try:
            header = json.loads(line)
            ok = (
                isinstance(header, dict)
                and header.get("format") == _FORMAT
                and header.get("version") == self.version
                and header.get("key") == key
                and header.get("bytes") == len(body)
                and header.get("sha256") == hashlib.sha256(body).hexdigest()
            )
            if not ok:
                return None, ""
            reply = QueryReply(
                str(header["kind"]), body, bool(header["truncated"]), int(header["count"])
            )
            if reply.truncated and header.get("link", "") != self.link:
                relinked = self._relinked(reply)
                return relinked, _RELINKED if relinked is not None else _ELSEWHERE
            return reply, ""
        except (ValueError, KeyError, TypeError):
            return None, ""

    def _relinked(self, reply: QueryReply) -> QueryReply | None:
        """A cut SPARQL JSON result with this server's ``head.link`` (None for another format:
        the answer is run again)."""
        from sgraph.rdf.results import read_json_results
        from sgraph.sparql import serialize

        if not reply.body.startswith(b"{") or reply.kind != "select":
            return None
        try:
            result = read_json_results(reply.body)
        except ValueError:
            return None
        result.truncated = True
        result.links = [self.link] if self.link else []
        return QueryReply(reply.kind, serialize(result, "json"), True, reply.count)

    def stats(self) -> dict[str, object]:
        return {
            "folder": str(self.folder) if self.enabled else None,
            "max_bytes": self.max_bytes,
            "bytes": self.bytes,
            "entries": len(self._sizes),
            "hits": self.hits,
            "writes": self.writes,
        }
