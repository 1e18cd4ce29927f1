"""Query workers seen from the server: start them, hand them queries, kill them at the time limit.

Each worker (``sgraph.server.worker``) is a child process that opens one shared on-disk store
read-only: the persisted store the server was opened from (``sgraph.persist``); for a graph
that lives only in memory (``--no-store``, tests) each worker loads an in-memory copy from a copy
written once to a temporary folder. A query goes to an idle worker over a pipe; the
answer comes back fully serialised, so a response is all or nothing. If the answer does not come
within the time limit (counted from the query's arrival: waiting for a worker and running
together), the worker is killed (a running pyoxigraph query cannot be interrupted
any other way), the client gets 503, and a fresh worker is started in the background. Workers
are reused between queries, so the cost per query is one pickle round trip over a pipe.

Besides the ``size`` general workers there is one more, reserved for short queries
(``sgraph.server.admission``), and, while the warm-up of stored results runs
(``sgraph.server.warmup``), one background worker at the lowest CPU priority with a time limit
of its own (``run_background``), outside the lanes the requests take workers from. Each
worker's memory is bounded too (``memory_mb``, see ``sgraph.server.worker``): a query that
passes it ends its worker, the client gets 503 naming the limit (``QueryMemoryError``), and a
fresh worker is started.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from sgraph import errors
from sgraph.errors import QueryMemoryError, QueryTimeoutError, ServerBusyError, SgraphError
from sgraph.server.admission import RESERVED_S, CostMemory, Lanes
from sgraph.server.worker import (
    EXIT_MEMORY,
    ErrorInfo,
    QueryReply,
    QueryTask,
    WarmReply,
    WarmTask,
    WorkerInit,
    out_of_memory,
)

log = logging.getLogger("sgraph.server")

STARTUP_TIMEOUT_S = 120.0
#: How much lower the background worker's CPU priority is than the other workers' (``nice``).
BACKGROUND_NICENESS = 14
#: Queries that may wait for a worker at once, per worker; one more gets 503 at once.
MAX_WAITING_PER_WORKER = 16


class WorkerDied(Exception):
    pass


class Worker:
    """One child process and the two pipe ends to talk to it."""

    def __init__(self, init: WorkerInit, reserved: bool = False) -> None:
        self.reserved = reserved  # the worker kept for short queries (sgraph.server.admission)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sgraph.server.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        # the connections own duplicates of the pipe ends; the file objects are not used
        self._to = Connection(os.dup(self.proc.stdin.fileno()), readable=False)
        self._from = Connection(os.dup(self.proc.stdout.fileno()), writable=False)
        self.proc.stdin.close()
        self.proc.stdout.close()
        self.info: dict[str, Any] = {}
        self._to.send(init)
        kind, info = self._receive(STARTUP_TIMEOUT_S)
        if kind != "ready":
            self.kill()
            raise WorkerDied(f"query worker failed to start: {info}")
        self.info = info

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _receive(self, timeout: float) -> tuple[str, Any]:
        try:
            ready = self._from.poll(timeout)
            message = self._from.recv() if ready else None
        except (EOFError, OSError) as exc:
            raise WorkerDied(f"query worker {self.pid} exited (code {self.proc.poll()})") from exc
        if not ready:
            raise TimeoutError(f"no answer from query worker {self.pid} within {timeout:g} s")
        assert isinstance(message, tuple)
        return message

    def call(self, task: QueryTask | WarmTask, timeout: float) -> tuple[str, Any]:
        """Send one task and wait for its answer; TimeoutError past ``timeout`` seconds."""
        try:
            self._to.send(task)
        except OSError as exc:
            raise WorkerDied(f"query worker {self.pid} is gone") from exc
        return self._receive(timeout)

    def exit_code(self, timeout: float = 2.0) -> int | None:
        """The worker's exit status once it has ended (``-N``: killed by signal N)."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            return self.proc.wait(timeout=timeout)
        return None

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        for conn in (self._to, self._from):
            with contextlib.suppress(OSError):
                conn.close()


