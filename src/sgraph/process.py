"""Child processes that do not outlive their parent: the build's export child, query workers."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int | None = None) -> None:
    """Ask Linux to kill this process (SIGKILL) as soon as its parent dies, even mid-work.

    ``parent_pid``: the parent as the caller knew it before the fork; if it is already gone
    (it died before the request was made), this process exits at once. Elsewhere a no-op.
    """
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)
