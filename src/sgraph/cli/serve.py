"""``sgraph serve``: the SPARQL endpoint, the query page and the linked-data routes."""

from __future__ import annotations

from pathlib import Path

import click

from sgraph.cli.options import (
    base_option,
    data_option,
    make_settings,
    open_store,
    progress,
    store_option,
)
from sgraph.errors import InputError


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind. Keep 127.0.0.1 unless others must reach it.",
)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on.",
)
@data_option
@base_option
@click.option(
    "--timeout",
    "timeout_s",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Time limit of one query, in seconds (503 when passed).",
)
@click.option(
    "--max-rows",
    default=10000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Most rows (or triples) one query returns; longer results are cut and flagged.",
)
@click.option(
    "--max-request-bytes",
    default=100_000,
    show_default=True,
    type=click.IntRange(min=1024),
    help="Largest request (query) accepted (413 above).",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Query worker processes, each with its own copy of the graph.",
)
@click.option(
    "--worker-memory",
    "worker_memory_mb",
    default=None,
    type=click.IntRange(min=0),
    metavar="MIB",
    help="Memory limit of each query worker in MiB, its copy of the graph included (503 when "
    "a query passes it; 0: none). Default: SGRAPH_WORKER_MEMORY, else 2048.",
)
@click.option(
    "--dist",
    "dist_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Folder of a build (sgraph build --out) whose dumps and void.ttl are served.",
)
@click.option(
    "--public-url",
    default=None,
    metavar="URL",
    help="The address clients reach this server at (behind a proxy), for the links it "
    "writes. Default: http://HOST:PORT.",
)
@store_option
def serve_command(
    host: str,
    port: int,
    data_dir: Path | None,
    base: str | None,
    timeout_s: float,
    max_rows: int,
    max_request_bytes: int,
    workers: int,
    worker_memory_mb: int | None,
    dist_dir: Path | None,
    public_url: str | None,
    store_path: Path | None,
    no_store: bool,
) -> None:
    """Serve the graph: a read-only SPARQL 1.1 endpoint at /sparql, a query page at /.

    Queries may not update anything (403), reach other servers (SERVICE, LOAD and
    remote FROM are refused with 400), run past --timeout (503), use more than
    --worker-memory (503) or return more than --max-rows rows (cut, with the
    header X-Sgraph-Truncated: true).
    Named queries run at /api/queries/NAME?param=value. Stop with Ctrl-C.

    \b
    Example:
      sgraph serve
      sgraph serve --port 8080 --timeout 10 --max-rows 50000
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 5' \\
           http://127.0.0.1:8000/sparql
    """
    import uvicorn

    from sgraph.server import ServerConfig, create_app
    from sgraph.server.errors import KEEP_ALIVE_S, JsonErrorH11Protocol

    if public_url is not None and not public_url.startswith(("http://", "https://")):
        raise InputError(
            f"--public-url {public_url!r} is not an http(s) address",
            hint="give the address as clients use it, e.g. --public-url https://example.org/sgraph",
        )
    memory_mb = worker_memory_mb if worker_memory_mb is not None else _worker_memory_setting()
    settings = make_settings(data_dir, base)
    gs = open_store(settings, store_path, no_store, memory=True)
    config = ServerConfig(
        host=host,
        port=port,
        timeout_s=timeout_s,
        max_rows=max_rows,
        max_request_bytes=max_request_bytes,
        dist_dir=dist_dir,
        workers=workers,
        worker_memory_mb=memory_mb,
        public_url=public_url,
    )
    app = create_app(gs, config)
    shown = f"[{host}]" if ":" in host else host
    progress(
        f"{len(gs)} triples. SPARQL endpoint: http://{shown}:{port}/sparql  query page: http://{shown}:{port}/"
    )
    try:
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            http=JsonErrorH11Protocol,  # uvicorn's own errors in the JSON error shape
            # let long GET queries reach the endpoint, which answers 413 above its own limit
            h11_max_incomplete_event_size=max(65536, 4 * max_request_bytes),
            timeout_keep_alive=int(KEEP_ALIVE_S),  # idle between requests; the request itself:
            # errors.REQUEST_READ_S (408)
        )
    except OSError as exc:  # pragma: no cover - e.g. port in use
        raise InputError(
            f"cannot listen on {host}:{port}: {exc.strerror}", hint="choose another --port"
        ) from None


def _worker_memory_setting() -> int:
    from sgraph import environment

    value = environment.read("SGRAPH_WORKER_MEMORY")
    if value is None:
        return 2048
    try:
        mb = int(value.strip())
    except ValueError:
        mb = -1
    if mb < 0:
        raise InputError(
            f"SGRAPH_WORKER_MEMORY={value!r} is not a number of MiB",
            hint="set it to a whole number of MiB, e.g. SGRAPH_WORKER_MEMORY=2048 (0: no limit)",
        )
    return mb


def register(group: click.Group) -> None:
    group.add_command(serve_command)
