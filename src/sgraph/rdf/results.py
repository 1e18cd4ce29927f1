"""SPARQL query results: the ``QueryResult`` every engine returns, and its writers.

SELECT and ASK results are written as SPARQL 1.1 JSON, XML, CSV and TSV results, a ``table`` for
terminals and Markdown (``md``); ``sgraph.rdf.formats.RESULT_FORMATS`` names them. A result may
carry links (``head.link`` in JSON and XML), which the endpoint uses to point a cut result to its
row limit. ``read_json_results`` reads SPARQL JSON results back (a remote endpoint's answer).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Literal

import pyoxigraph as ox

from sgraph.serialize import PrefixMap
from sgraph.terms import XSD_STRING, OxTerm

XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


@dataclass
class QueryResult:
    """The result of a query, whatever ran it."""

    kind: Literal["select", "ask", "graph"]
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, OxTerm]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False
    #: IRIs for the result's ``head.link`` (JSON and XML results)
    links: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        if self.kind == "select":
            return len(self.rows)
        if self.kind == "graph":
            return len(self.triples)
        return 1


def _json_value(term: OxTerm) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": str(term)}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def write_json(result: QueryResult, _prefixes: dict[str, str]) -> str:
    head: dict[str, list[str]] = {} if result.kind == "ask" else {"vars": result.variables}
    if result.links:
        head["link"] = list(result.links)
    if result.kind == "ask":
        doc: dict[str, object] = {"head": head, "boolean": bool(result.boolean)}
    else:
        doc = {
            "head": head,
            "results": {
                "bindings": [
                    {v: _json_value(row[v]) for v in result.variables if v in row}
                    for row in result.rows
                ]
            },
        }
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def write_xml(result: QueryResult, _prefixes: dict[str, str]) -> str:
    from xml.sax.saxutils import escape as xml_escape  # pulls in urllib.request; only XML needs it
    from xml.sax.saxutils import quoteattr

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
    ]
    head = [f"    <variable name={quoteattr(v)}/>" for v in result.variables]
    head += [f"    <link href={quoteattr(link)}/>" for link in result.links]
    out += ["  <head/>"] if result.kind == "ask" and not head else ["  <head>", *head, "  </head>"]
    if result.kind == "ask":
        out += [f"  <boolean>{'true' if result.boolean else 'false'}</boolean>", "</sparql>"]
        return "\n".join(out) + "\n"
    out.append("  <results>")
    for row in result.rows:
        out.append("    <result>")
        for v in result.variables:
            if v not in row:
                continue
            term = row[v]
            if isinstance(term, ox.NamedNode):
                inner = f"<uri>{xml_escape(term.value)}</uri>"
            elif isinstance(term, ox.BlankNode):
                inner = f"<bnode>{xml_escape(term.value)}</bnode>"
            elif isinstance(term, ox.Triple):
                inner = f"<literal>{xml_escape(str(term))}</literal>"
            elif term.language:
                lang = quoteattr(term.language)
                inner = f"<literal xml:lang={lang}>{xml_escape(term.value)}</literal>"
            elif term.datatype.value != XSD_STRING:
                datatype = quoteattr(term.datatype.value)
                inner = f"<literal datatype={datatype}>{xml_escape(term.value)}</literal>"
            else:
                inner = f"<literal>{xml_escape(term.value)}</literal>"
            out.append(f"      <binding name={quoteattr(v)}>{inner}</binding>")
        out.append("    </result>")
    out += ["  </results>", "</sparql>"]
    return "\n".join(out) + "\n"


def _plain(term: OxTerm) -> str:
    if isinstance(term, ox.Triple):
        return str(term)
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def write_csv(result: QueryResult, _prefixes: dict[str, str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    if result.kind == "ask":
        w.writerow(["boolean"])
        w.writerow(["true" if result.boolean else "false"])
        return buf.getvalue()
    w.writerow(result.variables)
    for row in result.rows:
        w.writerow([_plain(row[v]) if v in row else "" for v in result.variables])
    return buf.getvalue()


def write_tsv(result: QueryResult, _prefixes: dict[str, str]) -> str:
    if result.kind == "ask":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join(str(row[v]) if v in row else "" for v in result.variables))
    return "\n".join(lines) + "\n"


def _display(term: OxTerm, pm: PrefixMap) -> str:
    if isinstance(term, ox.NamedNode):
        return pm.shorten(term.value)
    return " ".join(_plain(term).split())


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def write_table(result: QueryResult, prefixes: dict[str, str], *, width: int | None = None) -> str:
    """An aligned text table. With ``width`` (a terminal's columns) the columns are shortened,
    widest first, with an ellipsis, so every line fits; without it every value is written in
    full (for a pipe or a file)."""
    if result.kind == "ask":
        return ("true" if result.boolean else "false") + "\n"
    pm = PrefixMap(prefixes)
    head = result.variables
    cells = [[_display(row[v], pm) if v in row else "" for v in head] for row in result.rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(head)]
    if width is not None:
        widths = fit_widths(widths, width - 2 * max(0, len(widths) - 1))
        head = [_shorten(h, w) for h, w in zip(head, widths, strict=True)]
        cells = [[_shorten(c, w) for c, w in zip(r, widths, strict=True)] for r in cells]

    def line(values: list[str]) -> str:
        return "  ".join(val.ljust(w) for val, w in zip(values, widths, strict=True)).rstrip()

    out = [line(head), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    n = len(result.rows)
    footer = f"({n} row{'s' if n != 1 else ''}"
    footer += ", truncated)" if result.truncated else ")"
    out.append(footer)
    return "\n".join(out) + "\n"


def fit_widths(widths: list[int], room: int, least: int = 6) -> list[int]:
    """Column widths summing to at most ``room``: narrow columns keep their width, the room left
    is shared equally by the wider ones (water-filling); no column below ``least`` (or its own
    width), so a very narrow terminal gets lines a little longer rather than empty columns."""
    if sum(widths) <= room:
        return list(widths)
    out = list(widths)
    order = sorted(range(len(widths)), key=lambda i: widths[i])
    left = room
    for k, i in enumerate(order):
        share = left // (len(order) - k)
        out[i] = max(min(widths[i], share), min(widths[i], least))
        left -= out[i]
    return out


def _md_cell(text: str) -> str:
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def write_markdown(result: QueryResult, prefixes: dict[str, str]) -> str:
    if result.kind == "ask":
        return f"**{'true' if result.boolean else 'false'}**\n"
    pm = PrefixMap(prefixes)
    out = ["| " + " | ".join(_md_cell(v) for v in result.variables) + " |"]
    out.append("|" + "|".join("---" for _ in result.variables) + "|")
    for row in result.rows:
        out.append(
            "| "
            + " | ".join(
                _md_cell(_display(row[v], pm)) if v in row else "" for v in result.variables
            )
            + " |"
        )
    if result.truncated:
        out.append("\n*(truncated)*")
    return "\n".join(out) + "\n"


def read_json_results(body: bytes) -> QueryResult:
    """SPARQL 1.1 JSON results read back, as any store writes them; ValueError if ``body`` is not
    SPARQL JSON results (the message names the term it cannot read)."""
    doc = json.loads(body)
    if not isinstance(doc, dict):
        raise ValueError("a JSON document that is not an object")
    if "boolean" in doc:
        return QueryResult(kind="ask", boolean=_json_boolean(doc["boolean"]))
    variables = list(doc.get("head", {}).get("vars", []))
    rows = [
        {k: _json_term(v) for k, v in binding.items()}
        for binding in doc.get("results", {}).get("bindings", [])
    ]
    return QueryResult(kind="select", variables=variables, rows=rows)


def _json_boolean(value: object) -> bool:
    """An ASK answer: ``true``/``false`` (some stores write ``1``/``0`` or a string)."""
    if isinstance(value, str):
        if value.strip().lower() in ("true", "1"):
            return True
        if value.strip().lower() in ("false", "0"):
            return False
        raise ValueError(f"an ASK answer that is not a boolean: {value!r}")
    return bool(value)


#: Virtuoso's blank node labels (``nodeID://b10001``), and N-Triples' own prefix
_BNODE_PREFIXES = ("nodeID://", "_:")
#: the canonical form of each lexical form of xsd:boolean (XSD 1.1, 3.3.2)
_BOOLEANS = {"true": "true", "1": "true", "false": "false", "0": "false"}


def blank_node(label: str) -> ox.BlankNode:
    """The blank node a store labels ``label``, whatever its label syntax.

    Virtuoso writes ``nodeID://b10001``; the prefix is dropped. A label that is still not an
    N-Triples label becomes ``h`` and its UTF-8 bytes in hex, so distinct labels stay distinct
    within a result (a label only identifies a blank node within one result anyway).
    """
    for prefix in _BNODE_PREFIXES:
        if label.startswith(prefix) and len(label) > len(prefix):
            label = label[len(prefix) :]
            break
    try:
        return ox.BlankNode(label)
    except ValueError:
        return ox.BlankNode("h" + label.encode("utf-8").hex())


def _json_term(value: dict[str, str]) -> OxTerm:
    """One RDF term of a SPARQL JSON result: ``uri``, ``bnode``, ``literal`` and the older
    ``typed-literal`` (Virtuoso). An ``xsd:boolean`` is given its canonical form (``1`` ->
    ``true``), as every store compares it."""
    if not isinstance(value, dict) or "value" not in value:
        raise ValueError(f"a binding that is not an RDF term: {value!r}")
    kind, text = value.get("type"), str(value["value"])
    try:
        if kind == "uri":
            return ox.NamedNode(text)
        if kind == "bnode":
            return blank_node(text)
        if kind not in ("literal", "typed-literal"):
            raise ValueError(f"unknown term type {kind!r}")
        if value.get("xml:lang"):
            return ox.Literal(text, language=value["xml:lang"])
        datatype = value.get("datatype")
        if datatype == XSD_BOOLEAN and text.strip() in _BOOLEANS:
            text = _BOOLEANS[text.strip()]
        if datatype and datatype != XSD_STRING:
            return ox.Literal(text, datatype=ox.NamedNode(datatype))
        return ox.Literal(text)
    except ValueError as exc:
        raise ValueError(
            f"unreadable term {json.dumps(value, ensure_ascii=False)}: {exc}"
        ) from None
