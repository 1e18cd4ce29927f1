"""Real servers for tests, as subprocesses on free loopback ports: `sgraph serve`, `oxigraph serve`
(PyPI's oxigraph, in the test extra) and Virtuoso (Debian's virtuoso-opensource, `virtuoso-t`
with `isql-vt`; .ci/run installs it).

A test that needs a server binary that is not installed is skipped with the reason printed,
except in CI (`CI=true`), where it fails: CI must run every store.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn


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
def running_oxigraph(location: Path, *args: str) -> Iterator[str]:
    """``oxigraph serve ARGS`` (read-write, store in ``location``) for a ``with`` block; yields
    its URL.

    Skips the test when the server is not installed (``pip install oxigraph``, in the test
    extra); fails it in CI.
    """
    beside = Path(sys.executable).parent / "oxigraph"
    exe = str(beside) if beside.exists() else need_binary("oxigraph", "pip install oxigraph")
    url = f"http://127.0.0.1:{free_port()}"
    proc = subprocess.Popen(
        [exe, "serve", "--location", str(location), "--bind", url.removeprefix("http://"), *args],
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


def oxigraph_load(location: Path, file: Path) -> None:
    """``oxigraph load``: ``file`` (any RDF format, by its suffix) into the store at ``location``."""
    beside = Path(sys.executable).parent / "oxigraph"
    exe = str(beside) if beside.exists() else need_binary("oxigraph", "pip install oxigraph")
    subprocess.run(
        [exe, "load", "--location", str(location), "--file", str(file)],
        check=True,
        capture_output=True,
        timeout=300,
    )


def need_binary(name: str, install: str) -> str:
    """The path of the program ``name``; skips the test (fails it under ``CI=true``) without it."""
    found = shutil.which(name)
    if found is None:
        missing(f"{name} is not installed ({install}; .ci/run installs it)")
    return found


def missing(why: str) -> NoReturn:
    """Skip the test for want of ``why`` (fail it under ``CI=true``: CI must run every store)."""
    import pytest

    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run this test, but {why}")
    pytest.skip(why)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
DirsAllowed = ., {dir}{dirs}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}/www
ServerThreads = 4
MaxClientConnections = 4
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


@dataclass(frozen=True)
class Virtuoso:
    """A running Virtuoso: its HTTP base URL, its SQL port (for ``isql-vt``), the dba password."""

    url: str
    sql_port: int
    password: str
    folder: Path

    @property
    def sparql(self) -> str:
        """The SPARQL endpoint (read-only, no login)."""
        return self.url + "/sparql"

    @property
    def graph_crud_auth(self) -> str:
        """The Graph Store Protocol endpoint that takes writes (HTTP Digest, user dba)."""
        return self.url + "/sparql-graph-crud-auth"

    def isql(self, script: str) -> str:
        """Run SQL statements (``;``-separated) as dba; their output. RuntimeError on an error."""
        exe = need_binary("isql-vt", "apt-get install virtuoso-opensource")
        proc = subprocess.run(
            [exe, f"127.0.0.1:{self.sql_port}", "dba", self.password, "VERBOSE=OFF"],
            input=script.encode() + b"\n",
            capture_output=True,
            timeout=300,
        )
        out = proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")
        if proc.returncode != 0 or re.search(r"^\*\*\* Error", out, re.M):
            raise RuntimeError(f"isql-vt failed ({proc.returncode}):\n{out}")
        return out

    def bulk_load(self, folder: Path, pattern: str, graph: str) -> None:
        """Virtuoso's bulk loader (``ld_dir`` + ``rdf_loader_run``) on ``folder/pattern``;
        triples without a graph of their own go to ``graph``. RuntimeError naming the file
        the loader refused."""
        self.isql(
            "DELETE FROM DB.DBA.load_list;\n"
            f"ld_dir('{folder}', '{pattern}', '{graph}');\n"
            "rdf_loader_run();\ncheckpoint;"
        )
        errors = self.isql(
            "SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;"
        )
        if "/" in errors:
            raise RuntimeError(f"Virtuoso's bulk loader refused {folder}/{pattern}:\n{errors}")


@contextlib.contextmanager
def running_virtuoso(
    folder: Path, *, password: str = "dba", readable: tuple[Path, ...] = ()
) -> Iterator[Virtuoso]:
    """Virtuoso with its database in ``folder`` (a virtuoso.ini with free loopback ports) for a
    ``with`` block. ``readable`` folders are allowed to its bulk loader; ``password`` becomes
    the dba password (the SQL and the Digest login of /sparql-graph-crud-auth, which dba may
    write through)."""
    exe = need_binary("virtuoso-t", "apt-get install virtuoso-opensource")
    need_binary("isql-vt", "apt-get install virtuoso-opensource")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "www").mkdir(exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    dirs = "".join(f", {d}" for d in readable)
    ini = folder / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(dir=folder, sql_port=sql_port, http_port=http_port, dirs=dirs)
    )
    log = folder / "virtuoso.log"
    proc = subprocess.Popen(
        [exe, "+foreground", "+configfile", str(ini)],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while "Server online at" not in (log.read_text() if log.exists() else ""):
            if proc.poll() is not None:
                tail = log.read_text()[-2000:] if log.exists() else ""
                raise RuntimeError(f"virtuoso-t exited with {proc.returncode}:\n{tail}")
            if time.monotonic() > deadline:
                raise RuntimeError("Virtuoso did not start within 120 s")
            time.sleep(0.2)
        server = Virtuoso(f"http://127.0.0.1:{http_port}", sql_port, "dba", folder)
        if password != "dba":
            server.isql(f"USER_SET_PASSWORD('dba', '{password}');")
            server = Virtuoso(server.url, sql_port, password, folder)
        yield server
    finally:
        stop_server(proc)


#: Debian's libapache-jena-java 4.5 and the jars it depends on, in /usr/share/java (the package
#: ships the jars only: no `arq`/`sparql` scripts, so the classpath is written out here)
JENA_JARS = (
    "jena-arq", "jena-base", "jena-cmds", "jena-core", "jena-dboe-base", "jena-dboe-index",
    "jena-dboe-storage", "jena-dboe-trans-data", "jena-dboe-transaction", "jena-iri",
    "jena-rdfconnection", "jena-shacl", "jena-shex", "jena-tdb", "jena-tdb2",
    "commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io",
    "commons-lang3", "dexx.collection", "gson", "guava", "httpclient", "httpclient-cache", "httpcore",
    "jackson-core", "jackson-databind", "jackson-annotations", "jsonld-java", "protobuf",
    "slf4j-api", "slf4j-nop", "thrift", "titanium-json-ld", "jakarta.json-api",
)  # fmt: skip


def jena_command(folder: Path, main: str) -> list[str]:
    """The command that runs Jena's command-line class ``main`` (``arq.sparql``,
    ``riotcmd.riot``) from Debian's libapache-jena-java; skips the test (fails it under
    ``CI=true``) without it.

    Debian's jena-core relocates its copy of Xerces to the package ``xerces`` but leaves the
    message files under ``org/apache/jena/ext/xerces``, so Jena stops at start-up ("internal
    error" in XSSimpleTypeDecl: the regular expressions of the XSD datatypes cannot load their
    messages). A jar of those files at the path the classes look in, written into ``folder``
    from jena-core itself, mends that."""
    import zipfile

    java = need_binary("java", "apt-get install default-jre-headless")
    jars = [Path("/usr/share/java") / f"{name}.jar" for name in JENA_JARS]
    if absent := [str(j) for j in jars if not j.exists()]:
        missing(
            f"{absent[0]} is not installed (apt-get install libapache-jena-java; .ci/run installs it)"
        )
    mend = folder / "jena-xerces-messages.jar"
    core_jar = jars[JENA_JARS.index("jena-core")]
    with zipfile.ZipFile(core_jar) as core, zipfile.ZipFile(mend, "w") as out:
        for name in core.namelist():
            if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                out.writestr(name.removeprefix("org/apache/jena/ext/"), core.read(name))
    classpath = ":".join(str(j) for j in [*jars, mend])
    return [java, "-XX:TieredStopAtLevel=1", "-cp", classpath, main]
