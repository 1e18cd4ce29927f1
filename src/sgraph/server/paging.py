"""Paging through a SELECT result: the page's LIMIT/OFFSET pushed into the query, and its total.

The query page and ``/api/queries/NAME`` ask for one page at a time (``_limit``, ``_offset``)
instead of cutting a long result at the row cap: ``page_query`` rewrites the query's own
top-level ``LIMIT``/``OFFSET`` (keeping what they already select: a page never reaches past the
query's own LIMIT), and ``count_query`` counts the rows of the whole result, so that a response
can say "rows 1-100 of 20,412". Both read the text through the one lexer
(``sgraph.rdf.sparql_lexer``), so keywords in strings, IRIs or comments are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass

from sgraph.errors import InputError
from sgraph.rdf import sparql_lexer as lx

#: Query-string parameters of a paged request (not parameters of the named query).
LIMIT_PARAM = "_limit"
OFFSET_PARAM = "_offset"
TOTAL_VAR = "_sgraph_total"
#: Response headers of a paged answer.
TOTAL_HEADER = "X-Sgraph-Total"
OFFSET_HEADER = "X-Sgraph-Offset"
LIMIT_HEADER = "X-Sgraph-Limit"


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int = 0


def read_page(values: dict[str, str], max_rows: int) -> Page:
    """The page a request asks for (``_limit``, ``_offset``), removed from ``values``; by default
    the first ``max_rows`` rows."""
    limit = _whole(values.pop(LIMIT_PARAM, None), LIMIT_PARAM, max_rows)
    offset = _whole(values.pop(OFFSET_PARAM, None), OFFSET_PARAM, 0)
    if limit < 1 or limit > max_rows:
        raise InputError(
            f"{LIMIT_PARAM}={limit} is outside 1..{max_rows} (this server's row cap)",
            hint=f"ask for at most {max_rows} rows a page and page on with {OFFSET_PARAM}",
        )
    return Page(limit, offset)


def _whole(value: str | None, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    if not value.isdigit():
        raise InputError(f"{name}={value!r} is not a whole number", hint=f"e.g. {name}=100")
    return int(value)


def _top_level(toks: list[lx.Token]) -> list[tuple[int, lx.Token]]:
    """The tokens outside every ``{ }`` group, with their indexes."""
    depth = 0
    out: list[tuple[int, lx.Token]] = []
    for i, t in enumerate(toks):
        if t.kind == lx.PUNCT and t.text == "{":
            depth += 1
        elif t.kind == lx.PUNCT and t.text == "}":
            depth -= 1
        elif depth == 0:
            out.append((i, t))
    return out


def page_query(text: str, page: Page) -> str:
    """``text`` with its top-level LIMIT and OFFSET replaced by those of ``page`` (within them)."""
    toks = lx.tokens(text)
    top = _top_level(toks)
    own: dict[str, int] = {}
    cut: list[tuple[int, int]] = []  # character spans of the query's own LIMIT n / OFFSET n
    insert_at = len(text)
    for i, t in top:
        if t.is_keyword("LIMIT", "OFFSET") and i + 1 < len(toks):
            number = toks[i + 1]
            if number.kind == lx.NUMBER and number.text.isdigit():
                own[t.text.upper()] = int(number.text)
                cut.append((t.start, number.end))
        elif t.is_keyword("VALUES") and insert_at == len(text):
            insert_at = t.start  # the trailing VALUES clause comes after the modifiers
    offset = own.get("OFFSET", 0) + page.offset
    limit = page.limit
    if "LIMIT" in own:
        limit = max(0, min(limit, own["LIMIT"] - page.offset))
    out, last = [], 0
    for start, end in cut:
        if start < insert_at:
            out.append(text[last:start])
            last = end
    out.append(text[last:insert_at])
    out.append(f"\nLIMIT {limit} OFFSET {offset}\n")
    out.append(text[insert_at:])
    return "".join(out)


def count_query(text: str) -> str:
    """A query counting the rows ``text`` (a SELECT) gives, in ``?_sgraph_total``."""
    toks = lx.tokens(text)
    start = lx.prologue_end(toks)
    split = toks[start].start if start < len(toks) else len(text)
    return f"{text[:split]}SELECT (COUNT(*) AS ?{TOTAL_VAR}) WHERE {{ {{\n{text[split:]}\n}} }}"


def paged_headers(page: Page, rows: int, total: int | None) -> dict[str, str]:
    headers = {OFFSET_HEADER: str(page.offset), LIMIT_HEADER: str(page.limit)}
    if total is not None:
        headers[TOTAL_HEADER] = str(total)
    return headers
