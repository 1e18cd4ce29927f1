"""The lexical forms of the XSD datatypes sgraph checks: in query parameters and in data files.

``problem(local_name, text)`` says why ``text`` is not a value of ``xsd:{local_name}`` (or None
when it is one, or when the datatype is not one of these). A data file with an ill-typed literal
such as ``"2021-14-05"^^xsd:date`` is refused with the file and line (``sgraph.sources``), before
any library would log a conversion error about it.
"""

from __future__ import annotations

import datetime as dt
import re

XSD = "http://www.w3.org/2001/XMLSchema#"

_TZ = r"(Z|[+-]\d{2}:\d{2})?"
_NUMBER = r"([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN)"

#: local name -> (lexical pattern, what a value looks like)
LEXICAL: dict[str, tuple[re.Pattern[str], str]] = {
    "integer": (re.compile(r"^[+-]?\d+$"), "an integer such as 42"),
    "nonNegativeInteger": (re.compile(r"^\+?\d+$"), "a whole number 0 or more"),
    "positiveInteger": (re.compile(r"^\+?0*[1-9]\d*$"), "a whole number 1 or more"),
    "decimal": (re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$"), "a decimal number such as 2.5"),
    "double": (re.compile(f"^{_NUMBER}$"), "a number such as 1.5e3"),
    "float": (re.compile(f"^{_NUMBER}$"), "a number such as 1.5e3"),
    "boolean": (re.compile(r"^(true|false|1|0)$"), "true or false"),
    "date": (
        re.compile(rf"^-?\d{{4}}-\d{{2}}-\d{{2}}{_TZ}$"),
        "a date YYYY-MM-DD such as 2021-06-01",
    ),
    "gYear": (re.compile(rf"^-?\d{{4}}{_TZ}$"), "a year YYYY such as 2021"),
    "gYearMonth": (
        re.compile(rf"^-?\d{{4}}-(0[1-9]|1[0-2]){_TZ}$"),
        "a year and month YYYY-MM such as 2021-06",
    ),
    "dateTime": (
        re.compile(rf"^-?\d{{4}}-\d{{2}}-\d{{2}}T\d{{2}}:\d{{2}}:\d{{2}}(\.\d+)?{_TZ}$"),
        "a date and time such as 2021-06-01T12:00:00Z",
    ),
    "time": (
        re.compile(rf"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?{_TZ}$"),
        "a time of day such as 12:30:00",
    ),
}
#: The other integer types: the lexical form of xsd:integer (their ranges are not checked).
for _name in ("int", "long", "short", "byte", "nonPositiveInteger", "negativeInteger"):
    LEXICAL[_name] = (LEXICAL["integer"][0], "an integer such as 42")
for _name in ("unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"):
    LEXICAL[_name] = LEXICAL["nonNegativeInteger"]


#: Characters no published literal may hold: XML 1.0 cannot write them (so no RDF/XML dump and
#: no SPARQL XML result could carry them), so a data file that has one cannot be built: the C0
#: control characters but tab, line feed and carriage return, and U+FFFE and U+FFFF.
_UNPUBLISHABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: What curated input may not hold either: also the C1 controls (NEL, ...) and the line and
#: paragraph separators, which are legal but never meant in a title or a name.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_NAMES = {
    0: "NUL",
    0x0C: "form feed",
    0x7F: "DEL",
    0x85: "NEL",
    0x2028: "line separator",
    0x2029: "paragraph separator",
}


def unpublishable(text: str, *, curated: bool = False) -> str | None:
    """Where ``text`` holds a character that cannot be published (with ``curated``: or that
    curated input must not hold), in words; else None."""
    m = (_UNWANTED if curated else _UNPUBLISHABLE).search(text)
    if m is None:
        return None
    code = ord(m.group())
    return f"U+{code:04X} ({_NAMES.get(code, 'a control character')}) at character {m.start() + 1}"


def describe(local_name: str) -> str:
    """What a value of ``xsd:{local_name}`` looks like, in words."""
    known = LEXICAL.get(local_name)
    return known[1] if known else f"a literal of datatype xsd:{local_name}"


def problem(local_name: str, text: str) -> str | None:
    """Why ``text`` is not an ``xsd:{local_name}`` value, or None (also for other datatypes)."""
    known = LEXICAL.get(local_name)
    if known is None:
        return None
    if not known[0].match(text):
        return f"not {known[1]}"
    if local_name in ("date", "dateTime"):
        day = text.lstrip("-")[:10]
        try:
            dt.date.fromisoformat(day)
        except ValueError as exc:
            return f"no such day ({exc})"
        if local_name == "dateTime":
            clock = text.split("T", 1)[1][:8]
            h, m, s = (int(x) for x in clock.split(":"))
            if h > 24 or m > 59 or s > 59 or (h == 24 and (m or s)):
                return f"no such time of day ({clock})"
    return None