class QueryPool:
    """A fixed number of reusable query workers with a per-query time limit."""

    def __init__(
        self,
        store: ox.Store,
        prefixes: dict[str, str],
        *,
        size: int,
        timeout_s: float,
        memory_mb: int = 0,
        store_path: Path | None = None,
        in_memory: bool = False,
    ) -> None:
        self.size = max(1, size)
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self._store = store
        self._store_path = store_path  # on disk, holding the same quads as ``store``
        self._in_memory = in_memory
        self._prefixes = prefixes
        self._tmp: Path | None = None
        self._init: WorkerInit | None = None
        self._idle: Lanes[Worker] | None = None
        self._costly = CostMemory()
        # one thread per worker for the blocking pipe calls: the loop's default executor (a few
        # threads) must not be what bounds how many queries run at once
        self._calls = ThreadPoolExecutor(self.size + 1, thread_name_prefix="sgraph-query")
        self._workers: set[Worker] = set()
        self._start_lock = asyncio.Lock()
        self._respawns: set[asyncio.Task[None]] = set()
        self._background_worker: Worker | None = None
        self._background_busy = 0  # tasks given to it and not yet answered
        self._background_calls = ThreadPoolExecutor(1, thread_name_prefix="sgraph-background")
        self.closed = False

    # -- life cycle -----------------------------------------------------------------------
    async def start(self) -> None:
        async with self._start_lock:
            if self._idle is not None:
                return
            loop = asyncio.get_running_loop()
            self._init = await loop.run_in_executor(None, self._shared_store)
            idle: Lanes[Worker] = Lanes(max_waiting=MAX_WAITING_PER_WORKER * (self.size + 1))
            lanes = [False] * self.size + [True]  # the general workers, then the reserved one
            workers = await asyncio.gather(
                *(loop.run_in_executor(None, Worker, self._init, r) for r in lanes)
            )
            for w in workers:
                self._workers.add(w)
                await idle.put(w)
            self._idle = idle
            info = workers[0].info
            log.info(
                "%d query workers ready, one of them for short queries (sharing %s "
                "read-only; network isolation %s)",
                len(workers),
                self._init.store_path,
                "on" if info.get("network_isolated") else "not available",
            )

    def _shared_store(self) -> WorkerInit:
        """The on-disk store the workers open: the given one, else a copy written once."""
        if self._store_path is not None:
            return WorkerInit(
                str(self._store_path), dict(self._prefixes), self._in_memory, self.memory_mb
            )
        self._tmp = Path(tempfile.mkdtemp(prefix="sgraph-serve-"))
        path = self._tmp / "oxigraph"
        disk = ox.Store(str(path))
        disk.bulk_extend(self._store)
        disk.flush()
        del disk  # closed: read-only openers must not share it with a writer
        # a graph that lives only in memory (--no-store, tests) is small enough to copy: the
        # workers load it into memory from this copy (scans on disk are up to 15x slower)
        return WorkerInit(str(path), dict(self._prefixes), True, self.memory_mb)

    async def close(self) -> None:
        self.closed = True
        for t in list(self._respawns):
            t.cancel()
        for w in list(self._workers):
            w.kill()
        self._workers.clear()
        if self._background_worker is not None:
            self._background_worker.kill()
            self._background_worker = None
        self._calls.shutdown(wait=False, cancel_futures=True)
        self._background_calls.shutdown(wait=False, cancel_futures=True)
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)

    @property
    def network_isolated(self) -> bool:
        return all(w.info.get("network_isolated") for w in self._workers)

    # -- running queries --------------------------------------------------------------------
    async def run(self, task: QueryTask, arrived: float | None = None) -> QueryReply:
        """Run ``task`` on an idle worker; QueryTimeoutError (503) past the time limit, counted
        from ``arrived`` (``time.monotonic()``; default now): waiting and running together."""
        deadline = (time.monotonic() if arrived is None else arrived) + self.timeout_s
        if self._idle is None:
            await self.start()
        assert self._idle is not None
        try:
            worker = await self._idle.take(
                slow=lambda: task.text in self._costly, timeout=deadline - time.monotonic()
            )
        except TimeoutError:
            raise QueryTimeoutError(
                f"all {self.size} query workers stayed busy for the whole time limit "
                f"({self.timeout_s:g} s)",
                hint="try again in a moment",
            ) from None
        limit = max(0.0, deadline - time.monotonic())
        if worker.reserved:
            limit = min(limit, RESERVED_S)
        loop = asyncio.get_running_loop()
        started = time.monotonic()
        future = loop.run_in_executor(self._calls, worker.call, task, limit)
        try:
            kind, payload = await asyncio.shield(future)
        except TimeoutError:
            self._replace(worker)
            self._costly.add(task.text)
            if worker.reserved and limit < deadline - started - 0.001:
                raise reserved_lane_busy(self.size) from None
            raise QueryTimeoutError(
                f"the query ran longer than the time limit of {self.timeout_s:g} s and was stopped",
                hint="make it more selective (fewer unbound patterns, a LIMIT), "
                "or run it locally with `sgraph query`",
            ) from None
        except WorkerDied as exc:
            error = await loop.run_in_executor(None, self._death_error, worker, exc)
            self._replace(worker)
            raise error from None
        except asyncio.CancelledError:
            # the client went away: give the worker back once it has answered (or replace it)
            future.add_done_callback(lambda f: self._recycle(worker, f))
            raise
        took = time.monotonic() - started
        log.debug("query took %.1f ms in worker %d", 1000 * took, worker.pid)
        if took > RESERVED_S:
            self._costly.add(task.text)
        if kind == "error" and payload.cls == QueryMemoryError.__name__:
            self._replace(worker)  # it exits after answering: see worker.serve
        else:
            await self._idle.put(worker)
        if kind == "ok":
            assert isinstance(payload, QueryReply)
            return payload
        assert isinstance(payload, ErrorInfo)
        raise rebuild_error(payload)

    async def run_background(self, warm: WarmTask, timeout_s: float) -> WarmReply:
        """Run ``warm`` on the background worker (started when first needed; one task at a
        time), within ``timeout_s``; QueryTimeoutError past it (the worker is then replaced)."""
        payload = await self._in_background(warm, timeout_s)
        assert isinstance(payload, WarmReply)
        return payload

    async def run_late(self, task: QueryTask, timeout_s: float) -> QueryReply:
        """Run ``task`` to the end on the background worker, as ``run_background`` does (a
        query that passed the request time limit, whose answer is then kept)."""
        payload = await self._in_background(task, timeout_s)
        assert isinstance(payload, QueryReply)
        return payload

    async def _in_background(self, task: QueryTask | WarmTask, timeout_s: float) -> object:
        if self._idle is None:
            await self.start()
        assert self._init is not None
        loop = asyncio.get_running_loop()
        self._background_busy += 1
        try:
            if self._background_worker is None:
                init = WorkerInit(
                    self._init.store_path,
                    self._init.prefixes,
                    False,  # the shared store: no other copy of the graph in the background
                    self._init.memory_mb,
                    niceness=BACKGROUND_NICENESS,
                )
                self._background_worker = await loop.run_in_executor(
                    self._background_calls, Worker, init
                )
            worker = self._background_worker
            try:
                kind, payload = await loop.run_in_executor(
                    self._background_calls, worker.call, task, timeout_s
                )
            except (TimeoutError, WorkerDied) as exc:
                if self._background_worker is worker:
                    self._background_worker = None
                loop.run_in_executor(None, worker.kill)
                if isinstance(exc, WorkerDied):
                    raise await loop.run_in_executor(None, self._death_error, worker, exc) from None
                raise QueryTimeoutError(
                    f"the query ran longer than the background time limit of {timeout_s:g} s"
                ) from None
        finally:
            self._background_busy -= 1
        if kind == "error" and payload.cls == QueryMemoryError.__name__:
            self._background_worker = None
            loop.run_in_executor(None, worker.kill)
        if kind == "ok":
            return payload
        assert isinstance(payload, ErrorInfo)
        raise rebuild_error(payload)

    def stop_background(self) -> None:
        """End the background worker unless it has work (it starts again when needed)."""
        if self._background_busy:
            return
        worker, self._background_worker = self._background_worker, None
        if worker is not None:
            asyncio.get_running_loop().run_in_executor(None, worker.kill)

    def _death_error(self, worker: Worker, exc: WorkerDied) -> SgraphError:
        """Why a worker ended in the middle of a query, as the error its client gets."""
        code = worker.exit_code()
        if self.memory_mb and code in (-signal.SIGABRT, EXIT_MEMORY):
            log.warning(
                "query worker %d passed its memory limit (%d MiB)", worker.pid, self.memory_mb
            )
            return out_of_memory(self.memory_mb)
        log.error("%s", exc)
        return SgraphError(
            "the query worker stopped while running this query",
            hint="the server log has the details; the worker has been restarted",
        )

    def _recycle(self, worker: Worker, future: asyncio.Future[tuple[str, Any]]) -> None:
        if future.exception() is None and self._idle is not None and not self.closed:
            self._background(self._idle.put(worker))
        else:
            self._replace(worker)

    def _replace(self, worker: Worker) -> None:
        """Kill ``worker`` (off the event loop) and start a fresh one in the background."""
        self._workers.discard(worker)
        loop = asyncio.get_running_loop()
        loop.run_in_executor(None, worker.kill)  # a large process takes a while to go
        if not self.closed:
            self._background(self._spawn(worker.reserved))

    def _background(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._respawns.add(task)
        task.add_done_callback(self._respawns.discard)

    async def _spawn(self, reserved: bool) -> None:
        assert self._init is not None and self._idle is not None
        loop = asyncio.get_running_loop()
        while not self.closed:
            try:
                worker = await loop.run_in_executor(None, Worker, self._init, reserved)
            except (WorkerDied, OSError) as exc:
                log.error("could not restart a query worker: %s", exc)
                await asyncio.sleep(1.0)
                continue
            if self.closed:
                worker.kill()
                return
            self._workers.add(worker)
            await self._idle.put(worker)
            return


def reserved_lane_busy(size: int) -> ServerBusyError:
    return ServerBusyError(
        f"all {size} query workers are busy, and the worker kept for short queries stops "
        f"a query after {RESERVED_S:g} s",
        retry_after_s=max(1, round(RESERVED_S * 2)),
        hint="try again in a moment, when a worker is free",
    )


def rebuild_error(info: ErrorInfo) -> SgraphError:
    """The worker's error as the same ``sgraph.errors`` class (500 for anything unexpected)."""
    cls = getattr(errors, info.cls, None) if info.cls else None
    if not (isinstance(cls, type) and issubclass(cls, SgraphError)):
        log.error("query worker error: %s", info.message)
        return SgraphError(
            "the query failed inside the server",
            hint="the server log has the details; please report it",
        )
    exc = cls.__new__(cls)
    SgraphError.__init__(exc, info.message, hint=info.hint)
    for key, value in info.attrs.items():
        setattr(exc, key, value)
    return exc
