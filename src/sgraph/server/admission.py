"""Which query gets which worker, and when: two lanes, a bounded queue, and what costs were seen.

The pool (``sgraph.server.pool``) has ``workers`` general workers and one **reserved** worker.
A general worker runs any query up to the time limit. The reserved worker runs a query only when
no general worker is idle, and only for ``RESERVED_S`` (1 s): a cheap query (``ASK {}``, a
lookup) is answered while bombs hold every general worker; a query that needs longer there is
stopped with 503 and ``Retry-After`` (``ServerBusyError``). A query seen to run longer than
``RESERVED_S`` (anywhere) is remembered by its text (``CostMemory``) and from then on waits for a
general worker only, so the same bomb sent again cannot take the reserved lane.

A query waits for a worker at most until its time limit, counted from its arrival; at most
``max_waiting`` queries wait at once, and one more is refused at once (503, ``Retry-After``).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from sgraph.errors import ServerBusyError

#: How long the reserved worker runs a query before it is stopped (seconds).
RESERVED_S = 1.0
#: How many query texts seen to be slow are remembered (the oldest are forgotten).
REMEMBERED = 4096


class Laned(Protocol):
    reserved: bool


class CostMemory:
    """The texts of queries seen to run longer than ``RESERVED_S`` (kept as digests)."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self._size = size
        self._seen: OrderedDict[bytes, None] = OrderedDict()

    @staticmethod
    def _key(text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def add(self, text: str) -> None:
        key = self._key(text)
        self._seen[key] = None
        self._seen.move_to_end(key)
        while len(self._seen) > self._size:
            self._seen.popitem(last=False)

    def __contains__(self, text: str) -> bool:
        return self._key(text) in self._seen


W = TypeVar("W", bound=Laned)


class Lanes(Generic[W]):
    """The idle workers of both lanes, and the queries waiting for one."""

    def __init__(self, max_waiting: int) -> None:
        self.max_waiting = max_waiting
        self._general: list[W] = []
        self._reserved: list[W] = []
        self._changed = asyncio.Condition()
        self.waiting = 0

    def _pick(self, slow: Callable[[], bool], general: bool = True) -> W | None:
        if general and self._general:
            return self._general.pop()
        if self._reserved and not slow():
            return self._reserved.pop()
        return None

    async def take(self, *, slow: Callable[[], bool], timeout: float) -> W:
        """An idle worker: a general one if any, else (unless ``slow()``) the reserved one.

        ``slow`` is asked each time a worker is free: a query that waits may become known to
        be slow meanwhile (the same text, sent earlier, passed ``RESERVED_S``).

        ``TimeoutError`` when none is free within ``timeout``; ``ServerBusyError`` at once when
        ``max_waiting`` queries are already waiting.
        """
        # a general worker goes to the queries already waiting first (they are woken in order)
        worker = self._pick(slow, general=self.waiting == 0)
        if worker is not None:
            return worker
        if self.waiting >= self.max_waiting:
            raise ServerBusyError(
                f"{self.waiting} queries are already waiting for a query worker",
                retry_after_s=2,
                hint="try again in a moment",
            )
        self.waiting += 1
        try:
            async with self._changed:
                async with asyncio.timeout(max(0.0, timeout)):
                    while (worker := self._pick(slow)) is None:
                        await self._changed.wait()
                return worker
        finally:
            self.waiting -= 1

    async def put(self, worker: W) -> None:
        """Give ``worker`` back (idle), and wake the queries waiting for one."""
        (self._reserved if worker.reserved else self._general).append(worker)
        async with self._changed:
            self._changed.notify_all()
