"""The SPARQL engine: run a query on the embedded store or on any SPARQL 1.1 endpoint, and
serialise the result in every format sgraph offers.

Parameters are bound as typed RDF terms, never spliced into the query text as the user typed
them: each term is written by pyoxigraph in N-Triples syntax (so escaped and typed) into a
``BIND(term AS ?name)`` at the start of the query's outermost ``WHERE`` group (a one-row
``VALUES`` block there means the same, but Virtuoso 7.2 loses rows of some queries joined with
one, which ``tests/test_stores.py`` showed). The same mechanism is
used locally and on a remote endpoint (which has no substitution API), so both give the same
rows. The bound variable is bound for the whole outer group (triple patterns, FILTER, BIND,
BOUND, EXISTS); like any outer binding it does not reach into a sub-SELECT that does not
project it.

Why not pyoxigraph's ``substitutions`` (SEP-0007)? In pyoxigraph 0.5 it accepts only variables
in the SELECT projection (so no ASK or CONSTRUCT), and inside the query ``BOUND(?x)`` is false
and ``BIND(?x AS ?y)`` leaves ``?y`` unbound for a substituted ``?x``: optional parameters and
computed values would silently differ from the remote (BIND) results.
tests/test_sparql.py pins this down.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

import pyoxigraph as ox

from sgraph import query_policy
from sgraph.errors import InputError, QuerySyntaxError, RemoteStoreError, UnreachableError
from sgraph.rdf import sparql_lexer as lex
from sgraph.rdf.formats import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    TRIPLE_FORMATS,
    GraphFormat,
    ResultFormat,
    by_media_type,
    query_format,
    write_triples,
)
from sgraph.rdf.results import QueryResult, read_json_results
from sgraph.terms import OxTerm

Kind = Literal["select", "ask", "graph", "update"]


# -- what a query text is (read by the one SPARQL lexer) ----------------------------------------
def query_kind(text: str) -> Kind:
    """``select``, ``ask``, ``graph`` (CONSTRUCT, DESCRIBE) or ``update``."""
    toks = lex.tokens(text)
    i = lex.prologue_end(toks)
    word = toks[i].text.upper() if i < len(toks) and toks[i].kind == lex.KEYWORD else ""
    if word in lex.QUERY_FORMS:
        return lex.QUERY_FORMS[word]  # type: ignore[return-value]
    if word in lex.UPDATE_KEYWORDS:
        return "update"
    found = toks[i].text if i < len(toks) else "nothing"
    raise QuerySyntaxError(
        f"expected SELECT, ASK, CONSTRUCT or DESCRIBE, found {found!r}",
        line=1,
        column=1,
        hint="a query starts with optional PREFIX/BASE lines and then its form keyword",
    )


# -- syntax ------------------------------------------------------------------------------------
_POSITION = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.S)


def _syntax_error(exc: BaseException, text: str) -> QuerySyntaxError:
    message = str(exc)
    m = _POSITION.search(message)
    if not m:
        return QuerySyntaxError(f"SPARQL syntax error: {message}", hint="check the query text")
    line, column, what = int(m.group(1)), int(m.group(2)), m.group(3).strip()
    what = " ".join(what.split())
    lines = text.splitlines() or [""]
    if line > len(lines):  # the parser ran to the end of the text
        line, column = len(lines), len(lines[-1]) + 1
    src = lines[line - 1]
    if "Prefix not found" in what:
        names = [tok for tok in lex.tokens(src) if tok.kind == lex.PNAME and tok.end < column]
        name = names[-1].prefix + ":" if names else "?:"
        what = f"prefix {name} is not declared (add PREFIX {name} <namespace IRI> at the top)"
    elif len(what) > 160:
        what = what[:157] + "..."
    context = f"\n  {src}\n  {' ' * (max(column, 1) - 1)}^"
    return QuerySyntaxError(
        f"SPARQL syntax error at line {line}, column {column}: {what}{context}",
        line=line,
        column=column,
        hint="fix the query at that position (prefixes sg:, sgid:, dcterms:, ... are predeclared)",
    )


def has_dataset_clause(text: str, prefixes: dict[str, str] | None = None) -> bool:
    """Whether the query names its own dataset (``FROM`` / ``FROM NAMED``)."""
    return "FROM" in lex.keywords(lex.tokens(text, prefixes or {}))


def has_service(text: str, prefixes: dict[str, str] | None = None) -> bool:
    """Whether the query or update uses ``SERVICE`` (a federated call to another endpoint)."""
    return "SERVICE" in lex.keywords(lex.tokens(text, prefixes or {}))


def _neutralise_service(text: str, prefixes: dict[str, str] | None) -> str:
    """The text with every ``SERVICE [SILENT]`` replaced by ``GRAPH`` padded to the same length.

    Both take an IRI or variable and a group, so the parse (and every line and column) is the
    same, and evaluating the result on an empty store opens no connection.
    """
    toks = lex.tokens(text, prefixes or {})
    chars = list(text)
    for i, tok in enumerate(toks):
        if tok.is_keyword("SERVICE"):
            chars[tok.start : tok.end] = "GRAPH  "
            if i + 1 < len(toks) and toks[i + 1].is_keyword("SILENT"):
                chars[toks[i + 1].start : toks[i + 1].end] = " " * 6
    return "".join(chars)


def check_syntax(text: str, *, prefixes: dict[str, str] | None = None) -> None:
    """Parse ``text`` without running it anywhere; QuerySyntaxError(line=, column=) if it is bad.

    pyoxigraph parses a query only as part of running it, so the query runs on an empty
    in-memory store with ``SERVICE`` turned into ``GRAPH`` (same length): nothing is read and
    no connection is opened. Texts that passed are remembered (the named queries are checked
    on every run); a bad text is parsed again each time, so it always raises.
    """
    query_policy.check_bounds(text)  # before the parser, which a deep nesting would crash
    _checked(text, tuple(sorted(prefixes.items())) if prefixes is not None else None)


@lru_cache(maxsize=1024)
def _checked(text: str, prefix_items: tuple[tuple[str, str], ...] | None) -> None:
    prefixes = dict(prefix_items) if prefix_items is not None else None
    kind = query_kind(text)
    probe = _neutralise_service(text, prefixes)
    if kind == "update":
        if "LOAD" in lex.keywords(lex.tokens(text, prefixes or {})):
            _check_update_syntax_rdflib(text)
            return
        try:
            ox.Store().update(probe, prefixes=prefixes)
        except SyntaxError as exc:
            raise _syntax_error(exc, text) from None
        return
    try:
        result = ox.Store().query(probe, prefixes=prefixes)
        if isinstance(result, ox.QuerySolutions | ox.QueryTriples):
            del result
    except SyntaxError as exc:
        raise _syntax_error(exc, text) from None


def _check_update_syntax_rdflib(text: str) -> None:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except ParseException as exc:
        raise QuerySyntaxError(
            f"SPARQL update syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}",
            line=exc.lineno,
            column=exc.col,
        ) from None


# -- binding parameters ------------------------------------------------------------------------
def values_clause(bindings: dict[str, OxTerm]) -> str:
    """``VALUES (?a ?b) { (term term) }`` with each term in N-Triples syntax."""
    names = sorted(bindings)
    head = " ".join(f"?{n}" for n in names)
    row = " ".join(str(bindings[n]) for n in names)
    return f"VALUES ({head}) {{ ({row}) }}"


def bind_clause(bindings: dict[str, OxTerm]) -> str:
    """``BIND(term AS ?a) BIND(term AS ?b)`` with each term in N-Triples syntax."""
    return " ".join(f"BIND({bindings[n]} AS ?{n})" for n in sorted(bindings))


def inject_bindings(text: str, bindings: dict[str, OxTerm]) -> str:
    """The query with ``bindings`` bound at the start of its outermost WHERE group, one ``BIND``
    each (a one-row ``VALUES`` block there means the same, but Virtuoso 7.2 loses rows of some
    queries joined with one); a query with no WHERE group (``DESCRIBE <iri>``) gets a trailing
    ``VALUES`` clause."""
    if not bindings:
        return text
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z0-9_]+", name):
            raise InputError(f"not a SPARQL variable name: {name!r}")
    toks = lex.tokens(text)
    j = lex.prologue_end(toks)
    construct = j < len(toks) and toks[j].is_keyword("CONSTRUCT")
    j += 1
    if construct and j < len(toks) and toks[j].text == "{":
        depth = 0
        while j < len(toks):  # skip the template
            if toks[j].kind == lex.PUNCT:
                depth += {"{": 1, "}": -1}.get(toks[j].text, 0)
            j += 1
            if depth == 0:
                break
    elif construct:
        raise InputError(
            "parameters cannot be bound in the short form CONSTRUCT WHERE { ... }",
            hint="write CONSTRUCT { template } WHERE { ... }",
        )
    while j < len(toks) and not (toks[j].kind == lex.PUNCT and toks[j].text == "{"):
        j += 1
    if j >= len(toks):  # e.g. DESCRIBE <iri> with no WHERE: a trailing VALUES clause
        return text.rstrip() + "\n" + values_clause(bindings) + "\n"
    pos = toks[j].end
    return text[:pos] + " " + bind_clause(bindings) + " " + text[pos:]


# -- local execution ---------------------------------------------------------------------------
def execute(
    store: ox.Store,
    text: str,
    bindings: dict[str, OxTerm] | None = None,
    *,
    prefixes: dict[str, str] | None = None,
    max_rows: int | None = None,
    default_graph: list[str] | None = None,
    named_graphs: list[str] | None = None,
    allow_service: bool = False,
) -> QueryResult:
    """Run a query on the embedded store.

    The default graph is the union of all graphs, unless ``default_graph`` is given or the query
    has its own ``FROM`` / ``FROM NAMED``, which then define its dataset (SPARQL 1.1, 13.2).
    A query that would reach another server (``SERVICE``, ``LOAD``) or names a graph the store
    does not hold in ``FROM`` is refused (``QueryRefusedError``, see ``sgraph.query_policy``)
    unless ``allow_service``. A query past the bounds of ``query_policy.check_bounds`` (nesting,
    operators, length) is refused before it is parsed (``QueryTooComplexError``).
    """
    query_policy.check_bounds(text)
    kind = query_kind(text)
    if kind == "update":
        raise InputError(
            "this is a SPARQL update; sgraph runs queries only",
            hint="use SELECT, ASK, CONSTRUCT or DESCRIBE",
        )
    if not allow_service:
        query_policy.check_query(
            text,
            local_graphs=lambda: [
                g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)
            ],
            prefixes=prefixes,
        )
    check_syntax(text, prefixes=prefixes)
    bindings = dict(bindings or {})
    kwargs: dict[str, object] = {"prefixes": prefixes}
    if default_graph:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph]
    elif not has_dataset_clause(text, prefixes):
        # no FROM / FROM NAMED of its own: the default graph is the union of every graph
        kwargs["use_default_graph_as_union"] = True
    if named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    query = inject_bindings(text, bindings) if bindings else text
    raw = store.query(query, **kwargs)  # type: ignore[arg-type]
    return _collect(raw, max_rows)


def _collect(raw: object, max_rows: int | None) -> QueryResult:
    if isinstance(raw, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(raw))
    if isinstance(raw, ox.QuerySolutions):
        variables = [v.value for v in raw.variables]
        rows: list[dict[str, OxTerm]] = []
        truncated = False
        for solution in raw:
            if max_rows is not None and len(rows) >= max_rows:
                truncated = True
                break
            row: dict[str, OxTerm] = {}
            for v in variables:
                term = solution[v]
                if term is not None:
                    row[v] = term
            rows.append(row)
        return QueryResult(kind="select", variables=variables, rows=rows, truncated=truncated)
    triples: list[ox.Triple] = []
    truncated = False
    for t in raw:  # type: ignore[attr-defined]
        if max_rows is not None and len(triples) >= max_rows:
            truncated = True
            break
        triples.append(t)
    return QueryResult(kind="graph", triples=triples, truncated=truncated)


# -- remote execution --------------------------------------------------------------------------
def execute_remote(
    endpoint: str,
    text: str,
    bindings: dict[str, OxTerm] | None = None,
    *,
    prefixes: dict[str, str] | None = None,
    timeout_s: float = 60.0,
) -> QueryResult:
    """Run a query on any SPARQL 1.1 endpoint (the protocol's POST form); same result as
    ``execute``.

    The query is checked locally first (syntax errors name line and column). Parameters are bound
    by ``BIND`` (see the module docstring). ``prefixes`` the query uses but does not declare
    are declared in front of it, since a remote store does not know sgraph's prefixes. The
    request goes through ``sgraph.http``.
    """
    from sgraph import http  # here: httpx is needed only for remote queries

    kind = query_kind(text)
    if kind == "update":
        raise InputError("this is a SPARQL update; sgraph runs queries only")
    check_syntax(text, prefixes=prefixes)
    full = portable_text(text, bindings, prefixes)
    if kind == "graph":  # N-Triples preferred (the simplest to parse), Turtle understood
        nt, ttl = GRAPH_FORMATS["ntriples"], GRAPH_FORMATS["turtle"]
        accept = f"{nt.media_type}, {ttl.media_type};q=0.9"
    else:
        accept = ", ".join(RESULT_FORMATS["json"].media_types)
    try:
        response = http.request(
            "POST",
            endpoint,
            form={"query": full},
            headers={"Accept": accept},
            timeout_s=timeout_s,
            follow_redirects=True,
        )
    except UnreachableError as exc:
        raise _remote_error(endpoint, f"cannot connect ({exc.reason})") from None
    if not response.is_success:
        detail = " ".join(response.content[:300].decode("utf-8", "replace").split())
        what = f"HTTP {response.status_code} {response.reason_phrase}"
        raise _remote_error(endpoint, what + (f": {detail}" if detail else ""))
    body = response.content
    media = response.headers.get("content-type", "")
    if kind == "graph":
        return QueryResult(kind="graph", triples=_parse_graph(body, media, endpoint))
    try:
        return read_json_results(body)
    except ValueError as exc:
        raise _remote_error(endpoint, f"the answer is not SPARQL JSON results ({exc})") from None


def _remote_error(endpoint: str, what: str) -> RemoteStoreError:
    return RemoteStoreError(
        f"SPARQL endpoint {endpoint} failed: {what}",
        hint="check the URL (Oxigraph server: .../query; Virtuoso and sgraph serve: .../sparql) "
        "and that the store is running and reachable",
    )


def portable_text(
    text: str, bindings: dict[str, OxTerm] | None = None, prefixes: dict[str, str] | None = None
) -> str:
    """The query as any SPARQL 1.1 store runs it: ``prefixes`` it uses but does not declare
    declared in front of it, parameters bound by ``BIND`` at the start of its WHERE (what ``execute_remote`` sends)."""
    full = _declare_prefixes(text, prefixes or {})
    return inject_bindings(full, bindings) if bindings else full


def _declare_prefixes(text: str, prefixes: dict[str, str]) -> str:
    """``text`` with a ``PREFIX`` line for each of ``prefixes`` it uses but does not declare."""
    toks = lex.tokens(text)
    declared = lex.declared_prefixes(toks)
    used = {tok.prefix for tok in toks if tok.kind == lex.PNAME}
    missing = [p for p in sorted(prefixes) if p in used and p not in declared]
    if not missing:
        return text
    return "".join(f"PREFIX {p}: <{prefixes[p]}>\n" for p in missing) + text


def _parse_graph(body: bytes, media: str, endpoint: str) -> list[ox.Triple]:
    """A CONSTRUCT/DESCRIBE answer in any RDF format of the registry (Turtle if unlabelled)."""
    found = by_media_type(media, GRAPH_FORMATS.values()) if media else None
    fmt = found.oxigraph if isinstance(found, GraphFormat) else ox.RdfFormat.TURTLE
    try:
        return [q.triple for q in ox.parse(body, format=fmt)]
    except (SyntaxError, ValueError) as exc:
        what = media.split(";")[0] or "RDF"
        raise _remote_error(endpoint, f"unreadable {what} answer ({exc})") from None


# -- serialisation -----------------------------------------------------------------------------
def serialize(result: QueryResult, fmt: str, *, prefixes: dict[str, str] | None = None) -> bytes:
    """The result in ``fmt`` (a name of ``RESULT_FORMATS`` or, for a graph, ``TRIPLE_FORMATS``
    of ``sgraph.rdf.formats``); deterministic for the same result."""
    record = query_format(fmt)
    prefixes = prefixes or {}
    if result.kind == "graph":
        if not isinstance(record, GraphFormat):
            raise InputError(
                f"format {fmt!r} is for SELECT and ASK results; "
                "a CONSTRUCT or DESCRIBE gives a graph",
                hint="use one of " + ", ".join(TRIPLE_FORMATS),
            )
        try:
            return write_triples(record, result.triples, prefixes).encode("utf-8")
        except ValueError as exc:  # e.g. RDF-star triple terms, which only N-Triples holds
            raise InputError(
                f"the graph cannot be written as {record.label}: {exc}",
                hint="use --format ntriples",
            ) from None
    if not isinstance(record, ResultFormat):
        raise InputError(
            f"format {fmt!r} is for graphs (CONSTRUCT, DESCRIBE); "
            f"a {result.kind.upper()} gives results",
            hint="use one of " + ", ".join(RESULT_FORMATS),
        )
    return record.writer(result, prefixes).encode("utf-8")
