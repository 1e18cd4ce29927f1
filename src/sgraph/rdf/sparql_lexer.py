"""The one SPARQL lexer: the terminals of the SPARQL 1.1 grammar (section 19.8), read as Oxigraph
reads them.

Query-kind detection and parameter injection (``sgraph.sparql``), parameter discovery
(``sgraph.queries``) and the endpoint's policy (``sgraph.server.policy``) all read a query text
through ``tokens``, so they cannot disagree about what it holds. pyoxigraph gives no syntax tree,
and a lexer is enough for what they ask: which keywords occur outside strings, IRIs and comments,
where the outermost group starts, which variables and prefixes are used.

Tokens, tried in this order at each position (the grammar's terminals, longest first):

* whitespace (space, tab, CR, LF) and ``#`` comments are skipped;
* ``STRING``: the four string forms, with only the escapes ``\\t \\b \\n \\r \\f \\" \\' \\\\``;
* ``IRI`` (IRIREF), ``VAR`` (``?x``, ``$x``), ``LANGTAG`` (``@en-GB``), ``BNODE`` (``_:b1``);
* ``NUMBER``: INTEGER, DECIMAL and DOUBLE, with an optional sign and exponent (``-1.5e+3``);
* ``PNAME``: PNAME_NS and PNAME_LN, the local part with its ``%xx`` and ``\\.``-style escapes;
* ``KEYWORD``: a keyword or built-in function name (ASCII case-insensitive; ``a`` in lower case
  only). Oxigraph's parser matches keywords without a word boundary, so ``1.5e0SERVICE`` is the
  number ``1.5e0`` then ``SERVICE``, and ``trueSERVICE`` or ``SELECTDISTINCT`` are two keywords:
  a run of letters is read as the longest keyword it starts with, then the rest;
* ``NAME``: any other run of letters, digits and ``_`` (never valid SPARQL, but kept whole);
* ``PUNCT``: an operator or any other single character.

A ``<`` that starts a valid IRIREF is read as an IRI even where the parser would see "less
than" (``?a<?b&&?c>?d``); no group can hide inside one, since an IRI cannot hold ``{``.

When the caller says which prefixes are declared outside the text (``tokens(text, prefixes)``),
a prefixed name whose prefix is declared neither there nor in the text is read as Oxigraph's
parser reads it: the prefixed-name rule fails and the parser falls back to a keyword, so
``service:x { }`` with ``:`` declared is ``SERVICE :x { }``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# -- token kinds ------------------------------------------------------------------------------
STRING = "string"
IRI = "iri"
VAR = "var"
LANGTAG = "langtag"
BNODE = "bnode"
NUMBER = "number"
PNAME = "pname"
KEYWORD = "keyword"
NAME = "name"
PUNCT = "punct"

#: Every keyword and built-in function name of SPARQL 1.1 Query and Update (upper case), with
#: the SPARQL 1.2 / Oxigraph extensions (LATERAL, TRIPLE, ...). ``a`` is matched separately.
_KEYWORD_LIST = """
    BASE PREFIX SELECT DISTINCT REDUCED AS CONSTRUCT WHERE DESCRIBE ASK FROM NAMED GROUP BY HAVING
    ORDER ASC DESC LIMIT OFFSET VALUES LOAD SILENT INTO CLEAR DROP CREATE ADD TO MOVE COPY INSERT
    DATA DELETE WITH USING DEFAULT GRAPH ALL OPTIONAL SERVICE BIND UNDEF MINUS UNION FILTER NOT IN
    EXISTS TRUE FALSE STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND
    CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR
    MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512
    COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR
    REPLACE COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR LATERAL TRIPLE SUBJECT PREDICATE
    OBJECT ISTRIPLE ADJUST
