"""Real servers for tests: `sgraph serve` and `oxigraph serve` as subprocesses on free loopback ports."""

from __future__ import annotations

import contextlib
import shutil
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


def start_server(
    port: int,
    *args: str,
    ready: str = "/api/limits",
    command: list[str] | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """``sgraph serve`` (or ``command serve``) on 127.0.0.1:port, once ``ready`` answers 200."""
    proc = subprocess.Popen(
        [*(command or sgraph_command()), "serve", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=cwd,
        env=env,
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


@contextlib.contextmanager
def running_oxigraph(location: Path) -> Iterator[str]:
    """``oxigraph serve`` (read-write, store in ``location``) for a ``with`` block; yields its URL.

    Skips the test when the server is not installed (``pip install oxigraph``, in the test extra).
    """
    import pytest

    beside = Path(sys.executable).parent / "oxigraph"
    exe = str(beside) if beside.exists() else shutil.which("oxigraph")
    if exe is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    url = f"http://127.0.0.1:{free_port()}"
    proc = subprocess.Popen(
        [exe, "serve", "--location", str(location), "--bind", url.removeprefix("http://")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"oxigraph exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("oxigraph server did not answer within 30 s") from None
                time.sleep(0.1)
        yield url
    finally:
        stop_server(proc)
