"""Real servers for tests: `sgraph serve` as a subprocess on a free loopback port."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sgraph_command() -> list[str]:
    """The installed ``sgraph`` script beside this Python, or ``python -m sgraph``."""
    script = Path(sys.executable).with_name("sgraph")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sgraph"]


def start_server(port: int, *args: str, ready: str = "/api/limits") -> subprocess.Popen[bytes]:
    """``sgraph serve`` on 127.0.0.1:port, returned once ``ready`` answers 200."""
    proc = subprocess.Popen(
        [*sgraph_command(), "serve", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}{ready}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode() if proc.stdout else ""
            raise RuntimeError(f"sgraph serve exited with {proc.returncode}:\n{out}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("sgraph serve did not start within 90 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def running_server(*args: str) -> Iterator[str]:
    """``sgraph serve ARGS`` for the duration of a ``with`` block; yields its base URL."""
    port = free_port()
    proc = start_server(port, *args)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(proc)
