"""Cacheable results: the served graph never changes while the server runs, so an answer is a
function of (graph version, query, parameters, dataset, format, row cap).

* ``graph_version``  names the graph being served: a digest of the persisted store's manifest
  checksums (``sgraph.persist``), which every rebuild changes (a new store has new files); a graph
  only in memory gets a new version at every start.
* ``etag``           the response's strong ``ETag`` for one answer; a request whose
  ``If-None-Match`` names it gets ``304 Not Modified`` without running anything.
* ``ResultCache``    a server-side LRU of finished answers bounded in bytes
  (``--cache-bytes`` / ``SGRAPH_RESULT_CACHE_BYTES``; 0 turns it off). Identical queries that
  arrive while one is running wait for that one instead of taking another worker.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence

from sgraph.server.worker import QueryReply
from sgraph.store import GraphStore
from sgraph.terms import OxTerm

#: responses may be stored, but must be revalidated (If-None-Match) before each reuse: a rebuild
#: of the graph changes every ETag
CACHE_CONTROL = "public, no-cache"
DEFAULT_CACHE_BYTES = 64 * 1024 * 1024


def graph_version(gs: GraphStore) -> str:
    """A short name of the graph ``gs`` holds, different after every rebuild of its store."""
    from sgraph.persist import read_manifest

    if gs.disk_path is not None:
        manifest = read_manifest(gs.disk_path.parent)
        contents = manifest.get("contents") if manifest else None
        if contents:
            text = json.dumps(contents, sort_keys=True)
            return hashlib.sha256(text.encode()).hexdigest()[:20]
    return "mem-" + uuid.uuid4().hex[:16]  # nothing on disk says what it is: new at each start


def cache_key(
    version: str,
    text: str,
    bindings: dict[str, OxTerm] | None,
    fmt: str,
    default_graph: Sequence[str] | None,
    named_graphs: Sequence[str] | None,
    bound: int | str | None,
) -> str:
    """A digest of everything an answer depends on (the ETag's value)."""
    parts = {
        "v": version,
        "q": text,
        "b": sorted((k, str(v)) for k, v in (bindings or {}).items()),
        "f": fmt,
        "d": list(default_graph or []),
        "n": list(named_graphs or []),
        "r": bound,  # the row cap, or the byte limit of a complete result
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]


def etag(key: str) -> str:
    return f'"{key}"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``tag`` (weak comparison, RFC 9110 13.1.2)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = tag.removeprefix("W/")
    return any(t.strip().removeprefix("W/") == wanted for t in if_none_match.split(","))


class ResultCache:
    """Finished answers by key, least recently used first out, at most ``max_bytes`` of bodies."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max(0, max_bytes)
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[str, QueryReply] = OrderedDict()
        self._running: dict[str, asyncio.Future[QueryReply]] = {}

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: str) -> QueryReply | None:
        reply = self._items.get(key)
        if reply is not None:
            self._items.move_to_end(key)
        return reply

    def put(self, key: str, reply: QueryReply) -> None:
        size = len(reply.body)
        if size > self.max_bytes or key in self._items:
            return
        self._items[key] = reply
        self.bytes += size
        while self.bytes > self.max_bytes:
            _, old = self._items.popitem(last=False)
            self.bytes -= len(old.body)

    async def fetch(
        self, key: str, run: Callable[[], Awaitable[QueryReply]]
    ) -> tuple[QueryReply, bool]:
        """The cached answer for ``key`` or ``run()``'s (shared with identical queries that
        arrive meanwhile); and whether it came from the cache."""
        if self.max_bytes == 0:
            return await run(), False
        found = self.get(key)
        if found is not None:
            self.hits += 1
            return found, True
        running = self._running.get(key)
        if running is None:
            self.misses += 1
            # one task per key, not tied to the request that started it: a client that goes
            # away does not fail the others waiting for the same answer
            running = asyncio.ensure_future(run())
            self._running[key] = running
            running.add_done_callback(lambda task: self._finished(key, task))
            return await asyncio.shield(running), False
        self.hits += 1
        return await asyncio.shield(running), True

    def _finished(self, key: str, task: asyncio.Future[QueryReply]) -> None:
        self._running.pop(key, None)
        if not task.cancelled() and task.exception() is None:
            self.put(key, task.result())

    def stats(self) -> dict[str, int]:
        return {
            "max_bytes": self.max_bytes,
            "bytes": self.bytes,
            "entries": len(self._items),
            "hits": self.hits,
            "misses": self.misses,
        }
