"""Cacheable results: the served graph never changes while the server runs, so an answer is a
function of (graph version, query, parameters, dataset, format, row cap).

* ``graph_version``  names the graph being served: a digest of the persisted store's manifest
  checksums (``sgraph.persist``), which every rebuild changes (a new store has new files); a graph
  only in memory gets a new version at every start.
* ``etag``           the response's strong ``ETag`` for one answer; a request whose
  ``If-None-Match`` names it gets ``304 Not Modified`` without running anything.
* ``ResultCache``    a server-side LRU of finished answers bounded in bytes
  (``--cache-bytes`` / ``SGRAPH_RESULT_CACHE_BYTES``; 0 turns it off). Identical queries that
  arrive while one is running wait for that one instead of taking another worker. Below it, the
  stored results of a persisted store (``sgraph.server.tier``): answers found there are served
  from disk (``X-Sgraph-Cache: stored``), and answers that took at least ``SLOW_S`` to compute
  are written there for the next server on the same store. A query that passes the request
  time limit is run again to the end in the background (``QueryPool.run_late``: at most
  ``MAX_LATE`` at once, each within ``LATE_TIMEOUT_S``) and its answer kept; requests for it
  meanwhile wait for that run (until their own time limit) instead of taking a worker.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence

from sgraph.errors import QueryTimeoutError
from sgraph.server.tier import ResultTier
from sgraph.server.worker import QueryReply
from sgraph.store import GraphStore
from sgraph.terms import OxTerm

#: responses may be stored, but must be revalidated (If-None-Match) before each reuse: a rebuild
#: of the graph changes every ETag
CACHE_CONTROL = "public, no-cache"
DEFAULT_CACHE_BYTES = 64 * 1024 * 1024
#: An answer that took at least this long to compute is also written to the stored results.
SLOW_S = 0.5
#: Queries passed the time limit that may be running to the end in the background at once.
MAX_LATE = 8
#: The time limit of such a background run, in seconds.
LATE_TIMEOUT_S = 120.0
#: Where an answer came from (the ``X-Sgraph-Cache`` header): memory, the stored results, run.
HIT, STORED, MISS = "hit", "stored", "miss"


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
    """Finished answers by key, least recently used first out, at most ``max_bytes`` of bodies;
    over the stored results ``tier`` when there is one."""

    def __init__(self, max_bytes: int, tier: ResultTier | None = None) -> None:
        self.max_bytes = max(0, max_bytes)
        self.tier = tier if tier is not None and tier.enabled else None
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[str, QueryReply] = OrderedDict()
        self._running: dict[str, asyncio.Future[QueryReply]] = {}
        self._late: set[asyncio.Future[QueryReply]] = set()
        self._writes: set[asyncio.Future[bool]] = set()

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

    async def store(self, key: str, reply: QueryReply) -> None:
        """Keep ``reply`` in the stored results (the warm-up's answers; into memory once read)."""
        if self.tier is not None:
            await asyncio.to_thread(self.tier.put, key, reply)

    async def fetch(
        self,
        key: str,
        run: Callable[[], Awaitable[QueryReply]],
        *,
        later: Callable[[], Awaitable[QueryReply]] | None = None,
        deadline: float | None = None,
    ) -> tuple[QueryReply, str]:
        """The cached answer for ``key`` or ``run()``'s (shared with identical queries that
        arrive meanwhile, each waiting until its ``deadline``, ``time.monotonic()``); and where
        it came from: ``HIT`` (memory, or the same query running), ``STORED`` (the stored
        results) or ``MISS`` (run for this request). When ``run()`` passes the time limit,
        ``later()`` (the same query without it) runs in the background and its answer is kept."""
        if self.max_bytes == 0 and self.tier is None:
            return await run(), MISS
        found = self.get(key)
        if found is not None:
            self.hits += 1
            return found, HIT
        running = self._running.get(key)
        if running is None:
            if self.tier is not None and key in self.tier:
                found = await asyncio.to_thread(self.tier.get, key)
                if found is not None:
                    self.put(key, found)
                    return found, STORED
            self.misses += 1
            # one task per key, not tied to the request that started it: a client that goes
            # away does not fail the others waiting for the same answer
            running = asyncio.ensure_future(self._timed(key, run, later))
            self._running[key] = running
            running.add_done_callback(lambda task: self._finished(key, task))
            return await asyncio.shield(running), MISS
        self.hits += 1
        if deadline is None:
            return await asyncio.shield(running), HIT
        try:
            reply = await asyncio.wait_for(asyncio.shield(running), deadline - time.monotonic())
        except TimeoutError:
            raise QueryTimeoutError(
                "the query is slower than the time limit; it is running to the end in the "
                "background and its answer will be kept",
                hint="ask again in a while",
            ) from None
        return reply, HIT

    async def _timed(
        self,
        key: str,
        run: Callable[[], Awaitable[QueryReply]],
        later: Callable[[], Awaitable[QueryReply]] | None,
    ) -> QueryReply:
        started = time.monotonic()
        try:
            reply = await run()
        except QueryTimeoutError:
            if later is not None and len(self._late) < MAX_LATE:
                self._run_late(key, later)
            raise
        if self.tier is not None and time.monotonic() - started >= SLOW_S:
            await asyncio.to_thread(self.tier.put, key, reply)  # slow: keep it for restarts
        return reply

    def _run_late(self, key: str, later: Callable[[], Awaitable[QueryReply]]) -> None:
        task = asyncio.ensure_future(later())
        self._late.add(task)
        self._running[key] = task  # requests for it wait for this run

        def done(t: asyncio.Future[QueryReply]) -> None:
            self._late.discard(t)
            if self._running.get(key) is t:
                del self._running[key]
            if t.cancelled() or t.exception() is not None:
                return
            self.put(key, t.result())
            if self.tier is not None:
                write = asyncio.ensure_future(asyncio.to_thread(self.tier.put, key, t.result()))
                self._writes.add(write)
                write.add_done_callback(self._writes.discard)

        task.add_done_callback(done)

    def _finished(self, key: str, task: asyncio.Future[QueryReply]) -> None:
        if self._running.get(key) is task:
            del self._running[key]
        if not task.cancelled() and task.exception() is None:
            self.put(key, task.result())

    def close(self) -> None:
        """Stop the background runs (the server is stopping)."""
        for task in list(self._late):
            task.cancel()

    def stats(self) -> dict[str, object]:
        return {
            "max_bytes": self.max_bytes,
            "bytes": self.bytes,
            "entries": len(self._items),
            "hits": self.hits,
            "misses": self.misses,
            "running_late": len(self._late),
            "stored": self.tier.stats() if self.tier is not None else None,
        }
