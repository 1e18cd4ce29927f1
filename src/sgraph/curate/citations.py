"""Reading reference lists in the source document's citation style.

One reference a line::

    Author (Year) Title (PDF). Place: Publisher.

Authors are organisations ("Department for Education"), people ("Dickens, J.", "Dickens, J.,
Taylor, J. and Garstang, J."), either followed by "et al". Blank lines are skipped. Lines starting
with ``#`` are comments, except ``# source: URL``, which sets the source of the references below it
(see ``sgraph.curate.records`` for the other input formats).
"""

from __future__ import annotations

import re
from pathlib import Path

from sgraph.curate.checks import iri_problem, text_problem
from sgraph.curate.entries import AgentRef, Entry
from sgraph.curate.names import CITED_PERSON_RE, plain
from sgraph.io import read_text

EXPECTED = "expected 'Author (Year) Title (PDF). Place: Publisher.'"

_HEAD_RE = re.compile(
    r"^(?P<authors>.+?)\s*\(\s*(?P<year>\d{4})[a-z]?\s*\)\s*[.,:]?\s*(?P<rest>.*)$"
)
_NO_DATE_RE = re.compile(r"^(?P<authors>.+?)\s*\(\s*n\.\s?d\.?\s*\)\s*[.,:]?\s*(?P<rest>.*)$", re.I)
_MEDIUM_RE = re.compile(r"\s*\((?:PDF|HTML|online|Word|DOCX?|ODT)\)\s*", re.I)
_ET_AL_RE = re.compile(r",?\s+et\.?\s+al\.?$", re.I)
_PERSON_IN_LIST_RE = re.compile(r"[A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+)*,\s*(?:[A-Z]\.\s*-?)+")
_SOURCE_RE = re.compile(r"^#\s*source\s*:\s*(\S+)\s*$", re.I)


def _split_authors(text: str) -> tuple[list[AgentRef], bool]:
    """Authors and whether the list ends in "et al"."""
    text = text.strip().rstrip(",")
    et_al = bool(_ET_AL_RE.search(text))
    text = _ET_AL_RE.sub("", text).strip().rstrip(",")
    if not text:
        return [], et_al
    # a list of people: "Dickens, J., Taylor, J. and Garstang, J."
    people = [m.group(0).strip() for m in _PERSON_IN_LIST_RE.finditer(text)]
    rest = _PERSON_IN_LIST_RE.sub("", text)
    if people and not re.sub(r"[\s,;&]|\band\b", "", rest):
        return [AgentRef(p, "creator", "person") for p in people], et_al
    if CITED_PERSON_RE.match(text):
        return [AgentRef(text, "creator", "person")], et_al
    # organisations, separated by ";" (names often contain "and")
    parts = [p.strip() for p in text.split(";") if p.strip()]
    return [AgentRef(p, "creator", None) for p in parts], et_al


def _split_title_and_imprint(rest: str) -> tuple[str, str | None, str | None]:
    """Title, place, publisher from "Title (PDF). Place: Publisher."."""
    rest = rest.strip()
    medium = _MEDIUM_RE.search(rest)
    if medium:
        title = rest[: medium.start()].strip()
        tail = rest[medium.end() :].lstrip(".").strip()
    else:
        # the imprint is the last ". Place: Publisher." sentence, if there is one
        m = re.match(r"^(?P<title>.+?)\.\s+(?P<tail>[^.:]+:\s*[^:]+?)\.?$", rest)
        if m:
            title, tail = m.group("title"), m.group("tail")
        else:
            title, tail = rest.rstrip("."), ""
    title = title.strip().rstrip(".").strip()
    tail = tail.strip().rstrip(".").strip()
    if not tail:
        return title, None, None
    place, sep, publisher = tail.partition(":")
    if not sep:
        return title, None, tail
    return title, place.strip() or None, publisher.strip() or None


def parse_reference(text: str, line: int) -> Entry:
    """One reference line as an Entry (``error`` set if it cannot be read)."""
    raw = text.rstrip("\n")
    clean = plain(raw)
    entry = Entry(line=line, input=raw.strip())
    m = _HEAD_RE.match(clean)
    year: str | None = None
    if m:
        year = m.group("year")
    else:
        m = _NO_DATE_RE.match(clean)
    if not m and re.match(r"^\(\s*(\d{4}|n\.\s?d\.?)\s*\)", clean, re.I):
        entry.error = f"no author before '(Year)'; {EXPECTED}"
        return entry
    if not m:
        entry.error = f"no '(Year)' after the authors; {EXPECTED}"
        return entry
    agents, et_al = _split_authors(m.group("authors"))
    if not agents:
        entry.error = f"no author before '(Year)'; {EXPECTED}"
        return entry
    title, _place, publisher = _split_title_and_imprint(m.group("rest"))
    if not title:
        entry.error = f"no title after '(Year)'; {EXPECTED}"
        return entry
    entry.title = title
    entry.date = year
    entry.agents = agents
    entry.et_al = et_al
    if publisher:
        entry.agents.append(AgentRef(publisher, "publisher", "organisation"))
    return entry


def _shown(text: str) -> str:
    """``text`` with the characters that cannot be shown (or published) escaped."""
    return "".join(
        c if text_problem(c) is None else c.encode("unicode_escape").decode("ascii") for c in text
    )


def read_references(path: Path) -> tuple[list[Entry], str | None]:
    """Every reference in a text file, in order, and the file's ``# source:`` URL if it gives one.

    A ``# source:`` line sets the source of the references after it; the returned value is the
    first one (the file's own source).
    """
    text = read_text(path)
    entries: list[Entry] = []
    source: str | None = None
    first_source: str | None = None
    # lines end at line feeds only, as editors count them (str.splitlines also splits at form
    # feeds, U+2028 and other characters a line may hold)
    for n, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        stripped = line.strip()
        if not stripped:
            continue
        bad = text_problem(line)
        if bad:
            entries.append(Entry(line=n, input=_shown(stripped), error=bad))
            continue
        if stripped.startswith("#"):
            sm = _SOURCE_RE.match(stripped)
            if sm:
                found = sm.group(1).strip("<>")
                why = iri_problem(found, "the source")
                if why:
                    entries.append(Entry(line=n, input=stripped, error=why))
                    continue
                source = found
                first_source = first_source or source
            continue
        entry = parse_reference(line, n)
        entry.source = source
        entries.append(entry)
    return entries, first_source