"""
KEYWORDS = frozenset(_KEYWORD_LIST.split())
#: The keywords that make a request an update (SPARQL 1.1 Update) rather than a query.
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
#: The query forms, and the kind of result each gives.
QUERY_FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}

# -- the grammar's character classes (SPARQL 1.1, productions 164-173) --------------------------
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_VARNAME = rf"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = rf"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = (
    rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)
_ECHAR = r"""\\[tbnrf\\"']"""
_EXPONENT = r"[eE][+-]?[0-9]+"

_TOKEN = re.compile(
    rf"""
    (?P<ws>[\x20\t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<{STRING}>'''(?:(?:''|')?(?:[^'\\]|{_ECHAR}))*'''
             | \"\"\"(?:(?:\"\"|\")?(?:[^\"\\]|{_ECHAR}))*\"\"\"
             | '(?:[^'\\\n\r]|{_ECHAR})*'
             | \"(?:[^\"\\\n\r]|{_ECHAR})*\")
  | (?P<{IRI}><[^<>\"{{}}|^`\\\x00-\x20]*>)
  | (?P<{VAR}>[?$]{_VARNAME})
  | (?P<{LANGTAG}>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
  | (?P<{BNODE}>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)
  | (?P<{NUMBER}>[+-]?(?:[0-9]+\.[0-9]*{_EXPONENT}|\.[0-9]+{_EXPONENT}|[0-9]+{_EXPONENT}
                       |[0-9]*\.[0-9]+|[0-9]+))
  | (?P<{PNAME}>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)
  | (?P<{KEYWORD}>(?ai:{"|".join(sorted(KEYWORDS, key=lambda k: (-len(k), k)))})|a)
  | (?P<{NAME}>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<{PUNCT}>\^\^|\|\||&&|!=|<=|>=|.)
    """,
    re.VERBOSE | re.DOTALL,
)
_KEYWORD_AT = re.compile(rf"(?ai:{'|'.join(sorted(KEYWORDS, key=lambda k: (-len(k), k)))})|a")
_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True, slots=True)
class Token:
    """One terminal: its kind (``KEYWORD``, ``IRI``, ...), its text as written, and its offset."""

    kind: str
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def is_keyword(self, *words: str) -> bool:
        """True if this is one of the keywords ``words`` (given in upper case)."""
        return self.kind == KEYWORD and self.text.upper() in words

    @property
    def prefix(self) -> str:
        """The prefix of a prefixed name (``ex`` of ``ex:a``; ``""`` of ``:a``)."""
        return self.text.partition(":")[0]

    @property
    def name(self) -> str:
        """The name of a variable, without its ``?`` or ``$``."""
        return self.text[1:]


def tokens(text: str, prefixes: Iterable[str] | None = None) -> list[Token]:
    """The significant tokens of ``text`` (whitespace and comments skipped), in order.

    ``prefixes``: the prefix names declared outside the text (``None``: read prefixed names as
    written). Given it, a prefixed name whose prefix is not declared is read as the keyword it
    starts with and what follows, as Oxigraph's parser falls back to (see the module docstring).
    """
    return list(iter_tokens(text, prefixes))


def iter_tokens(text: str, prefixes: Iterable[str] | None = None) -> Iterator[Token]:
    """The tokens of ``tokens``, one at a time (a caller may stop early)."""
    declared = None if prefixes is None else set(prefixes)
    last: Token | None = None
    pos, n = 0, len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        assert m is not None and m.lastgroup is not None  # PUNCT matches any character
        kind, value = m.lastgroup, m.group()
        if kind in ("ws", "comment"):
            pos = m.end()
            continue
        if kind == PNAME and declared is not None:
            prefix = value.partition(":")[0]
            after_prefix_keyword = last is not None and last.is_keyword("PREFIX")
            if after_prefix_keyword and value.endswith(":"):
                declared.add(prefix)  # PREFIX ex: <...>
            elif prefix not in declared and (k := _KEYWORD_AT.match(text, pos)) is not None:
                last = Token(KEYWORD, k.group(), pos)
                yield last
                pos = k.end()
                continue
        last = Token(kind, value, pos)
        yield last
        pos = m.end()


def prologue_end(toks: list[Token]) -> int:
    """The index of the first token after the prologue (``BASE <iri>``, ``PREFIX p: <iri>``)."""
    i = 0
    while i < len(toks):
        if toks[i].is_keyword("BASE") and i + 1 < len(toks) and toks[i + 1].kind == IRI:
            i += 2
        elif (
            toks[i].is_keyword("PREFIX")
            and i + 2 < len(toks)
            and toks[i + 1].kind == PNAME
            and toks[i + 2].kind == IRI
        ):
            i += 3
        else:
            return i
    return i


def declared_prefixes(toks: list[Token]) -> dict[str, str]:
    """The ``PREFIX`` declarations of a token list: prefix -> namespace IRI (as written)."""
    out: dict[str, str] = {}
    for i in range(len(toks) - 2):
        if toks[i].is_keyword("PREFIX") and toks[i + 1].kind == PNAME and toks[i + 2].kind == IRI:
            out[toks[i + 1].prefix] = toks[i + 2].text[1:-1]
    return out


def keywords(toks: Iterable[Token]) -> set[str]:
    """Every keyword of a token list, in upper case."""
    return {t.text.upper() for t in toks if t.kind == KEYWORD}


def decode_codepoint_escapes(text: str) -> str:
    """The text with SPARQL's codepoint escapes (``\\u0053``, ``\\U00000053``) decoded.

    The SPARQL grammar decodes them before parsing; Oxigraph does so only inside strings and
    IRIs. A check that must not miss a keyword reads the text both ways.
    """

    def repl(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group()

    return _CODEPOINT_ESCAPE.sub(repl, text)
