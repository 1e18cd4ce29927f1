"""Running one checked query for an HTTP request: policy, negotiation, the worker pool, headers."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from sgraph import query_policy, sparql
from sgraph.errors import ReadOnlyError
from sgraph.rdf.results import QueryResult, read_json_results
from sgraph.server import formats, policy
from sgraph.server.config import ServerConfig
from sgraph.server.conneg import negotiate
from sgraph.server.pool import QueryPool
from sgraph.server.worker import QueryReply, QueryTask
from sgraph.store import GraphStore
from sgraph.terms import OxTerm

#: Response header set on every query response whose rows were cut at the row cap.
TRUNCATED_HEADER = "X-Sgraph-Truncated"
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
        )
        return cls(gs, config, pool)

    def __post_init__(self) -> None:
        # the store is read-only while serving: its graph names never change
        self.local_graphs = sorted(
            g.value for g in self.gs.store.named_graphs() if isinstance(g, ox.NamedNode)
        )

    async def answer(
        self,
        request: Request,
        text: str,
        *,
        bindings: dict[str, OxTerm] | None = None,
        default_graph_uris: list[str] | None = None,
        named_graph_uris: list[str] | None = None,
    ) -> Response:
        """Check, negotiate, run and answer one query (errors raise ``SgraphError``)."""
        arrived = time.monotonic()  # the time limit counts from here
        kind, default_graph, named_graphs = self._check(text, default_graph_uris, named_graph_uris)
        offered, default = formats.offered(kind)
        media_type = negotiate(request.headers.get("accept"), offered, default)
        fmt = formats.format_of(media_type)
        reply = await self._run(
            request, text, fmt.name, bindings, default_graph, named_graphs, arrived
        )
        headers = {"Vary": "Accept"}
        if reply.truncated:
            headers[TRUNCATED_HEADER] = "true"
            headers["X-Sgraph-Max-Rows"] = str(self.config.max_rows)
        return Response(reply.body, media_type=fmt.content_type, headers=headers)

    def _check(
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
        kind, default_graph, named_graphs = self._check(text, None, None)
        if kind == "graph":
            return QueryResult(kind="graph")
        reply = await self._run(
            request, text, "json", bindings, default_graph, named_graphs, arrived
        )
        result = read_json_results(reply.body)
        result.truncated = reply.truncated
        return result

    async def _run(
        self,
        request: Request,
        text: str,
        fmt: str,
        bindings: dict[str, OxTerm] | None,
        default_graph: list[str] | None,
        named_graphs: list[str] | None,
        arrived: float,
    ) -> QueryReply:
        task = QueryTask(
            text=text,
            fmt=fmt,
            bindings=bindings,
            max_rows=self.config.max_rows,
            default_graph=default_graph,
            named_graphs=named_graphs,
            truncation_link=self.config.url + LIMITS_PATH,  # never from the Host header
        )
        return await self.pool.run(task, arrived)

    def limits(self) -> dict[str, object]:
        return {
            "timeout_s": self.config.timeout_s,
            "max_rows": self.config.max_rows,
            "worker_memory_mb": self.config.worker_memory_mb,
            "max_request_bytes": self.config.max_request_bytes,
            "truncation": (
                f"results longer than max_rows are cut to max_rows rows; the response then has "
                f"the header '{TRUNCATED_HEADER}: true', and SPARQL JSON and XML results list "
                f"this page's URL in head.link"
            ),
            "max_query_depth": query_policy.MAX_QUERY_DEPTH,
            "max_query_operators": query_policy.MAX_QUERY_OPERATORS,
            "max_query_chars": query_policy.MAX_QUERY_CHARS,
            "network_isolated_workers": self.pool.network_isolated,
        }
