"""Every environment variable sgraph reads, in one table: name, type, default and what it does.

Nothing else in sgraph reads ``os.environ``: code asks :func:`read` for a name of this table, and
the README's "Settings" table lists the same rows (a test fails when one is missing there). An
explicit command-line option always beats its variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class EnvSetting:
    name: str
    type: str
    default: str
    help: str
    option: str | None = None  # the command-line option that beats it, if any


SETTINGS: tuple[EnvSetting, ...] = (
    EnvSetting(
        "SGRAPH_DATA",
        "folder",
        "the working folder's graph, else the packaged graph",
        "The curated data folder every command reads.",
        "--data",
    ),
    EnvSetting(
        "SGRAPH_BASE",
        "IRI ending in /",
        "https://w3id.org/sgraph/",
        "Base IRI of everything published.",
        "--base",
    ),
    EnvSetting(
        "SGRAPH_STORE",
        "folder",
        "one per data folder in $XDG_CACHE_HOME/sgraph/stores/",
        "The persistent embedded store of `query`, `serve` and `network`.",
        "--store",
    ),
    EnvSetting(
        "SGRAPH_SHACL_ENGINE",
        "fast | pyshacl",
        "fast",
        "SHACL engine of `build`, `validate`, `push` and `add`.",
        "--engine",
    ),
    EnvSetting(
        "SGRAPH_BUILD_STORE",
        "auto | memory | disk",
        "auto",
        "Where `build` holds the graph while it works: in memory, or in an on-disk store in a "
        "temporary folder beside --out (bounded memory, for tens of millions of triples); "
        "`auto`: on disk when the data files pass 256 MiB.",
        "--store-on-disk",
    ),
    EnvSetting(
        "SGRAPH_DOWNLOAD_BASE",
        "URL",
        "{base}dumps/",
        "Where the dumps are downloaded from, as written in void.ttl.",
    ),
    EnvSetting(
        "SGRAPH_SPARQL_ENDPOINT",
        "URL",
        "{base}sparql",
        "The public SPARQL endpoint, as written in void.ttl.",
    ),
    EnvSetting(
        "SGRAPH_RELEASE_DATE",
        "YYYY-MM-DD",
        "the newest date the graph records",
        "The dataset's dcterms:modified in void.ttl.",
    ),
    EnvSetting(
        "SOURCE_DATE_EPOCH",
        "seconds since 1970",
        "unset",
        "Reproducible builds: the release date, when SGRAPH_RELEASE_DATE is not set.",
    ),
    EnvSetting(
        "SGRAPH_WORKER_ISOLATION",
        "on | off",
        "on",
        "`off`: query workers of `serve` stay in the server's network namespace (as on a system "
        "without unprivileged namespaces); the query policy still refuses SERVICE, LOAD and "
        "remote FROM.",
    ),
    EnvSetting(
        "SGRAPH_RESULT_CACHE_BYTES",
        "bytes (0: off)",
        "67108864 (64 MiB)",
        "Memory bound of `serve`'s server-side result cache (answers kept by query, parameters "
        "and graph version).",
        "--cache-bytes",
    ),
    EnvSetting(
        "SGRAPH_RESULT_STORE_BYTES",
        "bytes (0: off)",
        "1073741824 (1 GiB)",
        "Disk bound of the answers `serve` stores beside a persisted store (`STORE/results/`: "
        "the named queries' default answers, computed once in the background, and answers slow "
        "to compute); 0 turns them and the warm-up off. A rebuild of the store removes them.",
        "--result-store-bytes",
    ),
    EnvSetting(
        "SGRAPH_WORKER_MEMORY",
        "MiB",
        "2048",
        "Memory limit of each query worker of `serve` (its store and the query it runs; "
        "RLIMIT_DATA); a query past it gets 503 and a fresh worker. 0: no limit.",
        "--worker-memory",
    ),
    EnvSetting(
        "SGRAPH_PUSH_PASSWORD",
        "text",
        "unset (then ~/.netrc, then a prompt)",
        "The password of `push --user NAME` (Basic or Digest, as the store asks).",
    ),
    EnvSetting(
        "XDG_CACHE_HOME",
        "folder",
        "~/.cache",
        "Where the persistent stores are kept (under sgraph/stores/).",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def quiet_native_backtraces() -> None:
    """Ask Rust code in this process (pyoxigraph) for one-line panics, not backtraces: a query
    worker's failed allocation is then one line in the server's log."""
    os.environ["RUST_BACKTRACE"] = "0"


def read(name: str) -> str | None:
    """The value of variable ``name`` (one of :data:`SETTINGS`), or None when unset or empty."""
    if name not in _BY_NAME:
        raise KeyError(f"{name} is not in sgraph.environment.SETTINGS: add it there and to README")
    return os.environ.get(name) or None
