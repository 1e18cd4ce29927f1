"""Upload the graph to a SPARQL 1.1 Graph Store Protocol endpoint in one HTTP PUT.

A PUT replaces the target graph as a whole, so readers of the store see the old graph or the
new one, never half of it. The default graph is addressed as ``URL?default``, a named graph as
``URL?graph=IRI`` (SPARQL 1.1 Graph Store HTTP Protocol, indirect identification).

How a push goes:

1. **the login** (``find_login``): ``user:password@`` in the URL (taken out of the URL, never
   shown), else ``--user`` with the password from ``SGRAPH_PUSH_PASSWORD``, ``~/.netrc`` or a
   prompt, else the ``~/.netrc`` entry of the host, else none;
2. **a look first** (``GET`` of the target, at most 4 KB read): the store's challenge says Basic
   or Digest (Virtuoso's ``/sparql-graph-crud-auth`` asks for Digest), and a store that refuses
   the target (Virtuoso has no default graph there) says so before a byte is uploaded;
3. **the upload**: N-Triples made from the store batch by batch, twice (once to count the bytes
   for ``Content-Length``, which Virtuoso needs: it drops a chunked body; once to send), so the
   memory used does not grow with the graph. The body can be read again, so a Digest nonce that
   went stale is answered by sending it again.

The store's own status and message are shown, with a hint for the known cases.
"""

from __future__ import annotations

import netrc
import re
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import httpx
import pyoxigraph as ox

from sgraph import environment, http
from sgraph.errors import InputError, RemoteStoreError, UnreachableError
from sgraph.rdf.formats import GRAPH_FORMATS
from sgraph.store import GraphStore

#: Called with (bytes sent, bytes in total) while the upload runs.
Progress = Callable[[int, int], None]
CHUNK = 256 * 1024
#: triples serialised at a time (about 2 MB of N-Triples)
BATCH = 10_000
#: The upload's format.
NTRIPLES = GRAPH_FORMATS["ntriples"]
PASSWORD_VARIABLE = "SGRAPH_PUSH_PASSWORD"
#: how long the look before the upload waits for the first bytes of an answer
LOOK_TIMEOUT_S = 30.0
Scheme = Literal["auto", "basic", "digest"]
GSP_HINT = (
    "check that the URL is the store's Graph Store Protocol endpoint (Oxigraph server: "
    "http://HOST:PORT/store; Virtuoso: http://HOST:8890/sparql-graph-crud-auth with --graph; "
    "Fuseki: http://HOST:3030/DATASET/data; GraphDB: "
    "http://HOST:7200/repositories/REPO/rdf-graphs/service) and that it accepts writes"
)


@dataclass(frozen=True)
class PushResult:
    url: str
    graph: str | None
    triples: int
    bytes: int
    status: int


@dataclass(frozen=True)
class Login:
    """A user name and password, and where the password came from (for messages)."""

    user: str
    password: str = ""
    source: str = ""

    def __repr__(self) -> str:  # never the password
        return f"Login(user={self.user!r}, source={self.source!r})"


def split_credentials(store_url: str) -> tuple[str, str | None, str | None]:
    """``store_url`` without ``user:password@``, and the (percent-decoded) user and password."""
    parts = urllib.parse.urlsplit(store_url)
    if "@" not in parts.netloc:
        return store_url, None, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    clean = urllib.parse.urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return (
        clean,
        urllib.parse.unquote(user) or None,
        urllib.parse.unquote(password) if colon else None,
    )


def target_url(store_url: str, graph: str | None) -> str:
    """``store_url?default`` or ``store_url?graph=<IRI, percent-encoded>`` (without any
    ``user:password@``)."""
    store_url = split_credentials(store_url)[0]
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


def _netrc_entry(host: str, path: Path | None) -> tuple[str, str] | None:
    file = path if path is not None else Path.home() / ".netrc"
    if not file.is_file():
        return None
    try:
        found = netrc.netrc(str(file)).authenticators(host)
    except (netrc.NetrcParseError, OSError) as exc:
        raise InputError(f"{file} cannot be read: {exc}", hint="fix or remove the file") from None
    if not found or found[0] is None:
        return None
    return found[0], found[2] or ""


