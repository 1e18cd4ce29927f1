"""Reading records with named fields from YAML or CSV files.

YAML: a list of mappings, or a mapping with ``records:`` (the list) and optionally ``source:``
(the source of every record that does not give its own). CSV: a header row of field names, one
record a row; several values in one cell are separated by ``;``.

Fields (only ``title`` is required):

* ``title``; ``date`` (or ``year``): ``2021``, ``2021-05`` or ``2021-05-14``; ``type``: see
  ``sgraph.curate.pubtypes`` (a stated type wins over the one inferred from the title);
* ``creators`` (or ``authors``), ``publisher`` (or ``publishers``), ``commissioned_by``,
  ``addressed_to``: names; in YAML an item may be ``{name: ..., type: person|organisation}``;
* ``responds_to``: titles or IRIs of publications; ``about``: labels or IRIs of concepts or
  legislation; ``url``: the publication's own page; ``source``: the page the record was read
  from; ``alt_labels``; ``comment``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import yaml

from sgraph.curate.checks import iri_problem, text_problem, texts_problem
from sgraph.curate.entries import AgentKind, AgentRef, Entry, Role
from sgraph.curate.pubtypes import parse_type
from sgraph.errors import InputError
from sgraph.io import read_text

_ALIASES = {
    "year": "date",
    "authors": "creators",
    "author": "creators",
    "creator": "creators",
    "publishers": "publisher",
    "types": "type",
    "alt_label": "alt_labels",
    "altlabels": "alt_labels",
    "respondsto": "responds_to",
    "commissionedby": "commissioned_by",
    "addressedto": "addressed_to",
}
FIELDS = (
    "title",
    "date",
    "type",
    "creators",
    "publisher",
    "commissioned_by",
    "addressed_to",
    "responds_to",
    "about",
    "url",
    "source",
    "alt_labels",
    "comment",
)
_AGENT_FIELDS: dict[str, Role] = {
    "creators": "creator",
    "publisher": "publisher",
    "commissioned_by": "commissioner",
    "addressed_to": "recipient",
}
_DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def _field_name(key: object) -> str:
    name = re.sub(r"[\s-]+", "_", str(key).strip().casefold())
    return _ALIASES.get(name.replace("_", ""), _ALIASES.get(name, name))


def _as_list(value: Any, split: bool) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [v for v in value if v is not None and v != ""]
    if isinstance(value, str) and split:
        return [p.strip() for p in value.split(";") if p.strip()]
    return [value]


def _date_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if not _DATE_RE.match(text):
        raise ValueError(f"date {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    return text


def _agent(value: Any, role: Role) -> AgentRef:
    if isinstance(value, dict):
        name = str(value.get("name", "")).strip()
        kind_text = str(value.get("type", value.get("kind", ""))).strip().casefold()
        kind: AgentKind | None
        if kind_text in ("", "none"):
            kind = None
        elif kind_text in ("person", "people"):
            kind = "person"
        elif kind_text in ("organisation", "organization", "org"):
            kind = "organisation"
        else:
            raise ValueError(f"agent type {kind_text!r} is neither 'person' nor 'organisation'")
        if not name:
            raise ValueError("an agent mapping needs a 'name'")
        return AgentRef(name, role, kind)
    name = str(value).strip()
    return AgentRef(name, role, "organisation" if role == "publisher" else None)


def record_to_entry(record: Any, line: int, text: str, split: bool) -> Entry:
    """One record (a mapping of fields) as an Entry; problems go into ``entry.error``."""
    entry = Entry(line=line, input=text)
    if not isinstance(record, dict):
        entry.error = f"a record must be a mapping of fields, not {type(record).__name__}"
        return entry
    fields: dict[str, Any] = {}
    for key, value in record.items():
        name = _field_name(key)
        if name not in FIELDS:
            entry.error = f"unknown field {str(key)!r}; the fields are: {', '.join(FIELDS)}"
            return entry
        fields[name] = value
    why = texts_problem(
        (f"the field {name!r}", str(v))
        for name, value in fields.items()
        for v in (value if isinstance(value, list) else [value])
        if v is not None
    )
    if why:
        entry.error = why
        return entry
    try:
        title = fields.get("title")
        if title is None or not str(title).strip():
            raise ValueError("no title: every record needs a 'title'")
        entry.title = re.sub(r"\s+", " ", str(title)).strip()
        if fields.get("date") not in (None, ""):
            entry.date = _date_text(fields["date"])
        entry.types = [parse_type(str(t)) for t in _as_list(fields.get("type"), split=True)]
        for name, role in _AGENT_FIELDS.items():
            entry.agents.extend(_agent(v, role) for v in _as_list(fields.get(name), split=split))
        entry.responds_to = [
            str(v).strip() for v in _as_list(fields.get("responds_to"), split=split)
        ]
        entry.about = [str(v).strip() for v in _as_list(fields.get("about"), split=split)]
        entry.alt_labels = [str(v).strip() for v in _as_list(fields.get("alt_labels"), split=split)]
        for key in ("url", "source"):
            value = fields.get(key)
            if value not in (None, ""):
                iri = str(value).strip()
                why = iri_problem(iri, key, web_only=key == "url")
                if why:
                    raise ValueError(why)
                setattr(entry, key, iri)
        comment = fields.get("comment")
        entry.comment = str(comment).strip() if comment not in (None, "") else None
    except ValueError as exc:
        entry.error = str(exc)
    return entry


def _summary(record: Any) -> str:
    if isinstance(record, dict):
        title = record.get("title") or record.get("Title")
        if title:
            return str(title)
    return str(record)[:200]


def read_yaml(path: Path, text: str) -> tuple[list[Entry], str | None]:
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(
            f"{path}{where}: YAML syntax error: {problem}",
            hint="fix the YAML at that line and run again",
        ) from None
    source: str | None = None
    items_node: yaml.Node | None = root
    if isinstance(data, dict):
        unknown = set(data) - {"records", "source"}
        if "records" not in data or unknown:
            raise InputError(
                f"{path}: a YAML file holds a list of records, or 'records:' (and optionally 'source:')",
                hint="see `sgraph add --help` for the record fields",
            )
        source = str(data["source"]).strip() if data.get("source") else None
        why = iri_problem(source, "the file's source", web_only=False) if source else None
        if why:
            raise InputError(f"{path}: {why}", hint="give the page the records were read from")
        records = data["records"] or []
        assert isinstance(root, yaml.MappingNode)
        items_node = next((v for k, v in root.value if k.value == "records"), None)
    elif isinstance(data, list):
        records = data
    elif data is None:
        records = []
    else:
        raise InputError(
            f"{path}: a YAML file of records must be a list of mappings",
            hint="see `sgraph add --help` for the record fields",
        )
    nodes = items_node.value if isinstance(items_node, yaml.SequenceNode) else []
    entries: list[Entry] = []
    for i, record in enumerate(records):
        line = nodes[i].start_mark.line + 1 if i < len(nodes) else 0
        entries.append(record_to_entry(record, line, _summary(record), split=False))
    return entries, source


def read_csv(path: Path, text: str) -> tuple[list[Entry], str | None]:
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if not rows:
        return [], None
    header = rows[0]
    entries: list[Entry] = []
    reader2 = csv.reader(io.StringIO(text))
    next(reader2)
    line = reader2.line_num + 1
    for row in reader2:
        start = line
        line = reader2.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        raw = ",".join(row)
        if len(row) != len(header):
            entries.append(
                Entry(
                    line=start,
                    input=raw,
                    error=f"{len(row)} cells but the header has {len(header)}",
                )
            )
            continue
        record = {h: v for h, v in zip(header, row, strict=True) if v.strip() != ""}
        entries.append(record_to_entry(record, start, raw, split=True))
    return entries, None


def read_records(path: Path) -> tuple[list[Entry], str | None]:
    """Every record of a ``.yaml``/``.yml`` or ``.csv`` file, in order, and the file's source."""
    text = read_text(path, encoding="utf-8-sig")
    for n, line in enumerate(text.split("\n"), start=1):
        why = text_problem(line.removesuffix("\r"))
        if why:
            raise InputError(
                f"{path}:{n}: error: {why}",
                hint="nothing was written; fix that line and run `sgraph add` again",
            )
    if path.suffix.casefold() == ".csv":
        return read_csv(path, text)
    return read_yaml(path, text)
