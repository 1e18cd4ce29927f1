"""The query worker: a child process that opens the server's on-disk store read-only and runs queries.

Every worker opens the same on-disk pyoxigraph store (``pyoxigraph.Store.read_only``): no copy of
the graph per worker, so starting one takes milliseconds and memory does not grow with the number
of workers beyond the shared page cache (measured in docs/benchmarks.md).

pyoxigraph cannot stop a running query, so queries run here, in a separate process, and the
server (``sgraph.server.pool``) kills the process when a query passes its time limit. Run as
``python -m sgraph.server.worker``; it talks to its parent over stdin/stdout with pickled
messages (``multiprocessing.connection``):

    parent -> worker   WorkerInit (once), then QueryTask ...
    worker -> parent   ("ready", info), then per task ("ok", QueryReply) | ("error", ErrorInfo)

Before anything else the worker moves itself into a new, empty network namespace when the
operating system allows it (Linux, as root or with unprivileged user namespaces), so that even a
query that slipped past ``sgraph.server.policy`` could not open a network connection.

It then bounds its own memory (``WorkerInit.memory_mb``, ``sgraph serve --worker-memory``) with
``RLIMIT_DATA``: the store it loads and every query it runs must fit. ``RLIMIT_AS`` would count
address space that is reserved but never used (thread stacks, allocator arenas), so it is not
used. A query that passes the limit makes an allocation fail: in Oxigraph (Rust) the process
aborts (SIGABRT), in Python the worker answers ``QueryMemoryError`` and exits (``EXIT_MEMORY``);
either way the server answers 503 naming the limit and starts a fresh worker.
"""

from __future__ import annotations

import ctypes
import os
import resource
import sys
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sgraph.errors import QueryMemoryError

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
#: The exit status of a worker that stopped after a query ran out of memory in Python code.
EXIT_MEMORY = 75
#: How much lower than the server's a worker's CPU priority is (``nice``).
WORKER_NICENESS = 5


@dataclass(frozen=True)
class WorkerInit:
    store_path: str  # an on-disk pyoxigraph store, opened read-only by every worker
    prefixes: dict[str, str]
    #: load an in-memory copy of it: scans and aggregates about 10x faster at 1M, at the cost
    #: of the graph's size in memory per worker and a start of minutes at 1M
    in_memory: bool = False
    memory_mb: int = 0  # RLIMIT_DATA of the worker in MiB; 0: no limit
    niceness: int = 0  # lower still in CPU priority (the warm-up's worker), beyond WORKER_NICENESS


@dataclass(frozen=True)
class QueryTask:
    text: str
    fmt: str  # a format name of sgraph.rdf.formats (RESULT_FORMATS or TRIPLE_FORMATS)
    bindings: dict[str, Any] | None = None  # var -> pyoxigraph term
    max_rows: int | None = None
    default_graph: list[str] | None = None
    named_graphs: list[str] | None = None
    truncation_link: str | None = None  # added to the results' head.link when rows were cut
    max_bytes: int | None = None  # a longer serialised result is an error, never cut


@dataclass(frozen=True)
class QueryReply:
    kind: str
    body: bytes
    truncated: bool
    count: int  # rows, or triples


@dataclass(frozen=True)
class WarmTask:
    """Run ``task`` once for its complete result, and derive from it the first page of
    ``page_rows`` rows and the total, as a paged request would get them (the warm-up)."""

    task: QueryTask
    page_rows: int


@dataclass(frozen=True)
class WarmReply:
    complete: QueryReply
    page: QueryReply  # the first page_rows rows, truncated when there are more
    total: QueryReply  # the SPARQL JSON result of the paged query's count (sgraph.server.paging)


@dataclass(frozen=True)
class ErrorInfo:
    cls: str  # a class name of sgraph.errors, or "" for an unexpected error
    message: str
    hint: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)


def isolate_network() -> bool:
    """Enter a new network namespace with no interfaces up. True if it worked.

    ``SGRAPH_WORKER_ISOLATION=off`` skips it, as on a system that has no such namespaces.
    """
    from sgraph import environment

    setting = environment.read("SGRAPH_WORKER_ISOLATION") or "on"
    if setting.strip().lower() in ("off", "0", "no", "false"):
        return False
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(CLONE_NEWNET) == 0:
            return True
        return bool(libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0)
    except (OSError, AttributeError):
        return False


def limit_memory(memory_mb: int) -> None:
    """Bound this process's data segment (heap and private mappings) to ``memory_mb`` MiB."""
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def out_of_memory(memory_mb: int) -> QueryMemoryError:
    """The error of a query that passed the worker's memory limit (raised by the worker, or by
    the pool when the worker died of it)."""
    from sgraph.errors import QueryMemoryError

    return QueryMemoryError(
        f"the query needed more memory than a query worker may use ({memory_mb} MiB, "
        "worker_memory) and was stopped",
        limit="worker_memory",
        hint="make it more selective (no ORDER BY over a cross product, a LIMIT), or ask the "
        "operator for a larger --worker-memory",
    )


def memory_error(memory_mb: int) -> ErrorInfo:
    """What the worker answers when a query made an allocation fail in Python code."""
    return describe_error(out_of_memory(memory_mb))


