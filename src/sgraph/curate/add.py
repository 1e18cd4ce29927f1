"""``sgraph add``: reconcile a file of references or records, then write what is new.

Two steps, so a dry run and a real run report exactly the same items:

* :func:`plan` reads the file, matches every publication, person and organisation against the
  graph, and works out the new statements and the new text of each data file (writes nothing);
* :func:`apply` refuses a plan with unreadable or ambiguous items (``InputError``, every problem
  with its line), validates the new statements with SHACL together with the whole existing graph
  (``ValidationError``), and only then writes every changed file (all or nothing).

IRIs are always in the curated files' base (``https://w3id.org/sgraph/``), whatever ``--base``.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from sgraph.config import Settings
from sgraph.curate.citations import read_references
from sgraph.curate.entries import Entry
from sgraph.curate.plan import Item, NewEntity, Planner
from sgraph.curate.reconcile import GraphIndex
from sgraph.curate.records import read_records
from sgraph.curate.writer import FILE_OF_KIND, commit, insert_entities
from sgraph.errors import DataSyntaxError, InputError, ValidationError
from sgraph.namespaces import DEFAULT_BASE, all_prefixes
from sgraph.project import is_packaged_graph
from sgraph.serialize import PrefixMap
from sgraph.sources import data_files
from sgraph.store import GraphStore
from sgraph.validate import ValidationReport, validate_store

RECORD_SUFFIXES = (".yaml", ".yml", ".csv")


@dataclass
class AddPlan:
    """What adding ``path`` would do."""

    path: Path
    data_dir: Path
    items: list[Item]
    files: dict[Path, str] = field(default_factory=dict)  # changed data file -> its new text
    written: list[Path] = field(default_factory=list)

    @property
    def problems(self) -> list[Item]:
        return [i for i in self.items if i.status in ("error", "ambiguous")]

    @property
    def new_entities(self) -> list[NewEntity]:
        return [e for i in self.items for e in i.new]

    def problem_error(self) -> InputError:
        lines = [f"{self.path}:{i.line}: {i.status}: {i.message}" for i in self.problems]
        n = len(self.problems)
        return InputError(
            f"{n} of {len(self.items)} item{'s' if len(self.items) != 1 else ''} cannot be added, "
            "so nothing was written:\n" + "\n".join(lines),
            hint="fix those lines (for an ambiguous name, use the full name or the entity's IRI) "
            "and run `sgraph add` again",
        )

    def to_json(self) -> str:
        body: dict[str, object] = {"items": [i.to_json() for i in self.items]}
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"

    def to_text(self, *, turtle: bool) -> str:
        pm = PrefixMap(all_prefixes(DEFAULT_BASE))
        out: list[str] = []
        for item in self.items:
            entity = f"  {pm.shorten(item.entity)}" if item.entity else ""
            out.append(f"line {item.line}: {item.status}{entity}")
            out.append(f"  input:     {item.input}")
            if item.title:
                details = [item.title]
                if item.date:
                    details.append(item.date)
                if item.type:
                    details.append(item.type)
                out.append("  reads:     " + " | ".join(details))
            for a in item.agents:
                where = (
                    pm.shorten(a.entity)
                    if a.entity
                    else "(" + ", ".join(pm.shorten(c) for c in a.candidates) + ")"
                    if a.candidates
                    else ""
                )
                label = a.role + ":"
                out.append(f"  {label:<11}{a.name} -> {a.status} {where}".rstrip())
            if item.message:
                out.append(f"  note:      {item.message}")
            out.append("")
        counts = {
            s: sum(1 for i in self.items if i.status == s)
            for s in ("matched", "new", "ambiguous", "error")
        }
        out.append(", ".join(f"{n} {s}" for s, n in counts.items()) + f" ({len(self.items)} items)")
        if turtle:
            if self.files:
                out.append("")
                out.append("Turtle that would be written:")
                for path, blocks in self._new_blocks().items():
                    out.append("")
                    out.append(f"## into {path}")
                    out.append(blocks.rstrip("\n"))
            else:
                out.append("Nothing new to write.")
        return "\n".join(out) + "\n"

    def _new_blocks(self) -> dict[Path, str]:
        by_file: dict[Path, list[NewEntity]] = {}
        for e in self.new_entities:
            by_file.setdefault(self.data_dir / FILE_OF_KIND[e.kind], []).append(e)
        return {
            path: insert_entities("", [(e.iri, e.triples, e.comment) for e in ents])
            for path, ents in sorted(by_file.items())
        }


def read_input(path: Path) -> tuple[list[Entry], str | None]:
    """Entries of a reference list (any other suffix) or of a YAML/CSV file of records."""
    path = Path(path)
    if not path.is_file():
        raise InputError(
            f"{path}: no such file", hint="give a reference list (.txt) or records (.yaml, .csv)"
        )
    if path.suffix.casefold() in RECORD_SUFFIXES:
        return read_records(path)
    return read_references(path)


def _curation_settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, base=DEFAULT_BASE)


def plan(path: Path, settings: Settings | None = None) -> AddPlan:
    """Reconcile every entry of ``path`` against the graph in ``settings.data_dir``."""
    settings = _curation_settings(settings or Settings())
    entries, file_source = read_input(Path(path))
    gs = GraphStore.load(settings)
    index = GraphIndex.from_store(gs.store, DEFAULT_BASE)
    planner = Planner(index, Path(path), file_source)
    items = [planner.plan(e) for e in entries]
    result = AddPlan(Path(path), settings.data_dir, items)
    by_file: dict[Path, list[NewEntity]] = {}
    for e in result.new_entities:
        by_file.setdefault(settings.data_dir / FILE_OF_KIND[e.kind], []).append(e)
    for target, ents in sorted(by_file.items()):
        old = target.read_text(encoding="utf-8") if target.exists() else ""
        text = insert_entities(old, [(e.iri, e.triples, e.comment) for e in ents])
        _check_text(target, text, old, ents)
        result.files[target] = text
    return result


def _check_text(target: Path, text: str, old: str, ents: list[NewEntity]) -> None:
    """The new file text parses and says exactly the old statements plus the new ones."""
    base_iri = target.resolve().as_uri()
    try:
        new_triples = {
            q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE, base_iri=base_iri)
        }
        old_triples = {
            q.triple for q in ox.parse(old.encode(), format=ox.RdfFormat.TURTLE, base_iri=base_iri)
        }
    except SyntaxError as exc:  # pragma: no cover - a bug in the writer, not in the input
        raise DataSyntaxError(
            f"sgraph add produced unreadable Turtle: {exc}", path=target
        ) from None
    expected = old_triples | {t for e in ents for t in e.triples}
    if new_triples != expected:  # pragma: no cover - a bug in the writer
        raise InputError(
            f"{target}: the updated file would not hold exactly the old and new statements"
        )


def validate_plan(result: AddPlan, settings: Settings) -> ValidationReport:
    """SHACL over the existing graph with the changed files replaced by their new text."""
    data_dir = result.data_dir
    with tempfile.TemporaryDirectory(prefix="sgraph-add-") as tmp:
        stage = Path(tmp) / "triples"
        real_of: dict[str, str] = {}
        for f in data_files([data_dir]) if data_dir.exists() else []:
            dest = stage / f.relative_to(data_dir)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, dest)
            real_of[str(dest)] = str(f)
        for target, text in result.files.items():
            dest = stage / target.relative_to(data_dir)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8")
            real_of[str(dest)] = str(target)
        gs = GraphStore.load(settings, data=[stage])
        report = validate_store(gs)
    line_of = {e.iri: e.line for e in result.new_entities}
    results = []
    for v in report.results:
        if v.focus in line_of:
            v = dataclasses.replace(v, source_file=str(result.path), line=line_of[v.focus])
        elif v.source_file in real_of:
            v = dataclasses.replace(v, source_file=real_of[v.source_file])
        results.append(v)
    return ValidationReport(
        conforms=report.conforms, results=results, results_graph=report.results_graph
    )


def apply(result: AddPlan, settings: Settings | None = None) -> list[Path]:
    """Validate and write a plan; all or nothing. Returns the files written (none if nothing new)."""
    settings = _curation_settings(settings or Settings())
    if result.problems:
        raise result.problem_error()
    if not result.files:
        return []
    if is_packaged_graph(result.data_dir):
        raise InputError(
            f"{result.data_dir} is the graph packaged with sgraph, which `sgraph add` does not "
            "change",
            hint="start a graph of your own with `sgraph init DIR` (it can include the packaged "
            "one) and run `sgraph add` there, or give --data",
        )
    report = validate_plan(result, settings)
    if not report.conforms:
        raise ValidationError(report)
    commit(result.files)
    result.written = sorted(result.files)
    return result.written


def add(path: Path, settings: Settings | None = None, *, dry_run: bool = False) -> AddPlan:
    """Plan, and unless ``dry_run``, validate and write. See :func:`plan` and :func:`apply`."""
    result = plan(path, settings)
    if not dry_run:
        apply(result, settings)
    return result
