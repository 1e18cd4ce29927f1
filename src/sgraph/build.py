"""The main job: load the sources, materialise, validate, and publish into an output folder.

Only a conforming graph is published; a failure leaves the output folder exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sgraph.config import Settings
from sgraph.errors import ValidationError
from sgraph.io import staged_dir
from sgraph.serialize import to_turtle
from sgraph.shapes import shapes_triples
from sgraph.store import GraphStore
from sgraph.validate import ValidationReport, Violation, validate_store

Progress = Callable[[str], None]

#: Writers that publish more of the build into the staging folder: ``(graph, stage) -> files``.
Publisher = Callable[[GraphStore, Path], list[Path]]


@dataclass
class BuildResult:
    out_dir: Path
    triples: int
    entities: int
    class_counts: dict[str, int]
    report: ValidationReport
    files: list[Path] = field(default_factory=list)
    #: Which data folder was built and which rule chose it (``Settings.describe_data``).
    data: str = ""

    def summary(self) -> str:
        lines = [f"Data: {self.data}"] if self.data else []
        lines += [
            f"Built {self.triples} triples about {self.entities} entities into {self.out_dir}/",
            "Entities by class:",
        ]
        for cls, n in sorted(self.class_counts.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {n:5d}  {cls.rsplit('#', 1)[-1]}")
        lines.extend(self._warnings())
        lines.append("Files:")
        lines.extend(f"  {self.out_dir / f}" for f in self.files)
        return "\n".join(lines)

    def _warnings(self) -> list[str]:
        """Warnings grouped by what they say, most frequent first, each with its first place:
        a curator sees what is missing at a glance; ``sgraph validate`` lists every one."""
        warnings = self.report.warnings
        if not warnings:
            return ["Warnings: none"]
        groups: dict[str, list[Violation]] = {}
        for w in warnings:
            groups.setdefault(w.message, []).append(w)
        lines = [f"Warnings: {len(warnings)} (the data conforms; these say what is missing)"]
        for message, group in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            first = group[0]
            where = f"{first.source_file}:{first.line}" if first.source_file else f"<{first.focus}>"
            more = f", and {len(group) - 1} more" if len(group) > 1 else ""
            lines.append(f"  {len(group):4d}  {message}")
            lines.append(f"        first at {where}{more}")
        lines.append("  `sgraph validate` lists each one with its file and line.")
        return lines


def publishers() -> list[Publisher]:
    """Every writer the build runs after the core files, in order."""
    from sgraph.export import publish_exports
    from sgraph.network.page import publish_page

    return [publish_exports, publish_page]


def write_core(gs: GraphStore, stage: Path) -> list[Path]:
    """``ontology.ttl`` and ``shapes.ttl``; ``graph.ttl`` and the other dumps come from
    ``sgraph.export.publish_exports`` (the same bytes as ``sgraph export --format turtle``).

    Blank nodes (the shapes' lists) get canonical labels so every file is the same bytes every run.
    """
    from sgraph.serialize import canonical_triples

    shapes = shapes_triples(gs.settings)
    files = {
        "ontology.ttl": to_turtle(
            canonical_triples(gs.ontology.triples), gs.prefixes, "The sgraph ontology."
        ).encode(),
        "shapes.ttl": to_turtle(
            canonical_triples(shapes), gs.prefixes, "The sgraph SHACL shapes."
        ).encode(),
    }
    written: list[Path] = []
    for name, data in files.items():
        path = stage / name
        path.write_bytes(data)
        written.append(path)
    return written


def build(
    settings: Settings | None = None,
    out_dir: Path = Path("dist"),
    data: list[Path] | None = None,
    progress: Progress | None = None,
    engine: str | None = None,
) -> BuildResult:
    """Load, materialise, validate; if the graph conforms, publish it into ``out_dir``."""
    settings = settings or Settings()
    say = progress or (lambda _msg: None)
    say("Loading sources and materialising standard triples ...")
    gs = GraphStore.load(settings, data)
    say(f"Loaded {len(gs.sources)} files; validating {len(gs)} triples with SHACL ...")
    report = validate_store(gs, engine)
    if not report.conforms:
        raise ValidationError(report)
    written: list[Path] = []
    with staged_dir(Path(out_dir)) as stage:
        say("Writing ontology and shapes ...")
        written += write_core(gs, stage)
        for publish in publishers():
            say(
                f"Publishing: {publish.__doc__.splitlines()[0] if publish.__doc__ else publish.__name__}"
            )
            written += publish(gs, stage)
        relative = sorted(p.relative_to(stage) for p in written)
    counts = dict(gs.class_counts())
    return BuildResult(
        out_dir=Path(out_dir),
        triples=len(gs),
        entities=len(gs.entities()),
        class_counts=counts,
        report=report,
        files=relative,
        data=settings.describe_data(),
    )
