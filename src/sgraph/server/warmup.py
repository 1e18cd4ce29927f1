"""The warm-up: the named queries' default answers computed once per graph and stored.

Once the server is ready (its workers started), ``WarmUp.run`` goes through the named query
library: for each SELECT with its default parameters whose answers are not yet stored, it runs
the query once, to the end, on the pool's background worker (``QueryPool.run_background``: one
query at a time, at the lowest CPU priority, outside the lanes requests take workers from, with
a time limit of its own, ``ServerConfig.warm_timeout_s``), and stores three answers under the
keys requests will ask for:

* the complete result in SPARQL JSON, as ``/sparql`` sends a protocol client;
* the first page (``max_rows`` rows) in SPARQL JSON, as ``/api/queries/NAME`` and the query
  page ask for it, cut and flagged as a paged query would be;
* its total, as the count query of ``sgraph.server.paging`` answers it.

The page and the total are taken from the one complete run, so they agree with it. Requests are
never made to wait for the warm-up; a request that arrives before its answer is stored runs as
usual. A server restarted on the same store finds the answers stored and skips them
(``X-Sgraph-Cache: stored``). Progress is in ``/api/limits`` (``warm_up``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sgraph import sparql
from sgraph.errors import SgraphError
from sgraph.queries import NamedQuery, missing_entity
from sgraph.server.paging import Page, count_query, page_query
from sgraph.server.worker import WarmTask

if TYPE_CHECKING:
    from sgraph.server.service import QueryService

log = logging.getLogger("sgraph.server")


@dataclass
class WarmUp:
    """The state of one server's warm-up (``/api/limits`` shows it)."""

    state: str = "waiting"  # waiting | running | done | off
    queries: int = 0
    stored: int = 0  # queries whose answers were computed and stored now
    found: int = 0  # ... already stored by an earlier server on the same store
    skipped: dict[str, str] = field(default_factory=dict)  # name -> why
    seconds: float | None = None
    current: str | None = None

    def stats(self) -> dict[str, object]:
        return {
            "state": self.state,
            "queries": self.queries,
            "stored": self.stored,
            "found": self.found,
            "skipped": dict(self.skipped),
            "seconds": self.seconds,
            "current": self.current,
        }

    async def run(self, service: QueryService, library: dict[str, NamedQuery]) -> None:
        """Compute and store the default answers of every named query in ``library``."""
        if service.cache.tier is None:
            self.state = "off"
            return
        self.state = "running"
        started = time.monotonic()
        self.queries = len(library)
        try:
            for query in library.values():
                self.current = query.name
                why = await self._one(service, query)
                if why:
                    self.skipped[query.name] = why
                    log.info("warm-up: %s not stored (%s)", query.name, why)
        finally:
            self.current = None
            service.pool.stop_background()
            self.seconds = round(time.monotonic() - started, 1)
            self.state = "done"
            log.info(
                "warm-up done in %.1f s: %d stored, %d already stored, %d skipped",
                self.seconds,
                self.stored,
                self.found,
                len(self.skipped),
            )

    async def _one(self, service: QueryService, query: NamedQuery) -> str | None:
        """Store ``query``'s default answers; why not, when they were not stored."""
        gs, config = service.gs, service.config
        try:
            bindings = query.bind({}, gs.prefixes)
            if any(p.type == "iri" for p in query.parameters):
                # a default that names no entity is refused (400): nothing to store
                missing = await asyncio.to_thread(missing_entity, query, bindings, gs.store)
                if missing is not None:
                    return f"refused: its default {missing} names no entity in the graph"
            text = sparql.inject_bindings(query.query, bindings) if bindings else query.query
            kind, default_graph, named_graphs = service.check(text, None, None)
        except SgraphError as exc:
            return f"refused: {exc.message}"
        if kind != "select":
            return f"a {kind} query"
        rows = config.max_rows
        keys = (
            service.key(text, "json", None, default_graph, named_graphs, complete=True),
            service.key(
                page_query(text, Page(rows + 1, 0)),
                "json",
                None,
                default_graph,
                named_graphs,
                rows=rows,
            ),
            service.key(count_query(text), "json", None, default_graph, named_graphs),
        )
        tier = service.cache.tier
        assert tier is not None
        if all(k in tier for k in keys):
            self.found += 1
            return None
        task = service.task(text, "json", None, default_graph, named_graphs, complete=True)
        try:
            reply = await service.pool.run_background(WarmTask(task, rows), config.warm_timeout_s)
        except SgraphError as exc:
            return exc.message
        for key, answer in zip(keys, (reply.complete, reply.page, reply.total), strict=True):
            await service.cache.store(key, answer)  # on disk; into memory when first asked
        self.stored += 1
        return None
