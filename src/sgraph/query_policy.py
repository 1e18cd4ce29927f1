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

Before any of that, and before Oxigraph's parser sees the text, ``check_bounds`` bounds its size
(``QueryTooComplexError``, 400 / exit 2). The parser and the engine recurse once per level of
nesting and once per operator of a chain (``a || b || ...``, ``{..} UNION {..} UNION ...``,
triple patterns joined by ``.``), on the calling thread's stack; past it the process dies of
SIGSEGV. On an 8 MiB stack, 1,000 nested ``FILTER EXISTS { }``, 5,000 nested ``{ }``, 3,000
``MINUS { }`` in a row or 10,000 chained ``||`` crash it (pyoxigraph 0.5); a query at both bounds
at once (98 nested ``FILTER EXISTS`` around 990 operators of any kind) runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from sgraph.errors import QueryRefusedError, QueryTooComplexError, ReadOnlyError
from sgraph.rdf.sparql_lexer import (
    IRI,
    KEYWORD,
    NAME,
    NUMBER,
    PNAME,
    PUNCT,
    UPDATE_KEYWORDS,
    Token,
    decode_codepoint_escapes,
    iter_tokens,
    tokens,
)

#: Most levels a query may nest: groups ``{ }``, brackets ``( )`` and ``[ ]``, and ``!`` in a row.
MAX_QUERY_DEPTH = 100
#: Most operators one query may hold outside VALUES data (each one a level of the parsed tree).
MAX_QUERY_OPERATORS = 1000
#: Longest query text, in characters.
MAX_QUERY_CHARS = 1_000_000

_OPEN, _CLOSE = frozenset("{(["), frozenset("})]")
_OPERATORS = frozenset(
    {"||", "&&", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "|", ".", ";", ","}
)
_OPERATOR_KEYWORDS = frozenset({"UNION", "OPTIONAL", "MINUS"})

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


def check_bounds(
    text: str,
    *,
    max_chars: int = MAX_QUERY_CHARS,
    max_depth: int = MAX_QUERY_DEPTH,
    max_operators: int = MAX_QUERY_OPERATORS,
) -> None:
    """Raise ``QueryTooComplexError`` if ``text`` is longer, nests deeper or holds more operators
    than the bounds (read by the one lexer, so brackets in strings, IRIs and comments do not
    count; the data of a VALUES block counts for depth only). Stops at the first bound passed."""
    if len(text) > max_chars:
        raise QueryTooComplexError(
            f"the query is {len(text):,} characters long; sgraph reads at most {max_chars:,} "
            "(max_query_chars)",
            limit="max_query_chars",
            hint="shorten it: move long lists of values into a file of data, or split the query",
        )
    depth = bangs = operators = 0
    values_at: int | None = None  # the depth of the VALUES data block we are in
    after_values = False
    for tok in iter_tokens(text):
        punct = tok.text if tok.kind == PUNCT else ""
        bangs = bangs + 1 if punct == "!" else 0
        if punct in _OPEN:
            if after_values and punct == "{" and values_at is None:
                values_at = depth
                after_values = False
            depth += 1
        elif punct in _CLOSE:
            depth = max(0, depth - 1)
            if values_at is not None and depth == values_at:
                values_at = None
        elif tok.is_keyword("VALUES"):
            after_values = True
        if depth + bangs > max_depth:
            raise QueryTooComplexError(
                f"the query nests more than {max_depth} levels deep at {_where(text, tok.start)} "
                f"(max_query_depth: groups {{ }}, brackets ( ) [ ] and ! count)",
                limit="max_query_depth",
                hint="flatten it: nested groups can usually be written side by side",
            )
        if values_at is None and (
            punct in _OPERATORS
            or (tok.kind == KEYWORD and tok.text.upper() in _OPERATOR_KEYWORDS)
            or (tok.kind == NUMBER and tok.text[0] in "+-")  # 1 -1: a subtraction
        ):
            operators += 1
            if operators > max_operators:
                raise QueryTooComplexError(
                    f"the query holds more than {max_operators} operators (max_query_operators; "
                    f"the one past it at {_where(text, tok.start)})",
                    limit="max_query_operators",
                    hint="write long lists as VALUES ?x { ... } instead of || or IN ( ... ), "
                    "or split the query",
                )


def _where(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


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
