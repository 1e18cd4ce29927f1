"""Reading the curated sources: Turtle files, one named graph each, with where each entity is."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from sgraph import xsd
from sgraph.errors import DataSyntaxError, InputError
from sgraph.io import recover_writes
from sgraph.namespaces import DEFAULT_BASE
from sgraph.rdf.formats import GRAPH_FORMATS

#: File suffixes read from a data folder (Turtle and N-Triples), and their formats.
FORMATS: dict[str, ox.RdfFormat] = {
    f.suffix: f.oxigraph for f in (GRAPH_FORMATS["turtle"], GRAPH_FORMATS["ntriples"])
}

_PREFIX_RE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_SUBJECT_RE = re.compile(r"^(<[^>\s]+>|[A-Za-z][\w.-]*:[^\s;,]*|:[^\s;,]*)(?=\s|$)")


@dataclass(frozen=True)
class Location:
    """Where an entity is first described: a file and a 1-based line."""

    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class SourceFile:
    """One parsed data file."""

    path: Path
    graph: ox.NamedNode
    triples: list[ox.Triple]  # emptied by GraphStore.load once they are in the store
    subjects: dict[str, int] = field(default_factory=dict)  # IRI -> first line as a subject


#: Named graphs of an included graph (see sgraph.project) go under ``{base}graph/{this}``.
INCLUDED_GRAPHS = "sgraph/"


def graph_iri(path: Path, base: str = DEFAULT_BASE, prefix: str = "") -> ox.NamedNode:
    """The named graph a data file loads into: ``{base}graph/{prefix}{file stem}``."""
    return ox.NamedNode(f"{base}graph/{prefix}{path.stem}")


def data_files(paths: list[Path]) -> list[Path]:
    """Expand folders into their RDF files (sorted), check that each path exists.

    A folder is read as its last complete write: one that `sgraph add` was killed in the middle
    of is finished first (``sgraph.io.recover_writes``).
    """
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            recover_writes(p)
            found = sorted(f for f in p.rglob("*") if f.suffix in FORMATS and f.is_file())
            if not found:
                raise InputError(
                    f"{p}: no data files (*.ttl, *.nt) in this folder",
                    hint="point --data at a folder of Turtle files, e.g. data/triples/",
                )
            files.extend(found)
        elif p.is_file():
            if p.suffix not in FORMATS:
                raise InputError(f"{p}: not a Turtle (.ttl) or N-Triples (.nt) file")
            files.append(p)
        else:
            raise InputError(f"{p}: no such file or folder", hint="check the path given to --data")
    return files


def rebase(term: ox.NamedNode, base: str) -> ox.NamedNode:
    if base != DEFAULT_BASE and term.value.startswith(DEFAULT_BASE):
        return ox.NamedNode(base + term.value[len(DEFAULT_BASE) :])
    return term


def _rebase_triple(t: ox.Triple, base: str) -> ox.Triple:
    s, p, o = t.subject, t.predicate, t.object
    if isinstance(s, ox.NamedNode):
        s = rebase(s, base)
    if isinstance(o, ox.NamedNode):
        o = rebase(o, base)
    return ox.Triple(s, rebase(p, base), o)


def parse_file(path: Path, base: str = DEFAULT_BASE, graph_prefix: str = "") -> SourceFile:
    """Parse one file; a syntax error names the file, line and column and what was expected."""
    fmt = FORMATS.get(path.suffix)
    if fmt is None:
        raise InputError(f"{path}: not a Turtle (.ttl) or N-Triples (.nt) file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        triples = [q.triple for q in ox.parse(data, format=fmt, base_iri=path.resolve().as_uri())]
    except SyntaxError as exc:
        raise _syntax_error(path, exc) from None
    if base != DEFAULT_BASE:
        triples = [_rebase_triple(t, base) for t in triples]
    text = data.decode("utf-8", errors="replace")
    subjects = index_subjects(text)
    if base != DEFAULT_BASE:
        subjects = {rebase(ox.NamedNode(k), base).value: v for k, v in subjects.items()}
    return SourceFile(
        path=path, graph=graph_iri(path, base, graph_prefix), triples=triples, subjects=subjects
    )


def parse_vocabulary(path: Path, base: str = DEFAULT_BASE) -> list[ox.Triple]:
    """Parse an ontology or shapes file written under the default base, moved to ``base`` by
    replacing the default base everywhere in its text: IRIs, and literals that name them too
    (``sh:namespace``, ``vann:preferredNamespaceUri``, the SPARQL of a constraint)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if base != DEFAULT_BASE:
        text = text.replace(DEFAULT_BASE, base)
    try:
        data = text.encode("utf-8")
        return [
            q.triple
            for q in ox.parse(
                data,
                format=FORMATS.get(path.suffix, ox.RdfFormat.TURTLE),
                base_iri=path.resolve().as_uri(),
            )
        ]
    except SyntaxError as exc:
        raise _syntax_error(path, exc) from None


def _syntax_error(path: Path, exc: SyntaxError) -> DataSyntaxError:
    message = str(exc.msg if hasattr(exc, "msg") else exc)
    # pyoxigraph: "Parser error between line 3 column 11 and line 4 column 1: Unexpected end of file"
    m = re.match(
        r"Parser error (?:at|between) line \d+ column \d+(?: and line \d+ column \d+)?: (.*)",
        message,
        re.S,
    )
    what = m.group(1) if m else message
    return DataSyntaxError(
        f"Turtle syntax error: {what}",
        path=path,
        line=exc.lineno,
        column=exc.offset,
        hint="fix the file at that line and column, then run `sgraph validate` again",
    )