def find_login(
    store_url: str,
    user: str | None = None,
    *,
    ask: Callable[[str], str] | None = None,
    netrc_path: Path | None = None,
) -> Login | None:
    """The login for ``store_url``, first match wins: the URL's ``user:password@``; ``user``
    (or the URL's user) with the password from ``SGRAPH_PUSH_PASSWORD``, the ``~/.netrc``
    entry of the host for that user, or ``ask(prompt)``; the host's ``~/.netrc`` entry; none."""
    _, url_user, url_password = split_credentials(store_url)
    if user and url_user and user != url_user:
        raise InputError(
            f"--user {user!r} and the user {url_user!r} in the URL differ",
            hint="give the user once: in the URL or with --user",
        )
    user = user or url_user
    if user and url_password is not None:
        return Login(user, url_password, "the URL")
    host = urllib.parse.urlsplit(store_url).hostname or ""
    entry = _netrc_entry(host, netrc_path)
    if user:
        password = environment.read("SGRAPH_PUSH_PASSWORD")
        if password is not None:
            return Login(user, password, PASSWORD_VARIABLE)
        if entry and entry[0] == user:
            return Login(user, entry[1], "~/.netrc")
        if ask is not None:
            return Login(user, ask(f"Password for {user} at {host}"), "the prompt")
        raise InputError(
            f"no password for {user!r} at {host}",
            hint=f"set {PASSWORD_VARIABLE}, add 'machine {host} login {user} password ...' to "
            "~/.netrc, or run push in a terminal to be asked",
        )
    if entry:
        return Login(entry[0], entry[1], "~/.netrc")
    return None


class NTriplesBody:
    """The published graph as N-Triples, made batch by batch each time it is read (so it can
    be sent again); ``length`` is counted by a first pass. Memory: one batch at a time.

    A triple that is in two graphs is written twice; the store keeps it once (a graph is a set).
    """

    def __init__(self, store: ox.Store, progress: Progress | None = None) -> None:
        self.store = store
        self.progress = progress
        self.length = sum(len(chunk) for chunk in self._chunks())

    def _chunks(self) -> Iterator[bytes]:
        batch: list[ox.Triple] = []
        for quad in self.store:
            batch.append(quad.triple)
            if len(batch) >= BATCH:
                yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES) or b""
                batch = []
        if batch:
            yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES) or b""

    def __iter__(self) -> Iterator[bytes]:
        sent = 0
        for chunk in self._chunks():
            sent += len(chunk)
            yield chunk
            if self.progress:
                self.progress(sent, self.length)
        if self.length == 0 and self.progress:
            self.progress(0, 0)


class BytesBody:
    """A body already in memory, sent in ``CHUNK``-sized pieces (progress after each)."""

    def __init__(self, data: bytes, progress: Progress | None = None) -> None:
        self.data = data
        self.length = len(data)
        self.progress = progress

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, self.length, CHUNK):
            yield self.data[start : start + CHUNK]
            if self.progress:
                self.progress(min(start + CHUNK, self.length), self.length)
        if self.length == 0 and self.progress:
            self.progress(0, 0)


Body = NTriplesBody | BytesBody


def _detail(content: bytes) -> str:
    """The store's message: the text of an HTML error page, or the body, on one line."""
    text = content[:4096].decode("utf-8", "replace")
    pre = re.search(r"<(?:xmp|pre)>(.*?)</(?:xmp|pre)>", text, re.S | re.I)
    if pre:
        text = pre.group(1)
    elif "<" in text:
        text = re.sub(r"<title>.*?</title>", " ", text, flags=re.S | re.I)
        text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text[:300] + ("..." if len(text) > 300 else "")


def _refused(url: str, status: int, reason: str, content: bytes, login: Login | None) -> str:
    detail = _detail(content)
    return f"the store at {url} refused the upload: HTTP {status} {reason}" + (
        f": {detail}" if detail else ""
    )


