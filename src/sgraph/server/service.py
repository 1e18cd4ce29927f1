"""Running one checked query for an HTTP request: policy, negotiation, the worker pool, headers."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from sgraph import query_policy, sparql
from sgraph.errors import QuerySyntaxError, ReadOnlyError, SgraphError
from sgraph.persist import RESULTS_DIR, triple_count
from sgraph.rdf.results import QueryResult, read_json_results
from sgraph.server import formats, policy
from sgraph.server.cache import (
    CACHE_CONTROL,
    LATE_TIMEOUT_S,
    ResultCache,
    cache_key,
    etag,
    graph_version,
    matches,
)
from sgraph.server.config import ServerConfig
from sgraph.server.conneg import negotiate
from sgraph.server.paging import (
    TOTAL_HEADER,
    TOTAL_VAR,
    Page,
    count_query,
    page_query,
    paged_headers,
)
from sgraph.server.pool import QueryPool
from sgraph.server.tier import ResultTier
from sgraph.server.warmup import WarmUp
from sgraph.server.worker import QueryReply, QueryTask
from sgraph.store import GraphStore
from sgraph.terms import OxTerm

#: Response header set on every query response whose rows were cut at the row cap.
TRUNCATED_HEADER = "X-Sgraph-Truncated"
#: Response header saying whether the answer came from the result cache (``hit``) or was run.
CACHE_HEADER = "X-Sgraph-Cache"
LIMITS_PATH = "/api/limits"


@dataclass
class QueryService:
    gs: GraphStore
    config: ServerConfig
    pool: QueryPool

    @classmethod
    def create(cls, gs: GraphStore, config: ServerConfig) -> QueryService:
        pool = QueryPool(
            gs.store,
            gs.prefixes,
            size=config.workers,
            timeout_s=config.timeout_s,
            memory_mb=config.worker_memory_mb,
            store_path=gs.disk_path,
            in_memory=config.workers_in_memory(triple_count(gs)),
        )
        return cls(gs, config, pool)

    def __post_init__(self) -> None:
        # the store is read-only while serving: its graph names never change
        self.local_graphs = sorted(
            g.value for g in self.gs.store.named_graphs() if isinstance(g, ox.NamedNode)
        )
        # ... nor does anything else: answers are cached by the graph's version
        self.version = graph_version(self.gs)
        self.cache = ResultCache(self.config.cache_bytes, self._tier())
        self.warm_up = WarmUp()

    def _tier(self) -> ResultTier | None:
        """The stored results beside a persisted store (none for a graph only in memory)."""
        if self.gs.disk_path is None or self.version.startswith("mem-"):
            return None
        if self.config.result_store_bytes <= 0:
            return None
        folder = self.gs.disk_path.parent / RESULTS_DIR
        return ResultTier(
            folder, self.version, self.config.result_store_bytes, link=self.truncation_link
        )

    @property
    def truncation_link(self) -> str:
        """The ``head.link`` of a result cut at the row cap (never from the Host header)."""
        return self.config.url + LIMITS_PATH

    async def answer(
        self,
        request: Request,
        text: str,
        *,
        bindings: dict[str, OxTerm] | None = None,
        default_graph_uris: list[str] | None = None,
        named_graph_uris: list[str] | None = None,
        page: Page | None = None,
        complete: bool = False,
    ) -> Response:
        """Check, negotiate, run and answer one query (errors raise ``SgraphError``).

        With ``page`` (the query page, ``/api``) a SELECT answers that page of its rows, its
        LIMIT/OFFSET pushed into the query, with the total in a header. ``complete`` (``/sparql``
        for protocol clients): every row, or ``ResultTooLargeError`` past ``max_result_bytes``,
        never a result cut at the row cap."""
        arrived = time.monotonic()  # the time limit counts from here
        kind, default_graph, named_graphs = self.check(text, default_graph_uris, named_graph_uris)
        total: asyncio.Future[int | None] | None = None
        original = text
        if page is not None and kind == "select":
            text = sparql.inject_bindings(text, bindings) if bindings else text
            bindings = None
            total = asyncio.ensure_future(self._total(text, default_graph, named_graphs, arrived))
            original = text
            # one row more than the page: the worker cuts it off and flags the cut (header and
            # head.link), so a page says there is more without waiting for the total
            text = page_query(text, Page(page.limit + 1, page.offset))
        offered, default = formats.offered(kind)
        media_type = negotiate(request.headers.get("accept"), offered, default)
        fmt = formats.format_of(media_type)
        rows = page.limit if page is not None and total is not None else None
        key = self.key(text, fmt.name, bindings, default_graph, named_graphs, complete, rows)
        headers = {"Vary": "Accept", "ETag": etag(key), "Cache-Control": CACHE_CONTROL}
        if matches(request.headers.get("if-none-match"), headers["ETag"]):
            if total is not None:
                total.cancel()
            return Response(status_code=304, headers=headers)
        try:
            reply, source = await self._fetch(
                key,
                self.task(text, fmt.name, bindings, default_graph, named_graphs, complete, rows),
                arrived,
            )
        except QuerySyntaxError:
            if total is None:
                raise
            total.cancel()
            # the error's line and column as in the text the client sent, not the paged one
            await self.pool.run(
                self.task(original, fmt.name, None, default_graph, named_graphs), arrived
            )
            raise
        except BaseException:
            if total is not None:
                total.cancel()
            raise
        headers[CACHE_HEADER] = source
        if page is not None and total is not None:
            count = await total
            headers.update(paged_headers(page, reply.count, count))
            if count is not None and count > page.offset + reply.count:
                headers[TRUNCATED_HEADER] = "true"  # more pages: the page says so
        if reply.truncated:
            headers[TRUNCATED_HEADER] = "true"
            headers["X-Sgraph-Max-Rows"] = str(rows or self.config.max_rows)
        return Response(reply.body, media_type=fmt.content_type, headers=headers)

    async def _total(
        self,
        text: str,
        default_graph: list[str] | None,
        named_graphs: list[str] | None,
        arrived: float,
    ) -> int | None:
        """The number of rows of the whole result (None when it cannot be counted so)."""
        counting = count_query(text)
        key = self.key(counting, "json", None, default_graph, named_graphs)
        try:
            reply, _ = await self._fetch(
                key, self.task(counting, "json", None, default_graph, named_graphs), arrived
            )
        except SgraphError:
            return None  # e.g. FROM in the query: not allowed in a sub-select
        rows = read_json_results(reply.body).rows
        value = rows[0].get(TOTAL_VAR) if rows else None
        return int(value.value) if isinstance(value, ox.Literal) else None

    def check(
        self,
        text: str,
        default_graph_uris: list[str] | None,
        named_graph_uris: list[str] | None,
    ) -> tuple[str, list[str] | None, list[str] | None]:
        """The policy's checks; the query's kind and the dataset it runs on."""
        query_policy.check_bounds(text)  # nesting and size, before anything parses it
        from_default, from_named = policy.check_query(
            text,
            local_graphs=self.local_graphs,
            prefixes=self.gs.prefixes,
            default_graph_uris=default_graph_uris or (),
            named_graph_uris=named_graph_uris or (),
        )
        kind = sparql.query_kind(text)
        if kind == "update":
            raise ReadOnlyError(
                "this endpoint is read-only: the request is a SPARQL update",
                hint="send SELECT, ASK, CONSTRUCT or DESCRIBE queries only",
            )
        # The protocol's graph parameters override the query's FROM / FROM NAMED (SPARQL 1.1
        # Protocol 2.1.4); without them the query's own dataset applies, not the union graph.
        default_graph = default_graph_uris or (None if named_graph_uris else from_default) or None
        named_graphs = named_graph_uris or (None if default_graph_uris else from_named) or None
        return kind, default_graph, named_graphs

    async def result(
        self, request: Request, text: str, *, bindings: dict[str, OxTerm] | None = None
    ) -> QueryResult:
        """Check and run one query as ``answer`` does, for the server's own views: the result
        itself (read from the worker's SPARQL JSON), not a response."""
        arrived = time.monotonic()
        kind, default_graph, named_graphs = self.check(text, None, None)
        if kind == "graph":
            return QueryResult(kind="graph")
        key = self.key(text, "json", bindings, default_graph, named_graphs)
        reply, _ = await self._fetch(
            key, self.task(text, "json", bindings, default_graph, named_graphs), arrived
        )
        result = read_json_results(reply.body)
        result.truncated = reply.truncated
        return result

    def key(
        self,
        text: str,
        fmt: str,
        bindings: dict[str, OxTerm] | None,
        default_graph: list[str] | None,
        named_graphs: list[str] | None,
        complete: bool = False,
        rows: int | None = None,
    ) -> str:
        bound = (
            f"bytes:{self.config.max_result_bytes}" if complete else rows or self.config.max_rows
        )
        return cache_key(self.version, text, bindings, fmt, default_graph, named_graphs, bound)

    async def _fetch(self, key: str, task: QueryTask, arrived: float) -> tuple[QueryReply, str]:
        """``task``'s answer from the cache, or run within the time limit from ``arrived``
        (and, past it, to the end in the background, its answer then kept)."""
        return await self.cache.fetch(
            key,
            lambda: self.pool.run(task, arrived),
            later=lambda: self.pool.run_late(task, LATE_TIMEOUT_S),
            deadline=arrived + self.config.timeout_s,
        )

    def task(
        self,
        text: str,
        fmt: str,
        bindings: dict[str, OxTerm] | None,
        default_graph: list[str] | None,
        named_graphs: list[str] | None,
        complete: bool = False,
        rows: int | None = None,
    ) -> QueryTask:
        """The worker's task for one query: cut at ``rows`` (default the row cap), or
        ``complete`` (every row, within the byte limit of a complete result)."""
        return QueryTask(
            text=text,
            fmt=fmt,
            bindings=bindings,
            max_rows=None if complete else rows or self.config.max_rows,
            max_bytes=self.config.max_result_bytes if complete else None,
            default_graph=default_graph,
            named_graphs=named_graphs,
            truncation_link=self.truncation_link,
        )

    def limits(self) -> dict[str, object]:
        return {
            "timeout_s": self.config.timeout_s,
            "max_rows": self.config.max_rows,
            "worker_memory_mb": self.config.worker_memory_mb,
            "max_request_bytes": self.config.max_request_bytes,
            "max_result_bytes": self.config.max_result_bytes,
            "truncation": (
                "/sparql sends SPARQL protocol clients every row of a result, or, when the "
                "complete result is longer than max_result_bytes, an error (503) saying so: "
                "never a cut result. The query page and /api/queries/NAME answer one page of at "
                f"most max_rows rows (_limit, _offset) with the total in '{TOTAL_HEADER}'; when "
                f"rows are left out the response has the header '{TRUNCATED_HEADER}: true', and "
                "SPARQL JSON and XML results cut at max_rows list this page's URL in head.link"
            ),
            "max_query_depth": query_policy.MAX_QUERY_DEPTH,
            "max_query_operators": query_policy.MAX_QUERY_OPERATORS,
            "max_query_chars": query_policy.MAX_QUERY_CHARS,
            "network_isolated_workers": self.pool.network_isolated,
            "graph_version": self.version,
            "result_cache": self.cache.stats(),
            "warm_up": self.warm_up.stats(),
        }
