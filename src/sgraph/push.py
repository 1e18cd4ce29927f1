"""Upload the graph to a SPARQL 1.1 Graph Store Protocol endpoint in one HTTP PUT.

A PUT replaces the target graph as a whole, so readers of the store see the old graph or the
new one, never half of it. The default graph is addressed as ``URL?default``, a named graph as
``URL?graph=IRI`` (SPARQL 1.1 Graph Store HTTP Protocol, indirect identification).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from sgraph import http
from sgraph.errors import InputError, RemoteStoreError, UnreachableError
from sgraph.rdf.formats import GRAPH_FORMATS
from sgraph.serialize import to_ntriples
from sgraph.store import GraphStore

#: Called with (bytes sent, bytes in total) while the upload runs.
Progress = Callable[[int, int], None]
CHUNK = 256 * 1024
#: The upload's format.
NTRIPLES = GRAPH_FORMATS["ntriples"]


@dataclass(frozen=True)
class PushResult:
    url: str
    graph: str | None
    triples: int
    bytes: int
    status: int


def target_url(store_url: str, graph: str | None) -> str:
    """``store_url?default`` or ``store_url?graph=<IRI, percent-encoded>``."""
    parts = urllib.parse.urlsplit(store_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(
            f"not an http(s) URL: {store_url!r}",
            hint="give the store's Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store",
        )
    if graph is not None:
        try:
            ox.NamedNode(graph)
            ok = bool(urllib.parse.urlsplit(graph).scheme)
        except ValueError:
            ok = False
        if not ok:
            raise InputError(
                f"--graph must be an absolute IRI, not {graph!r}",
                hint="e.g. https://w3id.org/sgraph/graph",
            )
    extra = "default" if graph is None else "graph=" + urllib.parse.quote(graph, safe="")
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _chunks(data: bytes, progress: Progress | None) -> Iterator[bytes]:
    total = len(data)
    for start in range(0, total, CHUNK):
        chunk = data[start : start + CHUNK]
        yield chunk
        if progress:
            progress(min(start + CHUNK, total), total)
    if total == 0 and progress:
        progress(0, 0)


def push_ntriples(
    store_url: str,
    payload: bytes,
    graph: str | None = None,
    *,
    progress: Progress | None = None,
    timeout_s: float = 300.0,
) -> int:
    """PUT ``payload`` (N-Triples) to the store; the HTTP status. RemoteStoreError on failure."""
    url = target_url(store_url, graph)
    hint = (
        "check that the store is running and that the URL is its Graph Store Protocol endpoint "
        "(Oxigraph server: http://HOST:PORT/store; Fuseki: http://HOST:3030/DATASET/data; "
        "GraphDB: http://HOST:7200/repositories/REPO/rdf-graphs/service) and accepts writes"
    )
    try:
        response = http.request(
            "PUT",
            url,
            content=_chunks(payload, progress),
            headers={"Content-Type": NTRIPLES.media_type, "Content-Length": str(len(payload))},
            timeout_s=timeout_s,
        )
    except UnreachableError as exc:
        raise RemoteStoreError(
            f"cannot reach the store at {url}: {exc.reason}", hint=hint
        ) from None
    if not response.is_success:
        body = response.content[:500].decode("utf-8", "replace").strip()
        detail = f": {' '.join(body.split())}" if body else ""
        raise RemoteStoreError(
            f"the store at {url} refused the upload: "
            f"HTTP {response.status_code} {response.reason_phrase}{detail}",
            hint=hint,
        )
    return response.status_code


def push(
    gs: GraphStore,
    store_url: str,
    graph: str | None = None,
    *,
    progress: Progress | None = None,
) -> PushResult:
    """Upload the published graph (curated + materialised triples, as ``dist/graph.ttl``)."""
    triples = gs.triples()
    payload = to_ntriples(triples).encode("utf-8")
    status = push_ntriples(store_url, payload, graph, progress=progress)
    return PushResult(
        url=target_url(store_url, graph),
        graph=graph,
        triples=len(triples),
        bytes=len(payload),
        status=status,
    )