def _hint(status: int, content: bytes, login: Login | None, graph: str | None) -> str:
    text = content.decode("utf-8", "replace").lower()
    if status == 401 and login is None:
        return (
            "the store asks for a login: pass --user NAME (the password from "
            f"{PASSWORD_VARIABLE}, ~/.netrc or a prompt), or put user:password@ in the URL"
        )
    if status == 401 and login is not None:
        return (
            f"the store did not accept the login of {login.user!r} (password from {login.source})"
        )
    if status == 403:
        return (
            "the user may not write there: give the user write permission (Virtuoso: "
            "GRANT SPARQL_UPDATE TO user, or use dba); Fuseki: check the dataset is not read-only"
        )
    if graph is None and "default graph" in text:
        return "this store has no default graph to write: pass --graph IRI (Virtuoso needs one)"
    if status == 404:
        return GSP_HINT
    if status in (405, 501):
        return "this URL does not take a PUT: " + GSP_HINT
    return GSP_HINT


def _auth(challenge: str, login: Login | None, scheme: Scheme) -> httpx.Auth | None:
    if login is None:
        return None
    if scheme == "digest" or (scheme == "auto" and challenge.lower().startswith("digest")):
        return httpx.DigestAuth(login.user, login.password)
    return httpx.BasicAuth(login.user, login.password)


def upload(
    store_url: str,
    body: Body,
    graph: str | None = None,
    *,
    login: Login | None = None,
    scheme: Scheme = "auto",
    timeout_s: float = 600.0,
) -> int:
    """PUT ``body`` (N-Triples) to the store, after a look at the target; the HTTP status.
    RemoteStoreError on failure, with the store's status and message and a hint."""
    url = target_url(store_url, graph)
    auth = _auth("", login, scheme)
    look: http.Probe | None = None
    try:
        look = http.probe("GET", url, timeout_s=LOOK_TIMEOUT_S)
        auth = _auth(look.headers.get("www-authenticate", ""), login, scheme)
        if look.status_code == 401 and auth is not None:
            look = http.probe("GET", url, timeout_s=LOOK_TIMEOUT_S, auth=auth)
    except UnreachableError as exc:
        if not exc.reason.startswith("no answer within"):
            raise RemoteStoreError(
                f"cannot reach the store at {url}: {exc.reason}", hint=GSP_HINT
            ) from None
        # a store slow to start sending the graph it holds: nothing learnt, upload anyway
    # the look is a GET: a store that cannot serve the target graph (404, or 405/501 for a
    # write-only URL) may still take a PUT; a login refused or an error is final
    if look is not None and (look.status_code in (401, 403) or look.status_code >= 500):
        raise RemoteStoreError(
            _refused(url, look.status_code, look.reason_phrase, look.content, login),
            hint=_hint(look.status_code, look.content, login, graph),
        )
    try:
        response = http.request(
            "PUT",
            url,
            content=body,
            headers={"Content-Type": NTRIPLES.media_type, "Content-Length": str(body.length)},
            timeout_s=timeout_s,
            auth=auth,
        )
    except UnreachableError as exc:
        raise RemoteStoreError(
            f"cannot reach the store at {url}: {exc.reason}", hint=GSP_HINT
        ) from None
    if not response.is_success:
        raise RemoteStoreError(
            _refused(url, response.status_code, response.reason_phrase, response.content, login),
            hint=_hint(response.status_code, response.content, login, graph),
        )
    return response.status_code


def push_ntriples(
    store_url: str,
    payload: bytes,
    graph: str | None = None,
    *,
    progress: Progress | None = None,
    login: Login | None = None,
    timeout_s: float = 600.0,
) -> int:
    """PUT ``payload`` (N-Triples in memory) to the store; the HTTP status."""
    return upload(store_url, BytesBody(payload, progress), graph, login=login, timeout_s=timeout_s)


def push(
    gs: GraphStore,
    store_url: str,
    graph: str | None = None,
    *,
    progress: Progress | None = None,
    login: Login | None = None,
    scheme: Scheme = "auto",
) -> PushResult:
    """Upload the published graph (curated + materialised triples, as ``dist/graph.ttl``),
    streamed from the store."""
    body = NTriplesBody(gs.store, progress)
    status = upload(store_url, body, graph, login=login, scheme=scheme)
    return PushResult(
        url=target_url(store_url, graph),
        graph=graph,
        triples=len(gs),
        bytes=body.length,
        status=status,
    )