def run_task(store: Any, task: QueryTask, prefixes: dict[str, str]) -> QueryReply:
    from sgraph import sparql
    from sgraph.rdf.formats import GraphFormat, query_format

    result = sparql.execute(
        store,
        task.text,
        task.bindings,
        prefixes=prefixes,
        max_rows=task.max_rows,
        default_graph=task.default_graph,
        named_graphs=task.named_graphs,
    )
    if (result.kind == "graph") != isinstance(query_format(task.fmt), GraphFormat):
        raise _not_acceptable(task.fmt, result.kind)
    if result.truncated and task.truncation_link:
        result.links.append(task.truncation_link)  # JSON and XML results carry it in head.link
    body = sparql.serialize(result, task.fmt, prefixes=prefixes)
    if task.max_bytes is not None and len(body) > task.max_bytes:
        raise _too_large(len(body), task.max_bytes, task.fmt)
    count = len(result.triples) if result.kind == "graph" else len(result.rows)
    return QueryReply(result.kind, body, result.truncated, count)


def run_warm(store: Any, warm: WarmTask, prefixes: dict[str, str]) -> WarmReply:
    import pyoxigraph as ox

    from sgraph import sparql
    from sgraph.rdf.results import QueryResult
    from sgraph.server.paging import TOTAL_VAR

    task = warm.task
    result = sparql.execute(
        store,
        task.text,
        task.bindings,
        prefixes=prefixes,
        default_graph=task.default_graph,
        named_graphs=task.named_graphs,
    )
    if result.kind != "select":
        from sgraph.errors import InputError

        raise InputError(f"the warm-up runs SELECT queries only, not {result.kind}")
    body = sparql.serialize(result, task.fmt, prefixes=prefixes)
    if task.max_bytes is not None and len(body) > task.max_bytes:
        raise _too_large(len(body), task.max_bytes, task.fmt)
    complete = QueryReply(result.kind, body, False, len(result.rows))
    cut = len(result.rows) > warm.page_rows
    page = QueryResult(
        kind="select",
        variables=result.variables,
        rows=result.rows[: warm.page_rows],
        truncated=cut,
        links=[task.truncation_link] if cut and task.truncation_link else [],
    )
    page_reply = QueryReply(
        "select", sparql.serialize(page, task.fmt, prefixes=prefixes), cut, len(page.rows)
    )
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    count = QueryResult(
        kind="select",
        variables=[TOTAL_VAR],
        rows=[{TOTAL_VAR: ox.Literal(str(len(result.rows)), datatype=integer)}],
    )
    total = QueryReply("select", sparql.serialize(count, "json", prefixes=prefixes), False, 1)
    return WarmReply(complete, page_reply, total)


def _too_large(size: int, limit: int, fmt: str) -> Exception:
    from sgraph.errors import ResultTooLargeError

    return ResultTooLargeError(
        f"the complete result is {size} bytes of {fmt}, more than this endpoint's limit of "
        f"{limit} bytes; nothing was cut, nothing was sent",
        hint="page through it with LIMIT and OFFSET, or ask the operator to raise "
        "`sgraph serve --max-result-bytes`",
    )


def _not_acceptable(fmt: str, kind: str) -> Exception:
    from sgraph.errors import NotAcceptableError

    return NotAcceptableError(f"{fmt} cannot hold the results of a {kind} query")


def describe_error(exc: BaseException) -> ErrorInfo:
    from sgraph.errors import SgraphError

    if isinstance(exc, SgraphError):
        attrs = {k: v for k, v in vars(exc).items() if k not in ("message", "hint")}
        try:
            import pickle

            pickle.dumps(attrs)
        except Exception:
            attrs = {}
        return ErrorInfo(type(exc).__name__, exc.message, exc.hint, attrs)
    return ErrorInfo("", f"{type(exc).__name__}: {exc}")


def serve(inp: Connection, out: Connection, isolated: bool) -> None:
    import pyoxigraph as ox

    init = inp.recv()
    assert isinstance(init, WorkerInit)
    limit_memory(init.memory_mb)
    if init.niceness:
        os.nice(init.niceness)
    store = ox.Store.read_only(init.store_path)
    if init.in_memory:  # a copy from the (checked) on-disk store, dumped and bulk-loaded
        copy = ox.Store()
        copy.bulk_load(store.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
        store = copy
    from sgraph import sparql  # noqa: F401  (import once, before the first query)

    # no count of the store here: at a million triples on disk it takes seconds per worker
    out.send(("ready", {"pid": os.getpid(), "network_isolated": isolated}))
    while True:
        try:
            task = inp.recv()
        except EOFError:
            return
        try:
            if isinstance(task, WarmTask):
                out.send(("ok", run_warm(store, task, init.prefixes)))
            else:
                out.send(("ok", run_task(store, task, init.prefixes)))
        except MemoryError:
            out.send(("error", memory_error(init.memory_mb)))
            os._exit(EXIT_MEMORY)  # the heap may be left fragmented: start afresh
        except Exception as exc:
            out.send(("error", describe_error(exc)))


def main() -> None:
    from sgraph import environment
    from sgraph.process import die_with_parent

    die_with_parent()
    # below the server in CPU priority: under load, the server still answers on time (a 503 at
    # the time limit, the next query handed out) while the workers run long queries
    os.nice(WORKER_NICENESS)
    environment.quiet_native_backtraces()  # a failed allocation: one log line, not a trace
    isolated = isolate_network()
    # the protocol owns the original stdout; anything printed goes to stderr instead
    out_fd = os.dup(1)
    os.dup2(2, 1)
    inp = Connection(os.dup(0), writable=False)
    out = Connection(out_fd, readable=False)
    serve(inp, out, isolated)


if __name__ == "__main__":
    # run the imported module, not this __main__ copy, so pickled classes match the parent's
    from sgraph.server import worker

    worker.main()
