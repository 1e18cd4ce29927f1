"""What this endpoint will run: read-only queries that reach nothing outside the machine.

pyoxigraph gives no syntax tree, so the query text is tokenised here (strings, comments, IRIs,
prefixed names, variables and language tags are skipped as whole tokens) and its keywords checked:

* ``SERVICE`` (federation) and ``LOAD`` (fetches a document) would open a network connection:
  refused with ``QueryRefusedError`` (400);
* ``FROM`` / ``FROM NAMED`` and the protocol's ``default-graph-uri`` / ``named-graph-uri`` may only
  name graphs of the local store: anything else is refused (400);
* update operations (``INSERT``, ``DELETE``, ``CLEAR``, ``DROP``, ...) are refused with
  ``ReadOnlyError`` (403).

SPARQL processes ``\\uXXXX`` escapes before parsing, so the text is checked both as sent and with
those escapes decoded; a keyword found in either reading counts. The query worker also runs in its
own network namespace where the operating system allows it (see ``sgraph.server.worker``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin

from sgraph.errors import QueryRefusedError, ReadOnlyError

# Keywords that make a request an update (SPARQL 1.1 Update) rather than a query.
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "LOAD"}
)
_SUSPECT = re.compile(
    r"SERVICE|LOAD|FROM|INSERT|DELETE|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH|\\[uU]", re.IGNORECASE
)

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS = _PN_CHARS_BASE + "_0-9\u00b7\u0300-\u036f\u203f-\u2040-"
_PREFIX = rf"(?:[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)?"
_LOCAL_CHAR = rf"(?:[{_PN_CHARS}:]|%[0-9A-Fa-f]{{2}}|\\[_~.\-!$&'()*+,;=/?#@%])"
_LOCAL = rf"(?:(?:[{_PN_CHARS_BASE}_:0-9]|%[0-9A-Fa-f]{{2}}|\\[_~.\-!$&'()*+,;=/?#@%])(?:{_LOCAL_CHAR}|\.(?={_LOCAL_CHAR}))*)?"

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
             | '''(?:[^'\\]|\\.|'(?!''))*'''
             | "(?:[^"\\\n\r]|\\.)*"
             | '(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\U000effff]+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<bnode>_:[A-Za-z0-9_\u00c0-\U000effff](?:[A-Za-z0-9_\-.\u00b7\u00c0-\U000effff]*[A-Za-z0-9_\-\u00b7\u00c0-\U000effff])?)
  | (?P<pname>"""
    + _PREFIX
    + ":"
    + _LOCAL
    + r""")
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class Token:
    kind: str  # word, iri, pname, string, var, other, ...
    text: str


@dataclass
class QueryFacts:
    """What the tokeniser found in one query text."""

    keywords: set[str] = field(default_factory=set)
    from_default: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)  # FROM targets that are not IRIs


def tokens(text: str) -> Iterator[Token]:
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        yield Token(kind, m.group())


def decode_escapes(text: str) -> str:
    """SPARQL's codepoint escapes (``\\u0053``), decoded as the grammar does before parsing."""

    def repl(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group()

    return _UNICODE_ESCAPE.sub(repl, text)


def facts(text: str, prefixes: dict[str, str] | None = None) -> QueryFacts:
    """Keywords and FROM / FROM NAMED graphs of ``text`` (prefixed names resolved)."""
    out = QueryFacts()
    known = dict(prefixes or {})
    base: str | None = None
    toks = list(tokens(text))
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.kind == "word":
            word = tok.text.upper()
            out.keywords.add(word)
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if word == "PREFIX" and nxt is not None and nxt.kind == "pname" and i + 2 < len(toks):
                if toks[i + 2].kind == "iri":
                    known[nxt.text.rstrip(":").split(":", 1)[0]] = _resolve(
                        toks[i + 2].text[1:-1], base
                    )
                    i += 3
                    continue
            elif word == "BASE" and nxt is not None and nxt.kind == "iri":
                base = _resolve(nxt.text[1:-1], base)
                i += 2
                continue
            elif word == "FROM" and nxt is not None:
                named = nxt.kind == "word" and nxt.text.upper() == "NAMED"
                target = toks[i + 2] if named and i + 2 < len(toks) else (None if named else nxt)
                iri = _term_iri(target, known, base)
                if iri is None:
                    out.unresolved.append(target.text if target else "(nothing)")
                else:
                    (out.from_named if named else out.from_default).append(iri)
        i += 1
    return out


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base else iri


def _term_iri(tok: Token | None, prefixes: dict[str, str], base: str | None) -> str | None:
    if tok is None:
        return None
    if tok.kind == "iri":
        iri = tok.text[1:-1]
        if base is None and ":" not in iri:
            return None  # a relative IRI with no BASE: cannot say which graph it names
        return _resolve(iri, base)
    if tok.kind == "pname":
        pfx, _, local = tok.text.partition(":")
        if pfx in prefixes:
            return prefixes[pfx] + re.sub(r"\\(.)", r"\1", local)
    return None


def check_query(
    text: str,
    *,
    local_graphs: Iterable[str],
    prefixes: dict[str, str] | None = None,
    default_graph_uris: Iterable[str] = (),
    named_graph_uris: Iterable[str] = (),
) -> tuple[list[str], list[str]]:
    """Raise unless ``text`` is a read-only query that stays on this machine.

    Returns the IRIs of its ``FROM`` and ``FROM NAMED`` clauses (all local graphs).
    """
    local = set(local_graphs)
    for label, uris in (
        ("default-graph-uri", default_graph_uris),
        ("named-graph-uri", named_graph_uris),
    ):
        for uri in uris:
            if uri not in local:
                raise _not_local(label, uri, local)
    if not _SUSPECT.search(text):
        return (
            [],
            [],
        )  # fast path: none of the words that matter appears anywhere, not even in a string
    readings = _readings(text, prefixes)
    for f in readings:
        if "SERVICE" in f.keywords:
            raise QueryRefusedError(
                "SERVICE is refused: it would send (part of) the query to another server, "
                "and this endpoint makes no outbound requests",
                hint="run the query against the graph of this endpoint only, without SERVICE",
            )
        if "LOAD" in f.keywords:
            raise QueryRefusedError(
                "LOAD is refused: it would fetch a document from the network, "
                "and this endpoint is read-only and makes no outbound requests",
                hint="load data with `sgraph build` from files instead",
            )
        updates = sorted(UPDATE_KEYWORDS & f.keywords)
        if updates:
            raise ReadOnlyError(
                f"this endpoint is read-only: the request holds an update ({', '.join(updates)})",
                hint="send SELECT, ASK, CONSTRUCT or DESCRIBE queries only",
            )
        if f.unresolved:
            raise QueryRefusedError(
                f"FROM {f.unresolved[0]} does not name a graph of this store",
                hint="use a full IRI of a local graph: " + _graph_list(local),
            )
        for label, uris in (("FROM", f.from_default), ("FROM NAMED", f.from_named)):
            for uri in uris:
                if uri not in local:
                    raise _not_local(label, uri, local)
    return readings[0].from_default, readings[0].from_named


def _readings(text: str, prefixes: dict[str, str] | None) -> list[QueryFacts]:
    first = facts(text, prefixes)
    decoded = decode_escapes(text)
    return [first] if decoded == text else [first, facts(decoded, prefixes)]


def _not_local(label: str, uri: str, local: set[str]) -> QueryRefusedError:
    return QueryRefusedError(
        f"{label} <{uri}> is not a graph of this store: this endpoint only queries its own "
        "graphs and never fetches remote data",
        hint="local graphs: " + _graph_list(local),
    )


def _graph_list(local: set[str]) -> str:
    return ", ".join(f"<{g}>" for g in sorted(local)) or "(none)"
