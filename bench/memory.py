"""Memory of a process tree (Linux /proc), sampled while it runs: used by bench/run.py and
bench/build_steps.py.

PSS (proportional set size) counts a page shared by N processes as 1/N in each, so the sum over
the tree counts the build's copy-on-write export child once, not twice.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from dataclasses import dataclass, field


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux /proc)."""
    found = [pid]
    with contextlib.suppress(OSError):
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                for child in f.read().split():
                    found += tree(int(child))
    return found


def smaps(pid: int) -> dict[str, int]:
    """Rss and Pss (KiB) of one process; Pss counts pages shared with a forked child once."""
    found: dict[str, int] = {}
    with contextlib.suppress(OSError), open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss"):
                found[key] = int(rest.split()[0])
    return found


@dataclass
class Sampler:
    """Samples the summed PSS and the largest RSS of ``pid``'s tree every ``every`` seconds in a
    thread; ``samples`` holds (seconds since start, summed PSS KiB, largest RSS KiB)."""

    pid: int
    every: float = 0.2
    samples: list[tuple[float, int, int]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        self.start = time.perf_counter()

    def sample(self) -> None:
        mem = [smaps(p) for p in tree(self.pid)]
        if mem:
            pss = sum(m.get("Pss", 0) for m in mem)
            rss = max(m.get("Rss", 0) for m in mem)
            if pss or rss:
                self.samples.append((time.perf_counter() - self.start, pss, rss))

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.every)

    def __enter__(self) -> Sampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def peak_pss_mib(self, since: float = 0.0, until: float = float("inf")) -> float | None:
        found = [pss for t, pss, _ in self.samples if since <= t <= until]
        return round(max(found) / 1024, 1) if found else None

    def peak_rss_mib(self) -> float | None:
        return round(max(r for _, _, r in self.samples) / 1024, 1) if self.samples else None
