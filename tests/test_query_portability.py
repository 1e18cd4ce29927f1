"""Every query of the library keeps the portability rules of queries/README.md ("Writing a
query"), which tests/test_stores.py found by running the library on Oxigraph and Virtuoso."""

from __future__ import annotations

import pytest

from sgraph.queries import load_library
from sgraph.rdf import sparql_lexer as lex

LIBRARY = load_library()
BOOLEAN_OPERATORS = {"!", "&&", "||", "=", "!=", "<", ">", "<=", ">="}
BOOLEAN_FUNCTIONS = {
    "BOUND", "ISIRI", "ISURI", "ISBLANK", "ISLITERAL", "ISNUMERIC", "REGEX", "STRSTARTS",
    "STRENDS", "CONTAINS", "LANGMATCHES", "SAMETERM", "EXISTS", "NOT", "TRUE", "FALSE",
}  # fmt: skip


SOLUTION_CLAUSES = {"LIMIT", "OFFSET", "VALUES"}


def _group(toks: list[lex.Token], i: int) -> int:
    """The index just after the bracket group that opens at ``toks[i]``."""
    depth = 0
    for j in range(i, len(toks)):
        if toks[j].kind == lex.PUNCT and toks[j].text in "({[":
            depth += 1
        elif toks[j].kind == lex.PUNCT and toks[j].text in ")}]":
            depth -= 1
            if depth == 0:
                return j + 1
    return len(toks)


def _top_level(toks: list[lex.Token]) -> list[lex.Token]:
    """The tokens of an expression outside any bracket."""
    out, depth = [], 0
    for tok in toks:
        if tok.kind == lex.PUNCT and tok.text in "({[":
            depth += 1
        elif tok.kind == lex.PUNCT and tok.text in ")}]":
            depth -= 1
        elif depth == 0:
            out.append(tok)
    return out


def _is_boolean(expr: list[lex.Token]) -> bool:
    top = _top_level(expr)
    if any(t.kind == lex.PUNCT and t.text in BOOLEAN_OPERATORS for t in top):
        return True
    return bool(top) and top[0].text.upper() in BOOLEAN_FUNCTIONS


def _projected(toks: list[lex.Token]) -> set[str]:
    """The variables of the outermost SELECT clause."""
    i = lex.prologue_end(toks) + 1
    out: set[str] = set()
    while i < len(toks) and not toks[i].is_keyword("WHERE") and toks[i].text != "{":
        if toks[i].kind == lex.VAR:
            out.add(toks[i].text[1:])
        i += 1
    return out


def violations(text: str) -> list[str]:
    """What in ``text`` breaks a portability rule, one line each (empty: none)."""
    toks = lex.tokens(text)
    found: list[str] = []
    projected = _projected(toks)
    for i, tok in enumerate(toks):
        where = f"query line {text.count(chr(10), 0, tok.start) + 1}"
        if tok.is_keyword("MINUS"):
            found.append(f"{where}: MINUS (use OPTIONAL {{ ... }} FILTER(!BOUND(?x)))")
        if tok.is_keyword("NOT") and i + 1 < len(toks) and toks[i + 1].is_keyword("EXISTS"):
            found.append(f"{where}: NOT EXISTS (use OPTIONAL {{ ... }} FILTER(!BOUND(?x)))")
        if tok.is_keyword("GROUP_CONCAT"):
            j = i + 2 + (1 if toks[i + 2].is_keyword("DISTINCT") else 0)
            if not toks[j].is_keyword("STR"):
                found.append(f"{where}: GROUP_CONCAT of a term, not of STR(...)")
        if tok.is_keyword("AS") and i + 1 < len(toks) and toks[i + 1].kind == lex.VAR:
            name = toks[i + 1].text[1:]
            # the expression: back to the bracket that opens the BIND or the (expr AS ?v)
            depth, k = 0, i - 1
            while k >= 0 and not (depth == 0 and toks[k].text == "("):
                depth += {")": 1, "(": -1}.get(toks[k].text, 0) if toks[k].kind == lex.PUNCT else 0
                k -= 1
            if name in projected and _is_boolean(toks[k + 1 : i]):
                found.append(f'{where}: ?{name} is a boolean result (give "yes"/"no")')
        if tok.is_keyword("ORDER") and i + 1 < len(toks) and toks[i + 1].is_keyword("BY"):
            k = i + 2  # the sort keys: up to the end of the (sub-)query or its next clause
            while k < len(toks) and not (
                (toks[k].kind == lex.PUNCT and toks[k].text in "{}")
                or (toks[k].kind == lex.KEYWORD and toks[k].text.upper() in SOLUTION_CLAUSES)
            ):
                if toks[k].kind == lex.PUNCT and toks[k].text == "(":
                    end = _group(toks, k)
                    if _is_boolean(toks[k + 1 : end - 1]):
                        found.append(f'{where}: a boolean sort key (use COALESCE(STR(?x), "~"))')
                    k = end
                else:
                    k += 1
    return found


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_query_keeps_the_portability_rules(name: str) -> None:
    assert violations(LIBRARY[name].query) == [], name


def test_the_rules_catch_what_virtuoso_misreads() -> None:
    bad = """SELECT ?a ?current ?names WHERE {
      { SELECT (GROUP_CONCAT(DISTINCT ?n; separator="; ") AS ?names) WHERE { ?a ?b ?n } }
      ?a ?b ?c MINUS { ?a ?b ?d }
      FILTER NOT EXISTS { ?a ?b ?e }
      BIND(!BOUND(?c) AS ?current)
    } ORDER BY (!BOUND(?c)) ?a"""
    found = violations(bad)
    assert [f.split(": ", 1)[1].split(" ")[0] for f in found] == [
        "GROUP_CONCAT", "MINUS", "NOT", "?current", "a",
    ], found  # fmt: skip
    good = """SELECT ?a ?current WHERE { ?a ?b ?c
      BIND(IF(BOUND(?c), "no", "yes") AS ?current) BIND(!BOUND(?c) AS ?hidden) }
      ORDER BY COALESCE(STR(?c), "~") ?a"""
    assert violations(good) == []