def index_subjects(text: str) -> dict[str, int]:
    """Map each IRI that starts a line in subject position to that (1-based) line number.

    A lightweight scan of the stable Turtle layout: prefixes are expanded, nested and
    indented positions are ignored. Good enough to point a person at an entity's block.
    """
    prefixes: dict[str, str] = {}
    found: dict[str, int] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        pm = _PREFIX_RE.match(line)
        if pm:
            prefixes[pm.group(1) or ""] = pm.group(2)
            continue
        sm = _SUBJECT_RE.match(line)
        if not sm:
            continue
        token = sm.group(1)
        if token.startswith("<"):
            iri = token[1:-1]
        else:
            pfx, _, local = token.partition(":")
            if pfx not in prefixes:
                continue
            iri = prefixes[pfx] + local.replace("\\", "")
        found.setdefault(iri, lineno)
    return found


def source_files(paths: list[Path], included: tuple[Path, ...] = ()) -> list[tuple[Path, str]]:
    """Every data file under ``paths``, then those of the ``included`` graphs, each with the
    prefix of its graph name (``graph_iri``); a folder already among ``paths`` is read once."""
    files = [(f, "") for f in data_files(paths)]
    seen = {f.resolve() for f, _ in files}
    for f in data_files(list(included)) if included else []:
        if f.resolve() not in seen:
            files.append((f, INCLUDED_GRAPHS))
    return files


def read_sources(
    paths: list[Path], base: str = DEFAULT_BASE, included: tuple[Path, ...] = ()
) -> list[SourceFile]:
    """Parse every data file under ``paths``, then those of the ``included`` graphs (named
    graphs under ``{base}graph/sgraph/``; a folder already among ``paths`` is read once)."""
    return [parse_file(f, base, prefix) for f, prefix in source_files(paths, included)]


def locate(sources: list[SourceFile], iri: str) -> Location | None:
    """Where ``iri`` is first described as a subject, if anywhere."""
    for src in sources:
        line = src.subjects.get(iri)
        if line is not None:
            return Location(src.path, line)
    return None


LiteralProblem = tuple[SourceFile, ox.Triple, str]


def literal_problems(
    src: SourceFile, verdicts: dict[tuple[str, str], str | None] | None = None
) -> list[LiteralProblem]:
    """The ill-typed literals of one parsed file (``verdicts`` caches checks across files)."""
    verdicts = {} if verdicts is None else verdicts  # dates and years repeat: check each once
    found: list[LiteralProblem] = []
    for t in src.triples:
        o = t.object
        if not isinstance(o, ox.Literal):
            continue
        datatype = o.datatype.value
        if not datatype.startswith(xsd.XSD) and not xsd.unpublishable(o.value):
            continue
        key = (datatype, o.value)
        if key not in verdicts:
            bad = xsd.unpublishable(o.value)
            verdicts[key] = (
                f"holds {bad}, which no published file can carry: remove it"
                if bad
                else xsd.problem(datatype[len(xsd.XSD) :], o.value)
            )
        why = verdicts[key]
        if why is not None:
            found.append((src, t, why))
    return found


def check_literals(sources: list[SourceFile], limit: int = 20) -> None:
    """Refuse ill-typed literals (``"2021-14-05"^^xsd:date``): DataSyntaxError with each one's
    file and line (the first ``limit``, then a count), before anything converts them."""
    verdicts: dict[tuple[str, str], str | None] = {}
    raise_literal_problems([p for src in sources for p in literal_problems(src, verdicts)], limit)


def raise_literal_problems(found: list[LiteralProblem], limit: int = 20) -> None:
    """The DataSyntaxError of ``check_literals`` for ``found``, if there is any problem."""
    if not found:
        return
    lines = []
    for src, t, why in found[:limit]:
        line = _literal_line(src, t)
        o = t.object
        assert isinstance(o, ox.Literal)
        local = o.datatype.value[len(xsd.XSD) :]
        shown = o.value.encode("unicode_escape").decode("ascii")
        written = (
            f'"{shown}"@{o.language}'
            if o.language
            else f'"{shown}"^^xsd:{local}'
            if o.datatype.value.startswith(xsd.XSD)
            else f'"{shown}"^^<{o.datatype.value}>'
        )
        lines.append(f"{src.path}:{line}: {written}: {why}")
    more = f"\n... and {len(found) - limit} more" if len(found) > limit else ""
    n = len(found)
    chars = all("which no published file can carry" in why for _, _, why in found)
    raise DataSyntaxError(
        f"{n} ill-typed literal{'s' if n != 1 else ''}:\n  " + "\n  ".join(lines) + more,
        hint="remove those characters, then run `sgraph validate` again"
        if chars
        else f"write each value as {xsd.describe(local)} (or another datatype), then run "
        "`sgraph validate` again",
    )


def _literal_line(src: SourceFile, t: ox.Triple) -> int:
    """The line of ``t``'s literal: its first occurrence at or after its subject's line."""
    assert isinstance(t.object, ox.Literal)
    start = src.subjects.get(t.subject.value, 1) if isinstance(t.subject, ox.NamedNode) else 1
    quoted = f'"{t.object.value}"'
    try:
        text = src.path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:  # pragma: no cover - the file was readable a moment ago
        return start
    hits = [i for i, line in enumerate(text, start=1) if quoted in line]
    after = [i for i in hits if i >= start]
    return (after or hits or [start])[0]
