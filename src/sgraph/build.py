"""The main job: load the sources, materialise, validate, and publish into an output folder.

Only a conforming graph is published; a failure leaves the output folder exactly as it was.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sgraph.config import Settings
from sgraph.errors import InputError, ValidationError
from sgraph.io import staged_dir
from sgraph.serialize import to_turtle
from sgraph.shapes import shapes_triples
from sgraph.store import GraphStore
from sgraph.validate import ValidationReport, Violation, validate_store

Progress = Callable[[str], None]

#: Writers that publish more of the build into the staging folder: ``(graph, stage) -> files``.
Publisher = Callable[[GraphStore, Path], list[Path]]


@dataclass(frozen=True)
class StepTime:
    """How long one step of the build took and the most memory the build process held in it."""

    name: str
    seconds: float
    #: CPU time of this process, its threads and the child processes it waited for in the step
    #: (the dumps' writer): a shared machine inflates ``seconds``, not this.
    cpu_seconds: float
    #: Peak resident set of this process during the step (Linux; None elsewhere).
    peak_rss_mib: float | None


def _cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return time.process_time()
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + child.ru_utime + child.ru_stime


def _peak_rss_mib(reset: bool = False) -> float | None:
    """This process's peak resident set (``VmHWM``) in MiB; ``reset`` starts a new peak."""
    with contextlib.suppress(OSError):
        if reset:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")  # 5: reset the peak resident set size to the current size
            return None
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    return None


@dataclass
class Steps:
    """Times each step of the build; reports its start and its end through ``say``."""

    say: Progress
    done: list[StepTime] = field(default_factory=list)

    @contextlib.contextmanager
    def step(self, name: str, detail: str = "") -> Iterator[None]:
        self.say(f"{name}{': ' + detail if detail else ''} ...")
        _peak_rss_mib(reset=True)
        start, cpu = time.perf_counter(), _cpu_seconds()
        yield
        took = StepTime(name, time.perf_counter() - start, _cpu_seconds() - cpu, _peak_rss_mib())
        self.done.append(took)
        memory = f", peak {took.peak_rss_mib:,.0f} MiB resident" if took.peak_rss_mib else ""
        self.say(f"  {name}: {took.seconds:.1f} s ({took.cpu_seconds:.1f} s CPU){memory}")


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
    #: Each step of the build, in order, with its time (``sgraph build`` prints them as it goes).
    steps: list[StepTime] = field(default_factory=list)

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


#: ``SGRAPH_BUILD_STORE=auto`` builds in an on-disk store when the data files pass this size
#: (the in-memory store takes about 1.2 GiB per 10 MiB of synthetic Turtle once materialised).
DISK_STORE_BYTES = 256 << 20
STORE_MODES = ("auto", "memory", "disk")


def store_on_disk(settings: Settings, data: list[Path] | None, mode: str | None = None) -> bool:
    """Whether the build holds the graph in an on-disk store: ``mode`` (``auto``, ``memory``,
    ``disk``), else ``SGRAPH_BUILD_STORE``, else ``auto`` (the data's size decides)."""
    from sgraph import environment
    from sgraph.sources import data_files

    chosen = mode or environment.read("SGRAPH_BUILD_STORE") or "auto"
    if chosen not in STORE_MODES:
        raise InputError(
            f"unknown build store {chosen!r}",
            hint=f"use one of {', '.join(STORE_MODES)} (SGRAPH_BUILD_STORE)",
        )
    if chosen != "auto":
        return chosen == "disk"
    files = data_files(data if data is not None else [settings.data_dir])
    return sum(f.stat().st_size for f in files) > DISK_STORE_BYTES


def build(
    settings: Settings | None = None,
    out_dir: Path = Path("dist"),
    data: list[Path] | None = None,
    progress: Progress | None = None,
    engine: str | None = None,
    store: str | None = None,
) -> BuildResult:
    """Load, materialise, validate; if the graph conforms, publish it into ``out_dir``.

    ``store``: ``memory``, ``disk`` or ``auto`` (``store_on_disk``). An on-disk store lives in
    a temporary folder beside ``out_dir`` and is removed at the end, whatever happens.
    """
    settings = settings or Settings()
    out_dir = Path(out_dir)
    if not store_on_disk(settings, data, store):
        return _build(settings, out_dir, data, progress, engine, None)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{out_dir.name}.store.", dir=out_dir.parent) as tmp:
        return _build(settings, out_dir, data, progress, engine, Path(tmp) / "oxigraph")


def _build(
    settings: Settings,
    out_dir: Path,
    data: list[Path] | None,
    progress: Progress | None,
    engine: str | None,
    store_path: Path | None,
) -> BuildResult:
    steps = Steps(progress or (lambda _msg: None))
    where = f"on disk in {store_path.parent}" if store_path else "in memory"
    with steps.step("Loading and materialising", where):
        gs = GraphStore.load(settings, data, store_path=store_path, progress=steps.say)
    with steps.step("Counting triples"):
        triples = len(gs)
    with steps.step("Validating with SHACL", f"{len(gs.sources)} files, {triples} triples"):
        report = validate_store(gs, engine)
    if not report.conforms:
        raise ValidationError(report)
    written: list[Path] = []
    with staged_dir(Path(out_dir)) as stage:
        with steps.step("Writing ontology and shapes"):
            written += write_core(gs, stage)
        for publish in publishers():
            doc = publish.__doc__.splitlines()[0] if publish.__doc__ else publish.__name__
            with steps.step(f"Publishing {doc.split(':')[0].split(',')[0].rstrip('.')}"):
                written += publish(gs, stage)
        relative = sorted(p.relative_to(stage) for p in written)
    with steps.step("Counting entities"):
        counts = dict(gs.class_counts())
        entities = len(gs.entities())
    return BuildResult(
        out_dir=out_dir,
        triples=triples,
        entities=entities,
        class_counts=counts,
        report=report,
        files=relative,
        data=settings.describe_data(),
        steps=steps.done,
    )
