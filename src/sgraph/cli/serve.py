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
    help="Most rows one page of the query page or /api holds (page on with _offset).",
)
@click.option(
    "--max-request-bytes",
    default=100_000,
    show_default=True,
    type=click.IntRange(min=1024),
    help="Largest request (query) accepted (413 above).",
)
@click.option(
    "--max-result-bytes",
    default=256 * 1024 * 1024,
    show_default=True,
    type=click.IntRange(min=1024),
    help="Largest complete result /sparql sends a protocol client; a longer one is an "
    "error (503) naming this limit, never a cut result.",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Query worker processes; they share one on-disk store, opened read-only.",
)
@click.option(
    "--in-memory-workers/--shared-store",
    default=None,
    help="--in-memory-workers: each worker loads its own in-memory copy of the graph (scans "
    "4-10x faster; memory and start-up grow with --workers). --shared-store: the workers share "
    "the on-disk store, read-only (ready in seconds, one copy). Default: copies up to 2 million "
    "triples, the shared store above.",
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
@click.option(
    "--cache-bytes",
    default=None,
    type=click.IntRange(min=0),
    metavar="BYTES",
    help="Memory bound of the server-side result cache; 0 turns it off. "
    "Default: $SGRAPH_RESULT_CACHE_BYTES, else 64 MiB.",
)
@click.option(
    "--result-store-bytes",
    default=None,
    type=click.IntRange(min=0),
    metavar="BYTES",
    help="Disk bound of the answers stored beside the persisted store (STORE/results/): the "
    "named queries' default answers, computed once in the background after start, and any "
    "answer slow to compute, served at once by this and later servers until the store is "
    "rebuilt. 0 turns them (and the warm-up) off. "
    "Default: $SGRAPH_RESULT_STORE_BYTES, else 1 GiB.",
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
    max_result_bytes: int,
    workers: int,
    in_memory_workers: bool | None,
    worker_memory_mb: int | None,
    dist_dir: Path | None,
    public_url: str | None,
    cache_bytes: int | None,
    result_store_bytes: int | None,
    store_path: Path | None,
    no_store: bool,
) -> None:
    """Serve the graph: a read-only SPARQL 1.1 endpoint at /sparql, a query page at /.

    Queries may not update anything (403), reach other servers (SERVICE, LOAD and
    remote FROM are refused with 400), run past --timeout (503) or use more than
    --worker-memory (503). A SPARQL client gets every row, or an error (503) past
    --max-result-bytes; the query page and /api/queries/NAME answer pages of at
    most --max-rows rows (_limit, _offset) with the total in the header
    X-Sgraph-Total. Named queries run at /api/queries/NAME?param=value. Answers
    carry an ETag (If-None-Match gives 304) and are kept in a result cache of
    --cache-bytes; the named queries' default answers are computed once in the
    background and stored beside the store (--result-store-bytes), so that they,
    and answers slow to compute, come at once until the store is rebuilt.
    Stop with Ctrl-C.

    \b
    Example:
      sgraph serve
      sgraph serve --port 8080 --timeout 10 --max-rows 50000
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 5' \\
           http://127.0.0.1:8000/sparql
    """
    import uvicorn

    from sgraph.persist import triple_count
    from sgraph.server import ServerConfig, create_app
    from sgraph.server.errors import KEEP_ALIVE_S, JsonErrorH11Protocol

    if public_url is not None and not public_url.startswith(("http://", "https://")):
        raise InputError(
            f"--public-url {public_url!r} is not an http(s) address",
            hint="give the address as clients use it, e.g. --public-url https://example.org/sgraph",
        )
    if cache_bytes is None:
        cache_bytes = _cache_bytes_setting()
    if result_store_bytes is None:
        result_store_bytes = _result_store_bytes_setting()
    memory_mb = worker_memory_mb if worker_memory_mb is not None else _worker_memory_setting()
    settings = make_settings(data_dir, base)
    # the persisted store is opened read-only, not copied into memory: the query workers open
    # the same folder, so start-up is quick and memory does not grow with --workers
    gs = open_store(settings, store_path, no_store)
    config = ServerConfig(
        host=host,
        port=port,
        timeout_s=timeout_s,
        max_rows=max_rows,
        max_request_bytes=max_request_bytes,
        max_result_bytes=max_result_bytes,
        dist_dir=dist_dir,
        workers=workers,
        in_memory_workers=in_memory_workers,
        worker_memory_mb=memory_mb,
        public_url=public_url,
        cache_bytes=cache_bytes,
        result_store_bytes=result_store_bytes,
    )
    app = create_app(gs, config)
    shown = f"[{host}]" if ":" in host else host
    progress(
        f"{triple_count(gs)} triples. SPARQL endpoint: http://{shown}:{port}/sparql  query page: http://{shown}:{port}/"
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


def _cache_bytes_setting() -> int:
    from sgraph import environment
    from sgraph.server.cache import DEFAULT_CACHE_BYTES

    value = environment.read("SGRAPH_RESULT_CACHE_BYTES")
    return _bytes_setting("SGRAPH_RESULT_CACHE_BYTES", value, DEFAULT_CACHE_BYTES)


def _result_store_bytes_setting() -> int:
    from sgraph import environment
    from sgraph.server.tier import DEFAULT_RESULT_STORE_BYTES

    value = environment.read("SGRAPH_RESULT_STORE_BYTES")
    return _bytes_setting("SGRAPH_RESULT_STORE_BYTES", value, DEFAULT_RESULT_STORE_BYTES)


def _bytes_setting(name: str, value: str | None, default: int) -> int:
    if value is None:
        return default
    if not value.strip().isdigit():
        raise InputError(
            f"{name}={value!r} is not a number of bytes",
            hint=f"set it to a whole number such as {default} (0 turns it off), or unset it",
        )
    return int(value)


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
