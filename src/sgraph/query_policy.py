"""What a query may do: read, and reach nothing outside the machine.

``sgraph.sparql.execute`` (so ``sgraph query`` and the Python API) and the endpoint
(``sgraph.server.policy``) check every query here before Oxigraph sees it; ``sgraph query
--allow-service`` is the one way round it.

pyoxigraph gives no syntax tree, so the query text is read by the one SPARQL lexer
(``sgraph.rdf.sparql_lexer``: strings, comments, IRIs, prefixed names, variables, numbers and
language tags are whole tokens; keywords are read as Oxigraph reads them, glued or not) and its
keywords checked:

* ``SERVICE`` (federation) and ``LOAD`` (fetches a document) would open a network connection:
  refused with ``QueryRefusedError`` (400);
* ``FROM`` / ``FROM NAMED`` and the protocol's ``default-graph-uri`` / ``named-graph-uri`` may only
  name graphs of the local store: anything else is refused (400);
* update operations (``INSERT``, ``DELETE``, ``CLEAR``, ``DROP``, ...) are refused with
  ``ReadOnlyError`` (403).

The check errs on the side of refusing: the text is read both as sent and with SPARQL's
``\\uXXXX`` escapes decoded, and a run of letters that is no keyword (``xSERVICE``) counts for
every refused keyword it contains; a keyword found in any reading counts. The query worker also
runs in its own network namespace where the operating system allows it (see
``sgraph.server.worker``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from sgraph.errors import QueryRefusedError, ReadOnlyError
from sgraph.rdf.sparql_lexer import (
    IRI,
    KEYWORD,
    NAME,
    PNAME,
    UPDATE_KEYWORDS,
    Token,
    decode_codepoint_escapes,
    tokens,
)

#: Keywords refused wherever they occur wherever they occur.
REFUSED = UPDATE_KEYWORDS | {"SERVICE"}
#: Nothing to check closely unless one of these occurs somewhere in the text (even in a string).
_SUSPECT = re.compile("|".join(sorted(REFUSED | {"FROM"})) + r"|\\[uU]", re.IGNORECASE)


@dataclass
class QueryFacts:
    """What the lexer found in one query text."""

    keywords: set[str] = field(default_factory=set)
    from_default: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)  # FROM targets that are not IRIs


def facts(text: str, prefixes: dict[str, str] | None = None) -> QueryFacts:
    """Keywords and FROM / FROM NAMED graphs of ``text`` (prefixed names resolved)."""
    out = QueryFacts()
    known = dict(prefixes or {})
    base: str | None = None
    toks = tokens(text, known)
    for i, tok in enumerate(toks):
        if tok.kind == NAME:  # not a keyword: count every refused keyword inside it
            out.keywords |= {k for k in REFUSED if k in tok.text.upper()}
            continue
        if tok.kind != KEYWORD:
            continue
        word = tok.text.upper()
        out.keywords.add(word)
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if word == "PREFIX" and nxt is not None and nxt.kind == PNAME and i + 2 < len(toks):
            if toks[i + 2].kind == IRI:
                known[nxt.prefix] = _resolve(toks[i + 2].text[1:-1], base)
        elif word == "BASE" and nxt is not None and nxt.kind == IRI:
            base = _resolve(nxt.text[1:-1], base)
        elif word == "FROM" and nxt is not None:
            named = nxt.is_keyword("NAMED")
            target = toks[i + 2] if named and i + 2 < len(toks) else (None if named else nxt)
            iri = _term_iri(target, known, base)
            if iri is None:
                out.unresolved.append(target.text if target else "(nothing)")
            else:
                (out.from_named if named else out.from_default).append(iri)
    return out


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base else iri


def _term_iri(tok: Token | None, prefixes: dict[str, str], base: str | None) -> str | None:
    if tok is None:
        return None
    if tok.kind == IRI:
        iri = tok.text[1:-1]
        if base is None and ":" not in iri:
            return None  # a relative IRI with no BASE: cannot say which graph it names
        return _resolve(iri, base)
    if tok.kind == PNAME:
        pfx, _, local = tok.text.partition(":")
        if pfx in prefixes:
            return prefixes[pfx] + re.sub(r"\\(.)", r"\1", local)
    return None


def mentions_refused(text: str) -> bool:
    """False if no word the check looks for occurs anywhere in ``text`` (a fast pre-test)."""
    return _SUSPECT.search(text) is not None


def check_query(
    text: str,
    *,
    local_graphs: Iterable[str] | Callable[[], Iterable[str]],
    prefixes: dict[str, str] | None = None,
) -> tuple[list[str], list[str]]:
    """Raise unless ``text`` is a read-only query that stays on this machine.

    ``local_graphs``: the names of the store's graphs (or a function giving them, called only
    when the query has a ``FROM``). Returns the IRIs of its ``FROM`` and ``FROM NAMED`` clauses
    (all local graphs).
    """
    if not _SUSPECT.search(text):  # none of the words that matter occurs, not even in a string
        return [], []
    readings = _readings(text, prefixes)
    local: set[str] = set()
    if any(f.from_default or f.from_named or f.unresolved for f in readings):
        local = set(local_graphs() if callable(local_graphs) else local_graphs)
    for f in readings:
        if "SERVICE" in f.keywords:
            raise QueryRefusedError(
                "SERVICE is refused: it would send (part of) the query to another server, "
                "and sgraph makes no outbound requests",
                hint="run the query against this graph only, without SERVICE",
            )
        if "LOAD" in f.keywords:
            raise QueryRefusedError(
                "LOAD is refused: it would fetch a document from the network, "
                "and sgraph queries are read-only and make no outbound requests",
                hint="load data with `sgraph build` from files instead",
            )
        updates = sorted(UPDATE_KEYWORDS & f.keywords)
        if updates:
            raise ReadOnlyError(
                f"queries are read-only here: the request holds an update ({', '.join(updates)})",
                hint="send SELECT, ASK, CONSTRUCT or DESCRIBE queries only",
            )
        if f.unresolved:
            raise QueryRefusedError(
                f"FROM {f.unresolved[0]} does not name a graph of this store",
                hint="use a full IRI of a local graph: " + graph_list(local),
            )
        for label, uris in (("FROM", f.from_default), ("FROM NAMED", f.from_named)):
            for uri in uris:
                if uri not in local:
                    raise not_local(label, uri, local)
    return readings[0].from_default, readings[0].from_named


def _readings(text: str, prefixes: dict[str, str] | None) -> list[QueryFacts]:
    first = facts(text, prefixes)
    decoded = decode_codepoint_escapes(text)
    return [first] if decoded == text else [first, facts(decoded, prefixes)]


def not_local(label: str, uri: str, local: set[str]) -> QueryRefusedError:
    return QueryRefusedError(
        f"{label} <{uri}> is not a graph of this store: sgraph only queries the store's own "
        "graphs and never fetches remote data",
        hint="local graphs: " + graph_list(local),
    )


def graph_list(local: set[str]) -> str:
    return ", ".join(f"<{g}>" for g in sorted(local)) or "(none)"
